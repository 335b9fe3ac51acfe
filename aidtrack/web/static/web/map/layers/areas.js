// Register areas: a shape per status (with its letter), sized by population, the besieging parties in the popup.
// Markers are focusable: Tab reaches them and Enter opens the popup.

import { L, nodeIcon } from "../leaflet.js";
import { el, formatDay, formatNumber } from "../dom.js";
import { AREA_STYLE, areaSize, shapeSVG } from "../style.js";
import { daysBetween } from "../dates.js";

function siegeStart(area, day) {
  // The start of the unbroken run of "besieged" periods that covers the day.
  const periods = area.status_periods.filter((p) => p.start_date <= day).sort((a, b) =>
    a.start_date < b.start_date ? 1 : -1,
  );
  let start = null;
  for (const period of periods) {
    if (period.status !== "besieged") break;
    if (start !== null && period.end_date !== start) break;
    start = period.start_date;
  }
  return start;
}

function popup(area, status, day, labels, pages) {
  const parties = area.besieging_parties.map((party) => party.name);
  const since = siegeStart(area, day);
  const period = area.status_periods.find((p) => p.start_date <= day && (p.end_date === null || day < p.end_date));
  return el(
    "div",
    { class: "popup" },
    el("h3", {}, area.name_en, " ", el("span", { lang: "ar", dir: "rtl" }, area.name_ar)),
    el("p", { class: `status-chip status-${status}` }, `${AREA_STYLE[status].letter} · ${labels[status]}`,
      period ? ` since ${formatDay(period.start_date)}` : ""),
    el(
      "dl",
      {},
      el("dt", {}, "Population"),
      el("dd", {}, formatNumber(area.population), area.population_date ? ` (${formatDay(area.population_date)})` : ""),
      el("dt", {}, "Besieged by"),
      el("dd", {}, parties.length ? parties.join("; ") : "—"),
      since ? [el("dt", {}, "Days under siege"), el("dd", {}, formatNumber(daysBetween(since, day)))] : null,
      el("dt", {}, "Governorate"),
      el("dd", {}, area.governorate_name || "—"),
    ),
    el("p", { class: "source" }, `Population: ${area.population_source || "no source given"}. Status: `,
      period ? period.source : "—"),
    pages ? el("p", {}, el("a", { href: `${pages}${area.id}/?as_of=${day}` },
      "The area's page: history, deliveries, incidents")) : null,
  );
}

export class AreasLayer {
  constructor(map, { labels, pages = "" }) {
    this.map = map;
    this.labels = labels;
    this.pages = pages;
    this.group = L.layerGroup();
    map.createPane("areas").style.zIndex = 640;
  }

  draw(visible, day) {
    this.group.clearLayers();
    // Largest first, so that small areas stay on top and clickable.
    const sorted = [...visible].sort((a, b) => (b.area.population || 0) - (a.area.population || 0));
    for (const { area, status } of sorted) {
      const style = AREA_STYLE[status];
      const size = areaSize(area.population);
      const icon = nodeIcon({
        className: `area-marker area-${status}`,
        content: () => [shapeSVG(style.shape, size, style.colour), el("b", { class: "area-letter" }, style.letter)],
        iconSize: [size, size],
      });
      const marker = L.marker([area.latitude, area.longitude], {
        icon,
        pane: "areas",
        title: `${area.name_en}: ${this.labels[status]}, ${formatNumber(area.population)} people`,
        alt: `${area.name_en}: ${this.labels[status]}`,
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(() => popup(area, status, day, this.labels, this.pages), { maxWidth: 320 });
      marker.addTo(this.group);
    }
    return sorted.length;
  }
}
