// Register areas: a shape per status (with its letter), sized by population, the besieging parties in the popup.
// Markers are focusable: Tab reaches them and Enter opens the popup.

import { format, gettext, localName, pageLanguage } from "../../i18n.js";
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
  const parties = area.besieging_parties.map((party) => localName(party.name, party.name_ar));
  const since = siegeStart(area, day);
  const period = area.status_periods.find((p) => p.start_date <= day && (p.end_date === null || day < p.end_date));
  return el(
    "div",
    { class: "popup" },
    el("h3", {}, el("span", { dir: "auto" }, localName(area.name_en, area.name_ar)), " ",
      pageLanguage() === "ar" ? el("span", { lang: "en", dir: "ltr" }, area.name_en) : el("span", { lang: "ar", dir: "rtl" }, area.name_ar)),
    el("p", { class: `status-chip status-${status}` }, `${AREA_STYLE[status].letter} · ${labels[status]}`,
      period ? [" ", format(gettext("since %(day)s"), { day: formatDay(period.start_date) })] : ""),
    el(
      "dl",
      {},
      el("dt", {}, gettext("Population")),
      el("dd", {}, formatNumber(area.population), area.population_date ? [" (", el("bdi", {}, formatDay(area.population_date)), ")"] : ""),
      el("dt", {}, gettext("Besieged by")),
      el("dd", { dir: "auto" }, parties.length ? parties.join(gettext("; ")) : "—"),
      since ? [el("dt", {}, gettext("Days under siege")), el("dd", {}, formatNumber(daysBetween(since, day)))] : null,
      el("dt", {}, gettext("Governorate")),
      el("dd", { dir: "auto" }, localName(area.governorate_name, area.governorate_name_ar) || "—"),
    ),
    el("p", { class: "source" }, format(gettext("Population: %(source)s. Status: "), { source: area.population_source || gettext("no source given") }),
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
        title: format(gettext("%(name)s: %(status)s, %(people)s people"), { name: localName(area.name_en, area.name_ar), status: this.labels[status], people: formatNumber(area.population) }),
        alt: `${localName(area.name_en, area.name_ar)}: ${this.labels[status]}`,
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(() => popup(area, status, day, this.labels, this.pages), { maxWidth: 320 });
      marker.addTo(this.group);
    }
    return sorted.length;
  }
}
