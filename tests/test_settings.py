"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys

from django.conf import settings

BASE = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLOWED_HOSTS"))}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**BASE, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_fails_with_a_hint():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_without_allowed_hosts_fails():
    result = manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY="x" * 50)
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_deploy_checks_pass_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="k3y-" + "x9" * 30,
        ALLOWED_HOSTS="access.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_an_unknown_environment_is_named_in_the_error():
    result = manage("check", DJANGO_ENV="staging")
    assert "DJANGO_ENV='staging' is not understood" in result.stderr


def test_a_local_run_keeps_its_generated_secret_key():
    assert (settings.VAR_DIR / "secret_key").read_text().strip() == settings.SECRET_KEY


def test_gunicorn_can_load_the_wsgi_module_in_a_fresh_process():
    """`make run` serves ``aidtrack.wsgi`` with gunicorn: nothing may read settings before that module names them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", "import aidtrack.wsgi"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
