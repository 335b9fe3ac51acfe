"""The one importer shape: a kind says how to read, plan and write; the framework refuses, counts and writes once."""

from dataclasses import dataclass

import pytest

from aidtrack.imports.importer import TableImporter
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.tabular import column
from aidtrack.orgs.models import Party, PartyType
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class PartyPlan:
    row: int
    action: str
    key: str
    record_id: int | None = None

    def describe(self) -> str:
        return self.key


class PartyImporter(TableImporter):
    """A kind made up for the test: one party per row, its name in a 'name' column."""

    columns = [column("name", ("name", "party")), column("kind", ("kind",))]
    what = "a table of parties"
    noun = "parties"
    allowed = True
    fail_after = None  # write this many parties, then fail

    def may_import(self) -> bool:
        return self.allowed

    @staticmethod
    def require(columns, table, display):
        if "name" not in columns:
            raise ImportFailed(f"{display}: no name column.")

    def start(self, columns):
        self.names = {}

    def read(self, row, cells):
        name = cells.get("name", "").strip()
        if not name:
            self.report.error(f"row {row}, column 'name'", "the name is missing.")
            return
        self.names[name] = row

    def plan(self):
        known = set(Party.objects.filter(name__in=self.names).values_list("name", flat=True))
        self.result.plans = [
            PartyPlan(row, "unchanged" if name in known else "create", name) for name, row in self.names.items()
        ]

    def write(self, progress):
        for number, plan in enumerate(p for p in self.result.plans if p.action == "create"):
            if number == self.fail_after:
                raise ImportFailed("the database went away", self.report)
            Party.objects.create(name=plan.key, kind=PartyType.OTHER)
            if progress:
                progress("written", number + 1)


def table(tmp_path, text):
    path = tmp_path / "parties.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, **options):
    return PartyImporter.run(path, organization=OrganizationFactory(), by=UserFactory(), **options)


def test_a_dry_run_counts_the_plans_and_writes_nothing(tmp_path):
    result = run(table(tmp_path, "party,notes\nGovernment of Syria,x\nISIS,y\n"), dry_run=True)
    assert result.report.counts["to create"] == 2
    assert [row["action"] for row in result.preview()] == ["create", "create"]
    assert result.column_plan[1]["status"] == "not understood", "a column no field takes is listed on the plan"
    assert not Party.objects.exists()


def test_an_import_writes_every_plan_and_reports_its_progress(tmp_path):
    seen = []
    result = run(table(tmp_path, "name\nGovernment of Syria\nISIS\n"), progress=lambda stage, rows: seen.append(stage))
    assert result.report.counts["created"] == 2
    assert set(Party.objects.values_list("name", flat=True)) == {"Government of Syria", "ISIS"}
    assert "checked" in seen and "written" in seen


def test_one_bad_row_refuses_the_file_naming_the_row(tmp_path):
    with pytest.raises(ImportFailed, match="nothing was written") as failure:
        run(table(tmp_path, 'name\nGovernment of Syria\n" "\n'))
    assert "row 3, column 'name'" in str(failure.value.report.errors[0])
    assert not Party.objects.exists()


def test_a_failure_while_writing_leaves_nothing_written(tmp_path, monkeypatch):
    monkeypatch.setattr(PartyImporter, "fail_after", 1)
    with pytest.raises(ImportFailed, match="went away"):
        run(table(tmp_path, "name\nGovernment of Syria\nISIS\n"))
    assert not Party.objects.exists(), "the one transaction takes back the party written before the failure"


def test_who_may_not_import_is_refused_before_the_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(PartyImporter, "allowed", False)
    organization = OrganizationFactory(acronym="ALPHA")
    with pytest.raises(ImportFailed, match="may not import parties for ALPHA"):
        PartyImporter.run(str(tmp_path / "absent.csv"), organization=organization, by=UserFactory())


def test_a_missing_required_column_is_refused_with_the_kinds_message(tmp_path):
    with pytest.raises(ImportFailed, match="no name column"):
        run(table(tmp_path, "kind\nstate\n"))


def test_the_column_plan_is_given_before_the_first_row_is_checked(tmp_path):
    """A large file's run shows its column plan while the rest is checked: it needs the first chunk only."""
    events = []
    rows = "".join(f"Party {number},state\n" for number in range(5))
    result = run(
        table(tmp_path, "name,notes\n" + rows),
        dry_run=True,
        chunk_rows=2,
        show_plan=lambda plan: events.append(("plan", [entry["column"] for entry in plan])),
        progress=lambda stage, count: events.append((stage, count)),
    )
    assert events[0] == ("plan", ["name", "notes"]) and events.count(events[0]) == 1
    assert [event for event in events if event[0] == "checked"][-1] == ("checked", 5)
    assert result.column_plan[0]["samples"] == ["Party 0", "Party 1"], "the samples of the first chunk"


def test_a_refused_plan_is_still_given_so_it_can_be_corrected(tmp_path):
    shown = []
    with pytest.raises(ImportFailed):
        run(table(tmp_path, "kind\nstate\n"), show_plan=shown.append)
    assert shown and shown[0][0]["column"] == "kind"
