// The echo page: every message typed goes to /echo as a text frame and is
// shown again when the server's frame comes back, oldest first. Text is only
// ever put in the page with textContent, so nothing typed can become markup.
// The socket is opened by panel.js, traced in the frames panel.

import { $, showMessage } from "./ui.js";
import { openTraced, setState } from "./panel.js";

const log = $("log");
const form = $("form");
const input = $("text");

// show lists one message: what was sent, or its echo.
const show = (kind, text) => showMessage(log, { username: kind, body: text });

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
