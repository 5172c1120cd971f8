// Chapter 03's page: open one WebSocket and show each event as it happens.
// The state badge is the course's (chapter 01's ui.js); the event log and
// the frame drawn byte by byte are this chapter's. All text from the
// network is rendered with textContent, never innerHTML.

import { setState as badge } from "./ui.js";

const logList = document.getElementById("log");
const stateEl = document.getElementById("state");
const bytesEl = document.getElementById("bytes");
const urlEl = document.getElementById("url");
const again = document.getElementById("again");

// The WebSocket lives on the same host and port as the page: ws:// for
// http://, wss:// for https://. Same origin, so the server's origin check
// passes.
const wsURL = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
urlEl.textContent = wsURL;

const started = performance.now();

function log(kind, text) {
  const li = document.createElement("li");
  li.className = "ev ev-" + kind;
  const tag = document.createElement("span");
  tag.className = "tag";
  tag.textContent = kind;
  const ms = document.createElement("span");
  ms.className = "ms";
  ms.textContent = (performance.now() - started).toFixed(0) + " ms";
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(tag, body, ms);
  logList.append(li);
}

// The badge's colours are the course's: blue while connecting, green
// while open, grey once closed.
const kinds = { connecting: "wait", open: "ok", closed: "idle" };
function setState(name, text) {
  badge(stateEl, text, kinds[name]);
}

// showFrame draws the bytes the server sent for a short, unmasked text frame.
function showFrame(text) {
  const payload = new TextEncoder().encode(text);
  const cells = [[0x81, "b0"], [payload.length, "b1"]];
  for (const b of payload) cells.push([b, "pl"]);
  bytesEl.replaceChildren();
  for (const [value, cls] of cells) {
    const cell = document.createElement("span");
    cell.className = "byte " + cls;
    cell.textContent = value.toString(16).padStart(2, "0");
    cell.title = cls === "pl" ? JSON.stringify(String.fromCharCode(value)) : "";
    bytesEl.append(cell);
  }
}

function connect() {
  setState("connecting", "connecting…");
  log("connect", "new WebSocket(\"" + wsURL + "\")");
  const ws = new WebSocket(wsURL);

  ws.onopen = () => {
    setState("open", "open");
    log("open", "101 Switching Protocols: the handshake succeeded");
  };
  ws.onmessage = (ev) => {
    log("message", String(ev.data));
    showFrame(String(ev.data));
  };
  ws.onerror = () => {
    log("error", "the connection failed (see the network panel for the status)");
  };
  ws.onclose = (ev) => {
    setState("closed", "closed");
    const reason = ev.reason ? "“" + ev.reason + "”" : "(no reason)";
    log("close", "code " + ev.code + ", reason " + reason + ", clean: " + ev.wasClean);
  };
}

again.addEventListener("click", connect);
connect();
