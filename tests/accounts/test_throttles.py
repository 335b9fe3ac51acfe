"""Password reset and the token endpoint have a request budget per client address."""

from http import HTTPStatus

from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory


def ask_reset(client, email="officer@example.org", **extra):
    return client.post(reverse("staff:password_reset"), {"email": email}, **extra)


def test_password_reset_requests_from_one_address_are_limited(client, db, settings):
    settings.AIDTRACK_PASSWORD_RESET_RATE = "3/hour"
    codes = [ask_reset(client, f"someone{n}@example.org").status_code for n in range(4)]
    assert codes == [HTTPStatus.FOUND] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    refused = ask_reset(client).content.decode()
    assert "Too many reset requests from your network: try again in" in refused
    assert ask_reset(client, REMOTE_ADDR="10.9.9.9").status_code == HTTPStatus.FOUND, "another address is not held up"


def test_reset_mails_to_one_address_are_limited_without_saying_so(client, db, settings):
    UserFactory(username="field.officer", email="officer@example.org").save()
    settings.AIDTRACK_PASSWORD_RESET_EMAIL_RATE = "2/hour"
    answers = [ask_reset(client, REMOTE_ADDR=f"10.0.0.{n}")["Location"] for n in range(4)]
    assert set(answers) == {reverse("staff:password_reset_done")}, "the page tells nobody whether mail went out"
    assert len(mail.outbox) == 2


def test_an_invited_account_without_a_password_can_ask_for_a_new_link(client, db):
    user = UserFactory(username="new.member", email="new@example.org")
    user.set_unusable_password()
    user.save()
    ask_reset(client, "new@example.org")
    assert len(mail.outbox) == 1


def test_a_deactivated_account_gets_no_reset_link(client, db):
    UserFactory(username="gone", email="gone@example.org", is_active=False).save()
    ask_reset(client, "gone@example.org")
    assert mail.outbox == []


def test_the_token_endpoint_has_a_budget_per_address_before_any_password_is_checked(db, settings):
    settings.AIDTRACK_TOKEN_ENDPOINT_RATE = "5/minute"
    client = APIClient()
    codes = [client.get("/api/v1/tokens/").status_code for _ in range(7)]
    assert codes == [HTTPStatus.UNAUTHORIZED] * 5 + [HTTPStatus.TOO_MANY_REQUESTS] * 2
    other = APIClient(REMOTE_ADDR="10.0.0.7")
    assert other.get("/api/v1/tokens/").status_code == HTTPStatus.UNAUTHORIZED


def test_the_anonymous_api_budget_is_per_client_address_behind_trusted_proxies(db, settings):
    """Behind one trusted proxy every request comes from the proxy's address; the budget is the client's."""
    settings.AIDTRACK_API_ANON_RATE = "2/minute"
    settings.AIDTRACK_TRUSTED_PROXIES = 1

    def codes(forwarded_for):
        client = APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
        return [client.get("/api/v1/organizations/").status_code for _ in range(3)]

    assert codes("192.0.2.1") == [HTTPStatus.OK] * 2 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert codes("192.0.2.2")[0] == HTTPStatus.OK, "another client behind the same proxy has its own budget"
    settings.AIDTRACK_TRUSTED_PROXIES = 0
    assert codes("192.0.2.3") == [HTTPStatus.OK] * 2 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert codes("192.0.2.4") == [HTTPStatus.TOO_MANY_REQUESTS] * 3, "without a trusted proxy the header is ignored"
