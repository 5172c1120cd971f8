// Chapter 06's page: chapter 05's room (chat.js, imported, not copied),
// plus what a room shared by several servers on Redis shows: each
// message's ID, which server the page talks to, and a banner that says
// whether history reaches Redis. User text is always set with textContent.
import { $, setState } from "./ui.js";
import { openRoom } from "./chat.js";

let statusTimer = 0;

// The server pushes a notice the moment Redis goes away, and another when
// it is back; in between the page asks GET /status every 2 s.
function showStatus(st) {
  if (st.store === "memory") {
    setState($("status"), "history in memory only", "wait", st.detail || "");
  } else if (st.degraded) {
    setState($("status"), "history degraded: messages cannot be sent", "bad", st.detail || "");
  } else {
    setState($("status"), "history on Redis", "ok");
  }
  clearTimeout(statusTimer);
  if (st.degraded) statusTimer = setTimeout(checkStatus, 2000);
}

async function checkStatus() {
  try {
    const r = await fetch("/status", { cache: "no-store" });
    if (r.ok) showStatus(await r.json());
  } catch {
    statusTimer = setTimeout(checkStatus, 2000);
  }
}

openRoom({
  showIDs: true,
  onOpen: () => {
    $("where").textContent = location.host;
    checkStatus();
  },
  onEvent: (e) => {
    if (e.type !== "error") return;
    if (/^Redis is out of reach/.test(e.body)) showStatus({ store: "redis", degraded: true, detail: e.body });
    if (/^Redis is back/.test(e.body)) checkStatus();
  },
});
