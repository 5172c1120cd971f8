// Chapter 05's chat room, as a module: openRoom(hooks) runs the page.
// Chapter 05's app.js calls it as is; chapter 06's imports it and adds what
// a room on Redis shows through the hooks. The badge, the member count and
// the message list are drawn by the course's ui.js (chapter 01).
//
// One WebSocket to /ws. Every frame from the server is one JSON event:
// {"type":"message"|"online"|"offline"|"error", "id", "client_id",
//  "username", "body", "time", "members", "count"}.
// Every frame to the server is {"body":"..."}.
//
// Everything a person typed is put on the page with textContent, never
// innerHTML: a body of "<script>" shows as those eight characters.

import { $, setState as badge, setCount, showMessage, showNotice } from "./ui.js";

// openRoom connects the page to the room and wires its forms. hooks, all
// optional: onOpen(ws) when a connection opens, onEvent(e) for every event
// after the page has handled it, showIDs to list each message's ID.
export function openRoom(hooks = {}) {
  const log = $("log");
  const state = $("state");
  const members = $("members");
  const frames = $("frames");
  const sendForm = $("send");
  const body = $("body");
  const sendButton = $("send-button");
  const loginForm = $("login");
  const loginName = $("login-name");

  let socket = null;
  let lastId = null;      // the newest message shown, as a BigInt (IDs are decimal strings): ?since= on reconnect
  let lastEpoch = "";     // the history it belongs to: ?epoch= on reconnect
  const unsent = new Map(); // key -> text of a message sent and not yet seen back
  let retryKey = "";      // the key of the text put back in the box, if any
  let attempt = 0;        // reconnects since the last open, for the backoff
  let retryTimer = null;

  // connect opens the room, asking only for what came after lastId, so a
  // reconnect neither misses a message nor shows one twice.
  function connect() {
    clearTimeout(retryTimer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = new URL(scheme + "//" + location.host + "/ws");
    // ?username= on the page's address is passed on: a name for a demo tab
    // (the signed cookie of the login form still wins over it).
    const name = new URLSearchParams(location.search).get("username");
    if (name) url.searchParams.set("username", name);
    if (lastId !== null) url.searchParams.set("since", String(lastId));
    if (lastEpoch) url.searchParams.set("epoch", lastEpoch);
    setState("connecting", attempt ? "reconnecting…" : "connecting…");
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      if (ws !== socket) return;
      attempt = 0;
      setState("open", "connected");
      body.disabled = false;
      sendButton.disabled = false;
      if (hooks.onOpen) hooks.onOpen(ws);
    };
    ws.onmessage = (m) => {
      if (ws !== socket) return;
      showFrame("in", m.data);
      let e;
      try { e = JSON.parse(m.data); } catch { return; }
      handle(e);
    };
    ws.onclose = (c) => {
      if (ws !== socket) return; // replaced on purpose (new name)
      body.disabled = true;
      sendButton.disabled = true;
      retry(c.code);
    };
  }

  // retry waits 0.5 s, 1 s, 2 s, ... up to 15 s, with some jitter so a
  // class of laptops does not come back in one burst after a restart.
  function retry(code) {
    const base = Math.min(15000, 500 * 2 ** attempt);
    const wait = Math.round(base * (0.75 + Math.random() / 2));
    attempt++;
    setState("closed", "disconnected (" + code + "), retrying in " + (wait / 1000).toFixed(1) + " s");
    retryTimer = setTimeout(connect, wait);
  }

  // The badge: blue while connecting, green when open, red when closed; its
  // title is the socket's URL, ?since= and ?epoch= included.
  const kinds = { connecting: "wait", open: "ok", closed: "bad" };
  function setState(kind, text) {
    badge(state, text, kinds[kind], socket ? socket.url : "");
  }

  function handle(e) {
    switch (e.type) {
      case "message": {
        const id = BigInt(e.id);
        // A new epoch is a new history, whose IDs start again: the old
        // lastId says nothing about it (the server said so in a notice).
        if (e.epoch && lastEpoch && e.epoch !== lastEpoch) lastId = null;
        if (lastId !== null && id <= lastId) return; // already shown
        lastId = id;
        if (e.epoch) lastEpoch = e.epoch;
        unsent.delete(e.key);
        showMessage(log, e, hooks.showIDs);
        break;
      }
      case "online":
      case "offline":
        showNotice(log, "presence", e.username + (e.type === "online" ? " joined" : " left"), e.time);
        showMembers(e);
        break;
      case "error":
        showNotice(log, "error", e.body, e.time);
        // A message that was not sent comes back to the box; sent again
        // unchanged it keeps its key, so the server stores it at most once.
        if (e.key && unsent.has(e.key) && !body.value) {
          body.value = unsent.get(e.key);
          retryKey = e.key;
        }
        break;
    }
    if (hooks.onEvent) hooks.onEvent(e);
  }

  // showMembers draws the list from an online or offline event, which
  // carries the whole room after the change (the list is left out of big
  // rooms; the count is always there).
  function showMembers(e) {
    setCount("count", e.count || 0);
    members.replaceChildren();
    for (const m of e.members || []) {
      const li = document.createElement("li");
      li.textContent = m.username;
      li.title = m.client_id;
      members.append(li);
    }
  }

  // showFrame keeps the last 20 frames, newest first, with their size on
  // the wire's payload (UTF-8 bytes, before any compression).
  const utf8 = new TextEncoder();
  function showFrame(dir, data) {
    const li = document.createElement("li");
    const arrow = document.createElement("span");
    arrow.className = "dir " + dir;
    arrow.textContent = dir === "in" ? "↓" : "↑";
    const size = document.createElement("span");
    size.className = "size";
    size.textContent = String(utf8.encode(data).length);
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = data;
    text.title = data;
    li.append(arrow, size, text);
    frames.prepend(li);
    while (frames.children.length > 20) frames.lastChild.remove();
  }

  function send() {
    const text = body.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) return;
    const key = retryKey && unsent.get(retryKey) === text ? retryKey : newKey();
    retryKey = "";
    unsent.set(key, text);
    const data = JSON.stringify({ body: text, key: key });
    socket.send(data);
    showFrame("out", data);
    body.value = "";
  }

  // newKey names one message: 16 random hex digits.
  function newKey() {
    const b = new Uint8Array(8);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  sendForm.addEventListener("submit", (ev) => { ev.preventDefault(); send(); });
  body.addEventListener("keydown", (ev) => {
    // Enter sends; Shift+Enter is a new line (and so is Enter while an
    // input method is composing a character).
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      send();
    }
  });

  // The login form sets the signed username cookie, then reconnects so the
  // room knows the new name. The cookie is HttpOnly: GET /login says who we are.
  loginForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const res = await fetch("/login", {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(new FormData(loginForm)),
    });
    if (!res.ok) {
      showNotice(log, "error", "could not set the name: HTTP " + res.status);
      return;
    }
    const who = await res.json();
    loginName.value = who.username;
    const old = socket;
    attempt = 0;
    connect();
    if (old) old.close(1000, "new name");
  });

  // Leaving the page (or its going into the back/forward cache) leaves the
  // room at once, rather than when the server's ping deadline notices; coming
  // back from that cache reconnects.
  window.addEventListener("pagehide", () => {
    clearTimeout(retryTimer);
    const old = socket;
    socket = null;
    if (old) old.close(1000, "page closed");
  });
  window.addEventListener("pageshow", (ev) => { if (ev.persisted) connect(); });

  fetch("/login", { headers: { "Accept": "application/json" } })
    .then((r) => r.json())
    .then((who) => { if (who.username && !loginName.value) loginName.value = who.username; })
    .catch(() => {});

  connect();
}
