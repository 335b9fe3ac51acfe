"""Two-factor sign-in: set-up with a QR code and a typed key, a code after the password, recovery codes, roles."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from aidtrack.accounts.models import AccountEvent, AccountEventKind
from aidtrack.accounts.two_factor import authenticator_confirm, authenticator_start
from tests.signin import PASSWORD, saved, sign_in, signed_in, totp_code


@pytest.fixture
def user(reporter):
    return saved(reporter)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = authenticator_start(user=user)
    codes = authenticator_confirm(device=device, code=totp_code(device))
    device.refresh_from_db()
    return device, codes


def test_setting_up_shows_a_qr_code_and_the_key_then_recovery_codes_once(client, user):
    client.force_login(user)
    page = client.get(reverse("staff:two_factor_setup"))
    assert page.status_code == HTTPStatus.OK
    secret = re.search(r'class="secret"><code>([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    qr = client.get(reverse("staff:two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<svg") and b"<script" not in qr.content
    assert "no-store" in qr["Cache-Control"] or "no-cache" in qr["Cache-Control"]

    wrong = client.post(reverse("staff:two_factor_setup"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    done = client.post(reverse("staff:two_factor_setup"), {"code": totp_code(device)})
    shown = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", done.content.decode())
    assert len(shown) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(t.token for t in StaticToken.objects.filter(device__user=user)) == sorted(
        code.replace("-", "") for code in shown
    )
    assert "Keep these codes now" not in client.get(reverse("staff:account")).content.decode()
    assert client.get(reverse("staff:two_factor_qr")).status_code == HTTPStatus.NOT_FOUND
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.TWO_FACTOR_ENABLED).exists()


def test_the_password_alone_opens_nothing_once_two_factor_is_on(client, user):
    enrol(user)
    response = sign_in(client, "reporter.a")
    assert response["Location"] == reverse("staff:login_verify")
    assert client.get(reverse("staff:dashboard"))["Location"].startswith(reverse("staff:login"))
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    # The API sees an anonymous client: no member-only record can be read with the password alone.
    assert "_auth_user_id" not in client.session


def test_the_code_after_the_password_signs_in(client, user):
    device, _ = enrol(user)
    sign_in(client, "reporter.a")
    wrong = client.post(reverse("staff:login_verify"), {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.SECOND_FACTOR_FAILED).count() == 1
    # After a wrong code, django-otp makes the next try wait a little (1 s, then 2, 4 ...).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(reverse("staff:login_verify"), {"code": totp_code(device, steps=1)})
    assert right["Location"] == reverse("staff:dashboard")
    assert client.get(reverse("staff:dashboard")).status_code == HTTPStatus.OK
    signed = AccountEvent.objects.filter(user=user, kind=AccountEventKind.SIGNED_IN).get()
    assert signed.detail == "password and authenticator"


def test_repeated_wrong_codes_make_the_user_wait(client, user):
    enrol(user)
    sign_in(client, "reporter.a")
    client.post(reverse("staff:login_verify"), {"code": "111111"})
    page = client.post(reverse("staff:login_verify"), {"code": "222222"}).content.decode()
    assert "Too many wrong codes: wait until" in page


def test_a_recovery_code_signs_in_once(client, user):
    _, codes = enrol(user)
    sign_in(client, "reporter.a")
    response = client.post(reverse("staff:login_verify"), {"code": codes[0].upper()}, follow=True)
    assert "You used a recovery code; 9 are left." in response.content.decode()
    client.logout()
    sign_in(client, "reporter.a")
    again = client.post(reverse("staff:login_verify"), {"code": codes[0]})
    assert again.status_code == HTTPStatus.OK and "That code is not right" in again.content.decode()


def test_the_second_step_expires(client, user, monkeypatch):
    enrol(user)
    sign_in(client, "reporter.a")
    session = client.session
    session["aidtrack_pending_sign_in"]["at"] -= 600
    session.save()
    assert client.get(reverse("staff:login_verify"))["Location"] == reverse("staff:login")


def test_new_recovery_codes_and_turning_off_need_the_password(client, user):
    device, old_codes = enrol(user)
    sign_in(client, "reporter.a")
    client.post(reverse("staff:login_verify"), {"code": totp_code(device, steps=1)})
    refused = client.post(reverse("staff:recovery_codes"), {"password": "wrong"})
    assert "That is not your password." in refused.content.decode()
    fresh = client.post(reverse("staff:recovery_codes"), {"password": PASSWORD}).content.decode()
    assert old_codes[0] not in fresh and len(re.findall(r"<li><code>", fresh)) == 10
    client.post(reverse("staff:two_factor_remove"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.logout()
    assert signed_in(sign_in(client, "reporter.a"))


def test_a_required_role_is_sent_to_set_up_before_any_staff_page_or_the_admin(client, reviewer, settings):
    settings.AIDTRACK_REQUIRE_2FA_FOR = ["reviewer", "org_admin", "site_admin"]
    saved(reviewer)
    response = sign_in(client, "reviewer.a")
    follow = client.get(response["Location"])
    assert follow["Location"].startswith(reverse("staff:two_factor_setup"))
    assert client.get(reverse("staff:incident_list"))["Location"].startswith(reverse("staff:two_factor_setup"))
    assert client.get("/admin/")["Location"].startswith(reverse("staff:two_factor_setup"))
    assert client.get(reverse("staff:two_factor_setup")).status_code == HTTPStatus.OK
    device = TOTPDevice.objects.get(user=reviewer)
    client.post(reverse("staff:two_factor_setup"), {"code": totp_code(device)})
    assert client.get(reverse("staff:incident_list")).status_code == HTTPStatus.OK


def test_a_required_role_cannot_turn_it_off(client, reviewer, settings):
    settings.AIDTRACK_REQUIRE_2FA_FOR = ["reviewer"]
    device, _ = enrol(saved(reviewer))
    sign_in(client, "reviewer.a")
    client.post(reverse("staff:login_verify"), {"code": totp_code(device, steps=1)})
    page = client.post(reverse("staff:two_factor_remove"), {"password": PASSWORD}, follow=True).content.decode()
    assert "Your role requires two-factor sign-in" in page
    assert TOTPDevice.objects.filter(user=reviewer).exists()


def test_a_reporter_is_not_asked_when_only_reviewers_must(client, user, settings):
    settings.AIDTRACK_REQUIRE_2FA_FOR = ["reviewer"]
    sign_in(client, "reporter.a")
    assert client.get(reverse("staff:incident_list")).status_code == HTTPStatus.OK


def test_a_site_admin_is_asked_when_site_admins_must(client, site_admin, settings):
    settings.AIDTRACK_REQUIRE_2FA_FOR = ["site_admin"]
    saved(site_admin)
    sign_in(client, "root")
    assert client.get("/admin/")["Location"].startswith(reverse("staff:two_factor_setup"))


def test_a_session_without_the_code_is_asked_for_it_on_staff_pages_and_the_admin(client, site_admin):
    device, _ = enrol(saved(site_admin))
    client.force_login(site_admin)  # e.g. signed in before an authenticator was added in the admin
    asked = client.get("/admin/")
    assert asked["Location"] == reverse("staff:login_verify") + "?next=%2Fadmin%2F"
    assert client.get(reverse("staff:dashboard"))["Location"].startswith(reverse("staff:login_verify"))
    done = client.post(asked["Location"], {"code": totp_code(device, steps=1)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_session_writes_through_the_api_need_the_second_factor(user):
    device, _ = enrol(user)
    client = APIClient()
    client.force_login(user)  # a session without the code (e.g. made before the authenticator was added)
    body = {"title": "x"}
    refused = client.post("/api/v1/incidents/", body, format="json")
    assert refused.status_code == HTTPStatus.FORBIDDEN and "two-factor" in refused.json()["detail"]
    assert client.get("/api/v1/incidents/").status_code == HTTPStatus.OK, "reading is not a write"


def test_an_org_admin_removes_a_members_lost_authenticator(client, user, org_admin):
    enrol(user)
    membership = user.memberships.get()
    client.force_login(saved(org_admin))
    client.post(reverse("staff:member_account", args=[membership.pk, "two-factor-reset"]))
    assert not TOTPDevice.objects.filter(user=user).exists()
    event = AccountEvent.objects.get(user=user, kind=AccountEventKind.TWO_FACTOR_DISABLED)
    assert event.by == org_admin
