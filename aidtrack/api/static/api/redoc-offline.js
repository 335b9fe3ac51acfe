// Loaded before ReDoc on /api/v1/redoc/. ReDoc 2 always draws Redocly's logo from cdn.redoc.ly in its menu; the
// page must ask no other site (and the Content-Security-Policy would block and report it), so that one address
// is dropped when ReDoc sets it: the image fails at once and ReDoc removes it ("API docs by Redocly" stays).
(() => {
  const REDOCLY_CDN = "https://cdn.redoc.ly/";
  const offline = (value) => (String(value).startsWith(REDOCLY_CDN) ? "" : value);
  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    ...src,
    set(value) {
      src.set.call(this, offline(value));
    },
  });
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function setAttributeOffline(name, value) {
    const image = this instanceof HTMLImageElement && name.toLowerCase() === "src";
    return setAttribute.call(this, name, image ? offline(value) : value);
  };
})();
