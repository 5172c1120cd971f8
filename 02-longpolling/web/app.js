// Long polling: ask for news, and let the server hold the question until
// there is some. As soon as an answer comes, ask again.
//
//   page                                   server
//    | GET /messages?since=7&wait=30s  --->  |  held: no news yet
//    |                                       |  ... POST /messages from someone
//    | <--- 200 [message 8]                  |  answered at once
//    | GET /messages?since=8&wait=30s  --->  |  held again
//
// The page and its counters are chapter 01's (common.js); only this loop
// differs.

import { Page, getMessages, parseDuration, formatMs, sleep, wireSendForm, watchStats } from "./common.js";

const params = new URLSearchParams(location.search);
// ?wait=30s (the server's default and the page's), 0 answers at once; the
// server refuses more than 2m, so the page never asks for more.
const wait = Math.min(parseDuration(params.get("wait"), 30000, 0), 120000);
const waitParam = `&wait=${wait}ms`;

const page = new Page();
wireSendForm();
watchStats(1000);
document.title = `02 · Long polling, wait ${formatMs(wait)}`;

for (;;) {
  try {
    page.state(`waiting for news (up to ${formatMs(wait)})`, "ok");
    page.answered(await getMessages(page.asking(waitParam)));
  } catch (err) {
    page.failed(err);
    // After a failure, pause before asking again: a server that is down
    // (or answers 400 to a bad wait) must not be hit in a tight loop.
    await sleep(1000);
  }
}
