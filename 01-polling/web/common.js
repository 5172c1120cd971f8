// What the short-polling page (chapter 01) and the long-polling page
// (chapter 02) share: the message list, the send form, and the counters.
// Only the loop that asks for messages differs; it lives in each app.js.
//
// User text goes into the page with textContent, never innerHTML: a
// message "<img src=x onerror=...>" must show as those characters, not run.

const MAX_SHOWN = 200; // older list items are removed, so -tick never bloats the page

// serverTime turns a message's RFC 3339 time, which Go writes with up to
// nine fractional digits, into milliseconds since the epoch. Date.parse
// is only required to understand three, so the rest are cut off.
export function serverTime(s) {
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return NaN;
  const frac = m[2] ? m[2].slice(0, 4).padEnd(4, "0") : "";
  return Date.parse(m[1] + frac + m[3]);
}

// parseDuration reads "5s", "500ms", "1m" or a bare number of seconds
// ("2") into milliseconds; anything else, or less than min, gives fallback.
export function parseDuration(s, fallback, min = 0) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec((s || "").trim());
  if (!m) return fallback;
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60000 }[m[2] || "s"];
  return ms >= min ? ms : fallback;
}

// formatMs shows a duration for people: "850 ms", "2.4 s".
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return "–";
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

// formatBytes shows a byte count with thousands separators.
export function formatBytes(n) {
  return `${Number(n).toLocaleString("en-US")} B`;
}

const $ = (id) => document.getElementById(id);

// Page keeps what a polling page knows: the last ID it has seen (so it
// asks only for what is new), its counters, and the list on the screen.
export class Page {
  constructor() {
    this.since = 0;
    this.requests = 0;
    this.empty = 0;
    this.errors = 0;
    this.received = 0;
    this.delays = []; // ms, one per message stored while the page was open
    // Messages stored before this moment are the backlog: the page fetches
    // them on its first request, and their "delay" would only say how long
    // ago they were written. (The delay itself compares the two clocks too.)
    this.openedAt = Date.now();
  }

  // asking counts one request about to be made and returns its URL.
  asking(extra = "") {
    this.requests++;
    this.render();
    return `/messages?since=${this.since}${extra}`;
  }

  // answered takes the messages of one answer, shows the new ones and
  // counts their delay.
  answered(msgs) {
    const arrived = Date.now();
    if (msgs.length === 0) this.empty++;
    for (const m of msgs) {
      if (m.id <= this.since) continue; // seen already
      this.since = m.id;
      this.received++;
      const stored = serverTime(m.time);
      if (stored >= this.openedAt) this.delays.push(arrived - stored);
      show(m);
    }
    this.state("up to date", "ok");
    this.render();
  }

  failed(err) {
    this.errors++;
    this.state(`request failed: ${err.message}`, "bad");
    this.render();
  }

  state(text, kind) {
    const el = $("state");
    el.textContent = text;
    el.className = `state state-${kind}`;
  }

  render() {
    $("requests").textContent = this.requests;
    $("empty").textContent = this.empty;
    $("errors").textContent = this.errors;
    $("received").textContent = this.received;
    const d = [...this.delays].sort((a, b) => a - b);
    $("delay-median").textContent = d.length ? formatMs(d[Math.floor((d.length - 1) / 2)]) : "–";
    $("delay-worst").textContent = d.length ? formatMs(d[d.length - 1]) : "–";
  }
}

// show appends one message to the list, as text.
function show(m) {
  const list = $("messages");
  const li = document.createElement("li");
  li.className = "message";
  li.dataset.id = m.id;
  const time = document.createElement("time");
  time.className = "time";
  time.dateTime = m.time;
  time.textContent = new Date(serverTime(m.time)).toLocaleTimeString();
  const user = document.createElement("span");
  user.className = "user";
  user.textContent = m.username;
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = m.body;
  li.append(time, user, body);
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.append(li);
  while (list.children.length > MAX_SHOWN) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

// getMessages makes one GET and returns the parsed array, or throws with
// the server's JSON error.
export async function getMessages(url, signal) {
  const resp = await fetch(url, { cache: "no-store", signal });
  const data = await resp.json().catch(() => null);
  if (!resp.ok) throw new Error((data && data.error) || `HTTP ${resp.status}`);
  if (!Array.isArray(data)) throw new Error("answer is not a JSON array");
  return data;
}

// sleep resolves after ms milliseconds.
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// wireSendForm posts the form as JSON. The message is not added to the
// list here: it arrives like everyone else's, through the next poll, so
// the page shows what the server stored and when the poll brought it.
export function wireSendForm() {
  const form = $("send"), body = $("body"), user = $("username"), error = $("send-error");
  if (!user.value) user.value = `guest-${Math.floor(Math.random() * 1000)}`;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    try {
      const resp = await fetch("/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: user.value, body: body.value }),
      });
      if (!resp.ok) {
        const data = await resp.json().catch(() => null);
        throw new Error((data && data.error) || `HTTP ${resp.status}`);
      }
      body.value = "";
    } catch (err) {
      error.textContent = `not sent: ${err.message}`;
    }
    body.focus();
  });
}

// watchStats shows the server's wire counters from GET /stats every ms.
export async function watchStats(ms) {
  for (;;) {
    try {
      const resp = await fetch("/stats", { cache: "no-store" });
      const s = await resp.json();
      $("srv-requests").textContent = s.requests;
      $("srv-connections").textContent = s.connections;
      $("srv-in").textContent = formatBytes(s.bytes_in);
      $("srv-out").textContent = formatBytes(s.bytes_out);
    } catch {
      // The server is away; the message loop reports it. Try again later.
    }
    await sleep(ms);
  }
}
