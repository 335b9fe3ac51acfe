"""Small OCHA-style boundary and community files for importer tests.

A made-up two-governorate country laid on a 1-degree grid: SY01 west of 37°E,
SY02 east of it, both from 33°N to 35°N; SY01 has two districts (south and
north of 34°N) with one sub-district each, SY02 one of each.
"""

import csv

import geopandas
import shapely

WGS84 = "EPSG:4326"


def box(west, south, east, north):
    return shapely.box(west, south, east, north)


ADM0 = [{"ADM0_PCODE": "SY", "ADM0_EN": "Testland", "geometry": box(36, 33, 38, 35)}]
ADM1 = [
    {"ADM1_PCODE": "SY01", "ADM1_EN": "West", "ADM1_AR": "الغرب", "ADM0_PCODE": "SY", "geometry": box(36, 33, 37, 35)},
    {"ADM1_PCODE": "SY02", "ADM1_EN": "East", "ADM1_AR": "الشرق", "ADM0_PCODE": "SY", "geometry": box(37, 33, 38, 35)},
]
ADM2 = [
    {"ADM2_PCODE": "SY0100", "ADM2_EN": "West South", "ADM1_PCODE": "SY01", "geometry": box(36, 33, 37, 34)},
    {"ADM2_PCODE": "SY0101", "ADM2_EN": "West North", "ADM1_PCODE": "SY01", "geometry": box(36, 34, 37, 35)},
    {"ADM2_PCODE": "SY0200", "ADM2_EN": "East", "ADM1_PCODE": "SY02", "geometry": box(37, 33, 38, 35)},
]
ADM3 = [
    {"ADM3_PCODE": "SY010000", "ADM3_EN": "West South Centre", "ADM2_PCODE": "SY0100", "geometry": box(36, 33, 37, 34)},
    {"ADM3_PCODE": "SY010100", "ADM3_EN": "West North Centre", "ADM2_PCODE": "SY0101", "geometry": box(36, 34, 37, 35)},
    {"ADM3_PCODE": "SY020000", "ADM3_EN": "East Centre", "ADM2_PCODE": "SY0200", "geometry": box(37, 33, 38, 35)},
]
LEVELS = {0: ADM0, 1: ADM1, 2: ADM2, 3: ADM3}


def frame(rows, crs=WGS84):
    return geopandas.GeoDataFrame([dict(r) for r in rows], geometry="geometry", crs=crs)


def write(rows, path, driver=None, crs=WGS84, layer=None):
    frame(rows, crs).to_file(path, driver=driver, layer=layer, engine="pyogrio")
    return path


def write_levels(folder, levels=(0, 1, 2, 3)):
    return [write(LEVELS[level], folder / f"adm{level}.geojson") for level in levels]


def import_all(folder, levels=(0, 1, 2, 3)):
    from aidtrack.geo.importers.boundaries import import_boundaries

    return [import_boundaries(str(path)) for path in write_levels(folder, levels)]


def csv_file(path, header, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path
