"""The columns of a table of areas and status periods: header names, HXL hashtags and how each cell is read."""

import re

from aidtrack.areas.importers.communities import status_of
from aidtrack.imports.tabular import column, hxl
from aidtrack.imports.values import ValueProblem, clean, parse_coordinate, parse_count, parse_date

STATUS_EXPECTED = (
    "expected besieged, military encircled, hard to reach (HTR) or accessible, in English or Arabic "
    "(محاصر، مطوق عسكريا، يصعب الوصول إليها، يمكن الوصول إليها)"
)
# Lists in one cell: "GoS; ISIL", "C2450, C2449", "GoS، ISIL" (Arabic comma) or the Arabic semicolon.
LIST_SEPARATORS = re.compile(r"\s*[;,،؛]\s*")


def parse_status(text) -> str:
    status = status_of(clean(text))
    if status is None:
        raise ValueProblem(STATUS_EXPECTED)
    return status


def split_list(text) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(clean(text)) if part]


COLUMNS = [
    column(
        "area_id",
        {"areaid", "aidtrackid", "registerid", "registerareaid"},
        [hxl("#loc", {"id"}, {"key"})],
        parse_count,
        "area id",
        "aidtrack's number of the area (as in the API and its downloads); must exist.",
    ),
    column(
        "import_key",
        {"id", "key", "importkey", "areakey", "areacode", "externalid", "yourid", "ref"},
        [hxl("#loc", {"key"})],
        label="key",
        help="Your stable id for the area, matched to its import key (an OCHA community import uses the P-code). "
        "A new area keeps it.",
    ),
    column(
        "name_en",
        {"name", "nameen", "area", "areaname", "areanameen", "location", "locationname", "besiegedarea"},
        [hxl("#loc", {"name"}, {"i_ar"})],
        label="name",
        help="The area's English name: matched without regard to case; a new area is created under it.",
    ),
    column(
        "name_ar",
        {"namear", "areanamear", "arabicname", "nameinarabic", "locationnamear"},
        [hxl("#loc", {"name", "i_ar"})],
        label="Arabic name",
    ),
    column(
        "community_pcodes",
        {
            "communities",
            "communitypcodes",
            "communitypcode",
            "community",
            "pcode",
            "pcodes",
            "adm4pcode",
            "admin4pcode",
        },
        [hxl("#adm4", {"code"}), hxl("#loc", {"code"})],
        label="community P-codes",
        help="The communities (admin 4) the area covers, separated by ';' (e.g. C2450;C2449). "
        "One P-code alone also finds the area that covers it.",
    ),
    column(
        "latitude",
        {"lat", "latitude", "y"},
        [hxl("#geo", {"lat"})],
        lambda v: parse_coordinate(v, axis="latitude"),
        help="Without a point, a new area is placed at its communities.",
    ),
    column(
        "longitude",
        {"lon", "lng", "long", "longitude", "x"},
        [hxl("#geo", {"lon"})],
        lambda v: parse_coordinate(v, axis="longitude"),
    ),
    column(
        "status",
        {"status", "accessstatus", "access", "accesscategory"},
        [hxl("#status"), hxl("#access")],
        parse_status,
        help="besieged, military encircled, hard to reach (HTR) or accessible, in English or Arabic.",
    ),
    column(
        "start_date",
        {"start", "startdate", "from", "fromdate", "datefrom", "since", "statussince", "startedon"},
        [hxl("#date", {"start"}), hxl("#date", {"status"})],
        parse_date,
        "start",
        "2016-09-19, 19/09/2016 or 19 Sep 2016.",
    ),
    column(
        "end_date",
        {"end", "enddate", "to", "todate", "dateto", "until", "endedon"},
        [hxl("#date", {"end"})],
        parse_date,
        "end",
        "The first day the status no longer applied. Empty: until the area's next row starts, or current.",
    ),
    column(
        "source",
        {"source", "sourcename", "statussource", "periodsource"},
        [hxl("#meta", {"source"}, {"population"})],
        help="Required on every row (e.g. OCHA besieged list, October 2016).",
    ),
    column("note", {"note", "notes", "comment", "comments", "remarks"}, [hxl("#description"), hxl("#meta", {"note"})]),
    column(
        "population",
        {"population", "people", "pop", "populationestimate", "estimatedpopulation", "totalpopulation"},
        [hxl("#population")],
        parse_count,
        help="The area's latest estimate wins; an estimate older than the register's is kept out.",
    ),
    column(
        "population_date",
        {"populationdate", "populationasof", "populationestimatedate"},
        [hxl("#date", {"population"})],
        parse_date,
        "population date",
        "Required with a population: when it was estimated.",
    ),
    column(
        "population_source",
        {"populationsource"},
        [hxl("#meta", {"source", "population"})],
        label="population source",
        help="Default: the row's source.",
    ),
    column(
        "besieging_parties",
        {"besiegingparties", "besiegingparty", "besiegedby", "besiegers", "parties", "party"},
        [hxl("#group", {"besieging"}), hxl("#group", {"name"})],
        label="besieging parties",
        help="Party names or short names separated by ';', ',' or '،'. The area's latest row with parties "
        "replaces its besieging parties when they differ.",
    ),
]
FIELDS = {spec.field: spec for spec in COLUMNS}
AREA_FIELDS = ("area_id", "import_key", "name_en", "name_ar", "community_pcodes")
LIMITS = {"name_en": 200, "name_ar": 200, "import_key": 200, "source": 300, "population_source": 300}
