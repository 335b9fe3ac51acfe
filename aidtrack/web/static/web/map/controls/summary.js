// The summary of what is shown: people by status on the date, the convoy pipeline, incidents by category, and
// conflict events with their fatalities when that layer is on.

import { el, formatDay, formatNumber } from "../dom.js";
import { AREA_STYLE } from "../style.js";

export class Summary {
  constructor(root, { labels }) {
    this.root = root;
    this.labels = labels;
  }

  show(summary, state) {
    const statuses = Object.keys(AREA_STYLE).filter((status) => status !== "accessible");
    const categories = [...summary.incidents.entries()].sort(([a], [b]) =>
      (a === "access" ? "zz" : a.padStart(2, "0")) < (b === "access" ? "zz" : b.padStart(2, "0")) ? -1 : 1);
    this.root.replaceChildren(
      el("h3", {}, `On ${formatDay(state.asOf)}`),
      el("div", { class: "figures compact" },
        statuses.map((status) =>
          el("div", { class: "figure", "data-status": status },
            el("span", { class: "value" }, formatNumber(summary.people[status] || 0)),
            el("span", { class: "label" }, `people ${this.labels.areaStatuses[status].toLowerCase()}`)))),
      el("h3", {}, "Convoy requests shown"),
      el("table", { class: "convoy-summary" }, el("tbody", {},
        [["requested", "requested"], ["approved", "approved"], ["delivered", "delivered"], ["stopped", "denied, unanswered, blocked or attacked"]]
          .map(([key, words]) => el("tr", { "data-key": key }, el("td", {}, words), el("td", { class: "num" }, formatNumber(summary.convoys[key])))))),
      el("h3", {}, `Incidents ${formatDay(state.from)} – ${formatDay(state.asOf)}: `,
        el("span", { class: "incident-total" }, formatNumber(summary.incidentTotal))),
      categories.length
        ? el("table", { class: "incident-summary" }, el("tbody", {}, categories.map(([key, n]) =>
          el("tr", { "data-category": key },
            el("td", {}, key === "access" ? "Access achieved" : this.labels.categories[key] || key),
            el("td", { class: "num" }, formatNumber(n))))))
        : el("p", {}, "No incidents match."),
      summary.conflict
        ? el("div", { class: "conflict-summary" },
          el("h3", {}, `Conflict events (ACLED) ${formatDay(state.from)} – ${formatDay(state.asOf)}: `,
            el("span", { class: "conflict-total" }, formatNumber(summary.conflict.events))),
          el("p", {}, "Reported fatalities: ", el("span", { class: "conflict-fatalities" }, formatNumber(summary.conflict.fatalities)),
            ". A separate layer of published conflict data, not counted among the access incidents."))
        : null,
    );
  }
}
