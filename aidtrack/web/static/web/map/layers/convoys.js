// Convoy requests: a line from the origin to each destination, coloured and patterned by status as of the date,
// with a lettered marker halfway that Tab can reach. The popup shows the pipeline, beneficiaries and removals.

import { format, gettext, localName } from "../../i18n.js";
import { L, nodeIcon } from "../leaflet.js";
import { el, formatDay, formatNumber } from "../dom.js";
import { CONVOY_STYLE } from "../style.js";
import { convoyPipeline } from "../model.js";
import { dayOf } from "../dates.js";

const STEPS = 16;
const OUTCOME = gettext("Outcome");
const organizationName = (o) => localName(o.acronym || o.name, o.acronym_ar || o.name_ar);

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
      event ? [el("bdi", {}, formatDay(dayOf(event.occurred_at))), name === OUTCOME ? ` — ${labels[event.to_status]}` : ""] : "—");
  return el(
    "ol",
    { class: "pipeline", "aria-label": gettext("Pipeline") },
    row(gettext("Requested"), stages.requested),
    row(gettext("Approved"), stages.approved),
    row(gettext("Dispatched"), stages.dispatched),
    row(OUTCOME, stages.ended),
  );
}

function popup(convoy, status, day, labels) {
  const style = CONVOY_STYLE[status];
  return el(
    "div",
    { class: "popup" },
    el("h3", {}, el("bdi", {}, convoy.reference), " ", el("small", { dir: "auto" }, convoy.title)),
    el("p", { class: "status-chip convoy-chip", style: { borderColor: style.colour } },
      `${style.letter} · ${labels[status]} (${style.group})`),
    pipeline(convoy, day, labels),
    el(
      "dl",
      {},
      el("dt", {}, gettext("From")),
      el("dd", { dir: "auto" }, convoy.origin_name || "—"),
      el("dt", {}, gettext("To")),
      el("dd", { dir: "auto" }, convoy.destinations.map((d) =>
        d.reached_beneficiaries !== null
          ? format(gettext("%(place)s (%(planned)s planned, %(reached)s reached)"), { place: localName(d.name, d.name_ar), planned: formatNumber(d.planned_beneficiaries), reached: formatNumber(d.reached_beneficiaries) })
          : format(gettext("%(place)s (%(planned)s planned)"), { place: localName(d.name, d.name_ar), planned: formatNumber(d.planned_beneficiaries) })).join(gettext("; "))),
      el("dt", {}, gettext("Beneficiaries")),
      el("dd", {}, format(gettext("%(planned)s planned, %(reached)s reached"), { planned: formatNumber(convoy.planned_beneficiaries), reached: formatNumber(convoy.reached_beneficiaries) })),
      el("dt", {}, gettext("Lead")),
      el("dd", { dir: "auto" }, organizationName(convoy.lead_organization),
        convoy.partner_organizations.length ? [" ", format(gettext("with %(partners)s"), { partners: convoy.partner_organizations.map(organizationName).join(gettext(", ")) })] : ""),
      convoy.trucks ? [el("dt", {}, gettext("Trucks")), el("dd", {}, formatNumber(convoy.trucks))] : null,
    ),
    convoy.removals.length
      ? el("div", {}, el("h4", {}, gettext("Removed at checkpoints")),
        el("ul", {}, convoy.removals.map((r) =>
          el("li", { dir: "auto" }, el("bdi", {}, `${formatNumber(Number(r.quantity_removed))} ${r.unit}`), ` ${r.item}`,
            r.place_name ? [" ", format(gettext("at %(place)s"), { place: r.place_name })] : "",
            r.party ? [" ", format(gettext("by %(party)s"), { party: r.party })] : "",
            r.removed_on ? [" (", el("bdi", {}, formatDay(r.removed_on)), ")"] : ""))))
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
        title: format(gettext("Convoy %(reference)s: %(status)s"), { reference: convoy.reference, status: this.labels[status] }),
        alt: format(gettext("Convoy %(reference)s: %(status)s"), { reference: convoy.reference, status: this.labels[status] }),
        keyboard: true,
      });
      badge.bindPopup(content, { maxWidth: 340 });
      badge.addTo(this.group);
    }
    return { convoys: visible.length, lines };
  }
}
