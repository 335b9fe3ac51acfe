// The public map: reads the public API once, then redraws from memory for every date and filter, keeping the
// view in the URL so that a link reproduces it.

import { format, gettext, isRightToLeft, localName } from "../i18n.js";
import { L } from "./leaflet.js";
import { getFeatures, getAllPages } from "./api.js";
import { addDays, dayOf } from "./dates.js";
import { defaultState, readState, writeState } from "./state.js";
import { summarize, visibleAreas, visibleConflictEvents, visibleConvoys, visibleIncidents } from "./model.js";
import { BaseMap } from "./layers/basemap.js";
import { AreasLayer } from "./layers/areas.js";
import { ConvoysLayer } from "./layers/convoys.js";
import { INCIDENT_FIELDS, IncidentsLayer } from "./layers/incidents.js";
import { ConflictLayer } from "./layers/conflict.js";
import { ChoroplethLayer, MEASURES, valuesBy } from "./layers/choropleth.js";
import { Timeline } from "./controls/timeline.js";
import { Filters } from "./controls/filters.js";
import { Summary } from "./controls/summary.js";
import { PeopleChart } from "./controls/people.js";
import { Legend } from "./controls/legend.js";
import { Downloads } from "./controls/downloads.js";
import { addContext } from "../../staff/map-context.js";

const SYRIA = [[32.3, 35.6], [37.4, 42.4]];

function dataSpan(incidents, today) {
  const days = incidents.map((incident) => incident.occurred_on).sort();
  if (!days.length) return { from: addDays(today, -30), to: today };
  return { from: days[0], to: days[days.length - 1] };
}

function moments(agreements, convoys) {
  const out = [];
  for (const agreement of agreements) out.push({ day: dayOf(agreement.starts_at), label: format(gettext("%(agreement)s takes effect"), { agreement: localName(agreement.name, agreement.name_ar) }) });
  const firstDelivery = convoys
    .flatMap((c) => c.events.filter((e) => e.to_status === "delivered" || e.to_status === "partially_delivered"))
    .map((e) => dayOf(e.occurred_at))
    .sort()[0];
  if (firstDelivery) out.push({ day: firstDelivery, label: gettext("first delivery") });
  for (const convoy of convoys) {
    for (const event of convoy.events) {
      if (event.to_status === "attacked") out.push({ day: dayOf(event.occurred_at), label: format(gettext("convoy %(reference)s attacked"), { reference: convoy.reference }) });
    }
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : 1)).slice(0, 6);
}

