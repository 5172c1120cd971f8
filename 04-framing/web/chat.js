// The chat page: one WebSocket to /chat. Events arrive as JSON text frames
// ({"type":"message","username":"ann","body":"hi","time":"..."}); what a
// person wrote is shown with textContent only, never as HTML.
"use strict";

const status = document.getElementById("status");
const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");

const name = new URLSearchParams(location.search).get("username") || "";
const ws = new WebSocket(`ws://${location.host}/chat?username=${encodeURIComponent(name)}`);

function add(ev) {
  const li = document.createElement("li");
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `${new Date(ev.time).toLocaleTimeString()} ${ev.username}`;
  li.append(meta);
  if (ev.type === "message") {
    li.append(document.createTextNode(ev.body));
  } else {
    const note = document.createElement("span");
    note.className = "system";
    note.textContent = ev.type === "online" ? "joined" : "left";
    li.append(note);
  }
  log.append(li);
}

ws.onopen = () => { status.textContent = "connected"; };
ws.onmessage = (e) => add(JSON.parse(e.data));
ws.onclose = (e) => { status.textContent = `closed: ${e.code} ${e.reason}`; };

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (input.value.trim() === "" || ws.readyState !== WebSocket.OPEN) return;
  ws.send(input.value);
  input.value = "";
});
