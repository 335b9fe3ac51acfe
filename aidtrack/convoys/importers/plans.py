"""What importing one convoy will do: the plan the dry run shows and the write carries out."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from aidtrack.convoys.importers.reading import CargoSpec
from aidtrack.convoys.importers.walk import Step
from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.orgs.models import Organization

S = ConvoyStatus


def status_label(status: str) -> str:
    return S(status).label.lower()


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def rows_text(rows: list[int]) -> str:
    """'row 2', 'rows 2-4', 'rows 2-3, 7'."""
    runs, start = [], rows[0]
    for previous, current in zip(rows, [*rows[1:], None], strict=True):
        if current != previous + 1:
            runs.append(f"{start}" if start == previous else f"{start}-{previous}")
            start = current
    return f"row{'s' if len(rows) > 1 else ''} {', '.join(runs)}"


@dataclass(frozen=True)
class DestinationSpec:
    area_id: int | None
    community_id: int | None
    planned: int
    label: str

    @property
    def place(self) -> tuple:
        return (self.area_id, self.community_id)


@dataclass
class ConvoyPlan:
    """What one convoy of the file will do: create, update or nothing, and the steps of its status."""

    row: int
    action: str
    reference: str
    rows: list[int]
    lead: Organization
    convoy_id: int | None = None
    version: int | None = None
    last_event_at: datetime.datetime | None = None
    fields: dict = field(default_factory=dict)
    partners: list[int] | None = None
    destinations: list[DestinationSpec] | None = None
    cargo: list[CargoSpec] | None = None
    steps: list[Step] = field(default_factory=list)
    note: str = ""
    reached: dict = field(default_factory=dict)  # place -> people reached
    changes: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def key(self) -> str:
        return self.reference

    @property
    def record_id(self) -> int | None:
        return self.convoy_id

    def describe(self) -> str:
        rows = f" ({rows_text(self.rows)})" if len(self.rows) > 1 else ""
        walk = " → ".join(f"{status_label(step.status)} {step.on:%Y-%m-%d}" for step in self.steps)
        if self.action == "create":
            text = f"{self.summary}; {walk or 'draft'}"
        elif self.action == "update":
            walk = f"{self.summary} → {walk}" if walk else ""
            text = "; ".join(
                part for part in (f"changes {', '.join(self.changes)}" if self.changes else "", walk) if part
            )
        else:
            text = f"{self.summary}, as recorded"
        # Led by the reference, as the command line lists the rows without the "matched by" column.
        return f"{self.reference}: {text}{rows}"

    def reached_by_destination(self, convoy: ConvoyRequest) -> dict[int, int]:
        """People reached, by the id of the convoy's destination at each place."""
        if not self.reached:
            return {}
        free = list(convoy.destinations.order_by("pk").values_list("pk", "area_id", "community_id"))
        by_pk = {}
        for place, people in self.reached.items():
            for entry in free:
                if (entry[1], entry[2]) == place:
                    by_pk[entry[0]] = people
                    free.remove(entry)
                    break
        return by_pk
