// The chat page of chapter 06: chapter 05's room, plus a banner that says
// whether history reaches Redis. User text is always set with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
let lastID = "";   // newest message ID seen, for ?since= on reconnect
let lastEpoch = ""; // the history it belongs to, for ?epoch=
const unsent = new Map(); // key -> text of a message sent and not yet seen back
let retryKey = "";  // the key of a refused text put back in the box
let socket = null;
let retry = 500;   // reconnect backoff, ms
let statusTimer = 0;

function add(cls, who, text, id) {
  const li = document.createElement("li");
  li.className = cls;
  if (id) {
    const s = document.createElement("span");
    s.className = "id";
    s.textContent = "#" + id;
    li.append(s);
  }
  if (who) {
    const s = document.createElement("span");
    s.className = "who";
    s.textContent = who;
    li.append(s);
  }
  li.append(document.createTextNode(text));
  const list = $("messages");
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function showMembers(e) {
  $("count").textContent = e.count ? "(" + e.count + ")" : "";
  const ul = $("members");
  ul.replaceChildren();
  for (const m of e.members || []) {
    const li = document.createElement("li");
    li.textContent = m.username;
    li.title = m.client_id;
    ul.append(li);
  }
}

// The server pushes a notice the moment Redis goes away, and another when
// it is back; in between the page asks GET /status every 2 s.
function showStatus(st) {
  const el = $("status");
  if (st.store === "memory") {
    el.className = "memory";
    el.textContent = "history in memory only";
    el.title = st.detail || "";
  } else if (st.degraded) {
    el.className = "degraded";
    el.textContent = "history degraded: messages cannot be sent";
    el.title = st.detail || "";
  } else {
    el.className = "ok";
    el.textContent = "history on Redis";
    el.title = "";
  }
  clearTimeout(statusTimer);
  if (st.degraded) statusTimer = setTimeout(checkStatus, 2000);
}

async function checkStatus() {
  try {
    const r = await fetch("status", { cache: "no-store" });
    if (r.ok) showStatus(await r.json());
  } catch (_) {
    statusTimer = setTimeout(checkStatus, 2000);
  }
}

function onEvent(e) {
  switch (e.type) {
  case "message":
    if (e.id) lastID = e.id;
    if (e.epoch) lastEpoch = e.epoch;
    unsent.delete(e.key);
    add("message", e.username, e.body, e.id);
    break;
  case "online":
  case "offline":
    add("event", "", e.username + (e.type === "online" ? " joined" : " left"));
    showMembers(e);
    break;
  case "error":
    add("error", "", e.body);
    if (/^Redis is out of reach/.test(e.body)) showStatus({ store: "redis", degraded: true, detail: e.body });
    if (/^Redis is back/.test(e.body)) checkStatus();
    // A refused message comes back to the box; sent again unchanged it
    // keeps its key, so Redis stores it at most once.
    if (e.key && unsent.has(e.key) && !$("body").value) {
      $("body").value = unsent.get(e.key);
      retryKey = e.key;
    }
    break;
  }
}

function connect() {
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const name = new URLSearchParams(location.search).get("username");
  if (name) url.searchParams.set("username", name);
  if (lastID) url.searchParams.set("since", lastID);
  if (lastEpoch) url.searchParams.set("epoch", lastEpoch);
  socket = new WebSocket(url);
  socket.onopen = () => {
    retry = 500;
    $("where").textContent = "connected to " + location.host;
    checkStatus();
  };
  socket.onmessage = (m) => {
    try { onEvent(JSON.parse(m.data)); } catch (_) { /* not ours: ignore */ }
  };
  socket.onclose = (c) => {
    $("where").textContent = "disconnected (" + c.code + "), reconnecting…";
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 10000);
  };
}

$("send").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const input = $("body");
  const text = input.value.trim();
  if (socket && socket.readyState === WebSocket.OPEN && text) {
    const key = retryKey && unsent.get(retryKey) === text ? retryKey : newKey();
    retryKey = "";
    unsent.set(key, text);
    socket.send(JSON.stringify({ body: text, key: key }));
    input.value = "";
  }
});

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const body = new URLSearchParams({ username: $("name").value });
  await fetch("login", { method: "POST", body, headers: { Accept: "application/json" } });
  if (socket) socket.close(); // reconnect under the new name, with ?since=
});

// newKey names one message: 16 random hex digits.
function newKey() {
  const b = new Uint8Array(8);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

connect();
