"""The Arabic catalogues are complete: no English string can land without its Arabic.

Runs ``makemessages`` (both domains) into a copy of ``locale/`` and fails on any message that is untranslated or
fuzzy there: a string marked for translation but missing from the committed catalogue shows up untranslated in
the copy. Also fails when a committed ``.mo`` is not the compiled form of its ``.po``.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = ["django", "djangojs"]

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools are not installed")


def messages(po: Path, *flags: str) -> list[str]:
    """The msgids ``msgattrib`` selects with ``flags`` (e.g. --untranslated), header left out."""
    out = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", *flags, str(po)], capture_output=True, text=True, check=True
    ).stdout
    return [line[len("msgid ") :] for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, monkeypatch_module):
    """locale/ as makemessages would leave it after extracting every string of the code as it is now.

    makemessages writes next to the sources it reads, so it runs in a copy of the code and of locale/."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(LOCALE, root / "locale")
    shutil.copytree(
        Path(settings.BASE_DIR) / "aidtrack",
        root / "aidtrack",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    monkeypatch_module.chdir(root)
    monkeypatch_module.setattr(settings, "LOCALE_PATHS", [root / "locale"])
    copy = root / "locale"
    for domain in CATALOGUES:
        call_command("makemessages", locale=["ar"], domain=domain, verbosity=0)
    return copy


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("domain", CATALOGUES)
def test_every_message_is_translated_and_none_is_fuzzy(domain):
    po = LOCALE / "ar" / "LC_MESSAGES" / f"{domain}.po"
    assert messages(po, "--untranslated") == []
    assert messages(po, "--only-fuzzy") == []


@pytest.mark.parametrize("domain", CATALOGUES)
def test_no_string_of_the_code_is_missing_from_the_catalogue(extracted, domain):
    """A string marked for translation but not in the committed catalogue: run makemessages and translate it."""
    po = extracted / "ar" / "LC_MESSAGES" / f"{domain}.po"
    assert messages(po, "--untranslated") == [], f"translate these in locale/ar/LC_MESSAGES/{domain}.po"
    assert messages(po, "--only-fuzzy") == [], f"check these guesses in locale/ar/LC_MESSAGES/{domain}.po"


@pytest.mark.parametrize("domain", CATALOGUES)
def test_the_compiled_catalogue_is_the_committed_one(tmp_path, domain):
    po = LOCALE / "ar" / "LC_MESSAGES" / f"{domain}.po"
    compiled = tmp_path / f"{domain}.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    assert compiled.read_bytes() == po.with_suffix(".mo").read_bytes(), "run manage.py compilemessages -l ar"


def test_every_name_django_derives_for_our_models_is_in_the_catalogue():
    """A field declared without a verbose name is shown by its attribute's words: list them in aidtrack/labels.py."""
    from django.apps import apps

    from aidtrack.labels import FIELD_NAMES, MODEL_NAMES, derived_names, is_ours

    listed = set(FIELD_NAMES) | set(MODEL_NAMES)
    missing = {name for model in apps.get_models() if is_ours(model) for name in derived_names(model)} - listed
    assert sorted(missing) == [], "add these to aidtrack/labels.py, then makemessages and translate them"


def test_a_derived_field_name_is_shown_in_arabic():
    from django.utils import translation

    from aidtrack.incidents.models import Incident

    with translation.override("ar"):
        assert str(Incident._meta.get_field("aid_workers_killed").verbose_name) == "القتلى من العاملين الإنسانيين"
        assert str(Incident._meta.verbose_name_plural) == "الحوادث"
