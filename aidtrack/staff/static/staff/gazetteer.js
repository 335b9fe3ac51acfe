// The community gazetteer kept on the device (geo/layers/communities.json, kept by the service worker):
// the picker's named points and, with no connection, the community search.

const cache = new Map();

export function loadGazetteer(url) {
  if (!cache.has(url)) {
    const loading = fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { rows: [] }))
      .then(({ rows }) =>
        rows.map(([pcode, name_en, name_ar, lat, lon, parent]) => ({
          pcode,
          name_en,
          name_ar,
          lat,
          lon,
          parent,
          label: `${name_en} (${pcode})`,
          key: `${fold(name_en)} ${fold(name_ar)} ${pcode.toLowerCase()}`,
        })),
      )
      .catch(() => {
        cache.delete(url);
        return [];
      });
    cache.set(url, loading);
  }
  return cache.get(url);
}

// Lower case, without accents, Arabic vowel marks, hyphens or the article (al-, el-, az-, ...), so that
// Madaya, Mudaya and "al-Madaya" meet as the server's search lets them.
export function fold(text) {
  return (text || "")
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, "")
    .replace(/\b(al|el|as|ash|az|ad|ar|at|an)[-\s]/g, "")
    .replace(/[-'’`\s]+/g, "");
}

// Communities whose name or P-code contains the typed text, those that start with it first.
export async function searchOffline(url, query, limit = 10) {
  const wanted = fold(query);
  if (wanted.length < 2) return [];
  const rows = await loadGazetteer(url);
  const found = rows.filter((row) => row.key.includes(wanted));
  found.sort((a, b) => (b.key.startsWith(wanted) ? 1 : 0) - (a.key.startsWith(wanted) ? 1 : 0));
  return found.slice(0, limit);
}
