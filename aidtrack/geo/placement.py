"""Placing points in admin areas, one at a time or a hundred thousand at once.

Both paths use the same in-memory index, so a point lands in the same areas
whether it is saved from a form or assigned in bulk after a boundary update:

- Polygons of each level (1-3) sit in a shapely STRtree (the engine under
  ``geopandas.sjoin``). A point is placed in the finest level whose polygon
  contains it; the coarser levels come from that polygon's parents, so the
  governorate, district and sub-district of a point always agree with each
  other even where the layers were generalised separately. Points on a shared
  edge go to the polygon with the lower P-code.
- Community points sit in a second STRtree in a metric projection (the UTM
  zone of the country's centre), so "the nearest community within 5 km" is a
  true distance.

The index is rebuilt when the geodata version changes (see ``state``); the
check costs one primary-key read.
"""

import threading
from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely
from django.conf import settings

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.geo.state import Edition, current_edition

POLYGON_LEVELS = (AdminLevel.GOVERNORATE, AdminLevel.DISTRICT, AdminLevel.SUBDISTRICT)
NO_MATCH = -1


def nearest_community_km() -> float:
    return float(getattr(settings, "AIDTRACK_NEAREST_COMMUNITY_KM", 5.0))


@dataclass(frozen=True)
class Placement:
    """The admin areas a point falls in; any level may be missing, and ``problem`` says why."""

    admin1: AdminArea | None = None
    admin2: AdminArea | None = None
    admin3: AdminArea | None = None
    community: AdminArea | None = None
    problem: str = ""

    @property
    def is_placed(self) -> bool:
        return any((self.admin1, self.admin2, self.admin3))


@dataclass
class BulkPlacement:
    """Placements of many points as arrays of primary keys (``NO_MATCH`` where none)."""

    admin1_ids: np.ndarray
    admin2_ids: np.ndarray
    admin3_ids: np.ndarray
    community_ids: np.ndarray
    problems: dict[int, str] = field(default_factory=dict)

    def __len__(self):
        return len(self.admin1_ids)


