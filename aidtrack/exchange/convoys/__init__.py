"""Importing convoy request tables (CSV, XLSX, HXL CSV): see ``importer``."""

from aidtrack.exchange.convoys.columns import COLUMNS
from aidtrack.exchange.convoys.importer import import_convoys

__all__ = ["COLUMNS", "import_convoys"]
