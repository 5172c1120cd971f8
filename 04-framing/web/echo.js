// The echo page: every message typed goes to /echo as a text frame and is
// shown again when the server's frame comes back. Text is only ever put in
// the page with textContent, so nothing anyone types can become markup.
"use strict";

const status = document.getElementById("status");
const log = document.getElementById("log");
const form = document.getElementById("form");
const input = document.getElementById("text");

function show(kind, text) {
  const li = document.createElement("li");
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = kind;
  li.append(meta, document.createTextNode(text));
  log.prepend(li);
}

const ws = new WebSocket(`ws://${location.host}/echo`);
ws.onopen = () => { status.textContent = "connected"; };
ws.onmessage = (e) => show("echo", e.data);
ws.onclose = (e) => { status.textContent = `closed: ${e.code} ${e.reason}`; };

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (input.value === "" || ws.readyState !== WebSocket.OPEN) return;
  ws.send(input.value);
  show("sent", input.value);
  input.value = "";
});
