// Incidents as markers by category, clustered at low zoom (Leaflet.markercluster). Markers are built once and
// reused, so a change of filter or date only swaps which of them are in the cluster group. An incident the public
// knows only by its governorate has no point (its centre could lie far from the place): it is drawn as the area,
// one dashed badge per governorate, beside the governorate's name, counting them and listing them when opened.

import { format, gettext, localName, ngettext } from "../../i18n.js";
import { L, nodeIcon } from "../leaflet.js";
import { el, formatDay, formatNumber } from "../dom.js";
import { incidentGlyph } from "../style.js";
import { getJSON } from "../api.js";

// What the map needs to draw and filter incidents; the rest of a record is read when its popup opens, which
// keeps the first load small when there are tens of thousands of incidents.
export const INCIDENT_FIELDS = [
  "id", "kind", "category", "title", "occurred_on", "latitude", "longitude", "admin1_pcode", "admin2_pcode",
  "organization_id",
];

// Where a generalised incident is shown, in the words of the popup (the API says which admin level stands in).
const GENERALISED = {
  "sub-district": gettext(" (shown at its sub-district: the exact place is withheld)"),
  district: gettext(" (shown at its district, no sub-district being known: the exact place is withheld)"),
  governorate: gettext(" (only its governorate is known: not drawn at a place)"),
};
const LABELS = {
  inGovernorate: (n, name) => format(ngettext("%(count)s incident known only to be in %(name)s governorate",
    "%(count)s incidents known only to be in %(name)s governorate", n), { count: n, name }),
  notAPlace: gettext("Not drawn at a place: the public record gives no place finer than the governorate."),
};

const IMPACT = [
  ["people_killed", gettext("people killed")],
  ["people_injured", gettext("people injured")],
  ["aid_workers_killed", gettext("aid workers killed")],
  ["aid_workers_injured", gettext("aid workers injured")],
  ["aid_workers_abducted", gettext("aid workers abducted")],
  ["aid_workers_detained", gettext("aid workers detained")],
  ["vehicles_damaged", gettext("vehicles damaged")],
  ["beneficiaries_affected", gettext("people whose assistance was affected")],
];

function popup(incident, labels) {
  const impact = IMPACT.filter(([key]) => incident[key]).map(([key, words]) => `${formatNumber(incident[key])} ${words}`);
  if (incident.supplies_lost) impact.push(format(gettext("supplies lost: %(what)s"), { what: incident.supplies_lost }));
  if (incident.access_effect) impact.push(format(gettext("access %(effect)s"), { effect: (labels.accessEffects[incident.access_effect] || incident.access_effect).toLowerCase() }));
  return el(
    "div",
    { class: "popup" },
    el("h3", { dir: "auto" }, incident.title),
    el("p", { class: "meta" }, el("bdi", {}, formatDay(incident.occurred_on)), " · ",
      incident.kind === "access" ? gettext("Access achieved") : labels.categories[incident.category] || incident.category_label || gettext("Obstruction")),
    el("p", { dir: "auto" }, incident.public_summary),
    el(
      "dl",
      {},
      el("dt", {}, gettext("Where")),
      el("dd", { dir: "auto" }, incident.location_name || localName(incident.admin1_name, incident.admin1_name_ar) || "—",
        incident.location_generalised ? GENERALISED[incident.location_generalised_to] || GENERALISED.governorate : ""),
      el("dt", {}, gettext("Perpetrator")),
      el("dd", {}, incident.perpetrator_kind ? labels.partyTypes[incident.perpetrator_kind] : gettext("not attributed")),
      el("dt", {}, gettext("Impact")),
      el("dd", {}, impact.length ? impact.join(gettext("; ")) : gettext("none recorded")),
      el("dt", {}, gettext("Reference")),
      el("dd", {}, el("bdi", {}, incident.reference)),
    ),
  );
}

