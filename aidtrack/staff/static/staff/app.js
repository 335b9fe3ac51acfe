// The staff screens as an app: installs the service worker, shows the device's outbox, sends the incident
// forms (a new report, an edit), a convoy's status steps and its checkpoint removals through it (so what is
// typed with no connection is kept), and clears the device on sign-out.
// Text comes from the page (#staff-app-text, translated on the server); data reaches the DOM as text.

import { DRAFT, Outbox, REFUSED, WAITING, newKey } from "./outbox.js";

const body = document.body;
const text = JSON.parse(document.getElementById("staff-app-text")?.textContent || "{}");
const user = body.dataset.userId;

function el(tag, { className, textContent, ...attributes } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (textContent !== undefined) node.textContent = textContent;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

async function forgetPages() {
  if (window.caches) {
    for (const name of await caches.keys()) {
      if (name.startsWith("aidtrack-")) await caches.delete(name);
    }
  }
}

async function forgetDevice() {
  await forgetPages();
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  }
}

function registerWorker() {
  if (!navigator.serviceWorker || !body.dataset.serviceWorker) return;
  navigator.serviceWorker
    .register(body.dataset.serviceWorker, { scope: body.dataset.serviceWorkerScope })
    .catch(() => {}); // No worker (a private window, an old browser): the pages still work online.
  // Another language chosen: the pages kept for offline use are fetched again in it.
  const language = document.documentElement.lang;
  const kept = localStorage.getItem("aidtrack:language");
  if (kept !== language) {
    localStorage.setItem("aidtrack:language", language);
    if (kept) navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage("keep-pages"));
  }
}

// Another account signed in on this device (the last one's session ended without signing out): no page
// kept for the last one may be shown to this one. Its unsent reports stay under its own id, unseen.
async function checkAccount() {
  const previous = localStorage.getItem("aidtrack:user");
  if (previous && previous !== user) await forgetPages();
  localStorage.setItem("aidtrack:user", user);
}

function showOnlineState() {
  const banner = document.getElementById("offline-banner");
  if (banner) banner.hidden = navigator.onLine;
}

class OutboxPanel {
  constructor(element, outbox) {
    this.element = element;
    this.outbox = outbox;
    outbox.addEventListener("change", () => this.render());
    this.render();
  }

  render() {
    const items = this.outbox.items();
    this.element.hidden = !items.length;
    const list = el("ul", { className: "outbox-items" });
    for (const item of items) list.append(this.row(item));
    const children = [el("h3", { textContent: format(text.heading, { count: items.length }) })];
    if (this.outbox.problem) children.push(el("p", { className: "error-text", textContent: this.outbox.problem }));
    children.push(list);
    if (items.some((item) => item.state === WAITING)) {
      const button = el("button", { type: "button", textContent: this.outbox.sending ? text.sending : text.sendNow });
      button.disabled = this.outbox.sending;
      button.addEventListener("click", () => this.outbox.flush());
      children.push(button);
    }
    this.element.replaceChildren(...children);
  }

  row(item) {
    const words = { [REFUSED]: text.refused, [DRAFT]: text.draft, [WAITING]: this.outbox.sending ? text.sending : text.waiting };
    const state = el("span", { className: `outbox-state ${item.state}`, textContent: words[item.state] || "" });
    const saved = new Date(item.savedAt);
    const open = el("a", { href: `${item.formUrl}#outbox=${item.key}`, textContent: text.open });
    const discard = el("button", { type: "button", className: "link", textContent: text.discard });
    discard.addEventListener("click", () => {
      if (confirm(text.confirmDiscard)) this.outbox.remove(item.key);
    });
    const row = el("li", { "data-key": item.key }, [
      el("strong", { textContent: item.title || text.untitled }),
      " ",
      state,
      " ",
      el("span", { className: "muted", textContent: `${text.saved} ${saved.toLocaleString()}` }),
      " ",
      open,
      " ",
      discard,
    ]);
    if (item.state === REFUSED && item.error) row.append(el("p", { className: "error-text", textContent: item.error }));
    return row;
  }
}

