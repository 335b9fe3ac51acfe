"""Load the September 2016 demonstration scenario from ``fixtures/``.

Everything goes through the same services as any other caller, so the demo
data obeys the domain rules (the convoy lifecycle, verification by someone
other than the reporter, status periods that never overlap).
"""

import datetime
import json
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import shapely
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aidtrack.agreements.models import Agreement, AgreementCondition
from aidtrack.areas.models import Area
from aidtrack.areas.services import area_create, status_period_add
from aidtrack.convoys.services import (
    CargoInput,
    DestinationInput,
    checkpoint_removal_record,
    convoy_create,
    convoy_transition,
)
from aidtrack.geo.data_officers import DATA_OFFICERS, data_officers_group
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.services import SourceInput, incident_create, incident_review
from aidtrack.orgs.models import Membership, Organization, Party
from aidtrack.violence.services import conflict_events_save

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SCENARIO_FILE = FIXTURES / "demo" / "scenario.json"
GOVERNORATES_FILE = FIXTURES / "governorates.geojson"
GEOMETRY_SOURCE = (
    "Derived by fixtures/build_governorates.py from Natural Earth 10m (public domain) and "
    "GeoNames places (CC BY 4.0, https://www.geonames.org/)"
)


# Where the register's figures come from, as a reader can look it up: the public reporting itself.
POPULATION_SOURCE = "OCHA besieged list, autumn 2016 (public reporting)"


@dataclass
class LoadResult:
    loaded: bool
    new_passwords: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def demo_present() -> bool:
    return Organization.objects.filter(acronym="OCHA").exists() and AdminArea.objects.filter(pcode="SY").exists()