class MapApp {
  constructor(config) {
    this.config = config;
    this.labels = config.labels;
    this.app = document.getElementById("map-app");
    this.status = document.getElementById("map-status");
    this.app.hidden = false;
    this.map = L.map("map", { minZoom: 5, maxZoom: 14, zoomSnap: 0.5, keyboard: true, preferCanvas: false, attributionControl: false, zoomControl: false });
    // Leaflet's controls on the side a reader of the page's direction starts from: top right in Arabic.
    const rtl = isRightToLeft();
    L.control.zoom({ position: rtl ? "topright" : "topleft", zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(this.map);
    L.control.attribution({ position: rtl ? "bottomleft" : "bottomright" }).addTo(this.map);
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution(gettext("Boundaries: aidtrack's admin areas. Towns: GeoNames (CC BY 4.0). Rivers: GSHHG (LGPL 3.0)"));
    // Close in, towns and then every community are named, as on the staff picker.
    addContext(this.map, {
      townsUrl: `${config.layers}towns.json`,
      gazetteerUrl: `${config.layers}communities.json`,
      riversUrl: `${config.layers}rivers.geojson`,
      roadsUrl: `${config.layers}roads.geojson`,
      creditsPosition: rtl ? "bottomleft" : "bottomright",
      townZoom: 9,
      riverZoom: 9,
      roadZoom: 10,
    });
    this.map.fitBounds(SYRIA);
    this.base = new BaseMap(this.map, { layersUrl: config.layers, tileUrl: config.tileUrl, tileAttribution: config.tileAttribution });
    this.layers = {
      areas: new AreasLayer(this.map, { labels: this.labels.areaStatuses, pages: this.config.reports.areaPages }),
      convoys: new ConvoysLayer(this.map, { labels: this.labels.convoyStatuses }),
      incidents: new IncidentsLayer(this.map, {
        labels: this.labels,
        detailUrl: (id) => `${config.api.incidents}${id}/`,
      }),
      conflict: new ConflictLayer(this.map, {
        listUrl: config.api.conflict,
        detailUrl: (id) => `${config.api.conflict}${id}/`,
      }),
    };
    this.renders = 0;
    this.choropleth = new ChoroplethLayer(this.map);
  }

  async start() {
    const api = this.config.api;
    const [, areas, convoys, incidents, agreements] = await Promise.all([
      this.base.load(),
      getFeatures(`${api.areas}?format=geojson`),
      getFeatures(`${api.convoys}?format=geojson`),
      getFeatures(`${api.incidents}?format=geojson&fields=${INCIDENT_FIELDS.join(",")}`),
      getAllPages(`${api.agreements}?page_size=100`).catch(() => []),
    ]);
    this.data = { areas, convoys, incidents };
    this.layers.incidents.placeGovernorates(this.base.governorates);
    // Milliseconds since navigation, for the benchmark: when the data had arrived, and when all was drawn.
    this.app.dataset.dataAtMs = String(Math.round(performance.now()));
    this.areasById = new Map(areas.map((area) => [area.id, area]));
    const panel = document.getElementById("map-panel");
    const choices = {
      categories: [...Object.keys(this.labels.categories), "access"],
      areaStatuses: Object.keys(this.labels.areaStatuses),
      convoyStatuses: Object.keys(this.labels.convoyStatuses),
    };
    this.defaults = defaultState(dataSpan(incidents, this.config.today));
    this.state = readState(window.location.search, this.defaults, choices);
    const levels = new Set([1, ...(this.base.hasLevel(2) ? [2] : [])]);
    if (this.state.choropleth && !levels.has(MEASURES[this.state.choropleth].level)) this.state.choropleth = "";
    const onChange = (change) => this.update(change);
    this.timeline = new Timeline(panel, { onChange });
    this.timeline.setMoments(moments(agreements, convoys));
    this.filters = new Filters(panel, { onChange, levels });
    this.summary = new Summary(document.getElementById("summary"), { labels: this.labels });
    this.legend = new Legend(document.getElementById("legend"), { labels: this.labels });
    this.downloads = new Downloads(document.getElementById("downloads"), { api, today: this.config.today });
    this.people = new PeopleChart(document.getElementById("people-chart"), this.config.reports);
    if (this.state.view) this.map.setView([this.state.view.lat, this.state.view.lon], this.state.view.zoom);
    this.map.on("moveend", () => {
      const centre = this.map.getCenter();
      this.state.view = { zoom: this.map.getZoom(), lat: centre.lat, lon: centre.lng };
      this.remember();
    });
    document.getElementById("copy-link").addEventListener("click", () => this.copyLink());
    window.addEventListener("popstate", () => {
      this.state = readState(window.location.search, this.defaults, choices);
      this.render();
    });
    this.status.textContent = "";
    await this.render();
    this.app.dataset.readyAtMs = String(Math.round(performance.now()));
    this.app.dataset.ready = "true";
  }

  update(change) {
    Object.assign(this.state, change);
    if (this.state.asOf > this.state.to) this.state.asOf = this.state.to;
    if (this.state.asOf < this.state.from) this.state.asOf = this.state.from;
    this.remember();
    // The slider's range follows a new date range at once, not after the data for it has been read: a key
    // pressed meanwhile (End) must count days from the new start.
    this.timeline.show(this.state);
    return this.render();
  }

  remember() {
    window.history.replaceState(null, "", `${window.location.pathname}?${writeState(this.state)}`);
  }

  // Conflict events are read only while their layer is on, for the date range shown.
  async conflictEvents(state) {
    this.status.textContent = gettext("Loading conflict events…");
    try {
      const events = await this.layers.conflict.load(state.from, state.to);
      this.status.textContent = "";
      return visibleConflictEvents(events, state);
    } catch (error) {
      this.status.textContent = format(gettext("Conflict events could not be read (%(error)s); the other layers still work."), { error: error.message });
      return [];
    }
  }

  async render() {
    const started = performance.now();
    const ticket = ++this.renders;
    const state = this.state;
    // With the layer off nothing is awaited, so the first draw costs what it did before the layer existed.
    const conflict = state.layers.has("conflict") ? await this.conflictEvents(state) : null;
    // A later render (a newer date range) has started meanwhile: it draws, this one must not draw older data.
    if (ticket !== this.renders) return;
    const shown = {
      areas: visibleAreas(this.data.areas, state),
      convoys: visibleConvoys(this.data.convoys, state, this.areasById),
      incidents: visibleIncidents(this.data.incidents, state),
      conflict,
    };
    const counts = {};
    counts.areas = this.layers.areas.draw(shown.areas, state.asOf);
    const convoyCounts = this.layers.convoys.draw(shown.convoys, state.asOf);
    counts.convoys = convoyCounts.convoys;
    counts.convoyLines = convoyCounts.lines;
    counts.incidents = this.layers.incidents.draw(shown.incidents, state.layers.has("incidents"));
    counts.conflict = this.layers.conflict.draw(conflict || []);
    for (const [name, layer] of Object.entries(this.layers)) {
      if (state.layers.has(name)) layer.group.addTo(this.map);
      else layer.group.remove();
    }
    let choropleth = null;
    if (state.choropleth) {
      const measure = MEASURES[state.choropleth];
      const collection = await this.base.collection(measure.level);
      counts.shaded = this.choropleth.draw(collection, measure, valuesBy(measure, shown));
      this.choropleth.group.addTo(this.map);
      choropleth = this.choropleth.legend;
    } else {
      this.choropleth.group.remove();
      counts.shaded = 0;
    }
    await this.layers.incidents.drawn;
    this.timeline.show(state);
    this.filters.show(state);
    this.summary.show(summarize(shown, state), state);
    this.legend.show(state, choropleth);
    this.downloads.show(state);
    this.people.show(state);
    for (const [name, n] of Object.entries(counts)) this.app.dataset[name] = String(n);
    this.app.dataset.renderMs = String(Math.round(performance.now() - started));
  }

  async copyLink() {
    const note = document.getElementById("copied");
    try {
      await navigator.clipboard.writeText(window.location.href);
      note.textContent = gettext("Link copied.");
    } catch {
      note.textContent = gettext("Copy the address bar: it holds this view.");
    }
  }
}

const config = JSON.parse(document.getElementById("map-config").textContent);
new MapApp(config).start().catch((error) => {
  document.getElementById("map-status").textContent = format(gettext("The map could not load its data (%(error)s). The register below still works."), { error: error.message });
  throw error;
});