class OutboxForm {
  constructor(form, outbox) {
    this.form = form;
    this.outbox = outbox;
    this.notice = el("div", { className: "notice outbox-notice", role: "status" });
    this.notice.hidden = true;
    form.before(this.notice);
    this.keyInput = form.elements.client_key;
    const opened = this.openFromHash();
    if (!opened) this.keyInput.value = newKey();
    // "Open" in the outbox list of this same page changes only the address's #outbox=… part.
    window.addEventListener("hashchange", () => this.openFromHash());
    form.addEventListener("submit", (event) => {
      const submitter = event.submitter;
      if (submitter?.name === "save_draft") {
        if (navigator.onLine) return; // the server keeps the draft
        event.preventDefault();
        this.keepDraft(submitter);
        return;
      }
      event.preventDefault();
      this.submit(submitter);
    });
    if (this.holdsPage && this.stepWaiting() && !opened) this.holdSteps();
  }

  get kind() {
    return this.form.dataset.outbox;
  }

  get isConvoyStep() {
    return this.kind === "convoy-step";
  }

  // A convoy's steps and an incident's edits build on the last one: one waits on the device at a time.
  get holdsPage() {
    return this.isConvoyStep || this.kind === "incident-edit";
  }

  get page() {
    return this.form.dataset.outboxPage || location.pathname;
  }

  stepWaiting() {
    return this.outbox
      .items()
      .some((item) => item.formUrl === this.page && item.kind === this.kind && item.state === WAITING);
  }

  // A convoy's next step is made from the status its last one leaves, an incident's next edit from the
  // version its last one saves: one waits to be sent at a time (an edit waiting can be opened and changed).
  holdSteps() {
    this.held = true;
    for (const button of this.form.querySelectorAll("button[type=submit]")) button.disabled = true;
    this.say(this.isConvoyStep ? text.stepWaiting : text.editWaiting);
    this.outbox.addEventListener("change", () => {
      if (!this.stepWaiting()) location.reload();
    });
  }

  openFromHash() {
    const key = new URLSearchParams(location.hash.slice(1)).get("outbox");
    const found = key && this.outbox.get(key);
    // Several outbox forms on one page (a convoy's steps and removals): each opens its own kind.
    const item = found && (found.kind || "incident") === this.kind ? found : null;
    if (item) this.restore(item);
    return Boolean(item);
  }

  say(message, { problem = false } = {}) {
    this.notice.className = problem ? "error outbox-notice" : "notice outbox-notice";
    this.notice.setAttribute("role", problem ? "alert" : "status");
    this.notice.replaceChildren(el("p", { textContent: message }));
    this.notice.hidden = false;
    this.form.closest("details")?.setAttribute("open", "");
    this.notice.scrollIntoView({ block: "center" });
  }

  // The report's input, as typed, back in the form (with the server's reasons when it was refused).
  restore(item) {
    this.form.reset();
    const values = new Map();
    for (const [name, value] of item.fields) values.set(name, [...(values.get(name) || []), value]);
    for (const field of this.form.elements) {
      if (!field.name || field.name === "csrfmiddlewaretoken" || !values.has(field.name)) continue;
      const given = values.get(field.name);
      if (field.type === "checkbox" || field.type === "radio") field.checked = given.includes(field.value);
      else if (field.multiple) for (const option of field.options) option.selected = given.includes(option.value);
      else field.value = given[0];
    }
    this.keyInput.value = item.key;
    for (const input of [this.form.elements.latitude, this.form.elements.longitude]) {
      input?.dispatchEvent(new Event("change"));
    }
    if (item.state === REFUSED) this.showErrors(item);
  }

  showErrors(item) {
    for (const old of this.form.querySelectorAll(".outbox-error")) old.remove();
    const general = [];
    for (const problem of item.errors || []) {
      const field = problem.field && this.form.elements[problem.field];
      const message = problem.messages.join(" ");
      if (field && field.after) {
        const holder = field.closest(".field") || field;
        holder.classList.add("has-error");
        holder.append(el("p", { className: "error-text outbox-error", textContent: message }));
      } else {
        general.push(problem.label ? `${problem.label}: ${message}` : message);
      }
    }
    this.say([item.error || text.refusedHelp, ...general].join(" "), { problem: true });
    if (item.changes?.length) this.notice.append(this.changesTable(item.changes));
  }

