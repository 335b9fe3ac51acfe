// The device's outbox: reports typed with no connection wait here, shown as "waiting to send", and are sent
// one by one when a connection returns, with a growing pause between failed attempts. Each carries the id
// the device gave it (client_key), so a report sent twice (its answer lost) is created once. A report the
// server refuses stays here with the server's message until its author fixes and sends it, or discards it.
//
// Kept in localStorage under the signed-in account's id: another account on the same device never sees or
// sends it, and signing out deletes it (app.js, and the sign-out's Clear-Site-Data header).

const FIRST_PAUSE_MS = 5000;
const LONGEST_PAUSE_MS = 5 * 60 * 1000;

export const WAITING = "waiting";
export const REFUSED = "refused";
// Saved as a draft with no connection: kept, never sent until its author reports it.
export const DRAFT = "draft";

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class Outbox extends EventTarget {
  constructor({ user, statusUrl }) {
    super();
    this.user = user;
    this.statusUrl = statusUrl;
    this.storageKey = `aidtrack:outbox:${user}`;
    this.pause = FIRST_PAUSE_MS;
    this.timer = null;
    this.sending = false;
    this.problem = "";
  }

  items() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey) || "[]");
    } catch (error) {
      return [];
    }
  }

  save(items) {
    if (items.length) localStorage.setItem(this.storageKey, JSON.stringify(items));
    else localStorage.removeItem(this.storageKey);
    this.dispatchEvent(new Event("change"));
  }

  get(key) {
    return this.items().find((item) => item.key === key);
  }

  // A report saved again under its key (fixed after a refusal) replaces the earlier copy.
  put(item) {
    const items = this.items().filter((other) => other.key !== item.key);
    items.push({ state: WAITING, savedAt: new Date().toISOString(), ...item });
    this.save(items);
  }

  update(key, changes) {
    this.save(this.items().map((item) => (item.key === key ? { ...item, ...changes } : item)));
  }

  remove(key) {
    this.save(this.items().filter((item) => item.key !== key));
  }

  clear() {
    localStorage.removeItem(this.storageKey);
  }

  // Who is signed in and a fresh CSRF token; null when the network is down.
  async status() {
    const response = await fetch(this.statusUrl, { credentials: "same-origin", cache: "no-store" });
    const answer = await response.json().catch(() => ({}));
    return { ok: response.ok, ...answer };
  }

  // Sends one report. Answers {sent, url, reference}, {refused, error, errors}, {signedOut, error} or
  // {offline} (the network failed: it stays waiting).
  async send(item, token, { fromForm = false } = {}) {
    const body = new FormData();
    for (const [name, value] of item.fields) {
      if (name !== "csrfmiddlewaretoken") body.append(name, value);
    }
    body.set("client_key", item.key);
    let response;
    try {
      response = await fetch(item.sendUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        // From the form page, the server says "reported" on the page the browser goes to next.
        headers: fromForm ? { "X-CSRFToken": token, "X-Outbox-Form": "1" } : { "X-CSRFToken": token },
      });
    } catch (error) {
      return { offline: true };
    }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 200 || response.status === 201) {
      this.remove(item.key);
      return { sent: true, ...answer };
    }
    if (response.status === 401) return { signedOut: true, ...answer };
    if (response.status === 400) {
      const changes = { state: REFUSED, error: answer.error || "", errors: answer.errors || [], changes: answer.changes || [] };
      if (answer.expected_version) {
        // A stale edit: kept as typed, now based on the saved version, so that sending it again (after
        // reading what changed) applies it.
        const version = String(answer.expected_version);
        changes.fields = item.fields.map(([name, value]) => [name, name === "expected_version" ? version : value]);
      }
      this.update(item.key, changes);
      return { refused: true, ...answer };
    }
    // A server error or a refused CSRF token: try again later, as with no connection.
    return { offline: true };
  }

  // Sends every waiting report in the order they were saved; a failed connection ends the round.
  async flush() {
    if (this.sending) return;
    const waiting = this.items().filter((item) => item.state === WAITING);
    if (!waiting.length) return;
    this.sending = true;
    this.dispatchEvent(new Event("change"));
    let offline = false;
    try {
      let status;
      try {
        status = await this.status();
      } catch (error) {
        offline = true;
        return;
      }
      if (!status.ok || String(status.user) !== String(this.user)) {
        this.problem = status.error || "";
        return;
      }
      this.problem = "";
      for (const item of waiting) {
        const result = await this.send(item, status.csrf);
        if (result.offline) {
          offline = true;
          break;
        }
        if (result.signedOut) {
          this.problem = result.error || "";
          break;
        }
        if (result.sent) this.dispatchEvent(new CustomEvent("sent", { detail: { item, ...result } }));
      }
    } finally {
      this.sending = false;
      this.pause = offline ? Math.min(this.pause * 2, LONGEST_PAUSE_MS) : FIRST_PAUSE_MS;
      this.dispatchEvent(new Event("change"));
      this.schedule();
    }
  }

  // Tries again after a pause that doubles with each failed attempt, and at once when the browser says
  // it is online again (no Background Sync: other browsers lack it).
  schedule() {
    clearTimeout(this.timer);
    if (!this.items().some((item) => item.state === WAITING)) return;
    this.timer = setTimeout(() => this.flush(), this.pause);
  }

  start() {
    window.addEventListener("online", () => {
      this.pause = FIRST_PAUSE_MS;
      this.flush();
    });
    this.flush();
  }
}
