// Building DOM nodes from data without innerHTML, so that no text from a record is ever read as markup.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const NUMBER = new Intl.NumberFormat("en-GB");
export const formatNumber = (value) => (value === null || value === undefined ? "—" : NUMBER.format(value));

const DAY = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
export const formatDay = (iso) => (iso ? DAY.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)) : "—");
