"""The kinds of table aidtrack imports, each with its columns and import function, found by name.

The command line, the staff import page and the API look a kind up here, so
adding a kind adds it to all three. The kinds are registered by the apps
that own their data (incidents, areas, convoys), so this kernel imports none
of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aidtrack.imports.report import ImportFailed
from aidtrack.imports.tabular import Column


@dataclass(frozen=True)
class TableKind:
    """One importable kind of table."""

    name: str  # also the ImportRun kind and the ColumnMapping kind
    noun: str  # "incidents", "besieged areas"
    columns: tuple[Column, ...]
    importer: Callable  # (path_or_url, *, organization, by, dry_run, mapping, saved_mapping, ...) -> TableImport
    command: str
    example_mapping: str
    about: str
    position: int = 0  # where the kind comes in the staff page's tabs
    presets: dict = field(default_factory=dict)  # name -> {"label", "plan"}: column plans of public datasets

    @property
    def fields(self) -> dict[str, Column]:
        return {column.field: column for column in self.columns}


_KINDS: dict[str, TableKind] = {}


def register(kind: TableKind) -> None:
    """Make a kind of table importable; each domain app registers its own from its AppConfig.ready()."""
    _KINDS[kind.name] = kind


def table_kinds() -> dict[str, TableKind]:
    """Every registered kind, in the order the staff page lists them."""
    return dict(sorted(_KINDS.items(), key=lambda item: item[1].position))


def table_kind(name: str) -> TableKind:
    kinds = table_kinds()
    if name not in kinds:
        raise ImportFailed(
            _("%(name)r is not a kind of table aidtrack imports; use one of %(kinds)s.")
            % {"name": name, "kinds": ", ".join(kinds)}
        )
    return kinds[name]