def _utm_crs_for(lon: float, lat: float) -> pyproj.CRS:
    zone = int((lon + 180) // 6) + 1
    return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


class PlacementIndex:
    """Admin polygons and community points of one geodata edition, ready for queries."""

    def __init__(self, edition: Edition):
        self.edition = edition
        areas = list(
            AdminArea.objects.filter(level__lte=AdminLevel.COMMUNITY).defer("geometry").order_by("level", "pcode")
        )
        self.areas = {area.pk: area for area in areas}
        self.parent_of = {area.pk: area.parent_id for area in areas}
        polygons = (
            AdminArea.objects.filter(level__in=POLYGON_LEVELS, geometry__isnull=False)
            .order_by("level", "pcode")
            .values_list("pk", "level", "geometry")
        )
        by_level: dict[int, tuple[list[int], list]] = {level: ([], []) for level in POLYGON_LEVELS}
        for pk, level, geometry in polygons:
            by_level[level][0].append(pk)
            by_level[level][1].append(shapely.geometry.shape(geometry))
        self.level_ids = {level: np.array(ids, dtype=np.int64) for level, (ids, _) in by_level.items()}
        self.level_geoms = {level: np.array(geoms, dtype=object) for level, (_, geoms) in by_level.items()}
        self.level_trees = {level: shapely.STRtree(geoms) for level, geoms in self.level_geoms.items()}
        self.has_boundaries = any(len(ids) for ids in self.level_ids.values())

        # Ancestor lookup arrays: ancestor[level][pk] is the pk of pk's ancestor at that level (or NO_MATCH).
        size = max(self.areas, default=0) + 1
        self.ancestor = {level: np.full(size, NO_MATCH, dtype=np.int64) for level in POLYGON_LEVELS}
        for pk in self.areas:
            current = pk
            while current is not None:
                level = self.areas[current].level
                if level in self.ancestor:
                    self.ancestor[level][pk] = current
                current = self.parent_of.get(current)

        centre = self._centre()
        self.crs = _utm_crs_for(*centre)
        self.to_metric = pyproj.Transformer.from_crs(4326, self.crs, always_xy=True)
        communities = [a for a in areas if a.level == AdminLevel.COMMUNITY and a.centroid_lon is not None]
        self.community_ids = np.array([a.pk for a in communities], dtype=np.int64)
        xs, ys = self.to_metric.transform(
            np.array([a.centroid_lon for a in communities], dtype=float),
            np.array([a.centroid_lat for a in communities], dtype=float),
        )
        self.community_tree = shapely.STRtree(shapely.points(xs, ys)) if len(communities) else None
        self._metric: dict[int, np.ndarray] = {}

    def _centre(self) -> tuple[float, float]:
        boxes = [
            (a.min_lon, a.min_lat, a.max_lon, a.max_lat)
            for a in self.areas.values()
            if a.level <= AdminLevel.GOVERNORATE and a.min_lon is not None
        ]
        if not boxes:
            return 38.0, 35.0  # Syria, the project's first country: any metric CRS will do without boundaries.
        box = np.array(boxes)
        return (box[:, 0].min() + box[:, 2].max()) / 2, (box[:, 1].min() + box[:, 3].max()) / 2

    # One point -------------------------------------------------------------

    def place(self, lat: float, lon: float, within_km: float | None = None) -> Placement:
        result = self.place_many(np.array([lat], dtype=float), np.array([lon], dtype=float), within_km)
        ids = {
            "admin1": int(result.admin1_ids[0]),
            "admin2": int(result.admin2_ids[0]),
            "admin3": int(result.admin3_ids[0]),
            "community": int(result.community_ids[0]),
        }
        return Placement(
            **{name: self.areas.get(pk) if pk != NO_MATCH else None for name, pk in ids.items()},
            problem=result.problems.get(0, ""),
        )

    # Many points -------------------------------------------------------------

    def place_many(
        self, lats: np.ndarray, lons: np.ndarray, within_km: float | None = None, *, communities: bool = True
    ) -> BulkPlacement:
        """Place every point; arrays of ids come back in the input order.

        ``communities=False`` skips the nearest-community search for callers that only need admin areas.
        """
        count = len(lats)
        points = shapely.points(lons, lats)
        finest = np.full(count, NO_MATCH, dtype=np.int64)
        unplaced = np.arange(count)
        for level in sorted(POLYGON_LEVELS, reverse=True):
            if not len(unplaced) or not len(self.level_ids[level]):
                continue
            inputs, hits = self.level_trees[level].query(points[unplaced], predicate="intersects")
            if not len(inputs):
                continue
            # The lowest tree index (the lowest P-code) wins on shared edges.
            best = np.full(len(unplaced), np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best, inputs, hits)
            matched = best != np.iinfo(np.int64).max
            finest[unplaced[matched]] = self.level_ids[level][best[matched]]
            unplaced = unplaced[~matched]

        placed = finest != NO_MATCH
        columns = {}
        for level in POLYGON_LEVELS:
            column = np.full(count, NO_MATCH, dtype=np.int64)
            column[placed] = self.ancestor[level][finest[placed]]
            columns[level] = column
        nearest = (
            self._nearest_communities(lats, lons, within_km) if communities else np.full(count, NO_MATCH, np.int64)
        )
        problems = self._outside_messages(lats, lons, unplaced)
        return BulkPlacement(
            admin1_ids=columns[AdminLevel.GOVERNORATE],
            admin2_ids=columns[AdminLevel.DISTRICT],
            admin3_ids=columns[AdminLevel.SUBDISTRICT],
            community_ids=nearest,
            problems=problems,
        )

    def _nearest_communities(self, lats, lons, within_km) -> np.ndarray:
        result = np.full(len(lats), NO_MATCH, dtype=np.int64)
        if self.community_tree is None or not len(lats):
            return result
        radius_m = (nearest_community_km() if within_km is None else within_km) * 1000
        xs, ys = self.to_metric.transform(lons, lats)
        inputs, hits = self.community_tree.query_nearest(shapely.points(xs, ys), max_distance=radius_m)
        # Equidistant communities: keep the first hit for each point, which
        # is the lowest P-code because the tree was built in P-code order.
        first = np.unique(inputs, return_index=True)[1]
        result[inputs[first]] = self.community_ids[hits[first]]
        return result

    def _outside_messages(self, lats: np.ndarray, lons: np.ndarray, which: np.ndarray) -> dict[int, str]:
        """Say, for each unplaced point, how far the nearest boundary is and whether the axes look swapped."""
        if not len(which):
            return {}
        if not self.has_boundaries:
            return {
                int(i): f"The point ({lats[i]:.5f}, {lons[i]:.5f}) cannot be placed: no admin boundaries are loaded "
                "(run import_boundaries)."
                for i in which
            }
        level = next(level for level in POLYGON_LEVELS if len(self.level_ids[level]))
        tree = self.level_trees[level]
        inputs, nearest = tree.query_nearest(shapely.points(lons[which], lats[which]), all_matches=False)
        xs, ys = self.to_metric.transform(lons[which], lats[which])
        km = shapely.distance(self._metric_geometries(level)[nearest], shapely.points(xs, ys)[inputs]) / 1000
        plausible = (np.abs(lons[which]) <= 90) & (np.abs(lats[which]) <= 180)
        swapped_hits = tree.query(shapely.points(lats[which], lons[which]), predicate="intersects")[0]
        swapped = set(swapped_hits[plausible[swapped_hits]].tolist())
        messages = {}
        for position, tree_index, distance in zip(inputs.tolist(), nearest.tolist(), km.tolist(), strict=True):
            i = int(which[position])
            area = self.areas[int(self.level_ids[level][tree_index])]
            advice = (
                " Latitude and longitude look swapped: the swapped point lies inside the boundaries."
                if position in swapped
                else " Check the coordinates."
            )
            messages[i] = (
                f"The point ({lats[i]:.5f}, {lons[i]:.5f}) lies outside every admin boundary; the nearest is "
                f"{area.name_en} ({area.pcode}), {distance:.1f} km away.{advice}"
            )
        return messages

    def _metric_geometries(self, level: int) -> np.ndarray:
        cached = self._metric.get(level)
        if cached is None:
            cached = self._metric[level] = np.array(
                [
                    shapely.transform(g, lambda xy: np.column_stack(self.to_metric.transform(xy[:, 0], xy[:, 1])))
                    for g in self.level_geoms[level]
                ],
                dtype=object,
            )
        return cached


def placement_of_area_id(pk: int, index: "PlacementIndex | None" = None) -> dict[str, int | None]:
    """The admin1-3 and community ids implied by an admin area given without a point, from the index (pass it
    when placing many, so that the geodata edition is read once)."""
    index = index or placement_index()
    ids = {"admin1": None, "admin2": None, "admin3": None, "community": None}
    if pk not in index.areas:
        return ids
    for name, level in zip(("admin1", "admin2", "admin3"), POLYGON_LEVELS, strict=True):
        found = int(index.ancestor[level][pk])
        ids[name] = None if found == NO_MATCH else found
    if index.areas[pk].level == AdminLevel.COMMUNITY:
        ids["community"] = pk
    return ids


_index: PlacementIndex | None = None
_index_lock = threading.Lock()


def placement_index() -> PlacementIndex:
    """The index for the current geodata edition, rebuilt only when admin areas changed."""
    global _index
    edition = current_edition()
    index = _index
    if index is not None and index.edition == edition:
        return index
    with _index_lock:
        if _index is None or _index.edition != edition:
            _index = PlacementIndex(edition)
        return _index
