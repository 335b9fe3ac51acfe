// How each status and category looks. Colours are from the Okabe-Ito palette, which stays distinct for the
// common forms of colour blindness, and every status also has its own shape, line pattern and letter, so that
// nothing is told by colour alone. Shapes are built as SVG nodes, never as markup strings.

import { gettext, pgettext } from "../i18n.js";
import { svg } from "./dom.js";

export const AREA_STYLE = {
  besieged: { colour: "#D55E00", shape: "square", letter: pgettext("map letter: besieged", "B") },
  military_encircled: { colour: "#CC79A7", shape: "diamond", letter: pgettext("map letter: military encircled", "M") },
  hard_to_reach: { colour: "#E69F00", shape: "triangle", letter: pgettext("map letter: hard to reach", "H") },
  accessible: { colour: "#009E73", shape: "circle", letter: pgettext("map letter: accessible", "A") },
};

const PIPELINE = { colour: "#0072B2", dashArray: "8 6", group: gettext("in the pipeline"), letter: pgettext("map letter: convoy in the pipeline", "P") };
const REACHED = { colour: "#009E73", dashArray: null, group: gettext("delivered"), letter: pgettext("map letter: convoy delivered", "D") };
const STOPPED = { colour: "#D55E00", dashArray: "2 6", group: gettext("stopped"), letter: pgettext("map letter: convoy stopped", "X") };
const WITHDRAWN = { colour: "#6b7280", dashArray: "1 8", group: gettext("cancelled or on hold"), letter: pgettext("map letter: convoy cancelled or on hold", "C") };

export const CONVOY_GROUPS = [PIPELINE, REACHED, STOPPED, WITHDRAWN];
export const CONVOY_STYLE = {
  draft: PIPELINE,
  submitted: PIPELINE,
  approved: PIPELINE,
  partially_approved: PIPELINE,
  dispatched: PIPELINE,
  delivered: REACHED,
  partially_delivered: REACHED,
  denied: STOPPED,
  no_response: STOPPED,
  blocked: STOPPED,
  attacked: STOPPED,
  cancelled: WITHDRAWN,
  on_hold: WITHDRAWN,
};

// Incident markers carry the category number (or a tick for access achieved) and a shape per group.
export function incidentGlyph(incident) {
  if (incident.kind === "access") return { text: "✓", cls: "inc-access" };
  if (!incident.category || incident.category === "other") return { text: "•", cls: "inc-other" };
  const violent = ["5", "7", "8"].includes(incident.category);
  return { text: incident.category, cls: violent ? "inc-violent" : "inc-obstruct" };
}

export const INCIDENT_GROUPS = [
  { cls: "inc-violent", text: "5", label: gettext("violence, hostilities, explosive hazards (5, 7, 8)") },
  { cls: "inc-obstruct", text: "3", label: gettext("other obstructions (1–4, 6, 9): the number is the category") },
  { cls: "inc-other", text: "•", label: gettext("other obstruction") },
  { cls: "inc-access", text: "✓", label: gettext("access achieved (delivery, crossing, evacuation)") },
];

// A sequential palette (viridis, light to dark), readable in greyscale too.
export const CHOROPLETH_COLOURS = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487"];

const SQRT_SCALE = 0.045;
export function areaSize(population) {
  return Math.max(14, Math.min(56, Math.round(Math.sqrt(population || 0) * SQRT_SCALE + 10)));
}

export function shapeSVG(shape, size, colour) {
  const s = size;
  const h = s / 2;
  const body = {
    square: () => svg("rect", { x: 2, y: 2, width: s - 4, height: s - 4 }),
    diamond: () => svg("polygon", { points: `${h},1 ${s - 1},${h} ${h},${s - 1} 1,${h}` }),
    triangle: () => svg("polygon", { points: `${h},1 ${s - 1},${s - 2} 1,${s - 2}` }),
    circle: () => svg("circle", { cx: h, cy: h, r: h - 2 }),
  }[shape]();
  return svg("svg", { width: s, height: s, viewBox: `0 0 ${s} ${s}`, "aria-hidden": "true" },
    svg("g", { fill: colour, "fill-opacity": "0.55", stroke: colour, "stroke-width": 2 }, body));
}

// Conflict events (the ACLED violence layer) are crosses in near-black with a white halo: no colour, no letter and
// no number inside, so that they cannot be read as access incidents. Their size tells the reported fatalities.
export const CONFLICT_SIZES = [
  { min: 0, size: 12, label: gettext("no fatalities reported") },
  { min: 1, size: 16, label: gettext("1–9 killed") },
  { min: 10, size: 21, label: gettext("10–49 killed") },
  { min: 50, size: 27, label: gettext("50 or more killed") },
];

export function conflictSize(fatalities) {
  let size = CONFLICT_SIZES[0].size;
  for (const step of CONFLICT_SIZES) if ((fatalities || 0) >= step.min) size = step.size;
  return size;
}

export function crossSVG(size) {
  const a = 2.5;
  const b = size - 2.5;
  const d = `M${a} ${a}L${b} ${b}M${b} ${a}L${a} ${b}`;
  const width = size >= 20 ? 3.5 : 2.5;
  return svg("svg", { width: size, height: size, viewBox: `0 0 ${size} ${size}`, "aria-hidden": "true" },
    svg("path", { d, stroke: "#fff", "stroke-width": width + 2.5, "stroke-linecap": "round" }),
    svg("path", { d, stroke: "#1f2328", "stroke-width": width, "stroke-linecap": "round" }));
}

// A stretch of a convoy line, with the status group's colour and dash pattern, for the legend.
export function lineSVG(group) {
  return svg("svg", { width: 34, height: 10, "aria-hidden": "true" },
    svg("line", { x1: 0, y1: 5, x2: 34, y2: 5, stroke: group.colour, "stroke-width": 4, "stroke-dasharray": group.dashArray }));
}
