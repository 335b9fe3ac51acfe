"""Two sites sharing one Redis keep apart (every key starts with the database the site serves), and two releases
do not read what the other kept (every key names the release)."""

import os
import subprocess
import sys

from django.conf import settings

from aidtrack.ops.caches import key_prefix, release_stamp

POSTGRES = {"ENGINE": "django.db.backends.postgresql", "HOST": "db.example", "PORT": 5432, "NAME": "aidtrack"}


def test_each_database_has_its_own_prefix_and_the_same_database_always_the_same():
    staging = {**POSTGRES, "NAME": "aidtrack_staging"}
    assert key_prefix(POSTGRES) == key_prefix(dict(POSTGRES))
    assert key_prefix(POSTGRES) != key_prefix(staging) != key_prefix({**POSTGRES, "HOST": "other.example"})
    assert key_prefix(POSTGRES).startswith("aidtrack-")


def prefix_with(**environ) -> str:
    """The prefix the settings give in a fresh process with this environment."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['KEY_PREFIX'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aidtrack.settings", "CACHE_URL": "redis://127.0.0.1:6379/0"}
    env.pop("CACHE_KEY_PREFIX", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env={**env, **environ}, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_settings_key_the_shared_cache_by_the_database_unless_told():
    one = prefix_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/aidtrack_one")
    other = prefix_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/aidtrack_other")
    assert one != other and one.startswith("aidtrack-")
    assert (
        prefix_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/aidtrack_one", CACHE_KEY_PREFIX="site-a")
        == "site-a"
    )


def version_with(**environ) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['VERSION'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aidtrack.settings"}
    env.pop("AIDTRACK_RELEASE", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env={**env, **environ}, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_keys_name_the_release_so_a_deploy_never_reads_what_the_earlier_code_kept(tmp_path):
    code = tmp_path / "aidtrack"
    (code / "reports" / "__pycache__").mkdir(parents=True)
    (code / "reports" / "figures.py").write_text("class Figures: pass\n")
    (code / "reports" / "page.html").write_text("<p>{{ figures }}</p>\n")
    before = release_stamp(code)
    (code / "reports" / "__pycache__" / "figures.cpython-311.pyc").write_bytes(b"\0compiled")
    (code / "reports" / "notes.md").write_text("not part of what runs")
    assert release_stamp(code) == before  # compiled files and other files change nothing
    (code / "reports" / "figures.py").write_text("class Figures:\n    total = 0\n")
    assert release_stamp(code) != before  # a changed class: the kept objects of the earlier shape are not read
    changed = release_stamp(code)
    (code / "reports" / "page.html").write_text("<p>{{ figures.total }}</p>\n")
    assert release_stamp(code) != changed  # a changed template: the kept pages are not read either
    # The settings use it as the keys' version, the same in every process of one release, unless told.
    running = release_stamp(settings.BASE_DIR / "aidtrack", settings.BASE_DIR / "locale")
    assert version_with() == version_with() == running
    assert version_with(AIDTRACK_RELEASE="2026.11.2") == "2026.11.2"
