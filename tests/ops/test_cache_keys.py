"""Two sites sharing one Redis keep apart: every key starts with the database the site serves."""

import os
import subprocess
import sys

from django.conf import settings

from aidtrack.ops.caches import key_prefix

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
