"""Wrong passwords lock signing in, on every door that takes a password, until the cool-off or an unlock."""

import base64
import datetime
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from aidtrack.accounts.models import AccountEvent, AccountEventKind
from tests.signin import PASSWORD, saved, sign_in, signed_in


@pytest.fixture
def reporter_saved(reporter):
    return saved(reporter)


def basic_client(username, password) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{username}:{password}".encode()).decode())
    return client


def fail(client, username="reporter.a", times=1, **extra):
    return [sign_in(client, username, "wrong-password", **extra).status_code for _ in range(times)]


def test_forty_wrong_passwords_then_the_right_one_is_refused_with_when_to_try_again(client, reporter_saved, settings):
    codes = fail(client, times=40)
    assert codes[: settings.AIDTRACK_LOCKOUT_FAILURES - 1] == [HTTPStatus.OK] * (settings.AIDTRACK_LOCKOUT_FAILURES - 1)
    assert set(codes[settings.AIDTRACK_LOCKOUT_FAILURES - 1 :]) == {HTTPStatus.TOO_MANY_REQUESTS}
    response = sign_in(client, "reporter.a", PASSWORD)
    assert not signed_in(response) and response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    page = response.content.decode()
    assert "Too many wrong passwords" in page and "Try again after" in page and "in 15 minutes" in page
    assert int(response["Retry-After"]) > 14 * 60
    assert client.get(reverse("staff:dashboard")).status_code == HTTPStatus.FOUND  # still not signed in


def test_attempts_during_a_lockout_do_not_move_its_end(client, reporter_saved):
    fail(client, times=5)
    first = AccessAttempt.objects.get(username="reporter.a").attempt_time
    fail(client, times=10)
    assert AccessAttempt.objects.get(username="reporter.a").attempt_time == first


def test_the_lockout_ends_after_the_cool_off_time(client, reporter_saved, settings):
    fail(client, times=5)
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME)
    assert signed_in(sign_in(client, "reporter.a"))


def test_the_lockout_holds_for_that_username_from_that_address_only(client, reporter_saved, reviewer):
    saved(reviewer)
    fail(client, times=5)
    assert signed_in(sign_in(client, "reporter.a", REMOTE_ADDR="10.1.2.3")), "another address still signs in"
    client.logout()
    assert signed_in(sign_in(client, "reviewer.a")), "another account from the same office still signs in"


def test_one_address_trying_many_accounts_is_stopped_too(client, db, settings):
    settings.AIDTRACK_LOCKOUT_ADDRESS_FAILURES = 8
    for n in range(8):
        fail(client, username=f"someone{n}")
    assert sign_in(client, "someone-else", "x").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, reporter_saved):
    for n in range(5):
        sign_in(client, "reporter.a", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = sign_in(client, "reporter.a", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_behind_a_trusted_proxy_the_client_address_is_locked_not_the_proxy(client, reporter_saved, settings):
    settings.AIDTRACK_TRUSTED_PROXIES = 1
    for _ in range(5):
        sign_in(client, "reporter.a", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert signed_in(sign_in(client, "reporter.a", HTTP_X_FORWARDED_FOR="203.0.113.10"))


def test_the_admin_signs_in_through_the_staff_sign_in_page(client, site_admin):
    saved(site_admin)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("staff:login") + "?next=/admin/"
    # A script posting passwords at the admin's own form gets no sign-in from it.
    assert client.post("/admin/login/", {"username": "root", "password": PASSWORD}).status_code != HTTPStatus.OK
    assert client.get("/admin/").status_code == HTTPStatus.FOUND
    fail(client, username="root", times=5)
    assert sign_in(client, "root").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_http_basic_on_the_token_endpoint_is_locked_out_with_a_json_429(reporter_saved):
    client = basic_client("reporter.a", "nope")
    codes = [client.get("/api/v1/tokens/").status_code for _ in range(10)]
    assert codes[:4] == [HTTPStatus.UNAUTHORIZED] * 4 and set(codes[4:]) == {HTTPStatus.TOO_MANY_REQUESTS}
    response = basic_client("reporter.a", PASSWORD).get("/api/v1/tokens/")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "locked_out" and "Try again after" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_a_hundred_and_fifty_basic_attempts_are_all_refused_after_the_fifth(reporter_saved):
    client = basic_client("reporter.a", "nope")
    codes = [client.get("/api/v1/tokens/").status_code for _ in range(150)]
    assert set(codes[4:]) == {HTTPStatus.TOO_MANY_REQUESTS}
    assert basic_client("reporter.a", PASSWORD).get("/api/v1/tokens/").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert AccessAttempt.objects.get().failures_since_start == 5, "refused attempts are not even checked"


def test_the_old_password_on_the_change_form_counts_towards_the_lockout(client, reporter_saved):
    client.force_login(reporter_saved)
    url = reverse("staff:password_change")
    wrong = {"old_password": "guess", "new_password1": "Madaya-2016-road", "new_password2": "Madaya-2016-road"}
    codes = [client.post(url, wrong).status_code for _ in range(6)]
    assert codes[:4] == [HTTPStatus.OK] * 4 and codes[4:] == [HTTPStatus.TOO_MANY_REQUESTS] * 2
    right = {**wrong, "old_password": PASSWORD}
    assert client.post(url, right).status_code == HTTPStatus.TOO_MANY_REQUESTS
    reporter_saved.refresh_from_db()
    assert reporter_saved.check_password(PASSWORD), "the password did not change while locked"


def test_the_unlock_command_ends_a_lockout_and_is_logged(client, reporter_saved):
    fail(client, times=5)
    call_command("unlock_signin", "reporter.a")
    assert signed_in(sign_in(client, "reporter.a"))
    assert AccountEvent.objects.filter(kind=AccountEventKind.UNLOCKED, user=reporter_saved).exists()


def test_the_unlock_command_says_what_to_give(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Name the username"):
        call_command("unlock_signin")


def test_failures_and_the_lockout_are_in_the_sign_in_log(client, reporter_saved):
    fail(client, times=6)
    kinds = list(AccountEvent.objects.filter(user=reporter_saved).order_by("pk").values_list("kind", flat=True))
    assert kinds == [AccountEventKind.SIGN_IN_FAILED] * 4 + [AccountEventKind.LOCKED_OUT] * 2


def _token_from_session(client, password):
    return client.post("/api/v1/tokens/", {"name": "x", "password": password}, content_type="application/json")


def _new_recovery_codes(client, password):
    return client.post(reverse("staff:recovery_codes"), {"password": password})


def _turn_two_factor_off(client, password):
    return client.post(reverse("staff:two_factor_remove"), {"password": password})


@pytest.mark.parametrize("door", [_token_from_session, _new_recovery_codes, _turn_two_factor_off])
def test_every_page_asking_for_the_password_again_counts_towards_the_lockout(client, reporter_saved, door):
    from aidtrack.accounts.two_factor import authenticator_confirm, authenticator_start
    from tests.signin import totp_code

    device = authenticator_start(user=reporter_saved)
    authenticator_confirm(device=device, code=totp_code(device))
    sign_in(client, "reporter.a")
    client.post(reverse("staff:login_verify"), {"code": totp_code(device, steps=1)})
    codes = [door(client, "wrong").status_code for _ in range(6)]
    assert HTTPStatus.TOO_MANY_REQUESTS not in codes[:4] and codes[4:] == [HTTPStatus.TOO_MANY_REQUESTS] * 2
    assert door(client, PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
