"""The site header, rendered once per member state and kept by the process.

The header (brand, navigation, the member's role links, notifications count and
account menu) is on every page, and rendering its templates costs more than the
rest of a small page. Its HTML depends on few things: the language, the section of
the site the page is in, who is signed in (their name) and a few counts and flags.
:func:`site_header` renders ``includes/header.html`` once per such state and keeps
the HTML in this process; the CSRF token of the sign-out form is rendered as a
random slot and replaced by the request's own token each time.

The apps add what their part of the header shows to the key through
:data:`header_facts` (registered in ``AppConfig.ready()``): a callable taking the
request and returning a hashable value (the unread count, what waits for a
moderator, whether the member has vendor tools). A template of the header that
shows something else about the member must register it too. Off with ``DEBUG``
(templates edited while the server runs).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any, Final, cast

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from cop.core.memo import KeptMemo
from cop.core.registry import Registry

__all__ = ["HEADER_TEMPLATE", "header_facts", "site_header"]

HEADER_TEMPLATE: Final = "includes/header.html"
_MEMO_SIZE: Final = 2000

header_facts: Registry[Callable[[HttpRequest], Hashable]] = Registry("header facts")


_memo: KeptMemo[tuple[Any, ...], tuple[str, str]] = KeptMemo(_MEMO_SIZE)


def _section(path: str) -> str:
    """The part of ``path`` the navigation's current link depends on.

    The navigation links point at sections at most two segments deep
    (``/members/organisations/``): the first two segments decide which is current.
    """
    return "/".join(path.split("/")[:3]) + ("" if path != "/" else "/")


def _key(request: HttpRequest, context: template.Context) -> tuple[Any, ...]:
    user: Any = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return (
        translation.get_language(),
        get_script_prefix(),
        context.get("site_name"),
        _section(request.path),
        user.pk if signed_in else None,
        user.public_name if signed_in else None,
        tuple(fact(request) for _name, fact in header_facts) if signed_in else (),
    )


def _render(request: HttpRequest, context: template.Context, slot: str) -> str:
    return get_template(HEADER_TEMPLATE).render(
        {
            "request": request,
            "user": getattr(request, "user", None),
            "site_name": context.get("site_name"),
            "csrf_token": slot,
        }
    )


def site_header(context: template.Context) -> SafeString:
    """Render the header for the context's request (``{% site_header %}``)."""
    request = context.get("request")
    if request is None or settings.DEBUG:
        return mark_safe(  # noqa: S308 - a template's output
            get_template(HEADER_TEMPLATE).render(
                cast("dict[str, Any]", context.flatten()), request
            )
        )
    key = _key(request, context)
    found = _memo.get(key)
    if found is None:
        slot = secrets.token_hex(16)
        found = (_render(request, context, slot), slot)
        _memo.put(key, found)
    html, slot = found
    if slot in html:
        html = html.replace(slot, str(context.get("csrf_token") or ""))
    return mark_safe(html)  # noqa: S308 - a template's output, the token is hex
