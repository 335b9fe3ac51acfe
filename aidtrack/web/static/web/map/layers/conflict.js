// Conflict events (ACLED format): the violence layer, kept apart from access incidents. Off until the reader turns
// it on, so a first visit never reads them; then the events of the date range are read once per range (the "as of"
// slider only filters what was read), drawn as crosses sized by fatalities and clustered in their own dark groups.

import { format, gettext } from "../../i18n.js";
import { L, nodeIcon } from "../leaflet.js";
import { el, formatDay, formatNumber } from "../dom.js";
import { conflictSize, crossSVG } from "../style.js";
import { getFeatures, getJSON } from "../api.js";

// What the map needs to draw, filter and label the events; a popup reads the whole event when it opens.
export const CONFLICT_FIELDS = [
  "id", "event_date", "event_type", "sub_event_type", "location", "fatalities", "admin1_pcode", "latitude", "longitude",
];
const RANGES_KEPT = 4;

function killed(n) {
  return n ? format(gettext("%(count)s killed"), { count: formatNumber(n) }) : gettext("no fatalities reported");
}

function popup(event) {
  const actors = [event.actor1, event.actor2].filter(Boolean);
  const where = [event.location, event.admin3_name, event.admin2_name, event.admin1_name].filter(Boolean);
  return el(
    "div",
    { class: "popup conflict-popup" },
    el("h3", {}, event.event_type, event.sub_event_type ? `: ${event.sub_event_type}` : ""),
    el("p", { class: "meta" }, el("bdi", {}, formatDay(event.event_date)), " · ", gettext("conflict event (ACLED format), not an access incident")),
    el(
      "dl",
      {},
      el("dt", {}, gettext("Actors")),
      el("dd", { dir: "auto" }, actors.length ? actors.join(" — ") : gettext("not named")),
      el("dt", {}, gettext("Where")),
      el("dd", { dir: "auto" }, where.length ? [...new Set(where)].join(gettext(", ")) : "—"),
      el("dt", {}, gettext("Fatalities")),
      el("dd", {}, event.fatalities ? formatNumber(event.fatalities) : gettext("none reported")),
    ),
    event.notes ? el("p", { class: "notes", dir: "auto" }, event.notes) : null,
    el("p", { class: "source" }, format(gettext("Source: %(source)s (event %(id)s)."), { source: event.source || gettext("not given"), id: event.event_id })),
  );
}

function clusterIcon(cluster) {
  const markers = cluster.getAllChildMarkers();
  const fatalities = markers.reduce((sum, marker) => sum + (marker.options.fatalities || 0), 0);
  const count = markers.length;
  return nodeIcon({
    className: "conflict-cluster",
    content: () => el("span", { title: format(gettext("%(count)s conflict events, %(killed)s"), { count, killed: killed(fatalities) }) }, el("b", {}, count)),
    iconSize: [28, 28],
  });
}

export class ConflictLayer {
  constructor(map, { listUrl, detailUrl }) {
    this.listUrl = listUrl;
    this.detailUrl = detailUrl;
    this.ranges = new Map();
    this.details = new Map();
    this.markers = new Map();
    // Above the other markers: a thin cross hides little of what lies under it, and events often coincide with them.
    map.createPane("conflict").style.zIndex = 650;
    this.group = L.markerClusterGroup({
      iconCreateFunction: clusterIcon,
      clusterPane: "conflict",
      disableClusteringAtZoom: 11,
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      chunkedLoading: true,
    });
  }

  // The events dated from..to, read once per range; a failed read is forgotten so that the next render retries.
  load(from, to) {
    const key = `${from}/${to}`;
    if (!this.ranges.has(key)) {
      const query = new URLSearchParams({ format: "geojson", date_from: from, date_to: to, fields: CONFLICT_FIELDS.join(",") });
      const request = getFeatures(`${this.listUrl}?${query.toString().replaceAll("%2C", ",")}`);
      request.catch(() => this.ranges.delete(key));
      this.ranges.set(key, request);
      while (this.ranges.size > RANGES_KEPT) this.ranges.delete(this.ranges.keys().next().value);
    }
    return this.ranges.get(key);
  }

  marker(event) {
    let marker = this.markers.get(event.id);
    if (!marker) {
      const size = conflictSize(event.fatalities);
      const label = `${event.event_type}${event.sub_event_type ? ` (${event.sub_event_type})` : ""}`;
      marker = L.marker([event.latitude, event.longitude], {
        icon: nodeIcon({ className: "conflict-marker", content: () => crossSVG(size), iconSize: [size, size] }),
        pane: "conflict",
        title: format(gettext("Conflict event: %(label)s, %(place)s, %(day)s, %(killed)s"), { label, place: event.location || gettext("place not named"), day: event.event_date, killed: killed(event.fatalities) }),
        alt: format(gettext("Conflict event: %(label)s"), { label }),
        keyboard: true,
        fatalities: event.fatalities || 0,
      });
      marker.bindPopup(() => this.popup(event, marker), { maxWidth: 340 });
      this.markers.set(event.id, marker);
    }
    return marker;
  }

  popup(event, marker) {
    const holder = el("div", { class: "popup" }, el("h3", {}, event.event_type), el("p", { class: "meta" }, gettext("Loading…")));
    if (!this.details.has(event.id)) this.details.set(event.id, getJSON(this.detailUrl(event.id)));
    this.details.get(event.id).then(
      (record) => marker.setPopupContent(popup(record)),
      () => {
        this.details.delete(event.id);
        holder.lastChild.textContent = gettext("The details could not be read; close and open again to retry.");
      },
    );
    return holder;
  }

  draw(visible) {
    const markers = visible.filter((e) => e.latitude !== null && e.longitude !== null).map((e) => this.marker(e));
    this.group.clearLayers();
    this.group.addLayers(markers);
    return markers.length;
  }
}
