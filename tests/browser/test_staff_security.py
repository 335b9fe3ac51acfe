"""Two-factor sign-in in a real browser: set it up from the typed key, keep the codes, sign in with a code."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidtrack.orgs.models import Role
from tests.browser.conftest import screenshot
from tests.factories import OrganizationFactory, member
from tests.signin import PASSWORD, saved, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base):
    page.goto(f"{base}/staff/login/")
    page.fill("#id_username", "field.reviewer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_a_reviewer_sets_up_two_factor_and_signs_in_with_a_code(page, live_server, viewport, settings):
    page.set_viewport_size(viewport)
    label = "phone" if viewport["width"] < 600 else "desktop"
    saved(member(OrganizationFactory(), Role.REVIEWER, username="field.reviewer"))
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/staff/account/")
    page.click("text=Set up an authenticator app")
    page.wait_for_function(
        "() => { const img = document.querySelector('.qr img'); return img.complete && img.naturalWidth > 0; }"
    )
    typed_key = page.locator(".secret code").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user__username="field.reviewer")
    assert typed_key in device.config_url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
    screenshot(page, f"two-factor-setup-{label}")

    page.fill("#id_code", totp_code(device))
    page.click("button.primary")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    assert page.locator("button[data-print]").is_visible(), "the print button appears with JavaScript"
    screenshot(page, f"two-factor-recovery-codes-{label}")

    page.click("text=Sign out") if label == "desktop" else page.locator("form[action$='/logout/'] button").click()
    # Signing out first clears what the device keeps (staff/app.js), then leaves: wait until it has left.
    page.locator("form[action$='/logout/']").wait_for(state="detached")
    sign_in(page, live_server.url)
    assert "/staff/login/code/" in page.url
    screenshot(page, f"two-factor-code-{label}")
    page.fill("#id_code", totp_code(device, steps=1))
    page.click("button.primary")
    assert page.url.endswith("/staff/")
    assert page.console_errors == []
