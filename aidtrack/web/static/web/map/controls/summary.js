// The summary of what is shown: people by status on the date, the convoy steps and incidents from the first day to
// that date, and conflict events with their fatalities when that layer is on.

import { el, formatDay, formatNumber, present } from "../dom.js";
import { AREA_STYLE } from "../style.js";

const TEXT = {
  on: (day) => `On ${day}`,
  people: (status) => `people ${status.toLowerCase()}`,
  convoys: (from, to) => `Convoy requests ${from} – ${to}`,
  convoySteps: [
    ["requested", "requested"],
    ["approved", "approved"],
    ["delivered", "delivered"],
    ["stopped", "denied, unanswered, blocked or attacked"],
  ],
  incidents: (from, to) => `Incidents ${from} – ${to}: `,
  accessAchieved: "Access achieved",
  noIncidents: "No incidents match.",
  conflict: (from, to) => `Conflict events (ACLED) ${from} – ${to}: `,
  fatalities: "Reported fatalities: ",
  conflictNote: ". A separate layer of published conflict data, not counted among the access incidents.",
};

export class Summary {
  constructor(root, { labels }) {
    this.root = root;
    this.labels = labels;
  }

  show(summary, state) {
    const from = formatDay(state.from);
    const to = formatDay(state.asOf);
    const statuses = Object.keys(AREA_STYLE).filter((status) => status !== "accessible");
    const categories = [...summary.incidents.entries()].sort(([a], [b]) =>
      (a === "access" ? "zz" : a.padStart(2, "0")) < (b === "access" ? "zz" : b.padStart(2, "0")) ? -1 : 1);
    // present(): a part that is not shown (the conflict events when their layer is off) adds nothing, not "null".
    this.root.replaceChildren(...present([
      el("h3", {}, TEXT.on(to)),
      el("div", { class: "figures compact" },
        statuses.map((status) =>
          el("div", { class: "figure", "data-status": status },
            el("span", { class: "value" }, formatNumber(summary.people[status] || 0)),
            el("span", { class: "label" }, TEXT.people(this.labels.areaStatuses[status]))))),
      el("h3", {}, TEXT.convoys(from, to)),
      el("table", { class: "convoy-summary" }, el("tbody", {},
        TEXT.convoySteps.map(([key, words]) =>
          el("tr", { "data-key": key }, el("td", {}, words), el("td", { class: "num" }, formatNumber(summary.convoys[key])))))),
      el("h3", {}, TEXT.incidents(from, to), el("span", { class: "incident-total" }, formatNumber(summary.incidentTotal))),
      categories.length
        ? el("table", { class: "incident-summary" }, el("tbody", {}, categories.map(([key, n]) =>
          el("tr", { "data-category": key },
            el("td", {}, key === "access" ? TEXT.accessAchieved : this.labels.categories[key] || key),
            el("td", { class: "num" }, formatNumber(n))))))
        : el("p", {}, TEXT.noIncidents),
      summary.conflict
        ? el("div", { class: "conflict-summary" },
          el("h3", {}, TEXT.conflict(from, to), el("span", { class: "conflict-total" }, formatNumber(summary.conflict.events))),
          el("p", {}, TEXT.fatalities, el("span", { class: "conflict-fatalities" }, formatNumber(summary.conflict.fatalities)),
            TEXT.conflictNote))
        : null,
    ]));
  }
}
