"""Security-header middleware."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with a separate, scoped policy for the Wagtail admin.

    Public pages get ``settings.CONTENT_SECURITY_POLICY`` unchanged (no inline script,
    nothing from another origin). Paths under ``settings.CSP_ADMIN_PREFIXES`` get the
    directives in ``settings.CSP_ADMIN_DIRECTIVES`` replaced, because the admin's editors
    need what public pages never do.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(
            tuple(settings.CSP_ADMIN_PREFIXES)
        ):
            parts.replace = {**settings.CSP_ADMIN_DIRECTIVES, **(parts.replace or {})}
        return parts
