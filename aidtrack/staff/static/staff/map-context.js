// What a map shows so that a place can be found by eye with no background tiles: rivers (GSHHG), district and
// sub-district lines, towns (GeoNames) at district zoom, the roads an operator loaded (import_context_layer) close in,
// and every community's point with its name (English or Arabic, as the page's language) at community zoom. Every
// layer comes from our own server and is kept offline.

import { format, gettext } from "../web/i18n.js";

const L = window.L;
const COMMUNITY_ZOOM = 11;
const MOST_LABELS = 400;
// Smallest town named at each zoom: the largest towns first, then smaller ones as the map closes in.
const TOWN_POPULATION = { 6: 500000, 7: 100000, 8: 30000, 9: 10000, 10: 0 };

function label(row, arabic) {
  return (arabic && row.name_ar) || row.name_en;
}

async function rowsOf(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return [];
    const { fields, rows } = await response.json();
    return rows.map((row) => Object.fromEntries(fields.map((name, i) => [name, row[i]])));
  } catch (error) {
    return [];
  }
}

// Main roads wider than the others; a class the style does not know is drawn as a secondary road.
const ROAD_WEIGHT = { motorway: 3, trunk: 3, primary: 2.4, secondary: 1.8 };

async function lines(map, url, style, minZoom) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return null;
    const data = await response.json();
    if (!data.features || !data.features.length) return null;
    const styleOf = typeof style === "function" ? (feature) => ({ ...style(feature), fill: false }) : { ...style, fill: false };
    const layer = L.geoJSON(data, { style: styleOf, interactive: false });
    const show = () => (map.getZoom() >= minZoom ? layer.addTo(map) : layer.remove());
    map.on("zoomend", show);
    show();
    return data;
  } catch (error) {
    // No connection and nothing kept: the map works without these lines.
    return null;
  }
}

function named(map, rows, { visible, marker, className }) {
  const group = L.layerGroup().addTo(map);
  const arabic = document.documentElement.lang.startsWith("ar");
  const draw = () => {
    group.clearLayers();
    const bounds = map.getBounds().pad(0.1);
    const shown = rows.filter((row) => visible(row) && bounds.contains([row.lat, row.lon])).slice(0, MOST_LABELS);
    for (const row of shown) {
      const point = L.circleMarker([row.lat, row.lon], { ...marker, interactive: false });
      point.bindTooltip(document.createTextNode(label(row, arabic)), {
        permanent: true,
        direction: "right",
        offset: [4, 0],
        className,
        interactive: false,
      });
      group.addLayer(point);
    }
  };
  map.on("moveend", draw);
  draw();
}

const Attribution = L.Control.extend({
  options: { position: "bottomright", text: "" },
  onAdd() {
    this.box = L.DomUtil.create("div", "leaflet-control-attribution map-credits");
    this.box.textContent = this.options.text;
    return this.box;
  },
  // As text: the roads' attribution is typed by an operator and never becomes markup.
  append(text) {
    this.options.text = [this.options.text, text].filter(Boolean).join(" ");
    if (this.box) this.box.textContent = this.options.text;
  },
});

// `townZoom`, `riverZoom` and `roadZoom`: the first zooms at which towns are named, rivers and roads drawn (the
// public map, which names governorates and has its own background, starts later). The roads' credit, the operator's
// attribution for the file they loaded, joins the map's credits once roads are drawn.
export async function addContext(
  map,
  {
    districtsUrl,
    subdistrictsUrl,
    townsUrl,
    gazetteerUrl,
    riversUrl,
    roadsUrl,
    credits,
    creditsPosition = "bottomright",
    townZoom = 6,
    riverZoom = 8,
    roadZoom = 9,
  },
) {
  const creditsBox = credits ? new Attribution({ text: credits, position: creditsPosition }).addTo(map) : null;
  if (riversUrl) lines(map, riversUrl, { color: "#4f8fc9", weight: 1.6, opacity: 0.85, className: "context-river" }, riverZoom);
  if (roadsUrl) {
    const roadStyle = (feature) => ({
      color: "#7a6552",
      weight: ROAD_WEIGHT[feature.properties.class] || 1.8,
      opacity: 0.8,
      className: "context-road",
    });
    lines(map, roadsUrl, roadStyle, Number(roadZoom)).then((data) => {
      if (!data || !data.attribution) return;
      // Isolated, so that the operator's Latin text keeps its order inside an Arabic line.
      const isolated = (text) => `\u2068${text}\u2069`;
      const credit = data.licence
        ? format(gettext("Roads: %(attribution)s (%(licence)s)."), {
            attribution: isolated(data.attribution),
            licence: isolated(data.licence),
          })
        : format(gettext("Roads: %(attribution)s."), { attribution: isolated(data.attribution) });
      if (creditsBox) creditsBox.append(credit);
      else new Attribution({ text: credit, position: creditsPosition }).addTo(map);
    });
  }
  if (districtsUrl) lines(map, districtsUrl, { color: "#5b6474", weight: 1.4 }, 8);
  if (subdistrictsUrl) lines(map, subdistrictsUrl, { color: "#8a93a3", weight: 1, dashArray: "4 4" }, 10);
  const [towns, communities] = await Promise.all([rowsOf(townsUrl), rowsOf(gazetteerUrl)]);
  const townsShown = (town) => {
    const zoom = Math.floor(map.getZoom());
    return zoom >= townZoom && zoom < COMMUNITY_ZOOM && town.population >= (TOWN_POPULATION[zoom] ?? Infinity);
  };
  named(map, towns, {
    visible: townsShown,
    marker: { radius: 3, color: "#1d2330", weight: 1, fillColor: "#1d2330", fillOpacity: 1 },
    className: "place-label town-label",
  });
  named(map, communities, {
    visible: () => map.getZoom() >= COMMUNITY_ZOOM,
    marker: { radius: 3, color: "#0b5cad", weight: 1, fillColor: "#fff", fillOpacity: 1 },
    className: "place-label community-label",
  });
}
