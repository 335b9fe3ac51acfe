"""The sign-in and download log: who signed in or failed, who downloaded what; each admin reads their members'."""

import datetime
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aidtrack.accounts.models import AccountEvent, AccountEventKind, ExportEvent
from tests.signin import PASSWORD, saved, sign_in


@pytest.fixture
def history(client, reporter, outsider, org_admin):
    """A failed and a good sign-in by a member of Alpha, and one by a member of Beta."""
    saved(reporter)
    saved(outsider)
    saved(org_admin)
    sign_in(client, "reporter.a", "Typo-in-my-password", HTTP_USER_AGENT="Field laptop")
    sign_in(client, "reporter.a", HTTP_USER_AGENT="Field laptop", REMOTE_ADDR="198.51.100.4")
    client.logout()
    sign_in(client, "reporter.b", HTTP_USER_AGENT="Other office")
    client.logout()
    sign_in(client, "no.such.person", "hunter2")


def test_sign_ins_and_failures_are_recorded_with_address_and_browser(history, reporter):
    failed, signed = AccountEvent.objects.filter(user=reporter).order_by("pk")[:2]
    assert (failed.kind, failed.ip_address, failed.user_agent) == (
        AccountEventKind.SIGN_IN_FAILED,
        "127.0.0.1",
        "Field laptop",
    )
    assert (signed.kind, signed.ip_address, signed.detail) == (AccountEventKind.SIGNED_IN, "198.51.100.4", "password")


def test_no_password_is_ever_recorded(history):
    logged = " ".join(str(row) for row in AccountEvent.objects.values())
    for secret in (PASSWORD, "Typo-in-my-password", "hunter2", "no.such.person"):
        assert secret not in logged
    unknown = AccountEvent.objects.get(user=None)
    assert unknown.kind == AccountEventKind.SIGN_IN_FAILED and unknown.username == ""


def test_an_org_admin_reads_only_their_members_entries(client, history, org_admin):
    client.force_login(org_admin)
    page = client.get(reverse("staff:sign_in_log")).content.decode()
    assert "reporter.a" in page and "198.51.100.4" in page and "Field laptop" in page
    assert "reporter.b" not in page and "Other office" not in page
    assert "(no such account)" not in page


def test_a_site_admin_reads_every_entry(client, history, site_admin):
    client.force_login(saved(site_admin))
    page = client.get(reverse("staff:sign_in_log")).content.decode()
    assert "reporter.a" in page and "reporter.b" in page and "(no such account)" in page


def test_the_log_filters_by_account_and_kind(client, history, org_admin):
    client.force_login(org_admin)
    page = client.get(reverse("staff:sign_in_log"), {"kind": "sign_in_failed"}).content.decode()
    assert "Sign-in failed" in page and "198.51.100.4" not in page
    page = client.get(reverse("staff:sign_in_log"), {"username": "admin.a"}).content.decode()
    assert "reporter.a" not in page


def test_a_reporter_cannot_read_the_log(client, history, reporter):
    client.force_login(reporter)
    assert client.get(reverse("staff:sign_in_log")).status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("staff:download_log")).status_code == HTTPStatus.FORBIDDEN


def test_downloads_by_signed_in_users_are_recorded_with_filters_and_rows(reporter, outsider, org_admin):
    client = APIClient()
    client.force_login(saved(reporter))
    assert client.get("/api/v1/parties/?format=csv&search=Gov").status_code == HTTPStatus.OK
    client.get("/api/v1/organizations/?format=xlsx", HTTP_USER_AGENT="Excel")
    event = ExportEvent.objects.get(format="csv")
    assert (event.user, event.path, event.filters, event.rows) == (
        reporter,
        "/api/v1/parties/",
        {"search": ["Gov"]},
        0,
    )
    assert ExportEvent.objects.get(format="xlsx").rows == 2  # Alpha Relief and Beta Aid
    browser = APIClient()
    browser.force_login(saved(outsider))
    browser.get("/api/v1/parties/?format=geojson")
    assert ExportEvent.objects.filter(user=outsider, format="geojson").exists()

    viewer = APIClient()
    viewer.force_login(saved(org_admin))
    page = viewer.get(reverse("staff:download_log")).content.decode()
    assert "/api/v1/parties/" in page and "search=Gov" in page and "reporter.b" not in page


def test_the_map_reading_geojson_and_json_pages_are_not_downloads(reporter):
    client = APIClient()
    client.force_login(saved(reporter))
    client.get("/api/v1/parties/", HTTP_ACCEPT="application/geo+json")
    client.get("/api/v1/parties/")
    assert not ExportEvent.objects.exists()


def test_anonymous_downloads_are_not_recorded(db):
    APIClient().get("/api/v1/parties/?format=csv")
    assert not ExportEvent.objects.exists()


def test_secrets_in_a_query_are_never_recorded(reporter):
    client = APIClient()
    client.force_login(saved(reporter))
    client.get("/api/v1/parties/?format=csv&token=abc123secret&password=pw&search=x")
    assert ExportEvent.objects.get().filters == {"search": ["x"]}


def test_old_entries_are_pruned(reporter, settings):
    settings.AIDTRACK_ACCOUNT_LOG_DAYS = 30
    old = AccountEvent.objects.create(kind=AccountEventKind.SIGNED_IN, user=reporter, username="reporter.a")
    recent = AccountEvent.objects.create(kind=AccountEventKind.SIGNED_IN, user=reporter, username="reporter.a")
    AccountEvent.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=31))
    ExportEvent.objects.create(user=reporter, username="reporter.a", path="/api/v1/incidents/", format="csv")
    ExportEvent.objects.update(at=timezone.now() - datetime.timedelta(days=40))
    call_command("prune_account_log")
    assert list(AccountEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ExportEvent.objects.exists()


def test_a_site_admin_reads_the_log_in_the_admin_but_cannot_edit_it(client, history, site_admin):
    client.force_login(saved(site_admin))
    listing = client.get(reverse("admin:accounts_accountevent_changelist"))
    assert listing.status_code == HTTPStatus.OK and "reporter.a" in listing.content.decode()
    assert client.get(reverse("admin:accounts_accountevent_add")).status_code == HTTPStatus.FORBIDDEN
