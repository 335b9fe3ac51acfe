// The area page's small map: the governorates from our own server and the area's point; no tiles, no other host.

const L = window.L;
const element = document.getElementById("area-map");
const point = JSON.parse(document.getElementById("area-point").textContent);
const map = L.map(element, { attributionControl: false, scrollWheelZoom: false }).setView([point.lat, point.lon], 7);
const marker = L.circleMarker([point.lat, point.lon], { radius: 8, color: "#7f1010", weight: 2, fillColor: "#b71c1c", fillOpacity: 0.8 });
marker.bindTooltip(document.createTextNode(point.name), { permanent: true, direction: "right" });

fetch(element.dataset.outlinesUrl, { credentials: "same-origin" })
  .then((response) => (response.ok ? response.json() : null))
  .then((outlines) => {
    if (outlines) {
      L.geoJSON(outlines, {
        style: { color: "#5b6474", weight: 1, fillColor: "#eceff3", fillOpacity: 1 },
        interactive: false,
      }).addTo(map);
    }
    marker.addTo(map);
    element.dataset.ready = "true";
  });
