// What the short-polling page (chapter 01) and the long-polling pages
// (chapter 02) share: what a polling page counts, and the send form. Only
// the loop that asks for messages differs; it lives in each app.js. The
// badge, the counters and the list are drawn by ui.js, as on every page of
// the course, with textContent only.

import { $, serverTime, setState, setCount, showMessage } from "./ui.js";

export { serverTime };

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
      showMessage($("messages"), m);
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
    setState($("state"), text, kind);
  }

  render() {
    setCount("requests", this.requests);
    setCount("empty", this.empty);
    setCount("errors", this.errors);
    setCount("received", this.received);
    const d = [...this.delays].sort((a, b) => a - b);
    setCount("delay-median", d.length ? formatMs(d[Math.floor((d.length - 1) / 2)]) : "–");
    setCount("delay-worst", d.length ? formatMs(d[d.length - 1]) : "–");
  }
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
      setCount("srv-requests", s.requests);
      setCount("srv-connections", s.connections);
      setCount("srv-in", formatBytes(s.bytes_in));
      setCount("srv-out", formatBytes(s.bytes_out));
    } catch {
      // The server is away; the message loop reports it. Try again later.
    }
    await sleep(ms);
  }
}
