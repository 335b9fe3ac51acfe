"""Finding communities by English or Arabic name or P-code, forgiving of spelling variants.

Syrian place names reach us transliterated in many ways (Madaya, Mudaya,
Madaia; al-Zabadani, Az-Zabdani, Zabadani) and in Arabic with or without the
article and diacritics. Names are normalised (accents, articles, Arabic letter
variants), then ranked by how closely they match: exact, prefix, consonant
skeleton, then edit distance and shared trigrams.
"""

from dataclasses import dataclass

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.imports.similarity import MIN_SCORE, PCODE, _is_arabic, normalise, similarity, skeleton  # noqa: F401


@dataclass(frozen=True)
class Match:
    area: AdminArea
    score: float


def search_communities(query: str, *, limit: int = 10, levels=(AdminLevel.COMMUNITY,)) -> list[Match]:
    """Communities matching ``query`` (a name in English or Arabic, or a P-code), best first."""
    query = (query or "").strip()
    if not query:
        return []
    areas = AdminArea.objects.filter(level__in=levels).select_related("parent").defer("geometry")
    if PCODE.match(query):
        code = query.upper()
        exact = [Match(a, 1.0) for a in areas.filter(pcode=code)]
        prefixed = [Match(a, 0.9) for a in areas.filter(pcode__startswith=code).exclude(pcode=code)[:limit]]
        if exact or prefixed:
            return (exact + prefixed)[:limit]
    wanted = normalise(query)
    field = "name_ar" if _is_arabic(query) else "name_en"
    matches = []
    for area in areas:
        score = similarity(wanted, normalise(getattr(area, field)))
        if score >= MIN_SCORE:
            matches.append(Match(area, score))
    matches.sort(key=lambda m: (-m.score, m.area.name_en))
    return matches[:limit]
