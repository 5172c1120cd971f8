// The side-by-side page: four groups of clients, one per technique (their
// code is techniques.js), all reading the same message log, and the
// server's counters for each. User text is written with textContent, never
// innerHTML. The state badge is the course's (chapter 01's ui.js).

import { setState } from "./ui.js";
import { shortClient, longClient, streamClient, wsClient } from "./techniques.js";

const NAMES = ["short", "long", "stream", "ws"];
const PUSHED = ["stream", "ws"];  // the techniques that set up a connection first
const KEEP = 100;          // delays kept per pane: "of the last 100"
const SHOWN = 6;           // messages listed per pane
const LOG_MIN = -1, LOG_MAX = 4; // chart: 0.1 ms to 10 s, log10 of ms

const $ = (sel) => document.querySelector(sel);
let config = null;   // GET /compare/api/config
let run = null;      // the running clients, null when stopped
const panes = {};    // per technique: elements and counters

// The server writes times with nanoseconds (RFC 3339); Date.parse takes
// milliseconds at most, so the rest is added by hand.
function parseTime(s) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return NaN;
  const frac = m[2] ? Number("0." + m[2]) * 1000 : 0;
  return Date.parse(m[1] + m[3]) + frac;
}

// Now in milliseconds with a fraction, on the same clock as Date.
export const now = () => performance.timeOrigin + performance.now();

function formatDelay(ms) {
  if (!isFinite(ms)) return "–";
  if (ms < 1) return Math.round(ms * 1000) + " µs";
  if (ms < 1000) return ms.toFixed(ms < 10 ? 2 : 0) + " ms";
  return (ms / 1000).toFixed(2) + " s";
}

function formatCount(n) { return Math.round(n).toLocaleString("en-US"); }

function setK(p, k, text) { p.el.querySelector(`[data-k="${k}"]`).textContent = text; }

function buildPanes() {
  const tpl = $("#pane-template");
  for (const t of config.techniques) {
    const el = tpl.content.firstElementChild.cloneNode(true);
    el.classList.add(t.name);
    el.id = "pane-" + t.name;
    el.querySelector("h2").textContent = t.label;
    $("#panes").appendChild(el);
    panes[t.name] = { el, tech: t, received: 0, empty: 0, payload: 0, delays: [], dirty: false };
    drawGrid(panes[t.name]);
  }
}

function resetPane(p) {
  p.received = 0;
  p.empty = 0;
  p.payload = 0;
  p.setup = PUSHED.includes(p.tech.name) ? null : 0; // polling sets nothing up
  p.delays = [];
  p.el.querySelector(".messages").replaceChildren();
  for (const k of ["received", "requests", "empty", "up", "down"]) setK(p, k, "0");
  for (const k of ["perMessage", "setup", "overhead", "median", "worst"]) setK(p, k, "–");
  p.dirty = true;
}

// One client got message m, carried as bytes of JSON text. Only the first
// client of a pane lists it; every client counts it.
export function deliver(p, m, arrived, first, bytes) {
  p.received++;
  p.payload += bytes;
  p.delays.push(Math.max(0, arrived - parseTime(m.time)));
  if (p.delays.length > KEEP) p.delays.shift();
  if (first) {
    const li = document.createElement("li");
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = m.username;
    li.append(who, document.createTextNode(m.body));
    const list = p.el.querySelector(".messages");
    list.prepend(li);
    while (list.children.length > SHOWN) list.lastChild.remove();
  }
  p.dirty = true;
}

// ---- the server's side ---------------------------------------------------

