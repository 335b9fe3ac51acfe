"""Settings for aidtrack.

Everything that differs between machines comes from the environment:

- ``DJANGO_ENV``: ``local`` (default: a laptop or a demo server) or
  ``production`` (a real deployment: secrets and hosts must be given, cookies
  are secure, HTTPS is enforced).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/aidtrack``. Defaults to a
  SQLite file under ``var/``.
- ``DJANGO_SECRET_KEY``: required in production; for a local run one is
  generated once and kept in ``var/secret_key``.
- ``DJANGO_DEBUG``: ``1``/``true`` to turn debug pages on (never in production).
- ``ALLOWED_HOSTS``: comma-separated host names.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from aidtrack.ops.caches import cache_from_url, key_prefix, release_stamp
from aidtrack.web.content_policy import content_security_policy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AIDTRACK_VAR_DIR", BASE_DIR / "var"))

ENVIRONMENT = os.environ.get("DJANGO_ENV", "local").strip().lower()
if ENVIRONMENT not in {"local", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={ENVIRONMENT!r} is not understood: use 'local' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1 or 0.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def local_secret_key() -> str:
    """Generate a secret key once per checkout and keep it out of git, under var/."""
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set in production: generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = local_secret_key()

DEBUG = env_flag("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production, e.g. ALLOWED_HOSTS=access.example.org.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Sign-in protection (see aidtrack/accounts): lockout after failed passwords, one-time codes.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "aidtrack.imports",
    "aidtrack.geo",
    "aidtrack.orgs",
    "aidtrack.areas",
    "aidtrack.convoys",
    "aidtrack.incidents",
    "aidtrack.agreements",
    "aidtrack.demo",
    "aidtrack.reports",
    "aidtrack.web",
    "aidtrack.staff",
    "aidtrack.api",
    "aidtrack.exchange",
    "aidtrack.violence",
    "aidtrack.accounts",
    "aidtrack.ops",
    "aidtrack.jobs",
    # The job queue: Django's tasks interface (django-tasks) with its database backend (django-tasks-db).
    "django_tasks",
    "django_tasks_db",
    "aidtrack.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # While the database is out of reach: a 503 page or JSON with Retry-After, logged once (aidtrack/ops).
    "aidtrack.ops.middleware.OutageMiddleware",
    # Anonymous reads of the public lists, from the shared cache before any session or query (aidtrack/ops).
    "aidtrack.ops.public_cache.PublicListCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The map reads whole GeoJSON lists: compressed (with Django's BREACH mitigation), and with an ETag so that a
    # reload revalidates (304) instead of downloading them again.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of each request (README, "Translations"): the cookie set by the language switch, else the
    # browser's Accept-Language; after sessions, before CommonMiddleware as Django asks.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ?lang=ar on any address, and a signed-in account's own language in a browser that has not chosen one.
    "aidtrack.web.i18n.ChosenLanguageMiddleware",
    # aidtrack/accounts: request.user.is_verified() (second factor), idle and absolute session expiry, then the
    # two-factor rules for the staff screens and the admin.
    "django_otp.middleware.OTPMiddleware",
    "aidtrack.accounts.middleware.SessionExpiryMiddleware",
    "aidtrack.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes turns a lockout into its answer; its documentation asks for it last.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every password attempt (sign-in, HTTP Basic, password checks) before Django's own backend.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "aidtrack.urls"
WSGI_APPLICATION = "aidtrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (see each file for why).
        "DIRS": [BASE_DIR / "aidtrack" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'aidtrack.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server and a management command may write at the same time; wait
    # for the lock instead of failing at once, and keep readers unblocked.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language names itself in the switch, so a reader finds theirs whatever the page's language.
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language (aidtrack/formats): Western digits in both, deliberately (README, "Translations").
FORMAT_MODULE_PATH = ["aidtrack.formats"]
# The language cookie lasts a year: a field office's shared laptop keeps its choice.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Damascus"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Leaflet and its marker-cluster plugin come from XStatic packages (pinned in requirements.txt), never from a CDN.
STATICFILES_DIRS = [
    ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "aidtrack.web.storage.StaticFilesStorage",
    },
}

# Staff (reporters, reviewers) sign in on the staff screens; the site admin also has /admin/.
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:dashboard"
LOGOUT_REDIRECT_URL = "staff:login"

# Password-reset mail: printed on the console for a local run; SMTP settings come from the environment.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "aidtrack <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes reports every sign-in at INFO; failures and lockouts (WARNING) are enough in the server log.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Convoy requests without an answer after this many working days may be
# recorded as "no response" (the inter-agency convention in Syria, 2016).
AIDTRACK_NO_RESPONSE_WORKING_DAYS = int(os.environ.get("AIDTRACK_NO_RESPONSE_WORKING_DAYS", "7"))

# The shared cache (aidtrack/ops/caches.py): public lists, map layers, throttle counters, import progress.
# Redis (django-redis) with CACHE_URL=redis://host:6379/0; by default files under var/cache, which every process of
# this machine shares and which need no server.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "") or (VAR_DIR / "cache").as_uri())}
# Keys start with the database served (or CACHE_KEY_PREFIX): sites sharing one Redis keep apart.
CACHES["default"]["KEY_PREFIX"] = os.environ.get("CACHE_KEY_PREFIX") or key_prefix(DATABASES["default"])
# Keys name the release too (AIDTRACK_RELEASE, or a digest of the code, templates and translations): after a deploy
# nothing kept by the earlier code (pickled figures, rendered lists) is read; servers of one release share all.
CACHES["default"]["VERSION"] = os.environ.get("AIDTRACK_RELEASE") or release_stamp(
    BASE_DIR / "aidtrack", BASE_DIR / "locale"
)
# The data version (aidtrack/ops/versions.py) is read again from the database at most this often (seconds): writes
# that bypass the ORM's signals (bulk imports) reach the cached public lists within this time.
AIDTRACK_DATA_CHECK_SECONDS = float(os.environ.get("AIDTRACK_DATA_CHECK_SECONDS", "5"))
# Each process reuses the data version it read for this long (seconds): a change made on another server reaches
# this one's readers within it (on the server that made it, at once).
AIDTRACK_DATA_VERSION_MEMO_SECONDS = float(os.environ.get("AIDTRACK_DATA_VERSION_MEMO_SECONDS", "0.5"))
# Queries whose SQL is compiled once per process (aidtrack/ops/reused_sql.py) are compiled again on every call and
# compared with the kept SQL (a check for tests and debugging: it costs what reusing saves).
AIDTRACK_CHECK_REUSED_SQL = env_flag("AIDTRACK_CHECK_REUSED_SQL", default=False)
# Render the public map's lists in a task when the data changes, so no visitor waits for them.
AIDTRACK_PRECOMPUTE_PUBLIC_LISTS = env_flag("AIDTRACK_PRECOMPUTE_PUBLIC_LISTS", default=True)
# A write queues the check of the data version (and so the precomputation) this many seconds after it commits, once
# for all the writes meanwhile.
AIDTRACK_PRECOMPUTE_DELAY_SECONDS = float(os.environ.get("AIDTRACK_PRECOMPUTE_DELAY_SECONDS", "2"))
# After a change, an anonymous reader of a public list gets the list as it was while a task renders the new one, for
# at most this many seconds (0: never; the reader then waits for the rendering); never after a withdrawal.
AIDTRACK_PUBLIC_STALE_SECONDS = float(os.environ.get("AIDTRACK_PUBLIC_STALE_SECONDS", "60"))
# How long an anonymous public list is kept (keyed by the data version; served stale only as said just above).
AIDTRACK_PUBLIC_CACHE_SECONDS = int(os.environ.get("AIDTRACK_PUBLIC_CACHE_SECONDS", "86400"))
# A public list not yet in the cache is rendered by one request; readers who ask for it meanwhile, on any server, wait
# for that rendering for at most this many seconds (then render it themselves: the renderer may have been killed).
AIDTRACK_PUBLIC_RENDER_WAIT_SECONDS = float(os.environ.get("AIDTRACK_PUBLIC_RENDER_WAIT_SECONDS", "20"))
# Each process also keeps the public lists it served last, up to this many bytes (gzipped): never stale, since a
# list's key names the data version; it spares reading the same bytes from the shared cache on every request.
AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES = int(os.environ.get("AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES", str(16 * 1024 * 1024)))
# Each server also keeps copies of public lists on disk in this folder, and sends them as static files are sent: a list
# too large for the bytes above (gzipped), and any list a client asks for without gzip (unzipped, written on the first
# such request). Never stale (named by the data version and release); the copies used longest ago are deleted first to
# keep the folder within AIDTRACK_PUBLIC_COPIES_BYTES (0: no copies; a large list is then read from the shared cache,
# and unzipped for such a client, on every request).
AIDTRACK_PUBLIC_COPIES_DIR = Path(os.environ.get("AIDTRACK_PUBLIC_COPIES_DIR", VAR_DIR / "public-lists"))
AIDTRACK_PUBLIC_COPIES_BYTES = int(os.environ.get("AIDTRACK_PUBLIC_COPIES_BYTES", str(1024 * 1024 * 1024)))
# A public list rendered in a request whose body is at least this large (bytes) is let go of at once, and the memory
# it took handed back to the system (aidtrack/ops/public_cache.py, release): a worker's memory stays flat.
AIDTRACK_RELEASE_BYTES = int(os.environ.get("AIDTRACK_RELEASE_BYTES", str(1024 * 1024)))
# The incident fields the public map asks for (aidtrack/web/static/web/map/layers/incidents.js, INCIDENT_FIELDS).
AIDTRACK_MAP_INCIDENT_FIELDS = [
    "id",
    "kind",
    "category",
    "title",
    "occurred_on",
    "latitude",
    "longitude",
    "admin1_pcode",
    "admin2_pcode",
    "organization_id",
]

# The REST API (aidtrack/api): see README.md, "REST API".
AIDTRACK_API_ANON_RATE = os.environ.get("AIDTRACK_API_ANON_RATE", "120/minute")
AIDTRACK_API_CACHE_SECONDS = int(os.environ.get("AIDTRACK_API_CACHE_SECONDS", "600"))
# How long a report's figures are kept (aidtrack/reports/figures_cache.py; keyed by the data version, never stale).
AIDTRACK_REPORT_CACHE_SECONDS = int(os.environ.get("AIDTRACK_REPORT_CACHE_SECONDS", "86400"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aidtrack.api.authentication.ApiTokenAuthentication",
        "aidtrack.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["aidtrack.api.throttling.AnonymousThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "aidtrack.api.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["aidtrack.api.filters.FilterBackend"],
    "EXCEPTION_HANDLER": "aidtrack.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aidtrack API",
    # In the reader's language: the docs pages ask for the schema with ?lang=, which drf-spectacular honours.
    "DESCRIPTION": gettext_lazy(
        "Besieged and hard-to-reach areas, convoy requests, access incidents and agreements. "
        "Anonymous clients see verified, public records only, with locations generalised to the sub-district "
        "unless a record's exact point is safe to publish. Lists are JSON (paged with an opaque cursor), "
        "GeoJSON, CSV with an HXL hashtag row, or XLSX: choose with `?format=` or the Accept header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IncidentKindEnum": "aidtrack.incidents.models.IncidentKind",
        "OrganizationTypeEnum": "aidtrack.orgs.models.OrganizationType",
        "PartyTypeEnum": "aidtrack.orgs.models.PartyType",
        "SourceTypeEnum": "aidtrack.incidents.models.SourceType",
        "AccessStatusEnum": "aidtrack.areas.models.AccessStatus",
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_SECURE_HSTS_PRELOAD", True)
# A point's "nearest community" must lie within this distance (km).
# The public map draws our own boundaries and needs no tile server. A deployment may add a background tile
# layer by giving its URL template (e.g. https://tiles.example.org/{z}/{x}/{y}.png) and the attribution it requires.
AIDTRACK_MAP_TILE_URL = os.environ.get("AIDTRACK_MAP_TILE_URL", "")
AIDTRACK_MAP_TILE_ATTRIBUTION = os.environ.get("AIDTRACK_MAP_TILE_ATTRIBUTION", "")

# Content-Security-Policy (django-csp) on every response: see aidtrack/web/content_policy.py. Browsers send a report
# of each blocked resource to AIDTRACK_CSP_REPORT_URI when it is set (any collector that takes CSP reports).
CONTENT_SECURITY_POLICY = content_security_policy(
    tile_url=AIDTRACK_MAP_TILE_URL, report_uri=os.environ.get("AIDTRACK_CSP_REPORT_URI", "")
)

AIDTRACK_NEAREST_COMMUNITY_KM = float(os.environ.get("AIDTRACK_NEAREST_COMMUNITY_KM", "5"))
# Importers refuse files larger than this (bytes); a command can raise it with --max-bytes.
AIDTRACK_IMPORT_MAX_BYTES = int(os.environ.get("AIDTRACK_IMPORT_MAX_BYTES", str(512 * 1024 * 1024)))
# A roads layer (manage.py import_context_layer): lines read, and the size kept for every picker and phone.
AIDTRACK_CONTEXT_LAYER_MAX_LINES = int(os.environ.get("AIDTRACK_CONTEXT_LAYER_MAX_LINES", "300000"))
AIDTRACK_CONTEXT_LAYER_MAX_BYTES = int(os.environ.get("AIDTRACK_CONTEXT_LAYER_MAX_BYTES", str(3 * 1024 * 1024)))
# Geodata uploaded on the staff page (boundaries, communities, population, roads): most features or rows, most files
# in a zip, and how many times its compressed size a zip member may unpack (more is refused unopened).
AIDTRACK_GEODATA_MAX_FEATURES = int(os.environ.get("AIDTRACK_GEODATA_MAX_FEATURES", "100000"))
AIDTRACK_UPLOAD_ZIP_MAX_MEMBERS = int(os.environ.get("AIDTRACK_UPLOAD_ZIP_MAX_MEMBERS", "100"))
AIDTRACK_UPLOAD_ZIP_MAX_RATIO = int(os.environ.get("AIDTRACK_UPLOAD_ZIP_MAX_RATIO", "100"))
# Uploaded tables wait here for their import (and, once checked, for their commit); progress files live here too.
AIDTRACK_IMPORT_DIR = Path(os.environ.get("AIDTRACK_IMPORT_DIR", VAR_DIR / "imports"))
# Uploads larger than this (bytes) are imported in the background: the page or API answers at once with the run.
AIDTRACK_IMPORT_BACKGROUND_BYTES = int(os.environ.get("AIDTRACK_IMPORT_BACKGROUND_BYTES", str(1024 * 1024)))
# The job queue (aidtrack/jobs): "database" keeps it in the application's database (`manage.py jobs_worker` runs it),
# "immediate" runs each task at once in the caller (tests); or the dotted path of another django-tasks backend.
AIDTRACK_TASKS_BACKEND = os.environ.get("AIDTRACK_TASKS_BACKEND", "database").strip()
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(AIDTRACK_TASKS_BACKEND, AIDTRACK_TASKS_BACKEND)
    }
}
# A task whose database went away waits this long for it to come back, to record its run as failed.
AIDTRACK_JOBS_DATABASE_WAIT_SECONDS = int(os.environ.get("AIDTRACK_JOBS_DATABASE_WAIT_SECONDS", "600"))
# Idempotent tasks (rendering the public lists) run again this many times at most after their database stopped or
# their worker was killed (aidtrack/jobs/retry.py); imports are never run twice.
AIDTRACK_JOBS_RETRIES = int(os.environ.get("AIDTRACK_JOBS_RETRIES", "3"))
# A running import silent for this long is shown as interrupted (its process stopped; nothing was written).
AIDTRACK_IMPORT_STALE_MINUTES = int(os.environ.get("AIDTRACK_IMPORT_STALE_MINUTES", "10"))

# People and sign-in (aidtrack/accounts; README "Sign-in and security").
# Behind this many reverse proxies, the client's address is read from X-Forwarded-For (see aidtrack/net.py).
AIDTRACK_TRUSTED_PROXIES = int(os.environ.get("AIDTRACK_TRUSTED_PROXIES", "0"))
# Lockout (django-axes) by username and address together: after AIDTRACK_LOCKOUT_FAILURES wrong passwords for one
# username from one address, that pair waits AIDTRACK_LOCKOUT_MINUTES; an address with AIDTRACK_LOCKOUT_ADDRESS_FAILURES
# failures over any usernames within that time waits too.
AIDTRACK_LOCKOUT_FAILURES = int(os.environ.get("AIDTRACK_LOCKOUT_FAILURES", "5"))
AIDTRACK_LOCKOUT_MINUTES = int(os.environ.get("AIDTRACK_LOCKOUT_MINUTES", "15"))
AIDTRACK_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("AIDTRACK_LOCKOUT_ADDRESS_FAILURES", "30"))
AXES_FAILURE_LIMIT = AIDTRACK_LOCKOUT_FAILURES
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AIDTRACK_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "aidtrack.net.client_ip"
AXES_HANDLER = "aidtrack.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "aidtrack.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not move its end, so the time the sign-in page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# aidtrack keeps its own sign-in log (accounts.AccountEvent), which organization admins can read.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "code", "otp"]
# Password-reset requests: per address, and per e-mail address (beyond which no more mail is sent, silently).
AIDTRACK_PASSWORD_RESET_RATE = os.environ.get("AIDTRACK_PASSWORD_RESET_RATE", "5/hour")
AIDTRACK_PASSWORD_RESET_EMAIL_RATE = os.environ.get("AIDTRACK_PASSWORD_RESET_EMAIL_RATE", "3/hour")
# Requests to /api/v1/tokens/ per address, counted before any password is checked.
AIDTRACK_TOKEN_ENDPOINT_RATE = os.environ.get("AIDTRACK_TOKEN_ENDPOINT_RATE", "30/minute")
# API tokens expire: the default lifetime given when none is asked for, and the longest allowed (days).
AIDTRACK_API_TOKEN_DAYS = int(os.environ.get("AIDTRACK_API_TOKEN_DAYS", "90"))
AIDTRACK_API_TOKEN_MAX_DAYS = int(os.environ.get("AIDTRACK_API_TOKEN_MAX_DAYS", "365"))
# Two-factor sign-in (django-otp) is required for these roles: reporter, reviewer, org_admin, site_admin (or "all").
AIDTRACK_REQUIRE_2FA_FOR = env_list("AIDTRACK_REQUIRE_2FA_FOR", "reviewer,org_admin,site_admin" if PRODUCTION else "")
_TWO_FACTOR_ROLES = {"reporter", "reviewer", "org_admin", "site_admin", "all"}
if set(AIDTRACK_REQUIRE_2FA_FOR) - _TWO_FACTOR_ROLES:
    raise ImproperlyConfigured(
        f"AIDTRACK_REQUIRE_2FA_FOR={','.join(AIDTRACK_REQUIRE_2FA_FOR)!r}: use roles among "
        f"{', '.join(sorted(_TWO_FACTOR_ROLES))}, separated by commas."
    )
OTP_TOTP_ISSUER = os.environ.get("AIDTRACK_OTP_ISSUER", "aidtrack")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A session ends after this many minutes without a request, and this many hours after signing in.
AIDTRACK_SESSION_IDLE_MINUTES = int(os.environ.get("AIDTRACK_SESSION_IDLE_MINUTES", "60"))
AIDTRACK_SESSION_MAX_HOURS = int(os.environ.get("AIDTRACK_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = AIDTRACK_SESSION_MAX_HOURS * 3600
# The sign-in and download log keeps this many days (`manage.py prune_account_log` removes older entries).
AIDTRACK_ACCOUNT_LOG_DAYS = int(os.environ.get("AIDTRACK_ACCOUNT_LOG_DAYS", "180"))

# Alerts and webhooks (aidtrack/alerts; README "Alerts and webhooks").
# Alert fan-out, e-mails and webhook deliveries are tasks on the job queue (TASKS above), queued after the change
# commits.
# Links in alert e-mails and webhook payloads start with this address.
AIDTRACK_SITE_URL = os.environ.get("AIDTRACK_SITE_URL", "http://127.0.0.1:8000")
# Webhooks: timeouts (seconds), attempts per delivery, first retry delay (then x5 each time), consecutive failed
# attempts after which an endpoint is paused, and whether private or loopback addresses may receive them.
AIDTRACK_WEBHOOK_CONNECT_TIMEOUT = float(os.environ.get("AIDTRACK_WEBHOOK_CONNECT_TIMEOUT", "5"))
AIDTRACK_WEBHOOK_READ_TIMEOUT = float(os.environ.get("AIDTRACK_WEBHOOK_READ_TIMEOUT", "10"))
AIDTRACK_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("AIDTRACK_WEBHOOK_MAX_ATTEMPTS", "6"))
AIDTRACK_WEBHOOK_BACKOFF_SECONDS = int(os.environ.get("AIDTRACK_WEBHOOK_BACKOFF_SECONDS", "60"))
AIDTRACK_WEBHOOK_PAUSE_AFTER = int(os.environ.get("AIDTRACK_WEBHOOK_PAUSE_AFTER", "15"))
AIDTRACK_WEBHOOK_ALLOW_PRIVATE = env_flag("AIDTRACK_WEBHOOK_ALLOW_PRIVATE", default=False)
# Alerts (events, in-app notifications, webhook delivery logs) are kept this many days.
AIDTRACK_ALERTS_KEEP_DAYS = int(os.environ.get("AIDTRACK_ALERTS_KEEP_DAYS", "180"))
# The job worker queues the periodic alerts pass (`manage.py alerts_tick`) this often, in seconds; 0: never (run it
# from cron instead).
AIDTRACK_ALERTS_TICK_SECONDS = int(os.environ.get("AIDTRACK_ALERTS_TICK_SECONDS", "300"))
