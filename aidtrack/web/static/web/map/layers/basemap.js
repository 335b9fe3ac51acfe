// The base map, drawn from our own administrative boundaries (/geo/layers/): the country, governorates with
// their names, and districts once the zoom allows. A deployment may add a tile layer by setting one URL.

import { localName } from "../../i18n.js";
import { L } from "../leaflet.js";
import { getJSON } from "../api.js";
import { el } from "../dom.js";

const DISTRICT_ZOOM = 8;

export class BaseMap {
  constructor(map, { layersUrl, tileUrl, tileAttribution }) {
    this.map = map;
    this.layersUrl = layersUrl;
    this.collections = {};
    if (tileUrl) L.tileLayer(tileUrl, { attribution: tileAttribution, maxZoom: 18 }).addTo(map);
    this.pane = map.createPane("boundaries");
    this.pane.style.zIndex = 250;
  }

  async load() {
    const index = await getJSON(this.layersUrl);
    this.available = new Map(index.layers.map((layer) => [layer.level, layer.url]));
    const [country, governorates] = await Promise.all([this.collection(0), this.collection(1)]);
    if (country) {
      L.geoJSON(country, {
        pane: "boundaries",
        interactive: false,
        style: { color: "#3d4654", weight: 2, fill: true, fillColor: "#f3f1ea", fillOpacity: 1 },
      }).addTo(this.map);
    }
    if (governorates) {
      this.governorates = L.geoJSON(governorates, {
        pane: "boundaries",
        interactive: false,
        style: { color: "#8a93a3", weight: 1, fill: !country, fillColor: "#f3f1ea", fillOpacity: 1 },
        // Names come from boundary files: a node, since Leaflet reads a string as HTML.
        onEachFeature: (feature, layer) =>
          layer.bindTooltip(el("span", {}, localName(feature.properties.name_en, feature.properties.name_ar)), {
            permanent: true,
            direction: "center",
            className: "gov-label",
            interactive: false,
          }),
      }).addTo(this.map);
    }
    if (this.available.has(2)) {
      this.map.on("zoomend", () => this.showDistricts());
      this.showDistricts();
    }
    return governorates;
  }

  hasLevel(level) {
    return this.available.has(level);
  }

  async collection(level) {
    if (!this.available.has(level)) return null;
    if (!this.collections[level]) this.collections[level] = getJSON(this.available.get(level));
    return this.collections[level];
  }

  async showDistricts() {
    const wanted = this.map.getZoom() >= DISTRICT_ZOOM;
    if (wanted && !this.districts) {
      const districts = await this.collection(2);
      this.districts = L.geoJSON(districts, {
        pane: "boundaries",
        interactive: false,
        style: { color: "#b3b9c4", weight: 0.8, dashArray: "3 3", fill: false },
        onEachFeature: (feature, layer) =>
          layer.bindTooltip(el("span", {}, localName(feature.properties.name_en, feature.properties.name_ar)), {
            permanent: true,
            direction: "center",
            className: "district-label",
            interactive: false,
          }),
      });
    }
    if (!this.districts) return;
    if (wanted) this.districts.addTo(this.map);
    else this.districts.remove();
  }
}
