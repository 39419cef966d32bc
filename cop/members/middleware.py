"""Request gates for signed-in members: MFA for elevated roles, code-of-conduct acceptance.

``ElevatedRoleMfaMiddleware``: someone who holds an elevated role (admin, moderator,
vendor representative) but has no second factor yet cannot use it: the roles'
predicates in ``cop.members.permissions`` stay false until MFA is set up, and this
middleware sends such a person from the admin, or from any page that refused them, to
the authenticator setup page with the reason. It also sends Wagtail's own password-only
login to allauth's, whose login asks for the second factor.

``CodeOfConductMiddleware``: a signed-in member who has not accepted the version in
force is sent to the acceptance page on their next page view. Account pages, sign-out,
health checks and static files stay reachable.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cop.members import permissions

# Pages that only elevated roles use; someone without MFA is sent to set it up.
DEFAULT_MFA_REQUIRED_PREFIXES = ("/admin/", "/django-admin/")
# Wagtail's own login checks only the password; allauth's asks for the second factor.
WAGTAIL_LOGIN_PATHS = ("/admin/login/",)
# Admin paths Wagtail serves to everyone (its icon sprite and translations).
ADMIN_PUBLIC_PREFIXES = ("/admin/jsi18n/", "/admin/sprite")
# The only admin paths open to vendor representatives (see AdminScopeMiddleware);
# settings.COP_SCOPED_ADMIN_PATH_PREFIXES overrides it.
DEFAULT_SCOPED_ADMIN_PREFIXES = (
    "/admin/vendors/",
    "/admin/snippets/choose/vendors/",
    "/admin/editing-sessions/",
    "/admin/jsi18n/",
    "/admin/sprite",
)
# Reachable before the code of conduct is accepted.
DEFAULT_CONDUCT_EXEMPT_PREFIXES = (
    "/accounts/",
    "/healthz",
    "/readyz",
    "/static/",
    "/media/",
    "/favicon.ico",
    "/robots.txt",
)


def _with_next(url: str, request: HttpRequest) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _mfa_setup_redirect(request: HttpRequest) -> HttpResponse:
    messages.warning(
        request,
        _(
            "Your role (administrator, moderator or vendor representative) needs "
            "two-factor authentication. Set up an authenticator app to continue; "
            "until then your account works like an ordinary member's."
        ),
        fail_silently=True,
    )
    return HttpResponseRedirect(reverse("mfa_activate_totp"))


class ElevatedRoleMfaMiddleware:
    """Send elevated roles without MFA to the authenticator setup page (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(WAGTAIL_LOGIN_PATHS):
            return HttpResponseRedirect(_with_next(reverse("account_login"), request))
        prefixes = tuple(
            getattr(
                settings,
                "COP_MFA_REQUIRED_PATH_PREFIXES",
                DEFAULT_MFA_REQUIRED_PREFIXES,
            )
        )
        if request.path.startswith(prefixes) and self._pending(request):
            return _mfa_setup_redirect(request)
        response = self.get_response(request)
        if response.status_code == 403 and self._pending(request):
            return _mfa_setup_redirect(request)
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        """Turn a refusal into the setup page when MFA is what is missing."""
        if isinstance(exception, PermissionDenied) and self._pending(request):
            return _mfa_setup_redirect(request)
        return None

    @staticmethod
    def _pending(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        return bool(
            user is not None
            and user.is_authenticated
            and permissions.elevated_role_pending_mfa(user)
        )


class AdminScopeMiddleware:
    """Answer members without admin rights with a 403 page, and keep vendor
    representatives inside the vendor part of the Wagtail admin.

    Wagtail sends a signed-in member without admin access to the sign-in page, which
    sends them straight back, forever; they get a 403 page saying what the admin is
    for and who uses it instead. Wagtail grants its whole admin to anyone with admin
    access; representatives need only their own disclosures and roadmaps (whose views
    check ownership). Any other admin path answers 404 for them, so nothing of the
    CMS shows or is hinted at.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/")
            and not path.startswith((*WAGTAIL_LOGIN_PATHS, *ADMIN_PUBLIC_PREFIXES))
            and user is not None
            and user.is_authenticated
            and not permissions.can_use_admin(user)
        ):
            return render(request, "members/admin_forbidden.html", status=403)
        if path.startswith("/admin/") and path != "/admin/":
            allowed = tuple(
                getattr(
                    settings,
                    "COP_SCOPED_ADMIN_PATH_PREFIXES",
                    DEFAULT_SCOPED_ADMIN_PREFIXES,
                )
            )
            if (
                not path.startswith(allowed)
                and not path.startswith(WAGTAIL_LOGIN_PATHS)
                and user is not None
                and user.is_authenticated
                and permissions.admin_scope_limited(user)
            ):
                raise Http404
        return self.get_response(request)


def _conduct_exempt_prefixes() -> tuple[str, ...]:
    # Reversed per request, not once: the URLconf may change (tests override it);
    # get_resolver() caches per URLconf, so this costs two dictionary lookups.
    return (
        *getattr(
            settings,
            "COP_CONDUCT_EXEMPT_PATH_PREFIXES",
            DEFAULT_CONDUCT_EXEMPT_PREFIXES,
        ),
        reverse("members:conduct_accept"),
        reverse("members:conduct_detail"),
    )


class CodeOfConductMiddleware:
    """Ask signed-in members to accept a newly published code of conduct (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_accept(request):
            target = reverse("members:conduct_accept")
            nxt = request.get_full_path()
            if url_has_allowed_host_and_scheme(nxt, allowed_hosts=None):
                target = f"{target}?{urlencode({'next': nxt})}"
            return HttpResponseRedirect(target)
        return self.get_response(request)

    @staticmethod
    def _must_accept(request: HttpRequest) -> bool:
        # Only page views: a form that was already open when a new version was
        # published still submits, and the next page asks.
        if request.method not in ("GET", "HEAD"):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(_conduct_exempt_prefixes()):
            return False
        return permissions.conduct_acceptance_due(user)
