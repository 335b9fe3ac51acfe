"""The language of the pages: Accept-Language on a first visit, the switch, ?lang=, the account's own language."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse

from aidtrack.accounts.models import Profile
from tests.signin import saved, sign_in
from tests.staff.conftest import login

ARABIC = {"HTTP_ACCEPT_LANGUAGE": "ar-SY,ar;q=0.9,en;q=0.5"}


def html_tag(response) -> str:
    page = response.content.decode()
    return page[page.index("<html") : page.index(">", page.index("<html")) + 1]


@pytest.mark.django_db
def test_a_first_visit_follows_the_browsers_language(client):
    assert html_tag(client.get(reverse("staff:login"), **ARABIC)) == '<html lang="ar" dir="rtl">'
    assert html_tag(client.get(reverse("staff:login"))) == '<html lang="en" dir="ltr">'


@pytest.mark.django_db
def test_the_switch_on_every_page_remembers_the_choice_in_the_browser(client):
    page = client.get(reverse("web:home")).content.decode()
    assert 'action="/i18n/setlang/"' in page and 'value="ar"' in page
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/staff/login/"})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/staff/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    # The browser asks for English, the choice wins.
    assert html_tag(client.get(reverse("staff:login"), HTTP_ACCEPT_LANGUAGE="en")) == '<html lang="ar" dir="rtl">'


@pytest.mark.django_db
def test_lang_in_a_link_opens_the_page_in_that_language_and_keeps_it(client):
    response = client.get(reverse("staff:login"), {"lang": "ar"})
    assert html_tag(response) == '<html lang="ar" dir="rtl">'
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert html_tag(client.get(reverse("staff:login"))) == '<html lang="ar" dir="rtl">'
    # The switch on that page goes back to the same address without ?lang=, which would undo the new choice.
    page = client.get(reverse("staff:login"), {"lang": "ar", "next": "/staff/"}).content.decode()
    assert 'name="next" value="/staff/login/?next=%2Fstaff%2F"' in page


@pytest.mark.django_db
def test_an_unknown_lang_is_ignored(client):
    assert html_tag(client.get(reverse("staff:login"), {"lang": "xx"})) == '<html lang="en" dir="ltr">'


@pytest.mark.django_db
def test_an_accounts_language_follows_it_to_another_browser(client, reporter, django_user_model):
    saved(reporter)
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})  # anonymous: the browser only
    assert not Profile.objects.filter(user=reporter, language="ar").exists()
    sign_in(client, reporter.username)
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert Profile.objects.get(user=reporter).language == "ar"

    other_browser = client_class_instance()
    response = sign_in(other_browser, reporter.username, HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert html_tag(other_browser.get(reverse("staff:dashboard"))) == '<html lang="ar" dir="rtl">'


@pytest.mark.django_db
def test_an_account_without_a_language_keeps_the_one_chosen_before_signing_in(client, reporter):
    saved(reporter)
    sign_in(client, reporter.username, **ARABIC)
    assert not Profile.objects.filter(user=reporter).exclude(language="").exists()  # the browser's, not a choice
    client.logout()
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    sign_in(client, reporter.username)
    assert Profile.objects.get(user=reporter).language == "ar"


def client_class_instance():
    from django.test import Client

    return Client()


@pytest.mark.django_db
def test_javascript_strings_come_in_the_pages_language(client):
    response = client.get(reverse("javascript-catalog"), **ARABIC)
    assert response.status_code == HTTPStatus.OK
    assert "django.gettext" in response.content.decode()
    assert 'src="/jsi18n/"' in client.get(reverse("staff:login")).content.decode()


@pytest.mark.django_db
def test_the_admin_follows_the_language(client, site_admin):
    login(client, site_admin)
    response = client.get(reverse("admin:index"), **ARABIC)
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    assert "إدارة" in response.content.decode() or "الموقع" in response.content.decode()


@pytest.mark.django_db
def test_api_errors_come_in_arabic_when_the_client_asks(client):
    response = client.get("/api/v1/incidents/", {"date_from": "tomorrow"}, **ARABIC)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "أدخل تاريخ" in str(response.json()), response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/staff/login/",
        "/api/v1/redoc/",
        "/api/v1/docs/",
        "/agreements/",
        "/areas/",
        "/reports/access/?month=2016-09",
        "/reports/convoys/",
        "/reports/access-profile/",
    ],
)
def test_every_public_page_offers_the_switch_and_returns_to_itself(client, path):
    page = client.get(path).content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language" value="ar"' in page
    assert f'name="next" value="{path.replace("&", "&amp;")}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "other"), [("api:docs", "api:redoc"), ("api:redoc", "api:docs")])
def test_the_api_docs_pages_say_in_arabic_what_they_are_and_that_the_viewer_speaks_english(client, name, other):
    """Swagger UI and ReDoc have no Arabic: the header around them says so, in Arabic, and leads to the other page."""
    arabic = client.get(reverse(name), **ARABIC).content.decode()
    assert "توثيق واجهة aidtrack البرمجية" in arabic
    assert "فبالإنجليزية" in arabic
    assert f'href="{reverse(other)}"' in arabic
    english = client.get(reverse(name)).content.decode()
    assert "aidtrack API documentation" in english
    assert "are in English" not in english
