"""The demo data tells the September 2016 story of DOMAIN.md, through the services."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import OutputWrapper

from aidtrack.agreements.models import Agreement
from aidtrack.agreements.selectors import agreement_compliance
from aidtrack.areas.models import AccessStatus, Area
from aidtrack.areas.selectors import people_by_status_on
from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.demo.accounts import print_accounts
from aidtrack.demo.loader import load_demo
from aidtrack.geo.data_officers import DATA_OFFICER_PERMISSIONS, DATA_OFFICERS
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Category, Incident, VerificationStatus
from aidtrack.violence.models import ConflictEvent

GOVERNORATES = {
    "SY01": "Damascus",
    "SY02": "Aleppo",
    "SY03": "Rural Damascus",
    "SY04": "Homs",
    "SY05": "Hama",
    "SY06": "Lattakia",
    "SY07": "Idleb",
    "SY08": "Al-Hasakeh",
    "SY09": "Deir-ez-Zor",
    "SY10": "Tartous",
    "SY11": "Ar-Raqqa",
    "SY12": "Dar'a",
    "SY13": "As-Sweida",
    "SY14": "Quneitra",
}
BESIEGED = {  # community P-code: people, from OCHA's autumn 2016 list
    "C1007": 275_000,
    "C2338": 153_900,
    "C5086": 93_500,
    "C2528": 50_000,
    "C2499": 43_000,
    "C2450": 38_000,
    "C2449": 7_700,
    "C2429": 750,
    "C3905": 12_800,
    "C3952": 7_200,
    "C1002": 9_800,
    "C2342": 20_000,
}


@pytest.fixture
def demo(db):
    return load_demo()


def test_governorates_have_official_pcodes_and_both_names(demo):
    rows = AdminArea.objects.filter(level=1)
    assert {a.pcode: a.name_en for a in rows} == GOVERNORATES
    assert all(a.name_ar and a.geometry and a.parent.pcode == "SY" for a in rows)


def test_the_besieged_list_of_autumn_2016(demo):
    areas = Area.objects.prefetch_related("communities")
    found = {c.pcode: a.population for a in areas for c in a.communities.all() if c.pcode in BESIEGED}
    assert found == BESIEGED
    day = datetime.date(2016, 9, 19)
    assert people_by_status_on(day)[AccessStatus.BESIEGED] == sum(BESIEGED.values())
    deir = Area.objects.get(communities__pcode="C5086")
    assert [p.short_name for p in deir.besieging_parties.all()] == ["ISIL"]
    foah = Area.objects.get(communities__pcode="C3905")
    assert "AOG" in {p.short_name for p in foah.besieging_parties.all()}


def test_the_urum_al_kubra_convoy_and_its_attack(demo):
    convoy = ConvoyRequest.objects.get(reference="CV-2016-09-014")
    assert (convoy.status, convoy.trucks) == (ConvoyStatus.ATTACKED, 31)
    assert convoy.destinations.get().planned_beneficiaries == 78_000
    assert [e.to_status for e in convoy.events.all()] == ["draft", "submitted", "approved", "dispatched", "attacked"]
    attack = convoy.incidents.get(category=Category.VIOLENCE_AGAINST_AID)
    assert attack.occurred_on == datetime.date(2016, 9, 19)
    assert (attack.vehicles_damaged, attack.people_killed) == (18, 20)
    assert attack.admin1.pcode == "SY02"
    assert attack.verification_status == VerificationStatus.VERIFIED
    assert attack.verified_by != attack.reported_by


def test_convoys_span_the_pipeline_and_incidents_most_categories(demo):
    statuses = set(ConvoyRequest.objects.values_list("status", flat=True))
    assert len(statuses) >= 8
    assert {ConvoyStatus.DENIED, ConvoyStatus.NO_RESPONSE, ConvoyStatus.DELIVERED, ConvoyStatus.DRAFT} <= statuses
    categories = set(Incident.objects.exclude(category="").values_list("category", flat=True))
    assert len(categories & {str(n) for n in range(1, 10)}) >= 8
    assert Incident.objects.filter(kind="access").count() >= 3
    removal_incident = ConvoyRequest.objects.get(reference="CV-2016-09-009").removals.get().incident
    assert removal_incident.category == Category.INTERFERENCE


def test_the_cessation_of_hostilities_and_its_unmet_conditions(demo):
    agreement = Agreement.objects.get()
    assert agreement.starts_at.date() == datetime.date(2016, 9, 12)
    assert {p.short_name for p in agreement.excluded_parties.all()} == {"ISIL", "JFS"}
    results = agreement_compliance(agreement)
    assert len(results) == 2
    for result in results:
        assert len(result.days) == 8  # 12 to 19 September
        assert result.first_fulfilled_on is None, f"{result.condition} should not have been met"


def test_the_violence_layer_holds_only_the_convoy_attack_that_domain_md_states(demo):
    """DOMAIN.md states one violent event with a place, a date and a toll; no other is made up."""
    (event,) = ConflictEvent.objects.all()
    assert demo.counts["conflict events"] == 1
    attack = Incident.objects.get(title__startswith="Attack on the inter-agency convoy")
    assert (event.event_date, event.latitude, event.longitude) == (attack.occurred_on, 36.14, 36.87)
    assert event.fatalities == attack.people_killed == 20
    assert event.admin1.pcode == "SY02" and event.location == "Urum al-Kubra"
    assert event.source == "demo scenario, based on public reporting" and event.notes.startswith("DEMONSTRATION")
    assert "Unattributed" in event.actor1


def test_loading_again_keeps_the_data_and_the_passwords(demo):
    assert demo.loaded and set(demo.new_passwords) == {
        "admin",
        "reporter.sarc",
        "reporter.ocha",
        "reviewer",
        "admin.sarc",
        "data.officer",
    }
    user = get_user_model().objects.get(username="reviewer")
    password_hash = user.password
    again = load_demo()
    assert not again.loaded and again.new_passwords == {}
    assert Incident.objects.count() == demo.counts["incidents"]
    assert ConflictEvent.objects.count() == demo.counts["conflict events"]
    user.refresh_from_db()
    assert user.password == password_hash
    assert user.check_password(demo.new_passwords["reviewer"])


def test_the_accounts_roles(demo):
    users = {u.username: u for u in get_user_model().objects.prefetch_related("memberships__organization")}
    assert users["admin"].is_superuser
    roles = {
        name: {(m.organization.acronym, m.role) for m in users[name].memberships.all()}
        for name in ("reporter.sarc", "reporter.ocha", "reviewer", "admin.sarc")
    }
    assert roles == {
        "reporter.sarc": {("SARC", "reporter")},
        "reporter.ocha": {("OCHA", "reporter")},
        "reviewer": {("OCHA", "reviewer"), ("SARC", "reviewer")},
        "admin.sarc": {("SARC", "org_admin")},
    }


def test_every_source_the_demo_gives_cites_public_reporting_not_a_file_readers_do_not_have(demo):
    from django.apps import apps

    texts = []
    for model in apps.get_models():
        if not model._meta.app_label.startswith(("areas", "convoys", "incidents", "agreements", "violence", "geo")):
            continue
        fields = [f.name for f in model._meta.get_fields() if f.get_internal_type() in {"CharField", "TextField"}]
        for row in model.objects.values(*fields):
            texts += [value for value in row.values() if isinstance(value, str)]
    assert texts
    assert [text for text in texts if ".md" in text or "DOMAIN" in text] == []
    sources = {area.name_en: area.population_source for area in Area.objects.all()}
    assert sources["Madaya"] == "OCHA besieged list, autumn 2016 (public reporting)"
    assert sources["Urum al-Kubra and surroundings"].startswith("UN and SARC statements on the convoy")


def test_the_data_officer_reports_for_ocha_and_loads_geodata_through_the_group(demo):
    officer = get_user_model().objects.get(username="data.officer")
    assert [(m.organization.acronym, m.role) for m in officer.memberships.all()] == [("OCHA", "reporter")]
    assert [group.name for group in officer.groups.all()] == [DATA_OFFICERS] and not officer.is_staff
    assert officer.get_all_permissions() == set(DATA_OFFICER_PERMISSIONS)
    assert "data.officer" in demo.new_passwords
    out = io.StringIO()
    print_accounts(OutputWrapper(out), {})
    line = next(line for line in out.getvalue().splitlines() if "data.officer" in line)
    assert "reporter at OCHA, data officer (loads boundaries, communities, population and roads" in line


def test_a_demo_loaded_before_gains_only_the_accounts_it_lacks(demo):
    users = get_user_model().objects
    users.filter(username="data.officer").delete()
    sarc = users.get(username="reporter.sarc")
    sarc.memberships.all().delete()  # an organization admin's change, which loading again must keep
    again = load_demo()
    assert not again.loaded and list(again.new_passwords) == ["data.officer"]
    assert users.get(username="data.officer").groups.filter(name=DATA_OFFICERS).exists()
    assert not sarc.memberships.exists()
    assert load_demo().new_passwords == {}
