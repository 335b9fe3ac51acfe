// Links that download, through the public API, what the map shows (same dates and filters).

import { format, gettext } from "../../i18n.js";
import { el } from "../dom.js";
import { downloadAddresses } from "../api.js";

const NAMES = {
  areas: gettext("Areas (register)"),
  convoys: gettext("Convoy requests"),
  incidents: gettext("Incidents"),
  conflict: gettext("Conflict events (ACLED)"),
};

export class Downloads {
  constructor(list, { api, today }) {
    this.list = list;
    this.api = api;
    this.today = today;
  }

  show(state) {
    const addresses = downloadAddresses(this.api, state, this.today);
    this.list.replaceChildren(
      ...Object.entries(addresses)
        .filter(([name]) => state.layers.has(name))
        .map(([name, formats]) =>
          el("li", { "data-layer": name }, format(gettext("%(name)s: "), { name: NAMES[name] }),
            el("a", { href: formats.geojson, download: `${name}.geojson`, class: "geojson" }, "GeoJSON"), " · ",
            el("a", { href: formats.csv, download: `${name}.csv`, class: "csv" }, gettext("CSV (HXL)")))),
    );
  }
}
