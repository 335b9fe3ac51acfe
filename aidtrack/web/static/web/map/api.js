// Reading the public API, and the API addresses that download exactly what the map shows.

export async function getJSON(url, accept = "application/json") {
  const response = await fetch(url, { headers: { Accept: accept }, credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

export async function getFeatures(url) {
  const collection = await getJSON(url, "application/geo+json");
  return collection.features.map((feature) => feature.properties);
}

export async function getAllPages(url) {
  const rows = [];
  let next = url;
  while (next) {
    const page = await getJSON(next);
    rows.push(...page.results);
    next = page.next;
  }
  return rows;
}

function address(base, params) {
  const query = new URLSearchParams(params.filter(([, value]) => value !== "" && value !== null));
  return `${base}?${query}`;
}

// The same filters as the map, in the API's words. Convoys are asked for as they stood on the "as of" day, as the
// map shows them: the requests made by then, with that day's status and the events up to it.
export function downloadAddresses(api, state, today) {
  const category = state.category === "access" ? [["kind", "access"]] : [["category", state.category]];
  const incidents = [
    ["date_from", state.from],
    ["date_to", state.asOf],
    ...category,
    ["pcode", state.governorate],
    ["organization", state.organization],
  ];
  const areas = [["as_of", state.asOf], ["status", state.areaStatus], ["governorate", state.governorate]];
  const convoys = [
    ["organization", state.organization],
    ["pcode", state.governorate],
    ["as_of", state.asOf < today ? state.asOf : ""],
    ["status", state.convoyStatus],
  ];
  const conflict = [["date_from", state.from], ["date_to", state.asOf], ["pcode", state.governorate]];
  const out = {};
  for (const [name, params] of [["areas", areas], ["convoys", convoys], ["incidents", incidents], ["conflict", conflict]]) {
    out[name] = {
      geojson: address(api[name], [["format", "geojson"], ...params]),
      csv: address(api[name], [["format", "csv"], ...params]),
    };
  }
  return out;
}
