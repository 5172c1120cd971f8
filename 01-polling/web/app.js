// Short polling: ask for news every interval, whether or not there is any.
//
//   page                          server
//    | GET /messages?since=0  --->  |
//    | <--- 200 [backlog]           |
//    |   ...wait interval...        |
//    | GET /messages?since=7  --->  |
//    | <--- 200 []                  |   (most answers: nothing new)
//
// The next request is scheduled when the previous one has finished, not
// with setInterval: a slow answer must never pile requests up.

import { Page, getMessages, parseDuration, formatMs, sleep, wireSendForm, watchStats } from "./common.js";

const params = new URLSearchParams(location.search);
// ?interval=5s, ?interval=500ms or ?interval=2 (seconds); at least 50 ms.
const interval = parseDuration(params.get("interval"), 1000, 50);

const page = new Page();
wireSendForm();
watchStats(1000);
document.title = `01 · Short polling every ${formatMs(interval)}`;

for (;;) {
  try {
    page.answered(await getMessages(page.asking()));
    page.state(`polling every ${formatMs(interval)}`, "ok");
  } catch (err) {
    page.failed(err);
  }
  await sleep(interval);
}
