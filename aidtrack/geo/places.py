"""Matching P-codes and place names in imported rows to admin areas.

Names are compared with the staff screens' normaliser (``staff.search``), so
an import copes with the same spelling variants as the community search
(Madaya / Mudaya / مضايا, al-/el- prefixes). A name that is not an exact match
is accepted only with its confidence shown in the report.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.imports.similarity import MIN_SCORE, _is_arabic, normalise, similarity

ACCEPTED_SCORE = 0.8

# Other names of Syria and of its governorates (by their stable COD P-codes) in the datasets NGOs exchange:
# transliterations that no spelling rule turns into OCHA's ("Rif Dimashq" for Rural Damascus, as the Aid Worker
# Security Database and Insecurity Insight write it). Used only for the P-codes loaded.
OTHER_NAMES = {
    "SY": ("Syria", "Syrian Arab Republic", "SYR", "سوريا", "سورية"),
    "SY01": ("Damascus City", "Dimashq"),
    "SY02": ("Halab",),
    "SY03": ("Rif Dimashq", "Rif Damascus", "Reef Damascus", "Rural Damascus", "Damascus Countryside", "Rif-Dimashq"),
    "SY04": ("Hims",),
    "SY05": ("Hamah",),
    "SY06": ("Latakia", "Al-Ladhiqiyah", "Ladhiqiyah"),
    "SY07": ("Idlib", "Edlib"),
    "SY08": ("Al-Hasakah", "Hasakah", "Hasakeh", "Hassakeh", "Al Hasakah"),
    "SY09": ("Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor", "Deir al-Zour", "Deir Ez-Zor"),
    "SY10": ("Tartus",),
    "SY11": ("Raqqa", "Ar-Raqqah", "Al-Raqqa", "Raqqah"),
    "SY12": ("Daraa", "Deraa", "Dara'a"),
    "SY13": ("As-Suwayda", "Suwayda", "Sweida", "Al-Suwayda", "As-Suwayda'"),
    "SY14": ("Al-Qunaytirah", "Qunaytirah", "Al Quneitra"),
}


@dataclass(frozen=True)
class NameMatch:
    area_id: int | None
    score: float = 0.0
    label: str = ""
    problem: str = ""
    # Several places have this name: the name is known, only which one is not.
    ambiguous: bool = False


class PlaceMatcher:
    """All admin areas (levels 0-4) in memory, by P-code and by normalised English and Arabic name (and, for the
    country and its governorates, the other names in OTHER_NAMES)."""

    def __init__(self):
        rows = AdminArea.objects.values_list("pk", "pcode", "level", "name_en", "name_ar", "parent_id")
        self.by_pcode = {}
        self.labels = {}
        self.names: dict[str, list[int]] = {}
        self.levels = {}
        self.parents = {}
        for pk, pcode, level, name_en, name_ar, parent_id in rows:
            self.by_pcode[pcode.upper()] = pk
            self.labels[pk] = f"{name_en} ({pcode})"
            self.levels[pk] = level
            self.parents[pk] = parent_id
            for name in (name_en, name_ar, *(OTHER_NAMES.get(pcode.upper(), ()) if level <= 1 else ())):
                if name and pk not in self.names.get(normalise(name), ()):
                    self.names.setdefault(normalise(name), []).append(pk)
        self._cache: dict[str, NameMatch] = {}

    def pcode(self, code: str) -> int | None:
        return self.by_pcode.get(code.strip().upper())

    def ancestor(self, pk: int, level: int) -> int | None:
        """The area of ``level`` that contains area ``pk`` (itself when it is of that level)."""
        while pk is not None and self.levels.get(pk, -1) > level:
            pk = self.parents.get(pk)
        return pk if pk is not None and self.levels.get(pk) == level else None

    def country(self) -> int | None:
        """The one country loaded (level 0), if there is exactly one."""
        countries = [pk for pk, level in self.levels.items() if level == AdminLevel.COUNTRY]
        return countries[0] if len(countries) == 1 else None

    def country_bounds(self) -> tuple[float, float, float, float] | None:
        """(west, south, east, north) of the one country loaded, read once; None without one or its outline."""
        if not hasattr(self, "_bounds"):
            self._bounds = None
            pk = self.country()
            geometry = AdminArea.objects.filter(pk=pk).values_list("geometry", flat=True).first() if pk else None
            points = list(_points((geometry or {}).get("coordinates") or []))
            if points:
                xs, ys = [x for x, _y in points], [y for _x, y in points]
                self._bounds = (min(xs), min(ys), max(xs), max(ys))
        return self._bounds

    def outside_country(self, latitude: float, longitude: float) -> bool:
        """Whether a point lies outside the country's bounding box (so in no admin area of it)."""
        bounds = self.country_bounds()
        if bounds is None:
            return False
        west, south, east, north = bounds
        return not (west <= longitude <= east and south <= latitude <= north)

    def area_at(self, latitude: float, longitude: float, level: int) -> int | None:
        """The admin area of ``level`` (0 to 3) that contains the point."""
        from aidtrack.geo.services import place_point

        if level == AdminLevel.COUNTRY:
            placed = place_point(latitude, longitude).admin1
            return self.ancestor(placed.pk, 0) if placed is not None else None
        placed = place_point(latitude, longitude)
        area = {1: placed.admin1, 2: placed.admin2, 3: placed.admin3}.get(level)
        return area.pk if area is not None else None

    def name(self, text: str, *, level: int | None = None) -> NameMatch:
        key = normalise(text)
        if (key, level) not in self._cache:
            self._cache[key, level] = self._match(key, text, level)
        return self._cache[key, level]

    def _match(self, key: str, text: str, level: int | None = None) -> NameMatch:
        def wanted(pks):
            if level is None:
                return [pk for pk in pks if self.levels[pk] >= AdminLevel.GOVERNORATE]
            return [pk for pk in pks if self.levels[pk] == level]

        exact = wanted(self.names.get(key, []))
        if exact:
            return self._pick(exact, 1.0, text)
        arabic = _is_arabic(text)
        scored = {}
        for name, pks in self.names.items():
            pks = wanted(pks)
            if not pks or _is_arabic(name) != arabic:
                continue
            score = similarity(key, name)
            if score >= MIN_SCORE:
                for pk in pks:
                    scored[pk] = max(score, scored.get(pk, 0))
        if not scored:
            return NameMatch(
                None, problem=_("no admin area or community is named like %(name)r; give its P-code") % {"name": text}
            )
        best = max(scored.values())
        if best < ACCEPTED_SCORE:
            closest = max(scored, key=scored.get)
            return NameMatch(
                None,
                problem=_(
                    "no admin area is named %(name)r; the closest is %(closest)s (confidence %(score)s, too low to "
                    "accept): give the P-code"
                )
                % {"name": text, "closest": self.labels[closest], "score": f"{best:.0%}"},
            )
        return self._pick([pk for pk, score in scored.items() if score == best], best, text)

    def _pick(self, pks: list[int], score: float, text: str) -> NameMatch:
        pks = sorted(set(pks), key=lambda pk: -self.levels[pk])
        finest = [pk for pk in pks if self.levels[pk] == self.levels[pks[0]]]
        if len(finest) > 1:
            options = ", ".join(self.labels[pk] for pk in finest[:5])
            return NameMatch(
                None,
                problem=_("%(name)r names %(count)s places (%(options)s); give the P-code")
                % {"name": text, "count": len(finest), "options": options},
                ambiguous=True,
            )
        return NameMatch(finest[0], score, self.labels[finest[0]])


def _points(coordinates):
    """The (x, y) pairs of a GeoJSON geometry's coordinates, however deeply nested."""
    if len(coordinates) >= 2 and all(isinstance(value, int | float) for value in coordinates[:2]):
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates:
        if isinstance(part, list | tuple):
            yield from _points(part)
