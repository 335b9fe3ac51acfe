// Convoy requests: a line from the origin to each destination, coloured and patterned by status as of the date,
// with a lettered marker halfway that Tab can reach. The popup shows the pipeline, beneficiaries and removals.

import { L, nodeIcon } from "../leaflet.js";
import { el, formatDay, formatNumber } from "../dom.js";
import { CONVOY_STYLE } from "../style.js";
import { convoyPipeline } from "../model.js";
import { dayOf } from "../dates.js";

const STEPS = 16;

// A gentle arc rather than a straight line, bent further for each convoy on the same route, so that two
// convoys to the same place stay apart.
function arc(from, to, bend) {
  const [lat1, lon1] = from;
  const [lat2, lon2] = to;
  const midLat = (lat1 + lat2) / 2 - (lon2 - lon1) * bend;
  const midLon = (lon1 + lon2) / 2 + (lat2 - lat1) * bend;
  const points = [];
  for (let i = 0; i <= STEPS; i += 1) {
    const t = i / STEPS;
    const a = (1 - t) * (1 - t);
    const b = 2 * (1 - t) * t;
    const c = t * t;
    points.push([a * lat1 + b * midLat + c * lat2, a * lon1 + b * midLon + c * lon2]);
  }
  return points;
}

function pipeline(convoy, day, labels) {
  const stages = convoyPipeline(convoy, day);
  const row = (name, event) =>
    el("li", { class: event ? "done" : "todo" }, el("span", {}, name), " ",
      event ? `${formatDay(dayOf(event.occurred_at))}${name === "Outcome" ? ` — ${labels[event.to_status]}` : ""}` : "—");
  return el(
    "ol",
    { class: "pipeline", "aria-label": "Pipeline" },
    row("Requested", stages.requested),
    row("Approved", stages.approved),
    row("Dispatched", stages.dispatched),
    row("Outcome", stages.ended),
  );
}

function popup(convoy, status, day, labels) {
  const style = CONVOY_STYLE[status];
  return el(
    "div",
    { class: "popup" },
    el("h3", {}, convoy.reference, " ", el("small", {}, convoy.title)),
    el("p", { class: "status-chip convoy-chip", style: { borderColor: style.colour } },
      `${style.letter} · ${labels[status]} (${style.group})`),
    pipeline(convoy, day, labels),
    el(
      "dl",
      {},
      el("dt", {}, "From"),
      el("dd", {}, convoy.origin_name || "—"),
      el("dt", {}, "To"),
      el("dd", {}, convoy.destinations.map((d) =>
        `${d.name} (${formatNumber(d.planned_beneficiaries)} planned${
          d.reached_beneficiaries !== null ? `, ${formatNumber(d.reached_beneficiaries)} reached` : ""})`).join("; ")),
      el("dt", {}, "Beneficiaries"),
      el("dd", {}, `${formatNumber(convoy.planned_beneficiaries)} planned, ${formatNumber(convoy.reached_beneficiaries)} reached`),
      el("dt", {}, "Lead"),
      el("dd", {}, convoy.lead_organization.acronym || convoy.lead_organization.name,
        convoy.partner_organizations.length ? ` with ${convoy.partner_organizations.map((o) => o.acronym || o.name).join(", ")}` : ""),
      convoy.trucks ? [el("dt", {}, "Trucks"), el("dd", {}, formatNumber(convoy.trucks))] : null,
    ),
    convoy.removals.length
      ? el("div", {}, el("h4", {}, "Removed at checkpoints"),
        el("ul", {}, convoy.removals.map((r) =>
          el("li", {}, `${formatNumber(Number(r.quantity_removed))} ${r.unit} ${r.item}`,
            r.place_name ? ` at ${r.place_name}` : "", r.party ? ` by ${r.party}` : "",
            r.removed_on ? ` (${formatDay(r.removed_on)})` : ""))))
      : null,
  );
}

export class ConvoysLayer {
  constructor(map, { labels }) {
    this.map = map;
    this.labels = labels;
    this.group = L.layerGroup();
  }

  draw(visible, day) {
    this.group.clearLayers();
    const routes = new Map();
    let lines = 0;
    for (const { convoy, status } of visible) {
      const style = CONVOY_STYLE[status];
      const content = () => popup(convoy, status, day, this.labels);
      const origin = convoy.origin_latitude !== null ? [convoy.origin_latitude, convoy.origin_longitude] : null;
      let badgeAt = null;
      for (const destination of convoy.destinations) {
        if (destination.latitude === null) continue;
        const end = [destination.latitude, destination.longitude];
        if (!origin) {
          badgeAt = badgeAt || end;
          continue;
        }
        const key = `${origin}|${end}`;
        const seen = routes.get(key) || 0;
        routes.set(key, seen + 1);
        const bend = 0.12 * (seen % 2 ? -1 : 1) * (1 + Math.floor(seen / 2));
        const points = arc(origin, end, bend);
        const line = L.polyline(points, {
          color: style.colour,
          weight: 4,
          opacity: 0.9,
          dashArray: style.dashArray,
          className: `convoy-line convoy-${status}`,
        });
        line.bindPopup(content, { maxWidth: 340 });
        line.addTo(this.group);
        lines += 1;
        badgeAt = badgeAt || points[STEPS / 2];
      }
      if (!badgeAt) continue;
      const badge = L.marker(badgeAt, {
        icon: nodeIcon({
          className: `convoy-badge convoy-${status}`,
          content: () => el("span", { style: { borderColor: style.colour } }, style.letter),
          iconSize: [22, 22],
        }),
        title: `Convoy ${convoy.reference}: ${this.labels[status]}`,
        alt: `Convoy ${convoy.reference}: ${this.labels[status]}`,
        keyboard: true,
      });
      badge.bindPopup(content, { maxWidth: 340 });
      badge.addTo(this.group);
    }
    return { convoys: visible.length, lines };
  }
}
