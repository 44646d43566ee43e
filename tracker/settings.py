"""Settings for the tracker, read from the environment (see the README's settings table)."""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin, with its log-in page sending people to the staff log-in (tracker/admin_site.py).
    "tracker.admin_site.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and data compressed (static files are compressed ahead by WhiteNoise); Django pads
    # compressed responses against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "tracker.middleware.NullCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logs out a session idle for longer than STAFF_IDLE_TIMEOUT.
    "tracker.middleware.StaffIdleTimeoutMiddleware",
    # The one place that keeps a half-logged-in user (password only) at the second step.
    "tracker.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.review_queue",
                "tracker.context_processors.data_license",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# No DATABASE_URL: the embedded SQLite database in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests may write at once (a tip while a reviewer approves): wait, don't fail.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Write-ahead log: pages keep reading while the import worker holds a long write transaction.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username and address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "public:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded source files are evidence for staff only: never served from a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Secure defaults whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The claim map's basemap: the country outlines shipped with the app (static/vendor/world-atlas),
# unless a tile server is given, e.g. https://tile.example.org/{z}/{x}/{y}.png, with the words
# its licence asks to show. Its origin is then allowed for images by the policy below.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
# Leaflet's "{s}" subdomains ({s}.tile.example.org) are any subdomain to the policy.
MAP_TILE_ORIGIN = (
    "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL)).replace("{s}", "*")
    if MAP_TILE_URL
    else ""
)

# Content-Security-Policy, sent by tracker.middleware when DEBUG is off: no inline script or
# style anywhere, so an injected <script> or style attribute does nothing.
CONTENT_SECURITY_POLICY = (
    ""
    if DEBUG
    else "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:" + (f" {MAP_TILE_ORIGIN}" if MAP_TILE_ORIGIN else ""),
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )
)

