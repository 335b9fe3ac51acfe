// The legend: each status's shape, letter and colour; line patterns of convoys; incident markers; conflict events;
// shading.

import { gettext } from "../../i18n.js";
import { el, formatNumber } from "../dom.js";
import {
  AREA_STYLE, CONFLICT_SIZES, CONVOY_GROUPS, INCIDENT_GROUPS, areaSize, crossSVG, lineSVG, shapeSVG,
} from "../style.js";

const LABELS = {
  governorateOnly: gettext("incidents known only by their governorate, beside its name: not drawn at a place, as the governorate's centre could lie far from it."),
};

const swatch = (drawing) => el("span", { class: "swatch" }, drawing);

export class Legend {
  constructor(root, { labels }) {
    this.root = root;
    this.labels = labels;
  }

  show(state, choropleth) {
    const parts = [el("h3", {}, gettext("Legend"))];
    if (state.layers.has("areas")) {
      parts.push(el("h4", {}, gettext("Areas (size: population)")), el("ul", {},
        Object.entries(AREA_STYLE).map(([status, style]) =>
          el("li", {}, swatch(shapeSVG(style.shape, 18, style.colour)), el("b", {}, style.letter), " ", this.labels.areaStatuses[status]))),
      el("p", { class: "sizes" }, [10000, 100000, 300000].map((n) =>
        el("span", {}, swatch(shapeSVG("circle", areaSize(n), "#777")), formatNumber(n)))));
    }
    if (state.layers.has("convoys")) {
      parts.push(el("h4", {}, gettext("Convoys (line from origin)")), el("ul", {},
        CONVOY_GROUPS.map((group) => el("li", {},
          swatch(lineSVG(group)),
          el("b", {}, group.letter), " ", group.group))));
    }
    if (state.layers.has("incidents")) {
      parts.push(el("h4", {}, gettext("Incidents (numbers on circles: how many are grouped)")), el("ul", {},
        INCIDENT_GROUPS.map((group) => el("li", {}, el("span", { class: `incident-marker legend-marker ${group.cls}` }, el("span", {}, group.text)), " ", group.label))),
      el("p", { class: "note" }, el("span", { class: "incident-area-badge legend-marker" }, el("span", {}, "3")), " ",
        LABELS.governorateOnly));
    }
    if (state.layers.has("conflict")) {
      parts.push(el("h4", {}, gettext("Conflict events (ACLED format; not access incidents)")), el("ul", { class: "conflict-legend" },
        CONFLICT_SIZES.map((step) => el("li", {}, swatch(crossSVG(step.size)), step.label)),
        el("li", {}, el("span", { class: "conflict-cluster legend-marker" }, el("span", {}, el("b", {}, "4"))),
          gettext("grouped conflict events (how many)"))));
    }
    if (choropleth) {
      let lower = 1;
      parts.push(el("h4", {}, choropleth.title), choropleth.bounds.length
        ? el("ul", {}, choropleth.bounds.map((bound, i) => {
          const item = el("li", {}, el("span", { class: "box", style: { background: choropleth.colours[i] } }),
            el("bdi", {}, `${formatNumber(lower)} – ${formatNumber(bound)}`));
          lower = bound + 1;
          return item;
        }))
        : el("p", {}, gettext("Nothing to shade for these dates and filters.")));
    }
    this.root.replaceChildren(...parts);
  }
}
