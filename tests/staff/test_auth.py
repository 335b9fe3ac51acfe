"""Staff sign in, sign out and reset a forgotten password on the staff screens."""

import re
from http import HTTPStatus

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


def signs_in(client, username, password) -> bool:
    """Sign in through the sign-in page, as a person does (django-axes watches that door)."""
    response = client.post(reverse("staff:login"), {"username": username, "password": password})
    return response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("staff:dashboard")


def test_the_public_home_page_links_to_the_staff_sign_in(client, db):
    assert f'href="{reverse("staff:login")}"' in client.get(reverse("web:home")).content.decode()


def test_sign_in_leads_to_the_dashboard_and_sign_out_ends_the_session(client, reporter):
    reporter.save()
    response = client.post(reverse("staff:login"), {"username": "reporter.a", "password": "pass-word-123"})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("staff:dashboard")
    assert "Dashboard" in client.get(reverse("staff:dashboard")).content.decode()
    assert client.post(reverse("staff:logout"))["Location"] == reverse("staff:login")
    assert client.get(reverse("staff:dashboard")).status_code == HTTPStatus.FOUND


def test_a_wrong_password_is_refused_with_a_message(client, reporter):
    reporter.save()
    page = client.post(reverse("staff:login"), {"username": "reporter.a", "password": "nope"}).content.decode()
    assert "Please enter a correct username and password" in page
    assert 'value="reporter.a"' in page


def test_sign_in_returns_to_the_page_asked_for(client, reporter):
    reporter.save()
    target = reverse("staff:incident_list")
    response = client.post(
        f"{reverse('staff:login')}?next={target}",
        {"username": "reporter.a", "password": "pass-word-123", "next": target},
    )
    assert response["Location"] == target


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, db):
    user = UserFactory(username="field.officer", email="officer@example.org")
    user.save()
    response = client.post(reverse("staff:password_reset"), {"email": "officer@example.org"})
    assert response["Location"] == reverse("staff:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@example.org"]
    link = re.search(r"http://testserver(/staff/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session key first.
    assert "Choose a new password" in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": "Aleppo-2016-road", "new_password2": "Aleppo-2016-road"})
    assert done["Location"] == reverse("staff:password_reset_complete")
    assert signs_in(client, "field.officer", "Aleppo-2016-road")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("staff:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("staff:password_reset_done")
    assert mail.outbox == []


def test_a_signed_in_user_changes_their_password(client, reporter):
    from tests.staff.conftest import login

    login(client, reporter)
    response = client.post(
        reverse("staff:password_change"),
        {"old_password": "pass-word-123", "new_password1": "Madaya-2016-road", "new_password2": "Madaya-2016-road"},
        follow=True,
    )
    assert "Your password is changed." in response.content.decode()
    client.logout()
    assert signs_in(client, "reporter.a", "Madaya-2016-road")
