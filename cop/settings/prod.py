"""Production settings: strict headers, and no start without the required secrets."""

from cop.settings.base import *
from cop.settings.config import ConfigurationError

DEBUG = False
COP_ENVIRONMENT = "production"
if not env("DJANGO_SECRET_KEY", default="") or len(SECRET_KEY) < 32:
    raise ConfigurationError(
        "DJANGO_SECRET_KEY must be set to a random string of at least 32 characters in production."
    )
if not env("DJANGO_ALLOWED_HOSTS", default=""):
    raise ConfigurationError(
        "DJANGO_ALLOWED_HOSTS must list the host names cop is served under in production (comma-separated)."
    )

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
