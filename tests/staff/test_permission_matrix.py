"""Every staff page × role × record visibility: the status code, and no hidden value in any page shown to outsiders.

One organization (ALPHA) holds incidents and convoys of every visibility, each
hidden field carrying a canary: internal description, exact place name and
point, source contacts, external id, review note, reporter and reviewer user
names, convoy notes and event notes, the references of convoys the public may
not see (restricted, partners only, draft), a checkpoint's point, the date of a
restricted delivery, an import run and a column mapping. Every staff URL is
fetched by each role: anonymous, a member of ALPHA (reporter), a reviewer of
ALPHA, a member of another organization, a signed-in user of no organization,
and a site admin. Outsiders' pages must hold no canary; ALPHA's members and the
site admin must find every canary somewhere (so that the canaries are really
placed where pages would show them).
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aidtrack.areas.services import area_set_status
from aidtrack.convoys.services import checkpoint_removal_record, convoy_transition
from aidtrack.exchange.models import ColumnMapping
from aidtrack.geo.models import ImportRun, ImportStatus
from aidtrack.incidents.services import SourceInput, incident_create, incident_review
from aidtrack.orgs.models import Role, Visibility
from tests.factories import AreaFactory, UserFactory, make_convoy, member
from tests.staff.conftest import login

ROLES = ["anonymous", "member", "reviewer", "other", "nobody", "admin"]
OUTSIDERS = {"other", "nobody"}
INSIDERS = {"member", "reviewer", "admin"}
OK, FORBIDDEN, MISSING = 200, 403, 404
FEBRUARY = datetime.datetime(2016, 2, 20, 9, 0)

# Substrings no outsider may ever read; "canary" (any case) also catches the user names canary.reporter/reviewer.
CANARY = re.compile("canary", re.IGNORECASE)
EXACT_POINTS = ("33.691234", "36.097123", "33.654321", "36.054321")
RESTRICTED_DELIVERY = "29 Feb 2016"


@dataclass
class World:
    incidents: dict
    convoys: dict
    removal_incident: object
    area: object
    run: ImportRun
    mapping: ColumnMapping
    users: dict


def at(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(FEBRUARY.replace(day=day, hour=hour))


@pytest.fixture
def world(org_a, org_b, geography, site_admin):
    reporter = member(org_a, Role.REPORTER, username="canary.reporter")
    reviewer = member(org_a, Role.REVIEWER, username="canary.reviewer")
    other = member(org_b, Role.REPORTER, username="other.b")
    area = AreaFactory(name_en="Madaya")
    area.communities.add(geography["madaya"])
    area_set_status(
        area=area,
        status="besieged",
        start_date=datetime.date(2015, 7, 1),
        source="OCHA besieged list",
        by=reporter,
        organization=org_a,
    )

    def convoy(reference, visibility, steps=(), delivered_on=None, **fields):
        made = make_convoy(reporter, org_a, reference=reference, area=area, visibility=visibility, created_at=at(20))
        for day, status in enumerate(steps, start=21):
            convoy_transition(convoy=made, to_status=status, by=reporter, note="CANARY-EVENT-NOTE", occurred_at=at(day))
        if delivered_on:
            convoy_transition(convoy=made, to_status="delivered", by=reporter, occurred_at=at(delivered_on))
        made.refresh_from_db()
        return made

    convoys = {
        "public": convoy("CV-PUBLIC-OK", Visibility.PUBLIC, ("submitted", "approved", "dispatched")),
        "partners": convoy("CV-CANARY-PARTNERS", Visibility.PARTNERS, ("submitted",)),
        "restricted": convoy(
            "CV-CANARY-RESTRICTED", Visibility.RESTRICTED, ("submitted", "approved", "dispatched"), delivered_on=29
        ),
        "draft": convoy("CV-CANARY-DRAFT", Visibility.PUBLIC),
    }
    convoys["public"].notes = "CANARY-CONVOY-NOTES"
    convoys["public"].save(update_fields=["notes"])
    removal = checkpoint_removal_record(
        convoy=convoys["public"],
        cargo_line=convoys["public"].cargo_lines.get(item="Surgical kits"),
        quantity_removed=5,
        removed_on=datetime.date(2016, 2, 24),
        place_name="Checkpoint at the bridge",
        latitude=33.654321,
        longitude=36.054321,
        by=reporter,
    )

    def incident(title, visibility, verified=True):
        made = incident_create(
            by=reporter,
            organization=org_a,
            category="3",
            title=title,
            occurred_on=datetime.date(2016, 9, 19),
            location_name=f"CANARY-PLACE {title}",
            latitude=33.691234,
            longitude=36.097123,
            area=area,
            convoy=convoys["restricted"],
            public_summary="A checkpoint was closed all day.",
            internal_description="CANARY-INTERNAL driver's account",
            external_id=f"CANARY-EXTID-{visibility}-{verified}",
            visibility=visibility,
            sources=[SourceInput(kind="own_staff", name="Field team", contact="CANARY-CONTACT +963")],
        )
        if verified:
            made = incident_review(incident=made, by=reviewer, outcome="verified", note="CANARY-REVIEW-NOTE")
        return made

    incidents = {
        "public": incident("Checkpoint closed at the bridge", Visibility.PUBLIC),
        "unverified": incident("CANARY-TITLE unverified", Visibility.PUBLIC, verified=False),
        "partners": incident("CANARY-TITLE partners", Visibility.PARTNERS),
        "restricted": incident("CANARY-TITLE restricted", Visibility.RESTRICTED),
    }
    run = ImportRun.objects.create(
        kind="incidents",
        source="CANARY-UPLOAD.csv",
        started_by=reporter,
        started_at=timezone.now(),
        status=ImportStatus.DRY_RUN,
        problems=[{"where": "row 2", "severity": "warning", "message": "CANARY-IMPORT-PROBLEM"}],
    )
    mapping = ColumnMapping.objects.create(
        organization=org_a, kind="incidents", name="CANARY-MAPPING", columns={"title": "CANARY-COLUMN"}
    )
    users = {
        "anonymous": None,
        "member": reporter,
        "reviewer": reviewer,
        "other": other,
        "nobody": UserFactory(username="no.organization"),
        "admin": site_admin,
    }
    return World(incidents, convoys, removal.incident, area, run, mapping, users)


def everyone(code=OK):
    return {role: code for role in ROLES if role != "anonymous"}


def insiders_only(outsiders=MISSING, member=OK, reviewer=OK):
    return {"member": member, "reviewer": reviewer, "admin": OK, "other": outsiders, "nobody": outsiders}


def writers(outsider_writer=OK):
    """Pages for anyone who may write for some organization (the other organization's reporter too)."""
    return {**everyone(), "nobody": FORBIDDEN, "other": outsider_writer}


def pages(w: World) -> list[tuple[str, str, dict]]:
    """(name, URL, status by role): every staff page, for every record visibility."""
    listed = [
        ("dashboard", reverse("staff:dashboard"), everyone()),
        ("password change", reverse("staff:password_change"), everyone()),
        ("incident list", reverse("staff:incident_list"), everyone()),
        ("incident list, mine", reverse("staff:incident_list") + "?mine=1", everyone()),
        ("incident search by place", reverse("staff:incident_list") + "?q=CANARY-PLACE", everyone()),
        ("incident search by text", reverse("staff:incident_list") + "?q=driver", everyone()),
        ("incident search by source", reverse("staff:incident_list") + "?q=CANARY-CONTACT", everyone()),
        ("incident search unverified", reverse("staff:incident_list") + "?status=reported", everyone()),
        ("incident form", reverse("staff:incident_create"), writers()),
        ("convoy list", reverse("staff:convoy_list"), everyone()),
        ("convoy list drafts", reverse("staff:convoy_list") + "?status=draft", everyone()),
        ("convoy search", reverse("staff:convoy_list") + "?q=CV-CANARY", everyone()),
        ("convoy search by notes", reverse("staff:convoy_list") + "?q=CANARY-CONVOY-NOTES", everyone()),
        ("convoy form", reverse("staff:convoy_create"), writers()),
        ("area list", reverse("staff:area_list"), everyone()),
        ("area", reverse("staff:area_detail", args=[w.area.pk]), everyone()),
        ("area history", reverse("staff:area_history", args=[w.area.pk]), everyone()),
        ("review queue", reverse("staff:review_queue"), insiders_only(FORBIDDEN, member=FORBIDDEN)),
        (
            "review queue search",
            reverse("staff:review_queue") + "?status=&q=CANARY",
            insiders_only(FORBIDDEN, member=FORBIDDEN),
        ),
        ("import page", reverse("staff:import"), everyone()),
        ("import page, convoys", reverse("staff:import") + "?kind=convoys", everyone()),
        ("import page, areas", reverse("staff:import") + "?kind=areas", everyone()),
        ("import run", reverse("staff:import_run", args=[w.run.pk]), insiders_only(reviewer=MISSING)),
        ("import progress", reverse("staff:import_progress", args=[w.run.pk]), insiders_only(reviewer=MISSING)),
        ("column mappings", reverse("staff:import_mappings"), everyone()),
        ("new column mapping", reverse("staff:import_mapping_new"), everyone()),
        ("column mapping", reverse("staff:import_mapping_edit", args=[w.mapping.pk]), insiders_only()),
        ("community lookup", reverse("staff:lookup_communities") + "?q=Madaya", everyone()),
        ("place lookup", reverse("staff:lookup_place") + "?lat=33.691234&lon=36.097123", everyone()),
    ]
    for visibility, incident in w.incidents.items():
        shown = visibility == "public"
        listed += [
            (
                f"{visibility} incident",
                reverse("staff:incident_detail", args=[incident.pk]),
                everyone() if shown else insiders_only(),
            ),
            (
                f"{visibility} incident edit",
                reverse("staff:incident_edit", args=[incident.pk]),
                insiders_only(FORBIDDEN if shown else MISSING),
            ),
            (f"{visibility} incident history", reverse("staff:incident_history", args=[incident.pk]), insiders_only()),
        ]
    removal = w.removal_incident
    listed.append(("removal incident", reverse("staff:incident_detail", args=[removal.pk]), insiders_only()))
    for visibility, convoy in w.convoys.items():
        shown = visibility == "public"
        listed += [
            (
                f"{visibility} convoy",
                reverse("staff:convoy_detail", args=[convoy.pk]),
                everyone() if shown else insiders_only(),
            ),
            (
                f"{visibility} convoy edit",
                reverse("staff:convoy_edit", args=[convoy.pk]),
                insiders_only(FORBIDDEN if shown else MISSING),
            ),
            (f"{visibility} convoy history", reverse("staff:convoy_history", args=[convoy.pk]), insiders_only()),
        ]
    return listed


# A search on hidden text must not find the record that holds it (its title is public, so the canaries above
# would not notice): these searches must list nothing to outsiders.
SEARCHES_OF_HIDDEN_TEXT = {
    "incident search by place",
    "incident search by text",
    "incident search by source",
    "convoy search by notes",
}
PUBLIC_TITLES = ("Checkpoint closed at the bridge", "CV-PUBLIC-OK")


def leaks(text: str, w: World, url: str) -> list[str]:
    # A search box shows back what was typed: that is the reader's own text, not a record's.
    typed = parse_qs(urlsplit(url).query).get("q", [""])[0]
    if typed:
        text = text.replace(f'value="{escape(typed)}"', 'value=""')
        # The language switch returns to the address the reader asked for, their search included.
        text = text.replace(f'name="next" value="{escape(url)}"', 'name="next" value=""')
    found = sorted({match.group(0) for match in CANARY.finditer(text)})
    found += [value for value in EXACT_POINTS if value in text]
    if RESTRICTED_DELIVERY in text:
        found.append(f"the restricted delivery of {RESTRICTED_DELIVERY}")
    if w.removal_incident.reference in text:
        found.append(f"the unverified removal incident {w.removal_incident.reference}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_page_for_every_role(client, world, role):
    user = world.users[role]
    if user is not None:
        login(client, user)
    wrong, seen = [], []
    for name, url, expected in pages(world):
        response = client.get(url)
        text = response.content.decode()
        if role == "anonymous":
            if response.status_code != 302 or not response["Location"].startswith(reverse("staff:login")):
                wrong.append(f"{name}: {response.status_code} instead of the sign-in page")
            continue
        if response.status_code != expected[role]:
            wrong.append(f"{name} ({url}): {response.status_code}, expected {expected[role]}")
        if role in OUTSIDERS and leaks(text, world, url):
            wrong.append(f"{name} ({url}) shows {leaks(text, world, url)}")
        if role in OUTSIDERS and name in SEARCHES_OF_HIDDEN_TEXT:
            found = [title for title in PUBLIC_TITLES if title in text]
            if found:
                wrong.append(f"{name} ({url}) finds {found} by text the reader may not read")
        seen.append(text)
    assert wrong == [], "\n".join(wrong)
    if role in {"member", "admin"}:
        # Positive control: each canary is placed where a page shows it to those who may read it.
        everything = "\n".join(seen)
        expected = [
            "CANARY-INTERNAL",
            "CANARY-PLACE",
            "CANARY-CONTACT",
            "CANARY-EXTID",
            "CANARY-REVIEW-NOTE",
            "canary.reporter",
            "canary.reviewer",
            "CANARY-CONVOY-NOTES",
            "CANARY-EVENT-NOTE",
            "CV-CANARY-RESTRICTED",
            "CV-CANARY-PARTNERS",
            "CV-CANARY-DRAFT",
            "CANARY-TITLE",
            "CANARY-MAPPING",
            "CANARY-UPLOAD",
            RESTRICTED_DELIVERY,
            world.removal_incident.reference,
            *EXACT_POINTS,
        ]
        missing = [canary for canary in expected if canary not in everything]
        assert missing == [], f"{role} never sees {missing}: the matrix would not notice them leak"
