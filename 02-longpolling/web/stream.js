// Streaming: ask once, and read the answer as the server writes it.
//
//   page                                server
//    | GET /events  ------------------->  |
//    | <--- 200 text/event-stream         |  headers, and "retry: 2000"
//    | <--- id: 8  data: {message 8}      |  the moment it is stored
//    | <--- : still here                  |  a comment, when it is quiet
//    | <--- id: 9  data: {message 9}      |
//
// EventSource does the reading, and the reconnecting: when the stream
// breaks it waits "retry" ms and asks again with Last-Event-ID: 9, so the
// server resumes after 9. The page and its counters are chapter 01's
// (common.js); only this loop differs.

import { Page, wireSendForm, watchStats } from "./common.js";

const page = new Page();
wireSendForm();
watchStats(1000);

const source = new EventSource(page.asking().replace("/messages?since=0", "/events"));
source.onopen = () => page.state("streaming: the server writes as news comes", "ok");
source.onmessage = (e) => page.answered([JSON.parse(e.data)]);
source.onerror = () => {
  // EventSource reconnects by itself; count the new request it makes.
  page.requests++;
  page.failed(new Error("stream broken, reconnecting"));
};
