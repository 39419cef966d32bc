"""Security-header middleware: Content-Security-Policy and Permissions-Policy."""

from __future__ import annotations

import base64
import hashlib
import json
import re

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# What a view or decorator may set on a response to change its policy (django-csp).
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
_POLICY_SETTINGS = frozenset(
    {"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"}
)
_site_policy_memo: list[tuple[str, str] | None] = []


def _site_policy() -> tuple[str, str] | None:
    """Return the site-wide (policy, report-only policy) headers, built once.

    ``None`` when a policy excludes URL prefixes: then each response is checked.
    """
    if not _site_policy_memo:
        excludes = any(
            (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
            for name in _POLICY_SETTINGS
        )
        _site_policy_memo.append(
            None if excludes else (build_policy(), build_policy(report_only=True))
        )
    return _site_policy_memo[0]


@receiver(setting_changed)
def _forget_site_policy(*, setting: str, **kwargs: object) -> None:
    if setting in _POLICY_SETTINGS:
        _site_policy_memo.clear()


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
        site_policy = self._site_policy_for(request, response)
        if site_policy is None:
            response = super().process_response(request, response)
        else:
            # The common case, as django-csp would write it without building the
            # policy again: a public page, no nonce, nothing set by the view.
            policy, report_only = site_policy
            if policy and HEADER not in response:
                response[HEADER] = policy
            if report_only and HEADER_REPORT_ONLY not in response:
                response[HEADER_REPORT_ONLY] = report_only
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response

    @staticmethod
    def _site_policy_for(
        request: HttpRequest, response: HttpResponseBase
    ) -> tuple[str, str] | None:
        """The memoised site policy when it applies to ``response`` unchanged, else None."""
        if (
            _is_admin(request)
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, attr) for attr in _PER_RESPONSE_POLICY)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return None
        return _site_policy()