export class IncidentsLayer {
  constructor(map, { labels, detailUrl }) {
    this.labels = labels;
    this.detailUrl = detailUrl;
    this.details = new Map();
    this.markers = new Map();
    this.drawn = Promise.resolve();
    this.finish = null;
    this.governorates = new Map();
    this.badges = L.layerGroup();
    this.points = L.markerClusterGroup({
      // Clustering runs in chunks so that the page stays responsive; `drawn` settles when the last is done.
      chunkProgress: (processed, total) => {
        if (processed === total && this.finish) {
          this.finish();
          this.finish = null;
        }
      },
      disableClusteringAtZoom: 11,
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      chunkedLoading: true,
      // Work for a fifth of a second, then let the page answer and paint; Leaflet.markercluster's default pause
      // of 50 ms between chunks left the page idle a third of the time it clustered 20,000 incidents.
      chunkInterval: 200,
      chunkDelay: 4,
    });
    this.group = L.layerGroup([this.points, this.badges]);
  }

  // Where each governorate's badge goes: beside its name on the base map (the same point as the name's label).
  placeGovernorates(shapes) {
    shapes?.eachLayer((shape) => {
      const { pcode, name_en: english, name_ar: arabic } = shape.feature.properties;
      const name = localName(english, arabic);
      this.governorates.set(pcode, { at: shape.getCenter(), name });
    });
  }

  badge(pcode, incidents) {
    const { at, name } = this.governorates.get(pcode);
    const text = LABELS.inGovernorate(incidents.length, name);
    const marker = L.marker(at, {
      icon: L.divIcon({ className: "incident-area-badge", html: el("span", {}, String(incidents.length)), iconSize: [26, 20], iconAnchor: [13, -8] }),
      title: text,
      alt: text,
      keyboard: true,
    });
    marker.bindPopup(() => el("div", { class: "popup" }, el("h3", {}, text), el("p", { class: "meta" }, LABELS.notAPlace),
      el("ul", {}, incidents.map((incident) => el("li", {}, el("bdi", {}, formatDay(incident.occurred_on)), gettext(": "), el("span", { dir: "auto" }, incident.title))))),
    { maxWidth: 320 });
    return marker;
  }

  marker(incident) {
    let marker = this.markers.get(incident.id);
    if (!marker) {
      const glyph = incidentGlyph(incident);
      const label = incident.kind === "access" ? gettext("Access achieved") : this.labels.categories[incident.category] || incident.category_label || gettext("Obstruction");
      marker = L.marker([incident.latitude, incident.longitude], {
        icon: nodeIcon({ className: `incident-marker ${glyph.cls}`, content: () => el("span", {}, glyph.text), iconSize: [22, 22] }),
        title: `${incident.title} (${label}, ${incident.occurred_on})`,
        alt: `${incident.title}: ${label}`,
        keyboard: true,
      });
      marker.bindPopup(() => this.popup(incident, marker), { maxWidth: 320 });
      this.markers.set(incident.id, marker);
    }
    return marker;
  }

  popup(incident, marker) {
    const holder = el("div", { class: "popup" }, el("h3", {}, incident.title), el("p", { class: "meta" }, gettext("Loading…")));
    if (!this.details.has(incident.id)) this.details.set(incident.id, getJSON(this.detailUrl(incident.id)));
    this.details.get(incident.id).then(
      (record) => {
        // The record is read once: from now on the popup holds it.
        marker.setPopupContent(popup(record, this.labels));
      },
      () => {
        this.details.delete(incident.id);
        holder.lastChild.textContent = gettext("The details could not be read; close and open again to retry.");
      },
    );
    return holder;
  }

  // Returns how many incidents are drawn: as points, or within their governorate's badge.
  draw(visible, shown) {
    if (this.finish) this.finish();
    const markers = [];
    const byGovernorate = new Map();
    for (const incident of visible) {
      if (incident.latitude !== null && incident.longitude !== null) markers.push(this.marker(incident));
      else if (this.governorates.has(incident.admin1_pcode)) {
        if (!byGovernorate.has(incident.admin1_pcode)) byGovernorate.set(incident.admin1_pcode, []);
        byGovernorate.get(incident.admin1_pcode).push(incident);
      }
    }
    this.drawn = shown && markers.length ? new Promise((resolve) => (this.finish = resolve)) : Promise.resolve();
    this.points.clearLayers();
    this.points.addLayers(markers);
    this.badges.clearLayers();
    let inBadges = 0;
    for (const [pcode, incidents] of byGovernorate) {
      this.badges.addLayer(this.badge(pcode, incidents));
      inBadges += incidents.length;
    }
    return markers.length + inBadges;
  }
}
