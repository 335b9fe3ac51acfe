// What the map shows for a state (dates and filters): pure functions over the records read from the public API.
// The register and the convoys are replayed from their history (status periods, lifecycle events), so dragging
// the date needs no new request.

import { dayOf } from "./dates.js";

export function areaStatusOn(area, day) {
  const period = area.status_periods.find(
    (p) => p.start_date <= day && (p.end_date === null || day < p.end_date),
  );
  return period ? period.status : null;
}

export function convoyStatusOn(convoy, day) {
  let status = null;
  for (const event of convoy.events) {
    if (dayOf(event.occurred_at) <= day) status = event.to_status;
  }
  return status;
}

// The pipeline a reader wants to see: when the request was made, answered, sent and how it ended.
const STAGES = [
  ["requested", ["submitted"]],
  ["approved", ["approved", "partially_approved"]],
  ["dispatched", ["dispatched"]],
  ["ended", ["delivered", "partially_delivered", "blocked", "attacked", "denied", "no_response", "cancelled"]],
];

// The first event of each stage up to `day` (from `from` on, when given).
export function convoyPipeline(convoy, day, from = null) {
  const stages = {};
  for (const event of convoy.events) {
    const when = dayOf(event.occurred_at);
    if (when > day || (from && when < from)) continue;
    for (const [stage, statuses] of STAGES) {
      if (statuses.includes(event.to_status) && !stages[stage]) stages[stage] = event;
    }
  }
  return stages;
}

const DELIVERED = ["delivered", "partially_delivered"];
const STOPPED = ["denied", "no_response", "blocked", "attacked"];

export function convoyGovernorates(convoy, areasById) {
  const codes = new Set();
  if (convoy.origin_pcode) codes.add(convoy.origin_pcode.slice(0, 4));
  for (const destination of convoy.destinations) {
    const area = areasById.get(destination.area_id);
    if (area && area.governorate_pcode) codes.add(area.governorate_pcode);
  }
  return codes;
}

export function incidentMatchesCategory(incident, category) {
  if (!category) return true;
  if (category === "access") return incident.kind === "access";
  return incident.category === category;
}

export function visibleAreas(areas, state) {
  const out = [];
  for (const area of areas) {
    const status = areaStatusOn(area, state.asOf);
    if (!status || (state.areaStatus && status !== state.areaStatus)) continue;
    if (state.governorate && area.governorate_pcode !== state.governorate) continue;
    if (area.latitude === null || area.longitude === null) continue;
    out.push({ area, status });
  }
  return out;
}

export function visibleConvoys(convoys, state, areasById) {
  const out = [];
  for (const convoy of convoys) {
    const status = convoyStatusOn(convoy, state.asOf);
    if (!status || (state.convoyStatus && status !== state.convoyStatus)) continue;
    if (state.organization) {
      const ids = [convoy.lead_organization.id, ...convoy.partner_organizations.map((o) => o.id)];
      if (!ids.includes(state.organization)) continue;
    }
    if (state.governorate && !convoyGovernorates(convoy, areasById).has(state.governorate)) continue;
    out.push({ convoy, status });
  }
  return out;
}

export function visibleIncidents(incidents, state) {
  return incidents.filter(
    (incident) =>
      incident.occurred_on <= state.asOf &&
      (!state.from || incident.occurred_on >= state.from) &&
      incidentMatchesCategory(incident, state.category) &&
      (!state.governorate || incident.admin1_pcode === state.governorate) &&
      (!state.organization || incident.organization_id === state.organization),
  );
}

// Conflict events follow the dates (from the first day to "as of", like incidents) and the governorate; the
// incident category and organization filters do not apply to them.
export function visibleConflictEvents(events, state) {
  return events.filter(
    (event) =>
      event.event_date <= state.asOf &&
      (!state.from || event.event_date >= state.from) &&
      (!state.governorate || event.admin1_pcode === state.governorate),
  );
}

// People by status on the "as of" day; the convoy steps and incidents from the first day to that day.
export function summarize({ areas, convoys, incidents, conflict }, { from, asOf }) {
  const people = {};
  for (const { area, status } of areas) people[status] = (people[status] || 0) + (area.population || 0);
  const convoyCounts = { requested: 0, approved: 0, delivered: 0, stopped: 0 };
  for (const { convoy } of convoys) {
    const stages = convoyPipeline(convoy, asOf, from);
    if (stages.requested) convoyCounts.requested += 1;
    if (stages.approved) convoyCounts.approved += 1;
    if (stages.ended && DELIVERED.includes(stages.ended.to_status)) convoyCounts.delivered += 1;
    if (stages.ended && STOPPED.includes(stages.ended.to_status)) convoyCounts.stopped += 1;
  }
  const byCategory = new Map();
  for (const incident of incidents) {
    const key = incident.kind === "access" ? "access" : incident.category || "other";
    byCategory.set(key, (byCategory.get(key) || 0) + 1);
  }
  const violence = conflict
    ? { events: conflict.length, fatalities: conflict.reduce((sum, event) => sum + (event.fatalities || 0), 0) }
    : null;
  return { people, convoys: convoyCounts, incidents: byCategory, incidentTotal: incidents.length, conflict: violence };
}
