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

from aidtrack.exchange.areas.columns import COLUMNS
from aidtrack.exchange.areas.importer import import_areas

__all__ = ["COLUMNS", "import_areas"]
