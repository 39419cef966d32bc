"""One post of the topic page (``{% post_article post %}``): shared markup plus the viewer's part.

A post's markup is the template ``discussions/includes/post.html``: everything every
reader of the post sees alike (author, organisation, time, badges, the body when it is
shown to everyone, the helpful count). It is rendered once per topic-page version and
shared by every viewer (:mod:`discussions.fragments.shared`); what depends on the
viewer is filled into its two slots per request, here, from ``post.viewer_facts``
(:func:`discussions.selectors.posts.post_viewer_facts_attach`): the body of a post that
is not shown to everyone, and the buttons the viewer may use (helpful, quote, edit,
accept, flag; the moderators' controls come from
``discussions/includes/post_moderation.html``). Every member text is escaped, or is
the body HTML that :mod:`discussions.markup` sanitised.
"""

from __future__ import annotations

import secrets
from typing import Any, NamedTuple

from django import template
from django.conf import settings
from django.template import Engine
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from discussions.selectors import posts as post_selectors

# A post id no page shows: reversed once, then replaced by each post's id.
_ID_SLOT = 987654321
POST_TEMPLATE = "discussions/includes/post.html"
_POST_MODERATION_TEMPLATE = "discussions/includes/post_moderation.html"
_RENDER_STATE_KEY = "discussions_tags.post_article"


class PostParts(NamedTuple):
    """A post's shared markup around its two per-viewer slots (body, actions)."""

    head: str
    middle: str
    tail: str


def post_href(*, post: Any, topic: Any) -> str:
    """Return the escaped URL of ``post`` on the page of ``topic`` that holds it."""
    if post.topic_id != topic.pk:
        return str(escape(post_selectors.post_url(post=post)))
    page = post_selectors.post_page_number(post.number)
    query = f"?page={page}" if page > 1 else ""
    return f"{escape(topic.get_absolute_url())}{query}#post-{post.number}"


def post_shared_parts(*, post: Any, topic: Any, in_box: bool) -> PostParts:
    """Render ``post``'s shared markup (the template) and cut it at its two slots.

    The slots are random per render, so no member text can stand in for them.
    """
    body_slot, actions_slot = secrets.token_hex(16), secrets.token_hex(16)
    html = get_template(POST_TEMPLATE).render(
        {
            "post": post,
            "topic": topic,
            "in_box": in_box,
            "accepted": post.pk == topic.accepted_answer_id,
            "post_href": post_href(post=post, topic=topic),
            "body_slot": body_slot,
            "actions_slot": actions_slot,
        }
    )
    head, found_body, rest = html.partition(body_slot)
    middle, found_actions, tail = rest.partition(actions_slot)
    if not (found_body and found_actions):
        raise template.TemplateSyntaxError(
            f"{POST_TEMPLATE} must show body_slot and actions_slot once each, in order"
        )
    return PostParts(head, middle, tail)


def _url_parts(name: str) -> tuple[str, str]:
    url = reverse(name, args=[_ID_SLOT])
    before, _slot, after = url.partition(str(_ID_SLOT))
    return str(escape(before)), str(escape(after))


class _Fixed(NamedTuple):
    """The URLs (around an ID) and texts of the buttons, the same on every page."""

    helpful: tuple[str, str]
    edit: tuple[str, str]
    flag: tuple[str, str]
    reply: tuple[str, str]
    accept: tuple[str, str]
    texts: dict[str, str]


_fixed_by_locale: dict[tuple[Any, ...], _Fixed] = {}


def _fixed() -> _Fixed:
    """Return the fixed URLs and texts for the active language and URL prefix."""
    key = (
        translation.get_language(),
        get_script_prefix(),
        get_urlconf(),
        settings.ROOT_URLCONF,
    )
    fixed = _fixed_by_locale.get(key)
    if fixed is None:
        fixed = _Fixed(
            helpful=_url_parts("discussions:helpful_toggle"),
            edit=_url_parts("discussions:post_edit"),
            flag=_url_parts("discussions:post_flag"),
            reply=_url_parts("discussions:post_reply"),
            accept=_url_parts("discussions:answer_accept"),
            texts={
                "hidden_note": escape(
                    _("Hidden: others see a placeholder until a moderator reviews it.")
                ),
                "hidden_moderator": escape(_("Hidden by a moderator.")),
                "hidden_flags": escape(_("Hidden after flags, waiting for review.")),
                "helpful": escape(_("Helpful")),
                "helpful_marked": escape(_("(marked; press to undo)")),
                "quote": escape(_("Quote")),
                "edit": escape(_("Edit")),
                "withdraw": escape(_("Withdraw accepted answer")),
                "accept": escape(_("Accept as answer")),
                "flag": escape(_("Flag")),
            },
        )
        _fixed_by_locale[key] = fixed
    return fixed


class _PostPageState:
    """What every post of one topic page shares: URLs, texts, the CSRF field."""

    def __init__(self, context: template.Context, topic: Any) -> None:
        fixed = _fixed()
        self.topic = topic
        self.helpful = fixed.helpful
        self.edit = fixed.edit
        self.flag = fixed.flag
        self.reply = fixed.reply[0] + str(topic.pk) + fixed.reply[1]
        self.accept = fixed.accept[0] + str(topic.pk) + fixed.accept[1]
        # Read only when a form is shown: reading the token makes the response
        # personal (an anonymous page that shows no form stays cacheable).
        self._csrf_token = context.get("csrf_token")
        self._csrf: str | None = None
        self.texts = fixed.texts

    @property
    def csrf(self) -> str:
        if self._csrf is None:
            token = str(self._csrf_token) if self._csrf_token else ""
            self._csrf = (
                format_html(
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token
                )
                if token and token != "NOTPROVIDED"  # noqa: S105 - Django's "no token"
                else ""
            )
        return self._csrf


