"""API tokens expire, die with a password change or a deactivation, and cannot make tokens."""

import base64
import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from aidtrack.accounts.models import AccountEvent, AccountEventKind
from aidtrack.api.models import ApiToken
from aidtrack.api.services import token_create
from aidtrack.orgs.services import account_deactivate
from tests.signin import PASSWORD, saved, totp_code


def basic(user, **data):
    client = APIClient()
    credentials = base64.b64encode(f"{user.get_username()}:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    return client


def with_token(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def user(reporter):
    return saved(reporter)


def test_a_token_shows_its_expiry_when_made_and_listed(user, settings):
    made = basic(user).post("/api/v1/tokens/", {"name": "HDX script"}, format="json")
    assert made.status_code == HTTPStatus.CREATED
    expires = datetime.datetime.fromisoformat(made.json()["expires_at"])
    expected = timezone.now() + datetime.timedelta(days=settings.AIDTRACK_API_TOKEN_DAYS)
    assert abs(expires - expected) < datetime.timedelta(minutes=1) and made.json()["expired"] is False
    listed = with_token(made.json()["key"]).get("/api/v1/tokens/").json()
    assert listed[0]["expires_at"] == made.json()["expires_at"] and listed[0]["last_used_at"] is not None


def test_a_lifetime_may_be_asked_for_within_the_longest_allowed(user, settings):
    short = basic(user).post("/api/v1/tokens/", {"name": "one week", "days": 7}, format="json")
    assert short.status_code == HTTPStatus.CREATED
    assert datetime.datetime.fromisoformat(short.json()["expires_at"]) < timezone.now() + datetime.timedelta(days=8)
    too_long = basic(user).post(
        "/api/v1/tokens/", {"name": "forever", "days": settings.AIDTRACK_API_TOKEN_MAX_DAYS + 1}, format="json"
    )
    assert too_long.status_code == HTTPStatus.BAD_REQUEST and "days" in too_long.json()["errors"]


def test_an_expired_token_is_refused_with_its_date(user):
    token, key = token_create(user=user, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    response = with_token(key).get("/api/v1/incidents/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED and "expired on" in response.json()["detail"]
    listed = basic(user).get("/api/v1/tokens/").json()
    assert listed[0]["expired"] is True


def test_changing_the_password_on_the_staff_page_revokes_every_token(client, user):
    _, key = token_create(user=user, name="script")
    client.force_login(user)
    new = "Madaya-2016-road"
    client.post(
        reverse("staff:password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert not ApiToken.objects.filter(user=user).exists()
    assert with_token(key).get("/api/v1/incidents/").status_code == HTTPStatus.UNAUTHORIZED


def test_a_password_set_anywhere_revokes_the_tokens(user):
    _, key = token_create(user=user, name="script")
    user.set_password("Another-2016-road")
    user.save()
    assert with_token(key).get("/api/v1/incidents/").status_code == HTTPStatus.UNAUTHORIZED


def test_a_password_written_behind_the_models_back_still_stops_the_tokens(user, django_user_model):
    _, key = token_create(user=user, name="script")
    django_user_model.objects.filter(pk=user.pk).update(password="pbkdf2_sha256$1$x$y")
    response = with_token(key).get("/api/v1/incidents/")
    assert response.status_code == HTTPStatus.UNAUTHORIZED and "password changed" in response.json()["detail"]


def test_saving_the_account_for_other_reasons_keeps_the_tokens(user):
    token_create(user=user, name="script")
    user.first_name = "Field"
    user.save()
    user.save(update_fields=["last_login"])
    assert ApiToken.objects.filter(user=user).count() == 1


def test_deactivating_the_account_revokes_its_tokens(user, site_admin):
    _, key = token_create(user=user, name="script")
    account_deactivate(by=site_admin, user=user)
    assert not ApiToken.objects.filter(user=user).exists()
    user.is_active = True
    user.save()
    assert with_token(key).get("/api/v1/incidents/").status_code == HTTPStatus.UNAUTHORIZED


def test_a_token_cannot_make_tokens(user):
    _, key = token_create(user=user, name="script")
    response = with_token(key).post("/api/v1/tokens/", {"name": "child", "password": PASSWORD}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN and "cannot make tokens" in response.json()["detail"]
    assert ApiToken.objects.filter(user=user).count() == 1


def test_a_browser_session_makes_a_token_only_with_the_password_again(user):
    session = APIClient()
    session.force_login(user)
    refused = session.post("/api/v1/tokens/", {"name": "x", "password": "wrong"}, format="json")
    assert refused.status_code == HTTPStatus.BAD_REQUEST and "password" in refused.json()["errors"]
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.SIGN_IN_FAILED).exists()
    made = session.post("/api/v1/tokens/", {"name": "x", "password": PASSWORD}, format="json")
    assert made.status_code == HTTPStatus.CREATED


def test_with_two_factor_http_basic_needs_a_code_to_make_a_token(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    refused = basic(user).post("/api/v1/tokens/", {"name": "x"}, format="json")
    assert refused.status_code == HTTPStatus.FORBIDDEN and "otp" in refused.json()["detail"]
    made = basic(user).post("/api/v1/tokens/", {"name": "x", "otp": totp_code(device)}, format="json")
    assert made.status_code == HTTPStatus.CREATED


def test_when_the_role_requires_two_factor_a_token_waits_for_it(user, settings):
    settings.AIDTRACK_REQUIRE_2FA_FOR = ["reporter"]
    refused = basic(user).post("/api/v1/tokens/", {"name": "x"}, format="json")
    assert refused.status_code == HTTPStatus.FORBIDDEN and "set it up" in refused.json()["detail"]


def test_making_and_revoking_tokens_is_logged_without_the_key(user):
    made = basic(user).post("/api/v1/tokens/", {"name": "HDX script"}, format="json").json()
    basic(user).delete(f"/api/v1/tokens/{made['id']}/")
    events = AccountEvent.objects.filter(user=user).values_list("kind", "detail")
    assert set(events) >= {
        (AccountEventKind.TOKEN_CREATED, "HDX script"),
        (AccountEventKind.TOKEN_REVOKED, "HDX script"),
    }
    logged = " ".join(str(row) for row in AccountEvent.objects.values())
    assert made["key"] not in logged and made["key"][8:20] not in logged and PASSWORD not in logged


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_tokens_and_gives_them_an_expiry(settings):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("api")
    executor.migrate([("api", "0001_initial")])
    try:
        old_apps = executor.loader.project_state([("api", "0001_initial")]).apps
        old_user = old_apps.get_model("auth", "User").objects.create(username="old.script", password="x")
        old_apps.get_model("api", "ApiToken").objects.create(user=old_user, name="old", prefix="abc", key_hash="1" * 64)
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        token = ApiToken.objects.get(name="old")
        expected = timezone.now() + datetime.timedelta(days=settings.AIDTRACK_API_TOKEN_DAYS)
        assert abs(token.expires_at - expected) < datetime.timedelta(minutes=5)
        assert not token.expired and token.password_fingerprint
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
