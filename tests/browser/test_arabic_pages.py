"""Every page in Arabic, on a desktop and on a phone: right to left, nothing wider than the screen, no console
error, and no run of English words left untranslated.

Any Latin word fails the page unless it is what a reader typed or recorded (shown with ``dir="auto"``), a name
or code shown as such (``<bdi>``, ``<code>``, ``lang="en"``), a form's own value, or one of the proper names and
formats below that Arabic writes in Latin letters (ACLED, HXL, CSV, aidtrack...).
Screenshots of every page are saved to test-output/ (``arabic-<page>-<desktop|phone>.png``).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aidtrack.agreements.models import Agreement
from aidtrack.areas.models import Area
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.demo.loader import load_demo
from aidtrack.incidents.models import Incident
from tests.browser.conftest import OUTPUT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "arabic-pass-123"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Names and formats that Arabic text writes in Latin letters.
PROPER = {
    "aidtrack",
    "ACLED",
    "HXL",
    "CSV",
    "XLSX",
    "GeoJSON",
    "GeoPackage",
    "API",
    "QR",
    "HTTP",
    "Basic",
    "POST",
    "UTF",
    "Windows",
    "FreeOTP",
    "Aegis",
    "Google",
    "Microsoft",
    "Authenticator",
    "Natural",
    "Earth",
    "GeoNames",
    "CC",
    "BY",
    "geonames",
    "org",
    "www",
    "https",
    "WGS",
    "YYYY",
    "MM",
    "DD",
    "Django",
    "FIELD",
    "COLUMN",
    "otp",
    "api",
    "v1",
    "tokens",
    "Authorization",
    "Token",
    "key",
    "OCHA",
    "URL",
    "ACAPS",
    # The rivers' source and licence, credited on the maps as their licence asks.
    "GSHHG",
    "LGPL",
    "PDF",
    "JSON",
    "Battles",
    "Explosions",
    "Remote",
    "violence",
}

# Visible text outside the places where English may stand: every Latin word.
LATIN_RUNS = """
(proper) => {
  // Map labels of towns are proper names, as the gazetteer spells them.
  const allowed = "script, style, noscript, code, bdi, kbd, [dir=auto], [lang=en], [translate=no], option, textarea, "
    + ".leaflet-tooltip";
  const runs = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(allowed)) continue;
    if (!parent.checkVisibility || !parent.checkVisibility()) continue;
    // References (CV-2016-09-014) and P-codes (SY03, C2450) are codes, not words; so are a value a message
    // quotes from the file ('Date', a column's header), a file's name (log.csv) and a field or setting as typed
    // (occurred_on, kind=obstruction).
    const text = node.textContent.replace(/'[^'\\n]{1,80}'/g, "").replace(/\\S+\\.(csv|xlsx)\\b/gi, "")
      .replace(/\\S*[_=]\\S*/g, "")
      .replace(/[A-Z]{1,6}(?:-[0-9A-Z]+)+/g, "").replace(/\\b[A-Z]{1,3}[0-9]+\\b/g, "");
    const found = text.match(/[A-Za-z][A-Za-z0-9'’]*/g) || [];
    runs.push(...found.filter((word) => word.length > 1 && !proper.includes(word)));
  }
  return runs;
}
"""


def set_password(username):
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()


def record_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def signed_in(browser, live_server, username) -> dict:
    """The cookies of ``username`` signed in through the Arabic sign-in page, for every page then checked (one
    sign-in per test, not one per page and size)."""
    context = browser.new_context(locale="ar", extra_http_headers={"Accept-Language": "ar"})
    page = context.new_page()
    page.goto(f"{live_server.url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/staff/login/" not in url)
    state = context.storage_state()
    context.close()
    return state


def check(browser, live_server, name, path, *, signed_in_as=None, ready=None, words=True):
    """Open ``path`` in Arabic at both sizes (with the cookies ``signed_in_as`` of ``signed_in``); return what is
    wrong with it."""
    problems = []
    for size, viewport in SIZES.items():
        context = browser.new_context(
            viewport=viewport, locale="ar", extra_http_headers={"Accept-Language": "ar"}, storage_state=signed_in_as
        )
        page = context.new_page()
        errors = record_errors(page)
        page.goto(f"{live_server.url}{path}")
        if ready:
            page.wait_for_selector(ready, timeout=20000)
        page.wait_for_load_state("networkidle")
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"arabic-{name}-{size}.png"), full_page=True)
        where = f"{name} ({size})"
        direction = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
        if direction != ["ar", "rtl"]:
            problems.append(f"{where}: <html lang dir> is {direction}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            problems.append(f"{where}: {overflow}px wider than the screen")
        runs = page.evaluate(LATIN_RUNS, sorted(PROPER)) if words else []
        if runs:
            problems.append(f"{where}: English left in {sorted(set(runs))[:8]}")
        if errors:
            problems.append(f"{where}: console errors {errors[:3]}")
        context.close()
    return problems


def test_the_public_pages_in_arabic(browser, live_server):
    load_demo()
    pages = {
        "home": ("/?as_of=2016-09-19", "#map-app[data-ready=true]"),
        "login": ("/staff/login/", None),
        "password-reset": ("/staff/password/reset/", None),
        "password-reset-sent": ("/staff/password/reset/sent/", None),
        "password-reset-link": ("/staff/password/reset/MQ/not-a-token/", None),
        "agreements": (reverse("reports:agreement_list"), None),
        "access-report": (reverse("reports:access_report") + "?month=2016-09", None),
        "convoy-funnel": (reverse("reports:convoy_funnel") + "?from=2016-09-01&to=2016-09-30", None),
        "access-profile": (reverse("reports:access_profile") + "?month=2016-09", None),
        "agreement": (reverse("reports:agreement_detail", args=[Agreement.objects.order_by("pk").first().pk]), None),
        "register-areas": (reverse("reports:area_list") + "?as_of=2016-09-19", None),
        "register-area": (reverse("reports:area_detail", args=[Area.objects.order_by("pk").first().pk]), None),
        # Swagger UI's own words are English (it has no Arabic); the page around it is checked.
        "api-docs": (reverse("api:docs"), "#swagger-ui .opblock"),
    }
    problems = []
    for name, (path, ready) in pages.items():
        # The reports' record text (titles, items, places as typed) is marked dir="auto"; every other word is ours.
        problems += check(browser, live_server, name, path, ready=ready, words=name != "api-docs")
    assert not problems, "\n".join(problems)


def test_the_staff_screens_in_arabic(browser, live_server, settings, tmp_path):
    settings.AIDTRACK_IMPORT_DIR = tmp_path / "imports"
    load_demo()
    set_password("reviewer")
    incident = Incident.objects.filter(organization__acronym="SARC").order_by("pk").first()
    convoy = ConvoyRequest.objects.exclude(status="draft").order_by("pk").first()
    area = Area.objects.order_by("pk").first()
    pages = {
        "dashboard": reverse("staff:dashboard"),
        "incidents": reverse("staff:incident_list"),
        "incident": reverse("staff:incident_detail", args=[incident.pk]),
        "incident-history": reverse("staff:incident_history", args=[incident.pk]),
        "incident-new": reverse("staff:incident_create"),
        "convoys": reverse("staff:convoy_list"),
        "convoy": reverse("staff:convoy_detail", args=[convoy.pk]),
        "convoy-new": reverse("staff:convoy_create"),
        "areas": reverse("staff:area_list"),
        "area": reverse("staff:area_detail", args=[area.pk]),
        "verification": reverse("staff:review_queue"),
        "import": reverse("staff:import"),
        "import-mappings": reverse("staff:import_mappings"),
        "security": reverse("staff:account"),
        "password": reverse("staff:password_change"),
        "alerts": reverse("staff:alerts"),
        "alert-new": reverse("staff:alert_subscribe"),
    }
    problems = []
    reviewer = signed_in(browser, live_server, "reviewer")
    for name, path in pages.items():
        problems += check(browser, live_server, name, path, signed_in_as=reviewer)
    assert not problems, "\n".join(problems)


def test_the_people_pages_in_arabic(browser, live_server):
    load_demo()
    set_password("admin.sarc")
    problems = []
    admin_sarc = signed_in(browser, live_server, "admin.sarc")
    for name, path in {
        "people": reverse("staff:people"),
        "people-invite": reverse("staff:member_invite"),
        "sign-in-log": reverse("staff:sign_in_log"),
    }.items():
        problems += check(browser, live_server, name, path, signed_in_as=admin_sarc)
    assert not problems, "\n".join(problems)


# A partner's log with a bad category, a bad date and a bad coordinate: each row is refused with a reason.
BAD_TABLE = (
    "Date,Category,Summary,Location,Latitude,Longitude\n"
    "19/09/2016,55,Convoy attacked at Urum al-Kubra,,36.1479,36.9479\n"
    "31/02/2016,4,Shelling near Madaya,Mudaya,,\n"
    "2016-09-21,4,Checkpoint,,95.5,36.09\n"
)


def test_an_import_with_errors_in_arabic(browser, live_server, settings, tmp_path):
    """The report of a checked file is Arabic: places of problems, the problems themselves, the summary."""
    settings.AIDTRACK_IMPORT_DIR = tmp_path / "imports"
    load_demo()
    set_password("reporter.sarc")
    reporter = signed_in(browser, live_server, "reporter.sarc")
    context = browser.new_context(locale="ar", extra_http_headers={"Accept-Language": "ar"}, storage_state=reporter)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('staff:import')}")
    path = tmp_path / "sarc-log.csv"
    path.write_text(BAD_TABLE, encoding="utf-8")
    page.set_input_files("#id_file", str(path))
    page.click("main button[type=submit]")
    page.wait_for_selector("table.rows")
    run_path = page.url.removeprefix(live_server.url)
    context.close()
    problems = check(browser, live_server, "import-errors", run_path, signed_in_as=reporter, ready="table.rows")
    assert not problems, "\n".join(problems)
