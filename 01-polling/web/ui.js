// What every page of the course draws the same way, chapter 01 to 06: the
// connection's state badge, the counters, and the message list. Each
// chapter's script imports this module from chapter 01 and adds only what
// its chapter teaches.
//
// Text from the network goes into the page with textContent, never
// innerHTML: a message "<img src=x onerror=...>" must show as those
// characters, not run.

export const MAX_SHOWN = 200; // older list items are removed, so a busy room never bloats the page

export const $ = (id) => document.getElementById(id);

// serverTime turns a message's RFC 3339 time, which Go writes with up to
// nine fractional digits, into milliseconds since the epoch. Date.parse
// is only required to understand three, so the rest are cut off.
export function serverTime(s) {
  const m = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(s || "");
  if (!m) return NaN;
  const frac = m[2] ? m[2].slice(0, 4).padEnd(4, "0") : "";
  return Date.parse(m[1] + frac + m[3]);
}

// clock shows a server time as the time of day, 24-hour: "14:03:07".
const clock = (time) => new Date(serverTime(time)).toLocaleTimeString("en-GB");

// setState shows the connection's state in the badge el: kind is "wait"
// (blue: connecting, waiting), "ok" (green) or "bad" (red); title, when
// given, shows on hover (the URL the page is connected to, say).
export function setState(el, text, kind, title = "") {
  el.textContent = text;
  el.className = `state state-${kind}`;
  el.title = title;
}

// setCount writes one counter.
export function setCount(id, value) {
  $(id).textContent = String(value);
}

// showMessage appends one message to the list ul: its time (when it has
// one), its id (when given), who sent it and what they said. It returns the
// new list item.
export function showMessage(list, { id = "", time = "", username = "", body = "" }, showID = false) {
  const li = document.createElement("li");
  li.className = "message";
  if (id !== "") li.dataset.id = id;
  if (time) {
    const t = document.createElement("time");
    t.className = "time";
    t.dateTime = time;
    t.textContent = clock(time);
    li.append(t);
  }
  if (showID && id !== "") li.append(span("id", "#" + id));
  li.append(span("user", username), span("body", body));
  return append(list, li);
}

// showNotice appends a line that is not a message, such as "ann joined"
// (kind "presence") or what the server could not do (kind "error").
export function showNotice(list, kind, text, time = "") {
  const li = document.createElement("li");
  li.className = `notice notice-${kind}`;
  const t = document.createElement("time");
  t.className = "time";
  if (time) t.textContent = clock(time);
  li.append(t, span("body", text));
  return append(list, li);
}

function span(cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  return s;
}

// append adds li at the bottom, keeps the list to MAX_SHOWN items, and
// scrolls along only if the reader was at the bottom already.
function append(list, li) {
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.append(li);
  while (list.children.length > MAX_SHOWN) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
  return li;
}
