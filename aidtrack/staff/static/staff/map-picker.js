// The incident form's map picker: click the map or type coordinates, and the
// admin areas of the point are looked up at once. Leaflet comes from the
// XStatic-Leaflet package (served from our static files); there are no map
// tiles from the internet, only the governorate layer from our own server
// (the geo app's /geo/layers/adm1.geojson, revalidated by ETag).

import { gettext, isRightToLeft, pageLanguage } from "../web/i18n.js";
import { addContext } from "./map-context.js";

const L = window.L;
const SYRIA = [[32.3, 35.6], [37.4, 42.4]];
const DIGITS = 5;
const TEXT = JSON.parse(document.getElementById("staff-app-text")?.textContent || "{}");

function showArea(cell, area) {
  if (!area) {
    cell.textContent = "—";
    return;
  }
  // The name in the page's language, the P-code isolated so that it keeps its order in an Arabic line, and the
  // other language's name beside it.
  const arabicPage = pageLanguage() === "ar";
  const name = document.createElement("span");
  name.dir = "auto";
  name.textContent = arabicPage && area.name_ar ? area.name_ar : area.name_en;
  const code = document.createElement("bdi");
  code.textContent = `(${area.pcode})`;
  cell.replaceChildren(name, " ", code);
  const other = arabicPage ? area.name_en : area.name_ar;
  if (other && other !== name.textContent) {
    const span = document.createElement("span");
    span.lang = arabicPage ? "en" : "ar";
    span.dir = arabicPage ? "ltr" : "rtl";
    span.textContent = other;
    cell.append(" ", span);
  }
}

export class MapPicker {
  constructor(element, { latInput, lonInput, placement }) {
    this.element = element;
    this.latInput = latInput;
    this.lonInput = lonInput;
    this.placement = placement;
    this.placeUrl = element.dataset.placeUrl;
    this.map = L.map(element, { attributionControl: false, zoomControl: false }).fitBounds(SYRIA);
    L.control.zoom({ position: isRightToLeft() ? "topright" : "topleft", zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(this.map);
    // Kept on the element (not a global) so tests and other scripts can reach the map.
    element.picker = this;
    this.marker = null;
    this.community = null;
    this.loadOutlines(element.dataset.outlinesUrl);
    this.map.on("click", (event) => this.pick(event.latlng.lat, event.latlng.lng));
    for (const input of [latInput, lonInput]) {
      input.addEventListener("change", () => this.fromInputs());
    }
    this.fromInputs({ lookUp: false });
  }

  async loadOutlines(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const outlines = await response.json();
    L.geoJSON(outlines, {
      style: { color: "#5b6474", weight: 1, fillColor: "#dfe4ec", fillOpacity: 0.5 },
      // A text node, not a string: Leaflet reads a string as HTML, and the names come from boundary files.
      onEachFeature: (feature, layer) =>
        layer.bindTooltip(document.createTextNode(feature.properties.name_en), { sticky: true }),
    })
      .on("click", (event) => this.pick(event.latlng.lat, event.latlng.lng))
      .addTo(this.map);
  }

  pick(lat, lon) {
    this.latInput.value = lat.toFixed(DIGITS);
    this.lonInput.value = lon.toFixed(DIGITS);
    this.showPoint(lat, lon);
    this.lookUp({ lat, lon });
  }

  fromInputs({ lookUp = true } = {}) {
    const lat = parseFloat(this.latInput.value);
    const lon = parseFloat(this.lonInput.value);
    if (Number.isNaN(lat) || Number.isNaN(lon)) return;
    this.showPoint(lat, lon);
    this.map.setView([lat, lon], Math.max(this.map.getZoom(), 9));
    if (lookUp) this.lookUp({ lat, lon });
  }

  showPoint(lat, lon) {
    if (this.marker) {
      this.marker.setLatLng([lat, lon]);
    } else {
      this.marker = L.circleMarker([lat, lon], { radius: 8, color: "#b71c1c", weight: 3, fillOpacity: 0.6 });
      this.marker.addTo(this.map);
    }
  }

  showArea(lat, lon) {
    // A community chosen without a point: a hollow ring, not the incident's own point.
    if (!this.marker) {
      if (!this.community) {
        this.community = L.circleMarker([lat, lon], { radius: 10, color: "#0b5cad", weight: 2, dashArray: "4 3", fill: false });
        this.community.addTo(this.map);
      }
      this.community.setLatLng([lat, lon]);
    }
    // Close enough to read the communities' names around it.
    this.map.setView([lat, lon], Math.max(this.map.getZoom(), 13));
  }

  async lookUp(query) {
    if (!this.placement || !this.placeUrl) return; // a picker for a point only (a convoy's origin)
    this.placement.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(`${this.placeUrl}?${new URLSearchParams(query)}`, { credentials: "same-origin" });
    } catch (error) {
      // No connection: the server places the point when the report is sent.
      this.placement.removeAttribute("aria-busy");
      for (const cell of this.placement.querySelectorAll("[data-level]")) cell.textContent = "—";
      const problem = this.placement.parentElement.querySelector(".placement-problem");
      if (problem) problem.textContent = TEXT.offlinePlacement || "";
      return;
    }
    this.placement.removeAttribute("aria-busy");
    const found = response.ok ? await response.json() : {};
    for (const cell of this.placement.querySelectorAll("[data-level]")) {
      if (response.ok) showArea(cell, found[cell.dataset.level]);
      else cell.textContent = found.error || "—";
    }
    const problem = this.placement.parentElement.querySelector(".placement-problem");
    if (problem) problem.textContent = (response.ok && found.problem) || "";
  }
}

const element = document.getElementById("map-picker");
if (element && L) {
  const form = element.closest("form");
  const latName = element.dataset.latName || "latitude";
  const lonName = element.dataset.lonName || "longitude";
  const picker = new MapPicker(element, {
    latInput: form.querySelector(`[name=${latName}]`),
    lonInput: form.querySelector(`[name=${lonName}]`),
    placement: document.getElementById("placement"),
  });
  addContext(picker.map, element.dataset);
  // A community chosen from the search shows where it is and its admin areas.
  const placeName = element.dataset.placeName || "stated_area";
  form.addEventListener("place-chosen", (event) => {
    if (event.target.name !== placeName) return; // e.g. a convoy's destination, not its origin
    const { lat, lon, pcode } = event.detail;
    if (lat != null && lon != null) picker.showArea(lat, lon);
    if (!form.querySelector(`[name=${latName}]`).value) picker.lookUp({ pcode });
  });
}
