// Suggestions for community fields ([data-place-search]): English or Arabic
// name or P-code, forgiving of spelling variants (the server ranks them).
// Without JavaScript the typed text is resolved by the server on save.

import { gettext } from "../web/i18n.js";

const DELAY_MS = 200;

class PlaceSearch {
  constructor(input, url) {
    this.input = input;
    this.url = url;
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
    const response = await fetch(`${this.url}?${new URLSearchParams({ q })}`, { credentials: "same-origin" });
    if (!response.ok) return this.hide();
    const { results } = await response.json();
    this.show(results);
  }

  show(results) {
    this.list.replaceChildren();
    if (!results.length) {
      const item = document.createElement("li");
      item.className = "none";
      item.textContent = gettext("No community matches; try another spelling or the P-code.");
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
  if (holder) new PlaceSearch(input, holder.dataset.suggestUrl);
}
