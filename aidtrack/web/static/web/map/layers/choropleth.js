// A choropleth of incidents or people besieged per governorate or district, for the date range shown.

import { format, gettext, localName } from "../../i18n.js";
import { L } from "../leaflet.js";
import { el, formatNumber } from "../dom.js";
import { CHOROPLETH_COLOURS } from "../style.js";

export const MEASURES = {
  "incidents-adm1": { level: 1, what: "incidents", title: gettext("Incidents per governorate") },
  "incidents-adm2": { level: 2, what: "incidents", title: gettext("Incidents per district") },
  "people-adm1": { level: 1, what: "people", title: gettext("People besieged per governorate") },
  "people-adm2": { level: 2, what: "people", title: gettext("People besieged per district") },
};

export function valuesBy(measure, { areas, incidents }) {
  const values = new Map();
  const add = (code, n) => code && values.set(code, (values.get(code) || 0) + n);
  if (measure.what === "incidents") {
    const key = measure.level === 1 ? "admin1_pcode" : "admin2_pcode";
    for (const incident of incidents) add(incident[key], 1);
  } else {
    const key = measure.level === 1 ? "governorate_pcode" : "district_pcode";
    for (const { area, status } of areas) if (status === "besieged") add(area[key], area.population || 0);
  }
  return values;
}

// Class breaks that read well: at most five classes, each upper bound a round number.
export function breaks(values) {
  const max = Math.max(0, ...values);
  if (max === 0) return [];
  const out = [];
  for (let i = 1; i <= 5; i += 1) {
    const raw = (max * i) / 5;
    const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(raw)) - 1);
    const bound = Math.ceil(raw / magnitude) * magnitude;
    if (!out.length || bound > out[out.length - 1]) out.push(bound);
  }
  return out;
}

export class ChoroplethLayer {
  constructor(map) {
    this.map = map;
    map.createPane("choropleth").style.zIndex = 300;
    this.group = L.layerGroup();
    this.legend = null;
  }

  draw(collection, measure, values) {
    this.group.clearLayers();
    const bounds = breaks([...values.values()]);
    const colour = (value) => {
      if (!value) return null;
      const index = bounds.findIndex((bound) => value <= bound);
      return CHOROPLETH_COLOURS[index === -1 ? bounds.length - 1 : index];
    };
    const layer = L.geoJSON(collection, {
      pane: "choropleth",
      style: (feature) => {
        const fill = colour(values.get(feature.properties.pcode));
        return fill
          ? { color: "#333", weight: 1, fillColor: fill, fillOpacity: 0.75 }
          : { color: "#999", weight: 0.5, fillOpacity: 0 };
      },
      onEachFeature: (feature, path) => {
        const value = values.get(feature.properties.pcode) || 0;
        const text = measure.what === "people" ? gettext("%(name)s: %(count)s people besieged") : gettext("%(name)s: %(count)s incidents");
        // A node, not a string: Leaflet would read a string as HTML, and the name comes from a boundary file.
        path.bindTooltip(el("span", {}, format(text, { name: localName(feature.properties.name_en, feature.properties.name_ar), count: formatNumber(value) })), { sticky: true });
        path.options.className = "choropleth-area";
      },
    });
    layer.addTo(this.group);
    this.legend = { title: measure.title, bounds, colours: CHOROPLETH_COLOURS.slice(0, bounds.length) };
    return layer.getLayers().filter((path) => values.get(path.feature.properties.pcode)).length;
  }
}
