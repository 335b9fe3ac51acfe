// The summary of what is shown: people by status on the date, the convoy steps and incidents from the first day to
// that date, and conflict events with their fatalities when that layer is on.

import { format, gettext } from "../../i18n.js";
import { el, formatDay, formatNumber, present } from "../dom.js";
import { AREA_STYLE } from "../style.js";

const TEXT = {
  on: (day) => format(gettext("On %(day)s"), { day }),
  people: (status) => format(gettext("people %(status)s"), { status: status.toLowerCase() }),
  convoys: (from, to) => format(gettext("Convoy requests %(from)s – %(to)s"), { from, to }),
  convoySteps: [
    ["requested", gettext("requested")],
    ["approved", gettext("approved")],
    ["delivered", gettext("delivered")],
    ["stopped", gettext("denied, unanswered, blocked or attacked")],
  ],
  incidents: (from, to) => format(gettext("Incidents %(from)s – %(to)s: "), { from, to }),
  accessAchieved: gettext("Access achieved"),
  noIncidents: gettext("No incidents match."),
  conflict: (from, to) => format(gettext("Conflict events (ACLED) %(from)s – %(to)s: "), { from, to }),
  fatalities: gettext("Reported fatalities: "),
  conflictNote: gettext(". A separate layer of published conflict data, not counted among the access incidents."),
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
