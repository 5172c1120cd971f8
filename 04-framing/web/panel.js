// The frames panel, shared by the echo and chat pages: the server's own
// trace of this page's WebSocket, frame by frame, as -trace draws it.
//
// A connection cannot carry its own trace (every trace message would be
// traced in turn), so the trace comes over a second connection: the page
// picks a random ID, opens GET /trace?conn=ID (Server-Sent Events), and only
// once that stream is open opens its WebSocket with ?trace=ID. The buttons
// are POST requests on the side, since a browser cannot send a ping or a
// fragment itself. Everything from the network is shown with textContent.

import { $, setState as badge } from "./ui.js";

// openTraced opens the WebSocket at path (with query, "" or "a=b") once the
// trace stream is ready, and hands it to onSocket. wss: when the page is
// https:, so the socket is as secure as the page.
export function openTraced(path, query, onSocket) {
  const frames = document.getElementById("frames");
  const note = document.getElementById("panel-note");
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = (traced) => {
    const params = new URLSearchParams(query);
    if (traced) params.set("trace", id);
    const q = params.toString();
    return `${scheme}//${location.host}${path}${q ? "?" + q : ""}`;
  };

  function addFrame(f) {
    const li = document.createElement("li");
    const control = ["ping", "pong", "close"].includes(f.op);
    li.className = `frame ${f.in ? "in" : "out"}${control ? " control" : ""}`;
    const head = document.createElement("div");
    head.className = "frame-head";
    const parts = [
      ["dir", f.in ? "browser → server" : "server → browser"],
      ["op", f.op],
      ["fin", f.fin ? "FIN=1" : "FIN=0 (more to come)"],
      ["len", `${f.len} B`],
    ];
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      head.append(span);
    }
    const pre = document.createElement("pre");
    pre.textContent = f.trace;
    li.append(head, pre);
    frames.append(li);
    frames.scrollTop = frames.scrollHeight;
  }

  const es = new EventSource(`/trace?conn=${id}`);
  let opened = false;
  es.addEventListener("frame", (e) => addFrame(JSON.parse(e.data)));
  es.addEventListener("lost", (e) => {
    const li = document.createElement("li");
    li.className = "lost";
    li.textContent = `${e.data} frames not shown: this page read the trace too slowly`;
    frames.append(li);
  });
  // The connection is over: no reconnecting to a stream with nothing left.
  es.addEventListener("end", () => es.close());
  const actions = { ping: "/trace/ping", fragments: "/trace/fragments", close: "/trace/close" };
  const buttons = Object.keys(actions).map((name) => document.getElementById(name));
  function open(traced) {
    opened = true;
    const ws = new WebSocket(url(traced));
    // Once closed there is nothing left to ping, cut or close.
    ws.addEventListener("close", () => buttons.forEach((b) => { b.disabled = true; }));
    onSocket(ws);
  }
  es.onopen = () => {
    if (!opened) open(true);
  };
  es.onerror = () => {
    if (opened) return;
    // No trace stream (an older server): the page still works, untraced.
    es.close();
    note.textContent = "no trace stream: the panel stays empty";
    buttons.forEach((b) => { b.disabled = true; });
    open(false);
  };

  for (const [button, action] of Object.entries(actions)) {
    document.getElementById(button).addEventListener("click", async () => {
      try {
        const resp = await fetch(`${action}?conn=${id}`, { method: "POST" });
        note.textContent = (await resp.text()).trim();
      } catch (err) {
        note.textContent = String(err);
      }
    });
  }
}

// setState shows the connection's state in the card's badge, in the
// course's colours: green while open, grey once closed.
export function setState(name, text) {
  badge($("status"), text, name === "open" ? "ok" : "idle");
}