async function api(path, body) {
  const res = await fetch("/compare/api/" + path, body === undefined ? { cache: "no-store" } : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

// Every second while running: the server's counters since Start.
async function refreshStats() {
  if (!run) return;
  const s = await api("stats");
  for (const name of NAMES) {
    const p = panes[name], cur = s.techniques[name], base = run.baseline.techniques[name];
    if (!p || !cur || !base) continue;
    const up = cur.bytes_in - base.bytes_in, down = cur.bytes_out - base.bytes_out;
    setK(p, "requests", formatCount(cur.requests - base.requests));
    setK(p, "up", formatCount(up));
    setK(p, "down", formatCount(down));
    setK(p, "perMessage", p.received ? formatCount((up + down) / p.received) : "–");
    if (p.setup !== null) setK(p, "setup", formatCount(p.setup));
    // The steady state's price of a message: what the wire carried beyond
    // the set-up and the messages themselves.
    if (p.setup !== null && p.received) {
      const over = (up + down - p.setup - p.payload) / p.received;
      setK(p, "overhead", over < 10 ? over.toFixed(1) : formatCount(over));
    }
  }
}

// The set-up of a pushing pane: once every one of its clients has opened
// its connection (and before a quiet room's first message, as a rule), the
// bytes its technique's server has counted since Start are the requests,
// handshakes and response heads of setting up.
function openedCounter(p, clients, baseline) {
  let left = clients;
  return () => {
    if (left <= 0 || --left > 0) return; // a reconnect later is not set-up
    api("stats").then((s) => {
      const cur = s.techniques[p.tech.name], base = baseline.techniques[p.tech.name];
      p.setup = cur.bytes_in - base.bytes_in + cur.bytes_out - base.bytes_out;
      p.dirty = true;
    }).catch((err) => status("error: " + err.message));
  };
}

// ---- drawing ---------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function yOf(ms) {
  const l = Math.log10(Math.max(ms, 10 ** LOG_MIN));
  return 120 - (Math.min(l, LOG_MAX) - LOG_MIN) / (LOG_MAX - LOG_MIN) * 120;
}

// Faint lines at 1 ms, 10 ms, 100 ms and 1 s.
function drawGrid(p) {
  const svg = p.el.querySelector(".chart");
  for (let e = 0; e < LOG_MAX; e++) {
    const line = document.createElementNS(SVG, "line");
    line.setAttribute("class", "grid");
    line.setAttribute("x1", 0); line.setAttribute("x2", 300);
    line.setAttribute("y1", yOf(10 ** e)); line.setAttribute("y2", yOf(10 ** e));
    svg.appendChild(line);
  }
  p.line = document.createElementNS(SVG, "polyline");
  svg.appendChild(p.line);
}

function draw() {
  for (const name of NAMES) {
    const p = panes[name];
    if (!p || !p.dirty) continue;
    p.dirty = false;
    setK(p, "received", formatCount(p.received));
    setK(p, "empty", formatCount(p.empty));
    if (p.delays.length) {
      const sorted = [...p.delays].sort((a, b) => a - b);
      setK(p, "median", formatDelay(sorted[Math.floor((sorted.length - 1) / 2)]));
      setK(p, "worst", formatDelay(sorted[sorted.length - 1]));
    }
    const step = 300 / (KEEP - 1);
    p.line.setAttribute("points", p.delays.map((d, i) => `${(i * step).toFixed(1)},${yOf(d).toFixed(1)}`).join(" "));
  }
  requestAnimationFrame(draw);
}

// ---- controls --------------------------------------------------------------

// status shows what the demo is doing in the badge: green while running,
// red on an error, grey when stopped.
export function status(text) {
  const kind = text.startsWith("running") ? "ok" : text.startsWith("error") ? "bad" : "idle";
  setState($("#status"), text, kind);
}

async function start() {
  stop();
  const clients = Math.min(20, Math.max(1, Number($("#clients").value) || 1));
  const interval = Number($("#interval").value);
  config = await api("config"); // the last ID now: the clients start after it
  const tick = $("#tick").value;
  if (tick !== config.tick) await api("tick", { every: tick });
  const ctrl = new AbortController();
  run = { ctrl, baseline: await api("stats") };
  for (const name of NAMES) {
    const p = panes[name];
    resetPane(p);
    const opened = openedCounter(p, clients, run.baseline);
    for (let i = 0; i < clients; i++) {
      const first = i === 0;
      if (name === "short") {
        // Spread over one interval, as visitors who came at different times.
        setTimeout(() => shortClient(p, config.last_id, first, ctrl.signal, interval), interval * i / clients);
      } else if (name === "long") {
        longClient(p, config.last_id, first, ctrl.signal);
      } else if (name === "stream") {
        streamClient(p, config.last_id, first, ctrl.signal, opened);
      } else {
        wsClient(p, config.last_id, first, ctrl.signal, opened);
      }
    }
  }
  $("#start").textContent = "Restart";
  $("#stop").disabled = false;
  status(`running: ${clients} client${clients > 1 ? "s" : ""} per pane, polling every ${interval} ms, clock ${tick}`);
}

function stop() {
  if (!run) return;
  run.ctrl.abort();
  run = null;
  $("#start").textContent = "Start";
  $("#stop").disabled = true;
  status("stopped");
}

async function main() {
  config = await api("config");
  buildPanes();
  if (config.tick !== "off") {
    const sel = $("#tick");
    if ([...sel.options].some((o) => o.value === config.tick)) sel.value = config.tick;
  }
  $("#controls").addEventListener("submit", (ev) => {
    ev.preventDefault();
    start().catch((err) => status("error: " + err.message));
  });
  $("#stop").addEventListener("click", stop);
  $("#tick").addEventListener("change", () => {
    if (run) api("tick", { every: $("#tick").value }).catch((err) => status("error: " + err.message));
  });
  $("#send").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = $("#body").value;
    if (!body.trim()) return;
    api("send", { username: "you", body })
      .then(() => { $("#body").value = ""; })
      .catch((err) => status("error: " + err.message));
  });
  setInterval(() => refreshStats().catch((err) => status("error: " + err.message)), 1000);
  requestAnimationFrame(draw);
  status("stopped: press Start");
}

main().catch((err) => status("error: " + err.message));
