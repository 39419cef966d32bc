"""Security-header middleware: Content-Security-Policy and Permissions-Policy."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# The only inline scripts Wagtail 8's admin still writes: date/time pickers
# (wagtailadmin/widgets/*_input.html) and inline/multiple-chooser panels
# (wagtailadmin/panels/*.html). Each passes nothing but data (a JSON object, or a
# string through escapejs) to a function of Wagtail's own static files.
_DATE_WIDGET_INIT = re.compile(
    r'init(?:Date|Time|DateTime)Chooser\("[\w\\-]+", (?P<config>\{[^<]*\})\);'
)
_PANEL_INIT = re.compile(
    r"\s*\(function\(\) \{\s*var panel = new (?:InlinePanel|MultipleChooserPanel)"
    r'\(JSON\.parse\("(?:[^"\\<]|\\.)*"\)\);\s*\}\)\(\);\s*'
)


def _is_wagtail_init_script(source: str) -> bool:
    date_init = _DATE_WIDGET_INIT.fullmatch(source)
    if date_init is not None:
        try:
            return isinstance(json.loads(date_init.group("config")), dict)
        except ValueError:
            return False
    return _PANEL_INIT.fullmatch(source) is not None


def wagtail_init_script_hashes(response: HttpResponseBase) -> list[str]:
    """Return CSP hash sources for the Wagtail init scripts inline in ``response``.

    Only complete HTML responses are read. A script is hashed only if all of it is
    one of Wagtail's data-only init calls, so an injected script never is.
    """
    content_type = response.get("Content-Type", "")
    if response.streaming or not content_type.startswith("text/html"):
        return []
    html = response.content.decode(response.charset, errors="replace")  # type: ignore[attr-defined]
    hashes = {
        base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        for source in _INLINE_SCRIPT.findall(html)
        if _is_wagtail_init_script(source)
    }
    return [f"'sha256-{digest}'" for digest in sorted(hashes)]


def _is_admin(request: HttpRequest) -> bool:
    # Wagtail renders a preview by passing a dummy request for the page's public URL
    # through the middleware; the admin frames the result, so the admin policy applies.
    return bool(getattr(request, "is_preview", False)) or request.path.startswith(
        tuple(settings.CSP_ADMIN_PREFIXES)
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with a scoped admin policy, plus the Permissions-Policy header.

    Public pages get ``settings.CONTENT_SECURITY_POLICY`` unchanged (no inline script
    or style, nothing from another origin, no nonce, so cached pages stay shareable).
    Paths under ``settings.CSP_ADMIN_PREFIXES`` get the directives in
    ``settings.CSP_ADMIN_DIRECTIVES`` replaced, and their ``script-src`` extended by
    the hashes of the few inline init scripts Wagtail's admin writes (see
    ``wagtail_init_script_hashes``) instead of ``'unsafe-inline'``.
    ``settings.PERMISSIONS_POLICY`` goes on every response that has none yet.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and _is_admin(request):
            parts.replace = {**settings.CSP_ADMIN_DIRECTIVES, **(parts.replace or {})}
            hashes = wagtail_init_script_hashes(response)
            if hashes:
                update = dict(parts.update or {})
                update["script-src"] = [*update.get("script-src", ()), *hashes]
                parts.update = update
        return parts

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
