// The chat page: one WebSocket to /chat, opened by panel.js and traced in
// the frames panel. Events arrive as JSON text frames
// ({"type":"message","username":"ann","body":"hi","time":"..."}); what a
// person wrote is shown with textContent only, never as HTML.
import { $, showMessage, showNotice } from "./ui.js";
import { openTraced, setState } from "./panel.js";

const log = $("log");
const form = $("form");
const input = $("text");

function add(ev) {
  if (ev.type === "message") {
    showMessage(log, ev);
  } else {
    const how = ev.type === "online" ? "joined" : "left";
    showNotice(log, "presence", `${ev.username} ${how} (${ev.count} here)`, ev.time);
  }
}

const name = new URLSearchParams(location.search).get("username") || "";
openTraced("/chat", `username=${encodeURIComponent(name)}`, (ws) => {
  ws.onopen = () => setState("open", "connected");
  ws.onmessage = (e) => add(JSON.parse(e.data));
  ws.onclose = (e) => setState("closed", `closed: ${e.code} ${e.reason}`);

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (input.value.trim() === "" || ws.readyState !== WebSocket.OPEN) return;
    ws.send(input.value);
    input.value = "";
  });
});
