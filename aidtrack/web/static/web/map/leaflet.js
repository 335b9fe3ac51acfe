// Leaflet and Leaflet.markercluster are loaded as classic scripts from our own static files (XStatic packages);
// the plugin extends the same object, so the rest of the map imports Leaflet from here, never from a global.
export const L = window.L;

// A marker icon whose content is built as DOM nodes, never parsed from an HTML string (L.divIcon's `html`).
// `content()` makes fresh nodes each time Leaflet builds the marker's element (again after a cluster splits).
const NodeIcon = L.DivIcon.extend({
  options: { html: false, content: () => [] },

  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    div.replaceChildren(...[this.options.content()].flat());
    return div;
  },
});

export const nodeIcon = (options) => new NodeIcon(options);
