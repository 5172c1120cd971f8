// The chat page: one WebSocket to /chat, opened by panel.js and traced in
// the frames panel. Events arrive as JSON text frames
// ({"type":"message","username":"ann","body":"hi","time":"..."}); what a
// person wrote is shown with textContent only, never as HTML.
"use strict";

const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");

function add(ev) {
  const li = document.createElement("li");
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `${new Date(ev.time).toLocaleTimeString()} ${ev.username}`;
  const body = document.createElement("span");
  if (ev.type === "message") {
    body.className = "body";
    body.textContent = ev.body;
  } else {
    body.className = "system";
    body.textContent = ev.type === "online" ? `joined (${ev.count} here)` : `left (${ev.count} here)`;
  }
  li.append(meta, body);
  log.append(li);
  log.scrollTop = log.scrollHeight;
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