# Audit history (django-simple-history): staff see it in the admin; restoring an old version
# goes through the workflow, never the admin's "revert", which would bypass moderation.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Login protection (django-axes): 5 failures for one username from one address lock that pair
# out for an hour. Behind a reverse proxy, TRUSTED_PROXY_COUNT says how many proxies append to
# X-Forwarded-For, so that the client's own address is the one counted.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failed log-ins stay on record for admins after the attempts counter is reset by a success.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "tracker.middleware.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor log-in (tracker/twofactor.py, README "Two-factor log-in"): required for reviewers and
# admins, optional for contributors unless TWO_FACTOR_REQUIRED_FOR_CONTRIBUTORS is on.
TWO_FACTOR_REQUIRED_FOR_CONTRIBUTORS = env_bool("TWO_FACTOR_REQUIRED_FOR_CONTRIBUTORS", False)
# Wrong second-factor codes lock the account's second step out like passwords: this many
# within AXES_COOLOFF_TIME (since the last two-factor log-in) log the session out for that long.
TWO_FACTOR_FAILURE_LIMIT = AXES_FAILURE_LIMIT
# Seconds without a request after which a logged-in session is logged out.
STAFF_IDLE_TIMEOUT = int(os.environ.get("STAFF_IDLE_TIMEOUT", "1800"))
# Password-reset requests accepted per target address and per client address per hour.
PASSWORD_RESETS_PER_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_HOUR", "3"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Claim tracker")
# django-otp's exponential back-off after a wrong code (1, 2, 4, 8... seconds): on for both.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Admins see who has which device, never the TOTP secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (django-otp-webauthn) are a second factor only: the password always comes first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "tracker.twofactor.WebAuthnHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "tracker.twofactor.relying_party_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "tracker.twofactor.relying_party_name"
# The relying party of passkeys: the site's domain name (never an IP address, never a port).
# Empty: the host of the request, which Django checks against ALLOWED_HOSTS. Passkeys are bound
# to it, so set it once for good when the site answers to several names.
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "Claim tracker")
# Origins a passkey ceremony may come from; empty: the request's own scheme and host.
WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ALLOWED_ORIGINS")
# django-otp-webauthn wants a fixed list of origins; ours may come from the request (above).
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
# The read-only API: anonymous, JSON only, no session (so no writes), throttled per client
# address (tracker.throttling: the address client_ip finds, counted in the default cache).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["tracker.throttling.ClientAddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute")},
}
# The licence under which the published data may be reused: shown in every page's footer and on
# the open-data page, and carried by the exports, the feeds and the API (tracker/data_license.py).
DATA_LICENSE = {
    "name": os.environ.get("DATA_LICENSE_NAME", "CC BY 4.0"),
    "url": os.environ.get("DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Human-rights claim tracker API",
    "DESCRIPTION": "Read-only access to the published claims, figures and their sources.",
    "VERSION": "1.0.0",
    "LICENSE": DATA_LICENSE,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from our own static files, its script a separate file (no inline script).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "tracker.models.base.DatePrecision",
        "CertaintyEnum": "tracker.models.people.Certainty",
        "SourceKindEnum": "tracker.models.sources.Source.Kind",
        "OrganizationKindEnum": "tracker.models.sources.Organization.Kind",
        "PlaceKindEnum": "tracker.models.taxonomy.Location.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracker.api_schema.document_errors",
    ],
}
# The country a new claim starts with in the workspace's form (ISO 3166-1 code or name).
DEFAULT_COUNTRY = os.environ.get("DEFAULT_COUNTRY", "SV")
# Largest spreadsheet accepted by the claim import, in bytes.
CLAIM_IMPORT_MAX_BYTES = int(os.environ.get("CLAIM_IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
# A checking or importing job whose worker has given no sign of life for this long was
# interrupted (the worker was killed): it is shown as failed, with nothing imported.
IMPORT_JOB_STALE_SECONDS = int(os.environ.get("IMPORT_JOB_STALE_SECONDS", "900"))

# Background tasks (django-tasks, the backport of Django 6.0's django.tasks): the claim import
# runs in `manage.py db_worker`, which takes its tasks from the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes announces its configuration once per process; its lockouts still log.
        "axes.apps": {"level": "WARNING"},
        # Django's messages reach the console through the root logger only, not twice as well
        # through Django's own development console handler.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}

# Staff uploads and the public tip form.
SOURCE_FILE_MAX_BYTES = int(os.environ.get("SOURCE_FILE_MAX_BYTES", str(20 * 1024 * 1024)))
TIPS_PER_HOUR = int(os.environ.get("TIPS_PER_HOUR", "5"))
TIPS_CLIENT_IP_HEADER = os.environ.get("TIPS_CLIENT_IP_HEADER", "")

# An optional read replica for public read traffic: see tracker/routers.py and the README.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tracker.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "tracker.routers.ReplicaReadsMiddleware",
    )

# Caches: the public lists' counts and facets and the rendered bodies of claim and indicator
# pages, keyed by the public-data version (tracker/public_cache.py), so a decision is never
# followed by a stale page. In production one Redis shared by every app process (CACHE_URL or
# REDIS_URL, by default the local Redis), so that after a decision one process computes each page
# and every other reads it; with DEBUG on (`make run`), local memory in the one process. CACHE_URL
# "locmem://" chooses local memory explicitly (one cache per process).
CACHE_URL = (
    os.environ.get("CACHE_URL")
    or os.environ.get("REDIS_URL")
    or ("locmem://" if DEBUG else "redis://127.0.0.1:6379/0")
)
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Keys name the database: sites sharing one Redis never read each other's entries.
            "KEY_PREFIX": f"tracker:{DATABASES['default']['NAME']}",
        }
    }
elif CACHE_URL.startswith("locmem://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tracker",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, unix:// or locmem://, not {CACHE_URL!r}."
    )

# After a decision commits, the most visited public pages are computed again in the background
# (tracker/refresh.py), so that their first reader does not wait for the new counts and facets.
REFRESH_AHEAD = env_bool("REFRESH_AHEAD", True)

# Timing and query-count headers for `make bench` only: they describe the server's internals.
if env_bool("BENCH_HEADERS"):
    MIDDLEWARE.insert(0, "tracker.middleware.ServerTimingMiddleware")
