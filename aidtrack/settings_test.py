"""Settings for the test suite: the normal settings, made fast and self-contained."""

from aidtrack.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests render pages without running collectstatic first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# whitenoise warns about a missing STATIC_ROOT before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Tasks run at once, in the test's own transaction.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Each test process keeps its own cache (tests clear it between tests); CACHE_URL still chooses one when set.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "") or "locmem://")}  # noqa: F405
# Every request reads the data version afresh (tests change data with bulk updates), and no list is precomputed.
AIDTRACK_DATA_CHECK_SECONDS = 0
AIDTRACK_DATA_VERSION_MEMO_SECONDS = 0
AIDTRACK_PRECOMPUTE_PUBLIC_LISTS = False
# Every query whose SQL is reused is compiled again and checked against the SQL kept under its key.
AIDTRACK_CHECK_REUSED_SQL = True
# The test client's host: the lists the worker renders after a change are the ones the tests' readers get.
AIDTRACK_SITE_URL = "http://testserver"
