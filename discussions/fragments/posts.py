"""One post of the topic page rendered in Python (``{% post_article post %}``).

The topic page shows 25 posts, and an include with its filters, ``{% url %}`` tags
and translations was most of the page's cost. What the viewer may do with each post
comes from ``post.viewer_facts``
(:func:`discussions.selectors.posts.post_viewer_facts_attach`); the moderators'
controls still come from the template ``discussions/includes/post_moderation.html``.
Every member text is escaped, or is the body HTML that :mod:`discussions.markup`
sanitised.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Engine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discussions.selectors import posts as post_selectors

from .common import TimeLabels

# A post id no page shows: reversed once, then replaced by each post's id.
_ID_SLOT = 987654321
_POST_MODERATION_TEMPLATE = "discussions/includes/post_moderation.html"
_RENDER_STATE_KEY = "discussions_tags.post_article"


def _url_parts(name: str, kwarg: str) -> tuple[str, str]:
    url = reverse(name, kwargs={kwarg: _ID_SLOT})
    before, _slot, after = url.partition(str(_ID_SLOT))
    return str(escape(before)), str(escape(after))


class _PostPageState:
    """What every post of one topic page shares: URLs, texts, the CSRF field, now."""

    def __init__(self, context: template.Context, topic: Any) -> None:
        self.topic = topic
        self.now = timezone.now()
        self.time = TimeLabels(self.now)
        self.topic_url = topic.get_absolute_url()
        self.member = _url_parts("members:member_detail", "user_id")
        self.history = _url_parts("discussions:post_history", "post_id")
        self.helpful = _url_parts("discussions:helpful_toggle", "post_id")
        self.edit = _url_parts("discussions:post_edit", "post_id")
        self.flag = _url_parts("discussions:post_flag", "post_id")
        self.reply = escape(reverse("discussions:post_reply", args=[topic.pk]))
        self.accept = escape(reverse("discussions:answer_accept", args=[topic.pk]))
        # Read only when a form is shown: reading the token makes the response
        # personal (an anonymous page that shows no form stays cacheable).
        self._csrf_token = context.get("csrf_token")
        self._csrf: str | None = None
        self.texts = {
            "official": escape(_("Official")),
            "edited": escape(_("edited")),
            "vendor_response": escape(_("Vendor response")),
            "accepted": escape(_("Accepted answer")),
            "pending": escape(
                _(
                    "Waiting for a moderator: only you and the moderators can see "
                    "this post."
                )
            ),
            "rejected": escape(_("Rejected by a moderator.")),
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
            "former": escape(_("Former member")),
        }

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

    def post_url(self, post: Any) -> str:
        if post.topic_id != self.topic.pk:
            return str(escape(post_selectors.post_url(post=post)))
        page = post_selectors.post_page_number(post.number)
        query = f"?page={page}" if page > 1 else ""
        return f"{escape(self.topic_url)}{query}#post-{post.number}"


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


def post_article(
    context: template.Context, post: Any, in_box: bool = False
) -> SafeString:
    """Render one post of the topic page (``{% post_article post in_box=False %}``).

    ``in_box`` renders it inside the accepted-answer box (no anchor id, no
    accept or moderation controls). Runs no query: the page's posts come with
    author, organisation, topic and ``viewer_facts``.
    """
    topic = context.get("topic") or post.topic
    state = _page_state(context, topic)
    facts = _facts(context, post, topic)
    texts = state.texts
    pk = post.pk
    number = post.number
    accepted = pk == topic.accepted_answer_id
    shown = post.is_visible_to_all
    label_prefix = "accepted-" if in_box else ""
    out: list[str] = []
    add = out.append

    classes = "post"
    if accepted:
        classes += " post--accepted"
    if post.organisation_id:
        classes += " post--official"
    if not shown:
        classes += " post--restricted"
    anchor = "" if in_box else f' id="post-{number}"'
    add(
        f'<article class="{classes}"{anchor} '
        f'aria-labelledby="{label_prefix}post-{number}-author">'
        '<header class="post__header">'
        f'<h3 class="post__author" id="{label_prefix}post-{number}-author">'
    )
    author = post.author
    if author is not None:
        before, after = state.member
        add(
            f'<a href="{before}{post.author_id}{after}">'
            f"{escape(author.public_name)}</a>"
        )
    else:
        add(texts["former"])
    organisation = post.organisation
    if organisation is not None:
        add(
            f' <span class="post__organisation">{escape(organisation.name)}</span>'
            f' <span class="badge badge--official">{texts["official"]}</span>'
        )
    link_label = escape(_("Link to post %(number)s") % {"number": number})
    add(
        '</h3><p class="post__meta">'
        f'<a href="{state.post_url(post)}" aria-label="{link_label}">#{number}</a> '
        f"{state.time(post.created_at)}"
    )
    if post.edited_at:
        before, after = state.history
        add(f' · <a href="{before}{pk}{after}">{texts["edited"]}</a>')
    if post.is_vendor_response:
        add(f' <span class="badge badge--official">{texts["vendor_response"]}</span>')
    if accepted:
        add(f' <span class="badge badge--accepted">✓ {texts["accepted"]}</span>')
    add("</p>")
    if post.review_state == "pending":
        add(f'<p class="post__state">{texts["pending"]}</p>')
    elif post.review_state == "rejected":
        add(f'<p class="post__state">{texts["rejected"]}</p>')
    add("</header>")

    if facts.can_see_body:
        if post.hidden_at:
            add(f'<p class="post__state">{texts["hidden_note"]}</p>')
        # body_html is written only by discussions.markup.render_markdown.
        add(f'<div class="post__body prose">{post.body_html}</div>')
    else:
        reason = (
            texts["hidden_moderator"]
            if post.hidden_reason == "moderator"
            else texts["hidden_flags"]
        )
        add(f'<p class="post__placeholder">{reason}</p>')

    count = post.helpful_count
    helpful_label = ngettext(
        "%(counter)s member found this helpful",
        "%(counter)s members found this helpful",
        count,
    ) % {"counter": count}
    add(
        '<footer class="post__actions">'
        f'<span class="post__helpful">{escape(helpful_label)}</span>'
    )
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
        if accepted:
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
    add("</footer></article>")
    return mark_safe("".join(out))  # noqa: S308 - every member text escaped or sanitised