def _page_state(context: template.Context, topic: Any) -> _PostPageState:
    state = context.render_context.get(_RENDER_STATE_KEY)
    if state is None or state.topic is not topic:
        state = _PostPageState(context, topic)
        context.render_context[_RENDER_STATE_KEY] = state
    return state


def _facts(context: template.Context, post: Any, topic: Any) -> Any:
    facts = getattr(post, "viewer_facts", None)
    if facts is None:  # a page that did not attach them: ask the same rules
        viewer = context.get("viewer") or getattr(context.get("request"), "user", None)
        post_selectors.post_viewer_facts_attach(
            viewer=viewer,
            topic=topic,
            posts=[post],
            helpful_ids=context.get("helpful_ids") or set(),
            can_reply=bool(context.get("can_reply")),
            can_accept=bool(context.get("can_accept")),
        )
        facts = post.viewer_facts
    return facts


def _viewer_body(state: _PostPageState, post: Any, facts: Any) -> str:
    """The body slot: empty when the shared markup shows the body to everyone."""
    if post.is_visible_to_all:
        return ""
    texts = state.texts
    if facts.can_see_body:
        note = (
            f'<p class="post__state">{texts["hidden_note"]}</p>'
            if post.hidden_at
            else ""
        )
        # body_html is written only by discussions.markup.render_markdown.
        return f'{note}<div class="post__body prose">{post.body_html}</div>'
    reason = (
        texts["hidden_moderator"]
        if post.hidden_reason == "moderator"
        else texts["hidden_flags"]
    )
    return f'<p class="post__placeholder">{reason}</p>'


def _viewer_actions(
    context: template.Context,
    state: _PostPageState,
    post: Any,
    facts: Any,
    in_box: bool,
) -> str:
    """The actions slot: the buttons this viewer may use on ``post``."""
    texts = state.texts
    pk = post.pk
    out: list[str] = []
    add = out.append
    if facts.can_mark_helpful:
        before, after = state.helpful
        add(
            f'<form class="inline-form" method="post" action="{before}{pk}{after}">'
            f"{state.csrf}"
        )
        if facts.marked_helpful:
            add(
                '<button type="submit" class="button--small button--secondary" '
                f'aria-pressed="true">{texts["helpful"]}<span class="visually-hidden">'
                f" {texts['helpful_marked']}</span></button>"
            )
        else:
            add(
                '<button type="submit" class="button--small button--secondary" '
                f'aria-pressed="false">{texts["helpful"]}</button>'
            )
        add("</form>")
    if facts.can_quote:
        add(f' <a href="{state.reply}?quote={pk}">{texts["quote"]}</a>')
    if facts.can_edit:
        before, after = state.edit
        add(f' <a href="{before}{pk}{after}">{texts["edit"]}</a>')
    if facts.can_accept and not in_box:
        add(
            f'<form class="inline-form" method="post" action="{state.accept}">'
            f"{state.csrf}"
        )
        if pk == state.topic.accepted_answer_id:
            add(
                '<input type="hidden" name="unaccept" value="on">'
                '<button type="submit" class="button--small button--secondary">'
                f"{texts['withdraw']}</button>"
            )
        else:
            add(
                f'<input type="hidden" name="post" value="{pk}">'
                '<button type="submit" class="button--small button--secondary">'
                f"{texts['accept']}</button>"
            )
        add("</form>")
    if not in_box:
        if facts.moderates:
            engine = (
                context.template.engine if context.template else Engine.get_default()
            )
            moderation = engine.get_template(_POST_MODERATION_TEMPLATE)
            with context.push(post=post):
                add(moderation.render(context))
        elif facts.can_flag:
            before, after = state.flag
            add(
                f' <a class="post-flag-link" href="{before}{pk}{after}" '
                f'rel="nofollow">{texts["flag"]}</a>'
            )
    return "".join(out)


def _article(
    context: template.Context,
    state: _PostPageState,
    shared: Any,
    post: Any,
    in_box: bool,
) -> str:
    topic = state.topic
    facts = _facts(context, post, topic)
    parts = shared.get(post, in_box) if shared is not None else None
    if parts is None:
        parts = post_shared_parts(post=post, topic=topic, in_box=in_box)
    return (
        parts.head
        + _viewer_body(state, post, facts)
        + parts.middle
        + _viewer_actions(context, state, post, facts, in_box)
        + parts.tail
    )


def post_article(
    context: template.Context, post: Any, in_box: bool = False
) -> SafeString:
    """Render one post of the topic page (``{% post_article post in_box=False %}``).

    ``in_box`` renders it inside the accepted-answer box (no anchor id, no
    accept or moderation controls). The shared markup comes from the page's
    ``shared_posts`` (:func:`discussions.fragments.shared.shared_posts_load`) when
    it holds the post, else it is rendered here. Runs no query: the page's posts
    come with author, organisation, topic and ``viewer_facts``.
    """
    state = _page_state(context, context.get("topic") or post.topic)
    return mark_safe(  # noqa: S308 - the shared template escapes; the slots escape
        _article(context, state, context.get("shared_posts"), post, in_box)
    )


def post_articles(context: template.Context, posts: Any) -> SafeString:
    """Render ``posts`` one after another, each as ``{% post_article post %}`` does.

    ``{% post_articles replies %}``: one tag for the page's list of posts.
    """
    posts = list(posts or ())
    if not posts:
        return mark_safe("")
    state = _page_state(context, context.get("topic") or posts[0].topic)
    shared = context.get("shared_posts")
    return mark_safe(  # noqa: S308 - the shared template escapes; the slots escape
        "".join(_article(context, state, shared, post, False) for post in posts)
    )
