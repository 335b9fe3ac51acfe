"""Importing besieged and hard-to-reach areas with their status history from CSV, XLSX or HXL CSV.

One row is one status period of one area: the area (its register id, your
key for it, its English name or a community P-code), the status, the start,
an optional end and the source, with the area's details (Arabic name,
communities, point, population, besieging parties) on any of its rows.
Several rows of an area give its history.

Rows are matched to the register's areas by id, else key, else English
name, else a single community P-code; an area that is not there is created.
Each area's rows are then fitted into its stored history (see
``history``): a period already recorded is unchanged, a later status
ends the current one, an older period fills a gap, and anything that would
change a stored period is an error on its row. Nothing is written unless
every row is clean; then everything is written in one transaction through
the register's services.
"""

from django.utils.translation import gettext_lazy

from aidtrack.areas.importers.columns import COLUMNS
from aidtrack.areas.importers.importer import import_areas
from aidtrack.imports.kinds import TableKind

KIND = TableKind(
    name="areas",
    noun=gettext_lazy("besieged areas"),
    columns=tuple(COLUMNS),
    importer=import_areas,
    command="import_areas",
    example_mapping="name_en=Location\nstart_date=Besieged since\nsource=Reference",
    about=gettext_lazy(
        "One row per status period of an area (several rows give its history); areas are matched by id, "
        "key, name or community P-code. Periods already recorded are skipped, a later status ends the current "
        "one, an older one fills a gap; a row that would change a stored period is refused."
    ),
    position=2,
)

__all__ = ["COLUMNS", "KIND", "import_areas"]
