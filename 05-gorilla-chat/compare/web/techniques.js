// The four kinds of client of the side-by-side page, one function each.
// Every client calls deliver(p, m, arrived, first, bytes) for each new
// message, where bytes is the length of the JSON text that carried it: what
// the message itself weighs, so the page can tell it from the overhead.

import { deliver, now, status } from "./compare.js";

const LONG_WAIT = "30s";   // how long the server may hold a long poll
const utf8 = new TextEncoder();
const bytesOf = (text) => utf8.encode(text).length;

function baseURL(t, scheme) {
  return `${scheme}://${location.hostname}:${t.port}`;
}
const httpScheme = () => (location.protocol === "https:" ? "https" : "http");

// Short polling (chapter 01): ask, wait the interval, ask again.
export async function shortClient(p, since, first, signal, interval) {
  while (!signal.aborted) {
    since = await ask(p, since, first, signal, "");
    await sleep(interval, signal);
  }
}

// Long polling (chapter 02): ask with ?wait=, and ask again as soon as the
// answer comes.
export async function longClient(p, since, first, signal) {
  while (!signal.aborted) {
    const before = since;
    since = await ask(p, since, first, signal, "&wait=" + LONG_WAIT);
    if (since === before && p.lastError) await sleep(1000, signal); // server down: do not spin
  }
}

async function ask(p, since, first, signal, extra) {
  try {
    const res = await fetch(`${baseURL(p.tech, httpScheme())}/messages?since=${since}${extra}`,
      { cache: "no-store", signal });
    const msgs = await res.json();
    const arrived = now();
    if (!res.ok) throw new Error(msgs.error || res.statusText);
    p.lastError = null;
    if (msgs.length === 0) p.empty++;
    for (const m of msgs) {
      if (m.id <= since) continue;
      since = m.id;
      // The answer's array holds each message as its JSON object; Go
      // writes the same text for it (save < > & as \u003c..., rare here).
      deliver(p, m, arrived, first, bytesOf(JSON.stringify(m)));
    }
  } catch (err) {
    if (!signal.aborted) {
      p.lastError = err;
      status("error: " + p.tech.label + ": " + err.message);
    }
  }
  return since;
}

// Streaming (chapter 02): one EventSource; the server writes an event per
// message into a response that never ends. On a broken connection the
// browser reconnects by itself, sending Last-Event-ID, so nothing is lost.
export function streamClient(p, since, first, signal, opened) {
  const es = new EventSource(`${baseURL(p.tech, httpScheme())}${p.tech.path}?since=${since}`);
  es.onopen = opened;
  es.onmessage = (ev) => {
    const arrived = now();
    const m = JSON.parse(ev.data);
    if (m.id <= since) return;
    since = m.id;
    deliver(p, m, arrived, first, bytesOf(ev.data));
  };
  es.onerror = () => {
    if (!signal.aborted) status("error: the stream broke; EventSource reconnects by itself");
  };
  signal.addEventListener("abort", () => es.close());
}

// WebSocket (this chapter): one connection; the server sends each message
// as a frame.
export function wsClient(p, since, first, signal, opened) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${baseURL(p.tech, scheme)}${p.tech.path}?since=${since}`);
  ws.onopen = opened;
  ws.onmessage = (ev) => {
    const arrived = now();
    const m = JSON.parse(ev.data);
    if (m.id <= since) return;
    since = m.id;
    deliver(p, m, arrived, first, bytesOf(ev.data));
  };
  ws.onclose = (ev) => {
    if (!signal.aborted) status(`error: WebSocket closed (${ev.code} ${ev.reason})`);
  };
  signal.addEventListener("abort", () => ws.close(1000, "stopped"));
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