  // What someone else saved while this edit waited: the edit was refused so that its author decides.
  changesTable(entries) {
    const rows = [];
    for (const entry of entries) {
      for (const change of entry.changes) {
        rows.push(
          el("tr", {}, [
            el("td", { textContent: `${entry.version ?? ""}` }),
            el("td", { textContent: entry.who, dir: "auto" }),
            el("td", { textContent: change.field }),
            el("td", { className: "old", textContent: change.old, dir: "auto" }),
            el("td", { className: "new", textContent: change.new, dir: "auto" }),
          ]),
        );
      }
    }
    const head = el("tr", {}, [text.version, text.who, text.field, text.before, text.after].map((word) => el("th", { textContent: word })));
    return el("table", { className: "changes" }, [el("thead", {}, [head]), el("tbody", {}, rows)]);
  }

  fields(submitter) {
    const fields = [...new FormData(this.form, submitter)].filter(([, value]) => typeof value === "string");
    // A step recorded with no connection happened now, not when it reaches the server. Sent in UTC with its
    // offset ("…Z"), so that a device set to another time zone than the server's still says when it was.
    const when = fields.find(([name]) => name === "occurred_at");
    if (when && !when[1]) when[1] = new Date().toISOString();
    return fields;
  }

  title(submitter) {
    const label = this.form.dataset.outboxTitle;
    const own = this.form.elements.title?.value.trim() || "";
    if (label && own) return `${label}: ${own}`;
    if (label && this.isConvoyStep) return `${label}: ${submitter?.textContent.trim() || ""}`;
    return label || own;
  }

  async submit(submitter) {
    const button = submitter || this.form.querySelector("button[type=submit]");
    const item = {
      key: this.keyInput.value || newKey(),
      kind: this.form.dataset.outbox,
      sendUrl: this.form.dataset.outboxUrl,
      formUrl: this.page,
      title: this.title(submitter),
      fields: this.fields(submitter),
    };
    // Saved on the device first: whatever happens to the connection now, the report is not lost.
    this.outbox.put({ ...item, state: WAITING, error: "", errors: [], changes: [] });
    button.disabled = true;
    try {
      let status;
      try {
        status = await this.outbox.status();
      } catch (error) {
        return this.keptForLater();
      }
      if (!status.ok) return this.say(status.error || text.signedOut, { problem: true });
      const result = await this.outbox.send(this.outbox.get(item.key), status.csrf, { fromForm: true });
      if (result.sent) {
        location.assign(result.url);
      } else if (result.refused) {
        this.showErrors(this.outbox.get(item.key));
      } else if (result.signedOut) {
        this.say(result.error || text.signedOut, { problem: true });
      } else {
        this.keptForLater();
      }
    } finally {
      if (!this.held) button.disabled = false;
    }
  }

  // "Save as a draft" with no connection: kept on this device, not sent, until it is reported.
  keepDraft(submitter) {
    const key = this.keyInput.value || newKey();
    this.keyInput.value = key;
    this.outbox.put({
      key,
      kind: this.form.dataset.outbox,
      sendUrl: this.form.dataset.outboxUrl,
      formUrl: this.page,
      title: this.title(submitter),
      fields: this.fields().filter(([name]) => name !== "save_draft"),
      state: DRAFT,
      savedAt: new Date().toISOString(),
    });
    this.say(text.draftOnDevice);
  }

  keptForLater() {
    // A new blank form with a new id, so that the next report is not taken for this one.
    this.form.reset();
    for (const old of this.form.querySelectorAll(".outbox-error")) old.remove();
    this.keyInput.value = newKey();
    history.replaceState(null, "", location.pathname);
    this.outbox.schedule();
    if (this.holdsPage) return this.holdSteps();
    this.say(text.savedOffline);
  }
}

function guardSignOut(outbox) {
  for (const form of document.querySelectorAll("form[data-sign-out]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const count = outbox.items().length;
      if (count && !confirm(format(text.confirmSignOut, { count }))) return;
      outbox.clear();
      localStorage.removeItem("aidtrack:user");
      await forgetDevice();
      form.submit();
    });
  }
}

if (user) {
  registerWorker();
  showOnlineState();
  window.addEventListener("online", showOnlineState);
  window.addEventListener("offline", showOnlineState);
  const outbox = new Outbox({ user, statusUrl: body.dataset.outboxUrl });
  checkAccount().then(() => {
    const panel = document.getElementById("outbox");
    if (panel) new OutboxPanel(panel, outbox);
    for (const form of document.querySelectorAll("form[data-outbox]")) new OutboxForm(form, outbox);
    guardSignOut(outbox);
    outbox.start();
  });
}
