// The view state (layers, filters, dates, map position) and its form in the URL, so that a link reproduces it.

import { isDay } from "./dates.js";

export const LAYERS = ["areas", "convoys", "incidents", "conflict"];
// Conflict events (the violence layer) are off unless the URL turns them on.
const DEFAULT_LAYERS = ["areas", "convoys", "incidents"];
export const CHOROPLETHS = ["incidents-adm1", "incidents-adm2", "people-adm1", "people-adm2"];

export function defaultState({ from, to }) {
  return {
    from,
    to,
    asOf: to,
    category: "",
    areaStatus: "",
    convoyStatus: "",
    governorate: "",
    organization: null,
    layers: new Set(DEFAULT_LAYERS),
    choropleth: "",
    view: null,
  };
}

export function readState(search, defaults, choices) {
  const params = new URLSearchParams(search);
  const state = { ...defaults, layers: new Set(defaults.layers) };
  if (isDay(params.get("from"))) state.from = params.get("from");
  if (isDay(params.get("to"))) state.to = params.get("to");
  if (state.from > state.to) [state.from, state.to] = [state.to, state.from];
  state.asOf = isDay(params.get("as_of")) ? params.get("as_of") : state.to;
  if (state.asOf < state.from) state.asOf = state.from;
  if (state.asOf > state.to) state.to = state.asOf;
  const pick = (name, allowed) => (allowed.includes(params.get(name)) ? params.get(name) : "");
  state.category = pick("category", choices.categories);
  state.areaStatus = pick("area_status", choices.areaStatuses);
  state.convoyStatus = pick("convoy_status", choices.convoyStatuses);
  state.governorate = /^[A-Z]{2}\d{2}$/.test(params.get("gov") || "") ? params.get("gov") : "";
  state.organization = /^\d+$/.test(params.get("org") || "") ? Number(params.get("org")) : null;
  if (params.has("layers")) {
    state.layers = new Set(params.get("layers").split(",").filter((name) => LAYERS.includes(name)));
  }
  state.choropleth = pick("choropleth", CHOROPLETHS);
  const view = (params.get("map") || "").split("/").map(Number);
  if (view.length === 3 && view.every(Number.isFinite) && view[0] >= 0 && view[0] <= 19) {
    state.view = { zoom: view[0], lat: view[1], lon: view[2] };
  }
  return state;
}

export function writeState(state) {
  const params = new URLSearchParams();
  params.set("from", state.from);
  params.set("to", state.to);
  params.set("as_of", state.asOf);
  if (state.category) params.set("category", state.category);
  if (state.areaStatus) params.set("area_status", state.areaStatus);
  if (state.convoyStatus) params.set("convoy_status", state.convoyStatus);
  if (state.governorate) params.set("gov", state.governorate);
  if (state.organization) params.set("org", String(state.organization));
  params.set("layers", LAYERS.filter((name) => state.layers.has(name)).join(","));
  if (state.choropleth) params.set("choropleth", state.choropleth);
  if (state.view) {
    const { zoom, lat, lon } = state.view;
    params.set("map", `${zoom}/${lat.toFixed(4)}/${lon.toFixed(4)}`);
  }
  // A link copied from an Arabic page opens in Arabic (the server honours ?lang= and keeps it in the cookie).
  const language = document.documentElement.lang;
  if (language && language !== "en") params.set("lang", language);
  return params.toString().replaceAll("%2C", ",").replaceAll("%2F", "/");
}
