"""The API documentation in a real browser: served from our own files, and a signed-in user makes a token there."""

import pytest

from aidtrack.api.models import ApiToken
from aidtrack.orgs.models import Role
from tests.browser.conftest import screenshot
from tests.factories import OrganizationFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_load_without_other_hosts_and_a_signed_in_user_makes_a_token(page, live_server):
    user = member(OrganizationFactory(), Role.REPORTER, username="field.reporter", is_staff=True)
    user.set_password("pass-word-123")
    user.save()
    page.goto(f"{live_server.url}/admin/login/")  # the admin signs in on the staff sign-in page
    page.fill("#id_username", "field.reporter")
    page.fill("#id_password", "pass-word-123")
    page.click("main button[type=submit]")

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/incidents/")
    assert page.locator(".opblock").count() > 20
    screenshot(page, "api-docs")

    # What the docs page's "Try it out" sends: the session cookie and the CSRF token.
    made = page.evaluate(
        """async () => {
            const csrf = document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1];
            const response = await fetch('/api/v1/tokens/', {
                method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf},
                body: JSON.stringify({name: 'from the docs', password: 'pass-word-123'}),
            });
            return {status: response.status, body: await response.json()};
        }"""
    )
    assert made["status"] == 201 and made["body"]["key"]
    assert ApiToken.objects.get(user=user).name == "from the docs"
    assert page.console_errors == []
    assert page.hosts == {live_server.url.split("/")[2]}
