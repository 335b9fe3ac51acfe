// Suggestions for community fields ([data-place-search]): English or Arabic
// name or P-code, forgiving of spelling variants (the server ranks them).
// Without JavaScript the typed text is resolved by the server on save; with no connection the gazetteer
// kept on the device answers.

import { gettext } from "../web/i18n.js";

const DELAY_MS = 200;

import { searchOffline } from "./gazetteer.js";

const text = JSON.parse(document.getElementById("staff-app-text")?.textContent || "{}");

class PlaceSearch {
  constructor(input, url, gazetteerUrl) {
    this.input = input;
    this.url = url;
    this.gazetteerUrl = gazetteerUrl;
    this.timer = null;
    this.list = document.createElement("ul");
    this.list.className = "suggestions";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    input.insertAdjacentElement("afterend", this.list);
    input.setAttribute("aria-autocomplete", "list");
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.hide();
    });
    input.addEventListener("blur", () => setTimeout(() => this.hide(), 150));
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), DELAY_MS);
  }

  async search() {
    const q = this.input.value.trim();
    if (q.length < 2) return this.hide();
    let response;
    try {
      response = await fetch(`${this.url}?${new URLSearchParams({ q })}`, { credentials: "same-origin" });
    } catch (error) {
      // No connection: the gazetteer kept on the device answers instead.
      if (this.gazetteerUrl) return this.show(await searchOffline(this.gazetteerUrl, q));
      return this.hide();
    }
    if (!response.ok) return this.hide();
    const { results } = await response.json();
    this.show(results);
  }

  show(results) {
    this.list.replaceChildren();
    if (!results.length) {
      const item = document.createElement("li");
      item.className = "none";
      item.textContent = text.noMatch || gettext("No community matches; try another spelling or the P-code.");
      this.list.append(item);
    }
    for (const result of results) {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.tabIndex = -1;
      item.textContent = `${result.label}${result.name_ar ? " " + result.name_ar : ""}${result.parent ? " — " + result.parent : ""}`;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.choose(result);
      });
      this.list.append(item);
    }
    this.list.hidden = false;
  }

  choose(result) {
    this.input.value = result.label;
    this.hide();
    this.input.dispatchEvent(new CustomEvent("place-chosen", { bubbles: true, detail: result }));
  }

  hide() {
    this.list.hidden = true;
  }
}

for (const input of document.querySelectorAll("input[data-place-search]")) {
  const holder = input.closest("[data-suggest-url]") || document.querySelector("[data-suggest-url]");
  if (holder) new PlaceSearch(input, holder.dataset.suggestUrl, holder.dataset.gazetteerUrl);
}
