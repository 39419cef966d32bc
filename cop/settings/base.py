"""Base settings for cop: everything is defined here and read from the environment.

Overlays: ``dev`` (local work, ``make run``), ``prod`` (refuses to start without its
secrets) and ``test``. Without ``DATABASE_URL``/``REDIS_URL`` cop runs on the embedded
default: SQLite, a file cache and kombu's filesystem broker under ``COP_VAR_DIR``.
"""

from __future__ import annotations

from pathlib import Path

import environ

from cop.settings import paths
from cop.settings.config import checked_url, database_from_url
from cop.settings.schedule import beat_schedule

BASE_DIR = paths.BASE_DIR
# Runtime state of the embedded default (SQLite file, broker queue, cache, beat schedule).
VAR_DIR = paths.VAR_DIR
env = environ.Env()

SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="insecure-dev-key-never-use-in-production"
)
# Off everywhere unless asked for: COP_DEBUG=1 (DJANGO_DEBUG=true is also read).
DEBUG = env.bool("COP_DEBUG", default=env.bool("DJANGO_DEBUG", default=False))
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails follow the port `make run` serves on unless the site URL is set.
SITE_URL = env(
    "COP_SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")

# ---------------------------------------------------------------- applications
INSTALLED_APPS = [
    # cop's own apps first so their templates override third-party ones.
    "cop.core",
    "cop.members",
    "cop.privacy",
    "cop.guides",
    "vendors",
    "discussions",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    # First: cookieless readers get the pages an app's cache shared, with every header
    # the stack below added, while their versions are current (cop.core.early_pages).
    "cop.core.early_pages.EarlyPageCacheMiddleware",
    # Notes whether the request wrote to the database before an outage (cop.core.outage).
    "cop.core.outage.DatabaseWriteTrackingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too (an SVG is a document).
    "cop.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a form: views that limit their uploads get the handler that
    # refuses an oversized file before it is written (cop.core.uploads).
    "cop.core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 400 for control characters (NUL...) in the path, query or form fields; after
    # CSRF, whose check must pass before a form is shown back (cop.core.control_characters).
    "cop.core.control_characters.RejectControlCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Elevated roles without MFA are sent to set it up; new code of conduct is accepted.
    "cop.members.middleware.ElevatedRoleMfaMiddleware",
    "cop.members.middleware.AdminScopeMiddleware",
    "cop.members.middleware.CodeOfConductMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cop.urls"
WSGI_APPLICATION = "cop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cop.core.context_processors.site",
            ],
        },
    },
]

# ---------------------------------------------------------------- data stores
DATABASES = {
    "default": database_from_url(
        env("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cop.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", default=60),
        prepared_statements=env.bool("DATABASE_PREPARED_STATEMENTS", default=True),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# Every Redis client (cache and rate limits, Celery broker) gives up on a Redis that
# does not answer after this many seconds, so that a hung Redis degrades a request
# the way a stopped one does instead of stalling it.
REDIS_TIMEOUT = env.float("COP_REDIS_TIMEOUT", default=1.0)
REDIS_CLIENT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
}
if REDIS_URL:
    checked_url("REDIS_URL", REDIS_URL, {"redis", "rediss", "unix"})
    CACHES = {
        "default": {
            # Degrades to a per-process memory cache while Redis is down instead of
            # raising on the request path (see cop.core.cache).
            "BACKEND": "cop.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cop",
            "OPTIONS": REDIS_CLIENT_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            # Shared by the web workers and the Celery worker of `make run`.
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": "cop",
        }
    }

# ---------------------------------------------------------------- Celery
# Without a broker URL the embedded default is kombu's filesystem transport, so that
# beat and the worker really exchange messages without a Redis server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
checked_url(
    "CELERY_BROKER_URL",
    CELERY_BROKER_URL,
    {"redis", "rediss", "filesystem", "memory", "sqla+sqlite", "sqla+postgresql"},
)
BROKER_QUEUE_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_QUEUE_DIR),
        "data_folder_out": str(BROKER_QUEUE_DIR),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
    # kombu expects the folders to exist; each process of `make run` may start first.
    for _folder in CELERY_BROKER_TRANSPORT_OPTIONS.values():
        if isinstance(_folder, str):
            Path(_folder).mkdir(parents=True, exist_ok=True)
    # The filesystem transport has no broadcast, so remote control (inspect, ping,
    # revoke) cannot work there; workers also start with --without-mingle/--without-gossip.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message whose worker died unacknowledged is redelivered after this many
        # seconds: minutes, not Redis' default hour. Keep it above the longest
        # countdown/ETA and above CELERY_TASK_TIME_LIMIT.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
        # Without a socket timeout a publish to a Redis that accepts connections but
        # never answers (stopped, overloaded, half-open) waits forever. The worker's
        # BRPOP is read only once the socket is readable, so it is not cut short.
        **REDIS_CLIENT_OPTIONS,
    }
    CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
# A publish from a request (on_commit) tries once more, then gives up: what it was
# for stays in the database (an outbox row, a due digest) for the sweepers.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The one beat schedule of the project (cop.settings.schedule). The heartbeat is
# shorter only in tests of the whole platform (tests/cop/core/test_run_platform.py).
CELERY_BEAT_SCHEDULE = beat_schedule(
    heartbeat_seconds=env.int("COP_HEARTBEAT_SECONDS", default=60)
)

