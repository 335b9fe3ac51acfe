// Incidents as markers by category, clustered at low zoom (Leaflet.markercluster). Markers are built once and
// reused, so a change of filter or date only swaps which of them are in the cluster group.

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

const IMPACT = [
  ["people_killed", "people killed"],
  ["people_injured", "people injured"],
  ["aid_workers_killed", "aid workers killed"],
  ["aid_workers_injured", "aid workers injured"],
  ["aid_workers_abducted", "aid workers abducted"],
  ["aid_workers_detained", "aid workers detained"],
  ["vehicles_damaged", "vehicles damaged"],
  ["beneficiaries_affected", "people whose assistance was affected"],
];

function popup(incident, labels) {
  const impact = IMPACT.filter(([key]) => incident[key]).map(([key, words]) => `${formatNumber(incident[key])} ${words}`);
  if (incident.supplies_lost) impact.push(`supplies lost: ${incident.supplies_lost}`);
  if (incident.access_effect) impact.push(`access ${(labels.accessEffects[incident.access_effect] || incident.access_effect).toLowerCase()}`);
  return el(
    "div",
    { class: "popup" },
    el("h3", {}, incident.title),
    el("p", { class: "meta" }, formatDay(incident.occurred_on), " · ",
      incident.kind === "access" ? "Access achieved" : incident.category_label || "Obstruction"),
    el("p", {}, incident.public_summary),
    el(
      "dl",
      {},
      el("dt", {}, "Where"),
      el("dd", {}, incident.location_name || incident.admin1_name || "—",
        incident.location_generalised ? " (shown at the sub-district: the exact place is withheld)" : ""),
      el("dt", {}, "Perpetrator"),
      el("dd", {}, incident.perpetrator_kind ? labels.partyTypes[incident.perpetrator_kind] : "not attributed"),
      el("dt", {}, "Impact"),
      el("dd", {}, impact.length ? impact.join("; ") : "none recorded"),
      el("dt", {}, "Reference"),
      el("dd", {}, incident.reference),
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
    this.group = L.markerClusterGroup({
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
      chunkInterval: 100,
    });
  }

  marker(incident) {
    let marker = this.markers.get(incident.id);
    if (!marker) {
      const glyph = incidentGlyph(incident);
      const label = incident.kind === "access" ? "Access achieved" : incident.category_label || "Obstruction";
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
    const holder = el("div", { class: "popup" }, el("h3", {}, incident.title), el("p", { class: "meta" }, "Loading…"));
    if (!this.details.has(incident.id)) this.details.set(incident.id, getJSON(this.detailUrl(incident.id)));
    this.details.get(incident.id).then(
      (record) => {
        // The record is read once: from now on the popup holds it.
        marker.setPopupContent(popup(record, this.labels));
      },
      () => {
        this.details.delete(incident.id);
        holder.lastChild.textContent = "The details could not be read; close and open again to retry.";
      },
    );
    return holder;
  }

  draw(visible, shown) {
    if (this.finish) this.finish();
    this.drawn = shown && visible.length ? new Promise((resolve) => (this.finish = resolve)) : Promise.resolve();
    const markers = [];
    for (const incident of visible) {
      if (incident.latitude !== null && incident.longitude !== null) markers.push(this.marker(incident));
    }
    this.group.clearLayers();
    this.group.addLayers(markers);
    return markers.length;
  }
}
