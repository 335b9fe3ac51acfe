// Building DOM nodes without innerHTML, so that no text from a record is ever read as markup. Children that are
// not nodes become text; a style is an object set through the CSSOM (which the Content-Security-Policy allows,
// unlike a style attribute).

import { intlLocale } from "../i18n.js";

function fill(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "style") Object.assign(node.style, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...present(children));
  return node;
}

// The children worth appending: null, undefined and false (what `cond ? x : null` gives) are left out.
export function present(children) {
  return children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : String(child)));
}

export function el(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS("http://www.w3.org/2000/svg", tag), attributes, children);
}

const NUMBER = new Intl.NumberFormat(intlLocale());
export const formatNumber = (value) => (value === null || value === undefined ? "—" : NUMBER.format(value));

const DAY = new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
export const formatDay = (iso) => (iso ? DAY.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : "—");