# ---------------------------------------------------------------- auth
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the member's roles with the user row.
    "cop.members.backends.MemberBackend",
    "cop.members.backends.AccountBackend",
    # Grants Wagtail admin access by role (vendor reps, moderators); authenticates no one.
    "vendors.permissions.AdminAccessBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[cop] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "cop"
USERSESSIONS_TRACK_ACTIVITY = False
# Accounts (cop.members.adapters): the adapter completes sign-ups and hands allauth a
# keyed stand-in instead of the client's IP address (rate limits, sessions, e-mails).
ACCOUNT_ADAPTER = "cop.members.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "cop.members.forms_accounts.SignupForm"
ACCOUNT_CHANGE_EMAIL = True  # one address; a new one replaces it once verified
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the member about password/e-mail changes
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # re-enter the password for e-mail changes
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
COP_SIGNUP_OPEN = env.bool("COP_SIGNUP_OPEN", default=True)
# Stored in the cache ("ip" means the keyed stand-in for a client; "key" the e-mail).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_RECOVERY_CODE_COUNT = 10
# Wagtail must never see, set or reset a member's password, and its password-only
# login is replaced by allauth's (which asks for the second factor).
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILUSERS_PASSWORD_REQUIRED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "account_login"

# ---------------------------------------------------------------- sessions and cookies
SESSION_ENGINE = "cop.members.sessions"  # the db engine, read with the member
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

# ---------------------------------------------------------------- security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# django-csp 4 policy for every public page: nothing inline, nothing from elsewhere.
# The Wagtail admin gets its own, scoped policy (cop.core.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Measured with tests/e2e/test_admin_csp.py (Wagtail 8.0): the narrowest admin policy
# without violations. script-src stays 'self': the middleware adds hashes of Wagtail's
# few inline init scripts (date pickers, inline panels) instead of 'unsafe-inline'.
# Draftail injects <style> elements whose text varies, so only style *elements* may be
# inline; style="" attributes stay blocked. blob: is for upload thumbnails, 'self'
# framing for the preview panel (which renders under this policy too).
CSP_ADMIN_DIRECTIVES = {
    "style-src-elem": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
}
CSP_ADMIN_PREFIXES = ["/admin/", "/django-admin/"]
# Sent on every response by cop.core.middleware: no page may use these browser features.
# Passkeys (WebAuthn) stay possible for cop's own origin.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "browsing-topics=()",
        "camera=()",
        "display-capture=()",
        "encrypted-media=()",
        "geolocation=()",
        "gyroscope=()",
        "interest-cohort=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
        "screen-wake-lock=()",
        "serial=()",
        "usb=()",
        "xr-spatial-tracking=()",
    ]
)
# Privacy: Wagtail's admin would otherwise load avatars from gravatar.com, sending a
# hash of each editor's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# ---------------------------------------------------------------- i18n
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static and media
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("COP_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Whether cop itself serves uploaded images under MEDIA_URL (cop.core.views.media):
# on for the embedded default (dev), off in production, where the reverse proxy does.
COP_SERVE_MEDIA = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# ---------------------------------------------------------------- e-mail
EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cop <noreply@cop.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------- Wagtail
WAGTAIL_SITE_NAME = "cop"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Downloads of guides: PDF and office files only (never SVG, HTML or scripts), content
# checked against the extension and size-limited by cop.guides.documents.
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cop.guides.documents.DocumentForm"
COP_DOCUMENT_MAX_BYTES = env.int("COP_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Guides are published by a second moderator through the "Moderator review" workflow.
WAGTAIL_WORKFLOW_ENABLED = True
# Guides not reviewed for this many months are listed on the moderators' dashboard.
COP_GUIDES_REVIEW_MONTHS = env.int("COP_GUIDES_REVIEW_MONTHS", default=12)
WAGTAIL_FINISH_WORKFLOW_ACTION = "cop.guides.workflows.publish_approved"
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no call home from the admin
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILEMBEDS_FINDERS: list[dict[str, object]] = []  # nothing is fetched from elsewhere

# ---------------------------------------------------------------- logging
# No IP addresses in the logs: request records carry the path and status only.
LOG_LEVEL = env("COP_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_ip": {"()": "cop.core.logging.DropClientAddress"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_ip"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {
            "handlers": ["console"],
            "level": "WARNING",
            "propagate": False,
        },
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# ---------------------------------------------------------------- public API
# /api/v1/ (vendors.api): read-only JSON for anonymous readers. No authentication
# classes, so the API never reads or sets a session or CSRF cookie; JSON only (the
# browsable API needs inline scripts that the CSP forbids).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cop public API",
    "DESCRIPTION": "Published vendor privacy disclosures, roadmaps and criteria (read-only).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Only /api/v1/ is cop's public API; Wagtail's admin API is internal.
    "PREPROCESSING_HOOKS": ["cop.core.openapi.public_api_only"],
    # 400/404/503 answers, path patterns and pagination bounds (cop.core.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cop.core.openapi.document_errors",
    ],
    # from_status and to_status share one choice set; name it once in the schema.
    "ENUM_NAME_OVERRIDES": {"RoadmapStatusEnum": "vendors.models.RoadmapStatus"},
}

# cop's own settings (cop.settings.product).
from cop.settings.product import *  # noqa: E402
