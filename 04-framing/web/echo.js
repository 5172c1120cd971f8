// The echo page: every message typed goes to /echo as a text frame and is
// shown again when the server's frame comes back, oldest first. Text is only
// ever put in the page with textContent, so nothing typed can become markup.
// The socket is opened by panel.js, traced in the frames panel.
"use strict";

const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");

function show(kind, text) {
  const li = document.createElement("li");
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = kind;
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = text;
  li.append(meta, body);
  log.append(li);
  log.scrollTop = log.scrollHeight;
}

openTraced("/echo", "", (ws) => {
  ws.onopen = () => setState("open", "connected");
  ws.onmessage = (e) => show("echo", e.data);
  ws.onclose = (e) => setState("closed", `closed: ${e.code} ${e.reason}`);

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (input.value === "" || ws.readyState !== WebSocket.OPEN) return;
    ws.send(input.value);
    show("sent", input.value);
    input.value = "";
  });
});