def _moment(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def load_demo(scenario_file: Path = SCENARIO_FILE, governorates_file: Path = GOVERNORATES_FILE) -> LoadResult:
    """Load the scenario unless it is already there; returns the passwords of accounts it created.

    Over a demo loaded before, only the accounts the scenario has gained since (the data officer) are added.
    """
    scenario = json.loads(scenario_file.read_text(encoding="utf-8"))
    if demo_present():
        with transaction.atomic():
            loader = _Loader(scenario, {"features": []})
            loader.add_missing_accounts()
        return LoadResult(loaded=False, new_passwords=loader.passwords)
    shapes = json.loads(governorates_file.read_text(encoding="utf-8"))
    with transaction.atomic():
        loader = _Loader(scenario, shapes)
        loader.run()
    return LoadResult(loaded=True, new_passwords=loader.passwords, counts=loader.counts())


class _Loader:
    def __init__(self, scenario: dict, shapes: dict):
        self.scenario = scenario
        self.shapes = {f["properties"]["pcode"]: f["geometry"] for f in shapes["features"]}
        self.users: dict[str, object] = {}
        self.passwords: dict[str, str] = {}
        self.organizations: dict[str, Organization] = {}
        self.parties: dict[str, Party] = {}
        self.places: dict[str, AdminArea] = {}
        self.areas: dict[str, Area] = {}
        self.convoys: dict = {}

    def run(self):
        self.load_organizations()
        self.load_accounts()
        self.load_parties()
        self.load_admin_areas()
        self.load_areas()
        self.load_convoys()
        self.load_incidents()
        self.load_agreements()
        self.load_conflict_events()

    def counts(self) -> dict[str, int]:
        from aidtrack.convoys.models import ConvoyRequest
        from aidtrack.incidents.models import Incident
        from aidtrack.violence.models import ConflictEvent

        return {
            "admin areas": AdminArea.objects.count(),
            "register areas": Area.objects.count(),
            "convoy requests": ConvoyRequest.objects.count(),
            "incidents": Incident.objects.count(),
            "agreements": Agreement.objects.count(),
            "conflict events": ConflictEvent.objects.count(),
        }

    def load_organizations(self):
        for row in self.scenario["organizations"]:
            organization, _ = Organization.objects.get_or_create(
                name=row["name"],
                defaults={
                    "acronym": row["acronym"],
                    "kind": row["kind"],
                    "website": row.get("website", ""),
                    "name_ar": row.get("name_ar", ""),
                    "acronym_ar": row.get("acronym_ar", ""),
                },
            )
            self.organizations[row["acronym"]] = organization

    def load_accounts(self):
        User = get_user_model()
        for row in self.scenario["accounts"]:
            user = User.objects.filter(username=row["username"]).first() or self.create_account(row)
            for acronym, role in row["memberships"]:
                Membership.objects.get_or_create(
                    user=user, organization=self.organizations[acronym], defaults={"role": role}
                )
            self.users[user.username] = user
        self.admin = next(u for u in self.users.values() if u.is_superuser)

    def add_missing_accounts(self):
        """The scenario's accounts this database lacks, over a demo loaded before; the others are left as they are
        (an organization admin may have changed their roles)."""
        User = get_user_model()
        self.organizations = {o.acronym: o for o in Organization.objects.exclude(acronym="")}
        existing = set(User.objects.values_list("username", flat=True))
        for row in self.scenario["accounts"]:
            missing_organization = any(acronym not in self.organizations for acronym, _ in row["memberships"])
            if row["username"] in existing or missing_organization:
                continue
            user = self.create_account(row)
            for acronym, role in row["memberships"]:
                Membership.objects.create(user=user, organization=self.organizations[acronym], role=role)

    def create_account(self, row: dict):
        password = secrets.token_urlsafe(12)
        user = get_user_model().objects.create_user(
            username=row["username"],
            password=password,
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=f"{row['username']}@demo.invalid",
            is_staff=row.get("superuser", False),
            is_superuser=row.get("superuser", False),
        )
        # The data officer: in the group every installation has (made by migrate), which grants geodata imports only.
        if DATA_OFFICERS in row.get("groups", []):
            user.groups.add(data_officers_group())
        self.passwords[user.username] = password
        return user

    def load_parties(self):
        for row in self.scenario["parties"]:
            party, _ = Party.objects.get_or_create(
                name=row["name"],
                defaults={
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "name_ar": row.get("name_ar", ""),
                    "short_name_ar": row.get("short_name_ar", ""),
                },
            )
            self.parties[row["short_name"]] = party

    def load_admin_areas(self):
        governorates = self.scenario["governorates"]
        missing = {g["pcode"] for g in governorates} - set(self.shapes)
        if missing:
            raise ValueError(f"{GOVERNORATES_FILE} has no shape for {', '.join(sorted(missing))}.")
        outline = shapely.union_all([shapely.geometry.shape(self.shapes[g["pcode"]]) for g in governorates])
        country = self.scenario["country"]
        self.places["SY"] = self._area(
            pcode=country["pcode"],
            level=AdminLevel.COUNTRY,
            name_en=country["name_en"],
            name_ar=country["name_ar"],
            geometry=shapely.geometry.mapping(shapely.set_precision(outline, 1e-5)),
            source=GEOMETRY_SOURCE,
        )
        for row in governorates:
            self.places[row["pcode"]] = self._area(
                pcode=row["pcode"],
                level=AdminLevel.GOVERNORATE,
                name_en=row["name_en"],
                name_ar=row["name_ar"],
                parent=self.places["SY"],
                geometry=self.shapes[row["pcode"]],
                source=GEOMETRY_SOURCE,
            )
        for row in self.scenario["communities"]:
            self.places[row["pcode"]] = self._area(
                pcode=row["pcode"],
                level=AdminLevel.COMMUNITY,
                name_en=row["name_en"],
                name_ar=row["name_ar"],
                parent=self.places[row["parent"]],
                geometry={"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                source="OCHA community list (P-code and point), autumn 2016",
            )

    def _area(self, **fields) -> AdminArea:
        geometry = fields.pop("geometry")
        area = AdminArea(geometry=json.loads(json.dumps(geometry)), **fields)
        area.full_clean()
        area.save()
        return area

    def load_areas(self):
        ocha = self.organizations["OCHA"]
        for row in self.scenario["areas"]:
            area = area_create(
                by=self.admin,
                name_en=row["name_en"],
                name_ar=row["name_ar"],
                governorate=self.places[row["governorate"]],
                latitude=row["lat"],
                longitude=row["lon"],
                population=row["population"],
                population_date=datetime.date(2016, 10, 31),
                population_source=row.get("population_source", POPULATION_SOURCE),
                notes=row.get("notes", ""),
                communities=[self.places[p] for p in row["communities"]],
                besieging_parties=[self.parties[p] for p in row["besieged_by"]],
            )
            for status, start, end, source in row["periods"]:
                status_period_add(
                    area=area,
                    status=status,
                    start_date=_day(start),
                    end_date=_day(end),
                    source=source,
                    by=self.admin,
                    organization=ocha,
                )
            self.areas[row["name_en"]] = area

    def load_convoys(self):
        for row in self.scenario["convoys"]:
            by = self.users[row["by"]]
            first_event = row["events"][0][1] if row["events"] else None
            # A request is drafted two days before it is sent; a draft not yet sent, on the first day of its plan.
            created_at = (
                _moment(first_event) - datetime.timedelta(days=2)
                if first_event
                else _moment(f"{row['plan_month']}T09:00")
            )
            convoy = convoy_create(
                by=by,
                reference=row["reference"],
                title=row["title"],
                lead_organization=self.organizations[row["lead"]],
                partner_organizations=[self.organizations[a] for a in row["partners"]],
                modality=row["modality"],
                origin_name=row["origin"],
                origin_area=self.places.get(row.get("origin_area")),
                origin_latitude=row.get("origin_lat"),
                origin_longitude=row.get("origin_lon"),
                plan_month=_day(row["plan_month"]),
                trucks=row.get("trucks"),
                planned_date=_day(row.get("planned_date")),
                destinations=[
                    DestinationInput(area=self.areas[d["area"]], planned_beneficiaries=d["planned"])
                    for d in row["destinations"]
                ],
                cargo_lines=[CargoInput(*line) for line in row["cargo"]],
                created_at=created_at,
            )
            reached = {
                destination.pk: spec["reached"]
                for destination, spec in zip(convoy.destinations.order_by("pk"), row["destinations"], strict=True)
                if "reached" in spec
            }
            for status, moment, note in row["events"]:
                convoy_transition(
                    convoy=convoy,
                    to_status=status,
                    by=by,
                    note=note,
                    occurred_at=_moment(moment),
                    reached_beneficiaries=reached if status in ("delivered", "partially_delivered") else None,
                )
            for removal in row.get("removals", []):
                line = convoy.cargo_lines.get(item=removal["cargo"])
                recorded = checkpoint_removal_record(
                    convoy=convoy,
                    cargo_line=line,
                    quantity_removed=Decimal(removal["quantity"]),
                    removed_on=_day(removal["on"]),
                    place_name=removal["place"],
                    party=self.parties[removal["party"]],
                    reason=removal["reason"],
                    latitude=removal["lat"],
                    longitude=removal["lon"],
                    by=by,
                )
                incident_review(incident=recorded.incident, by=self.users["reviewer"], outcome="verified")
            self.convoys[row["reference"]] = convoy

    def load_incidents(self):
        for row in self.scenario["incidents"]:
            by = self.users[row["by"]]
            occurred = datetime.datetime.fromisoformat(f"{row['date']}T{row.get('time', '12:00')}")
            incident = incident_create(
                by=by,
                organization=self.organizations[row["org"]],
                kind=row["kind"],
                category=row["category"],
                title=row["title"],
                occurred_on=_day(row["date"]),
                occurred_time=datetime.time.fromisoformat(row["time"]) if "time" in row else None,
                reported_at=timezone.make_aware(occurred) + datetime.timedelta(hours=2),
                location_name=row.get("location", ""),
                latitude=row.get("lat"),
                longitude=row.get("lon"),
                geo_precision=row.get("geo_precision", 1),
                stated_area=self.places.get(row.get("stated_area")),
                publish_exact_location=row.get("publish_exact_location", False),
                area=self.areas.get(row.get("area")),
                convoy=self.convoys.get(row.get("convoy")),
                perpetrator=self.parties.get(row.get("perpetrator")),
                public_summary=row["summary"],
                internal_description=row.get("internal", ""),
                supplies_lost=row.get("supplies_lost", ""),
                access_effect=row.get("access_effect", ""),
                visibility=row.get("visibility", "public"),
                sources=[
                    SourceInput(kind, name, reference, reliability, contact)
                    for kind, name, reference, reliability, contact in row["sources"]
                ],
                **row.get("impact", {}),
            )
            if row["review"]:
                outcome, note = row["review"]
                incident_review(incident=incident, by=self.users["reviewer"], outcome=outcome, note=note)

    def load_agreements(self):
        for row in self.scenario["agreements"]:
            agreement = Agreement(
                name=row["name"],
                name_ar=row.get("name_ar", ""),
                announced_on=_day(row["announced_on"]),
                starts_at=_moment(row["starts_at"]),
                ends_at=_moment(row["ends_at"]) if row.get("ends_at") else None,
                brokers=row["brokers"],
                brokers_ar=row.get("brokers_ar", ""),
                summary=row["summary"],
                summary_ar=row.get("summary_ar", ""),
                source=row["source"],
            )
            agreement.full_clean()
            agreement._history_user = self.admin
            agreement.save()
            agreement.governorates.set([self.places[p] for p in row["governorates"]])
            agreement.excluded_parties.set([self.parties[p] for p in row["excluded_parties"]])
            agreement.areas.set([self.areas[a] for a in row["areas"]])
            for spec in row["conditions"]:
                condition = AgreementCondition(
                    agreement=agreement,
                    kind=spec["kind"],
                    description=spec["description"],
                    description_ar=spec.get("description_ar", ""),
                    required_consecutive_days=spec["days"],
                    max_incidents_per_day=spec.get("max_incidents_per_day"),
                    counted_categories=spec.get("categories", []),
                    max_days_without_access=spec.get("max_days_without_access"),
                )
                condition.full_clean()
                condition.save()
                condition.areas.set([self.areas[a] for a in spec.get("areas", [])])

    def load_conflict_events(self):
        """The violence layer: only events the public reporting states, labelled as a demonstration (see fixtures/)."""
        events = [{**row, "event_date": _day(row["event_date"])} for row in self.scenario.get("conflict_events", [])]
        conflict_events_save(events=events)
