// Leaflet and Leaflet.markercluster are loaded as classic scripts from our own static files (XStatic packages);
// the plugin extends the same object, so the rest of the map imports Leaflet from here, never from a global.
export const L = window.L;
