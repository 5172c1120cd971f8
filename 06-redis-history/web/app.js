// The chat page of chapter 06: chapter 05's room, plus a banner that says
// whether history reaches Redis. User text is always set with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
let lastID = "";   // newest message ID seen, for ?since= on reconnect
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

// The server pushes an error event the moment history degrades; the page
// then asks GET /status every 2 s until Redis is back, and stops asking.
function showStatus(st) {
  const el = $("status");
  if (st.store === "memory") {
    el.className = "memory";
    el.textContent = "history in memory only";
    el.title = st.detail || "";
  } else if (st.degraded) {
    el.className = "degraded";
    el.textContent = "history degraded" + (st.queued ? " (" + st.queued + " waiting)" : "");
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
    add("message", e.username, e.body, e.id);
    break;
  case "online":
  case "offline":
    add("event", "", e.username + (e.type === "online" ? " joined" : " left"));
    showMembers(e);
    break;
  case "error":
    add("error", "", e.body);
    if (/degraded/.test(e.body)) showStatus({ store: "redis", degraded: true, detail: e.body });
    break;
  }
}

function connect() {
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const name = new URLSearchParams(location.search).get("username");
  if (name) url.searchParams.set("username", name);
  if (lastID) url.searchParams.set("since", lastID);
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
  if (socket && socket.readyState === WebSocket.OPEN && input.value.trim()) {
    socket.send(JSON.stringify({ body: input.value }));
    input.value = "";
  }
});

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const body = new URLSearchParams({ username: $("name").value });
  await fetch("login", { method: "POST", body, headers: { Accept: "application/json" } });
  if (socket) socket.close(); // reconnect under the new name, with ?since=
});

connect();
