"""Template helpers of the discussion pages (``{% load discussions_tags %}``).

Permission filters only call :mod:`discussions.permissions`
(``{% if post|can_edit:viewer %}``); no rule is written here. Member text is
shown only as the sanitised HTML that :mod:`discussions.markup` produced.

``{% post_article post %}`` renders one post of the topic page in Python rather
than as a template included once per post: the topic page shows 25 posts, and
the include with its filters, ``{% url %}`` tags and translations was most of
the page's cost. What the viewer may do with each post comes from
``post.viewer_facts`` (:func:`discussions.selectors.posts.post_viewer_facts_attach`);
the moderators' controls still come from the template
``discussions/includes/post_moderation.html``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import avoid_wrapping, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cop.members.models import User
from discussions import permissions
from discussions.selectors import posts as post_selectors

register = template.Library()


# ----------------------------------------------------------------- permissions


@register.filter
def can_edit(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may edit ``post``."""
    return permissions.can_edit_post(viewer, post)


@register.filter
def can_mark_helpful(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may mark ``post`` helpful."""
    return permissions.can_mark_helpful(viewer, post)


@register.filter
def can_see_body(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may read ``post``'s body."""
    return permissions.can_see_post_body(viewer, post)


@register.filter
def can_flag(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may flag ``post``."""
    return permissions.can_flag_post(viewer, post)


@register.filter
def can_accept(topic: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may choose ``topic``'s accepted answer."""
    return permissions.can_accept_answer(viewer, topic)


@register.filter
def can_reply(topic: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may post in ``topic``."""
    return permissions.can_reply(viewer, topic)


@register.filter
def can_create_topic(space: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may start a topic in ``space``."""
    return permissions.can_create_topic(viewer, space)


@register.filter
def can_moderate(viewer: Any, space: Any = None) -> bool:
    """Return whether ``viewer`` moderates ``space``."""
    return permissions.can_moderate(viewer, space)


# ----------------------------------------------------------------- display


@register.filter
def post_html(post: Any) -> SafeString:
    """Return ``post``'s body as the sanitised HTML the posting services stored.

    ``body_html`` is written only by :func:`discussions.markup.render_markdown`
    (in the posting and moderation services), never from raw input.
    """
    return mark_safe(post.body_html)  # noqa: S308 - sanitised by discussions.markup


@register.filter
def markdown(text: str) -> SafeString:
    """Render member Markdown through :func:`discussions.markup.render_markdown`."""
    from discussions import markup

    return mark_safe(markup.render_markdown(text or ""))  # noqa: S308 - sanitised


@register.filter
def post_url(post: Any) -> str:
    """Return the URL of ``post`` on the topic page that holds it."""
    return post_selectors.post_url(post=post)


@register.filter
def member_name(user: Any) -> str:
    """Return the name other people see for ``user`` (never an e-mail or real name)."""
    if user is None:
        return _("Former member")
    return str(user.public_name)


@register.filter
def contains(collection: Any, item: Any) -> bool:
    """Return whether ``item`` is in ``collection`` (e.g. the viewer's helpful marks)."""
    return item in (collection or ())


@register.simple_tag
def reltime(value: datetime | None) -> SafeString | str:
    """Render ``value`` as ``<time datetime=…>3 hours ago</time>`` (empty for None)."""
    return TimeLabels(timezone.now())(value)


# Under four weeks no calendar month has passed: timesince's answer is then the
# first non-zero of these units (depth 1), which a page can compute and reuse.
_SHORT_UNITS: Final = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60))
_SHORT_LIMIT: Final = 28 * 86400


class TimeLabels:
    """Renders ``<time>`` elements relative to one ``now`` (reused across a page).

    Gives what ``timesince(value, now, depth=1)`` gives, computing the common
    case (under four weeks) directly and translating each distinct label once.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._zone = timezone.get_current_timezone()
        self._labels: dict[tuple[str, int], str] = {}

    def _label(self, value: datetime) -> str:
        now = self.now
        if value > now:
            return _("just now")
        delta = now - value
        since = delta.days * 86400 + delta.seconds
        if since >= _SHORT_LIMIT:
            return _("%(since)s ago") % {"since": timesince(value, now, depth=1)}
        unit, count = "minute", 0
        for name, seconds in _SHORT_UNITS:
            count = since // seconds
            if count:
                unit = name
                break
        key = (unit, count)
        label = self._labels.get(key)
        if label is None:
            label = _("%(since)s ago") % {
                "since": avoid_wrapping(TIME_STRINGS[unit] % {"num": count})
            }
            self._labels[key] = label
        return label

    def __call__(self, value: datetime | None) -> SafeString | str:
        if value is None:
            return ""
        local = value.astimezone(self._zone).strftime("%Y-%m-%d %H:%M %Z")
        return mark_safe(  # noqa: S308 - every part escaped
            f'<time datetime="{escape(value.isoformat())}" title="{escape(local)}">'
            f"{escape(self._label(value))}</time>"
        )


# ----------------------------------------------------------------- one post

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


@register.simple_tag(takes_context=True)
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
            moderation = context.template.engine.get_template(_POST_MODERATION_TEMPLATE)
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


# ----------------------------------------------------------------- one topic row

_SLUG_SLOT = "zq0slotzq"
_ROW_STATE_KEY = "discussions_tags.topic_row"


class _TopicRowState:
    """What every row of one topic list shares: URL patterns, texts, now."""

    def __init__(self) -> None:
        self.time = TimeLabels(timezone.now())
        url = reverse(
            "discussions:topic", kwargs={"topic_id": _ID_SLOT, "slug": _SLUG_SLOT}
        )
        before, _slot, rest = url.partition(str(_ID_SLOT))
        middle, _slot, after = rest.partition(_SLUG_SLOT)
        self.topic_parts = (before, middle, after)
        self.tag_urls: dict[str, str] = {}
        self.product_urls: dict[int, str] = {}
        self.kinds: dict[str, str] = {}
        self.texts = {
            "pinned": escape(_("Pinned")),
            "answered": escape(_("Answered")),
            "duplicate": escape(_("Duplicate")),
            "locked": escape(_("Locked")),
            "pending": escape(_("Waiting for a moderator")),
            "embargoed": escape(_("In the vendor's response window")),
            "tags": escape(_("Tags")),
            "no_replies": escape(_("No replies yet")),
            "read": escape(_("Read")),
            "continue": escape(_(": continue where you left off")),
        }
        # Translated once per list, formatted per row.
        self.in_space = _("in %(name)s")
        self.last_by = _("Last post by %(name)s")
        self._replies: dict[int, str] = {}

    def replies_label(self, post_count: int) -> str:
        if post_count <= 1:
            return self.texts["no_replies"]
        replies = post_count - 1
        label = self._replies.get(replies)
        if label is None:
            label = self._replies[replies] = str(
                escape(
                    ngettext("%(counter)s reply", "%(counter)s replies", replies)
                    % {"counter": replies}
                )
            )
        return label

    def topic_url(self, topic: Any) -> str:
        before, middle, after = self.topic_parts
        return f"{before}{topic.pk}{middle}{topic.slug or '-'}{after}"

    def tag_url(self, tag: Any) -> str:
        url = self.tag_urls.get(tag.slug)
        if url is None:
            url = self.tag_urls[tag.slug] = str(escape(tag.get_absolute_url()))
        return url

    def product_url(self, product: Any) -> str:
        return self.product_url_of(product.pk, product.organisation.slug, product.slug)

    def product_url_of(self, pk: int, vendor_slug: str, product_slug: str) -> str:
        url = self.product_urls.get(pk)
        if url is None:
            url = reverse(
                "vendors:product_detail",
                kwargs={"vendor_slug": vendor_slug, "product_slug": product_slug},
            )
            url = self.product_urls[pk] = str(escape(url))
        return url

    def kind_label(self, topic: Any) -> str:
        label = self.kinds.get(topic.kind)
        if label is None:
            label = self.kinds[topic.kind] = str(escape(topic.get_kind_display()))
        return label


def read_marker_html(topic: Any, texts: dict[str, str] | None = None) -> str:
    """Return the unread marker of ``topic`` (as ``read_marker.html``; "" when unset)."""
    marker = getattr(topic, "read_marker", None)
    if not marker:
        return ""
    if marker.new_count:
        label = ngettext("%(counter)s new", "%(counter)s new", marker.new_count) % {
            "counter": marker.new_count
        }
        hint = (
            texts["continue"] if texts else escape(_(": continue where you left off"))
        )
        inner = (
            f'<a href="{escape(marker.continue_url)}">{escape(label)}'
            f'<span class="visually-hidden">{hint}</span></a>'
        )
    else:
        read = texts["read"] if texts else escape(_("Read"))
        inner = f'<span class="read-marker__done">{read}</span>'
    return f'<span class="read-marker">{inner}</span>'


@register.simple_tag(takes_context=True)
def topic_row(
    context: template.Context, topic: Any, show_space: bool = False
) -> SafeString:
    """Render one topic of a list (``{% topic_row topic show_space=True %}``).

    Needs the ``topic_list`` selector's joins (space, author, last poster,
    product with vendor, prefetched tags); runs no query.
    """
    state = context.render_context.get(_ROW_STATE_KEY)
    if state is None:
        state = context.render_context[_ROW_STATE_KEY] = _TopicRowState()
    texts = state.texts
    out: list[str] = []
    add = out.append
    pinned = " topic-row--pinned" if topic.pinned_at else ""
    add(
        f'<li class="topic-row{pinned}"><h3 class="topic-row__title">'
        f'<a href="{state.topic_url(topic)}">{escape(topic.title)}</a>'
        f"{read_marker_html(topic, texts)}</h3>"
        '<p class="topic-row__marks">'
        f'<span class="badge badge--{escape(topic.kind)}">{state.kind_label(topic)}</span>'
    )
    if topic.pinned_at:
        add(f' <span class="badge">{texts["pinned"]}</span>')
    if topic.accepted_answer_id:
        add(f' <span class="badge badge--accepted">✓ {texts["answered"]}</span>')
    if topic.duplicate_of_id:
        add(f' <span class="badge badge--closed">{texts["duplicate"]}</span>')
    elif topic.locked_at:
        add(f' <span class="badge badge--closed">{texts["locked"]}</span>')
    if topic.review_state == "pending":
        add(f' <span class="badge badge--pending">{texts["pending"]}</span>')
    if topic.is_embargoed:
        add(f' <span class="badge badge--pending">{texts["embargoed"]}</span>')
    if show_space:
        label = state.in_space % {"name": topic.space.name}
        add(f' <span class="topic-row__space">{escape(label)}</span>')
    if topic.product_id is not None:
        if hasattr(topic, "row_product_name"):  # topic_list's plain columns
            product_href = state.product_url_of(
                topic.product_id, topic.row_vendor_slug, topic.row_product_slug
            )
            product_name, vendor_name = topic.row_product_name, topic.row_vendor_name
        else:
            product = topic.product
            product_href = state.product_url(product)
            product_name, vendor_name = product.name, product.organisation.name
        add(
            f' <a class="topic-row__product" href="{product_href}">'
            f"{escape(product_name)} ({escape(vendor_name)})</a>"
        )
    add("</p>")
    tags = getattr(topic, "tag_list", None)
    if tags is None:
        # The prefetched tags as they are (``topic.tags.all()`` builds a manager).
        prefetched = getattr(topic, "_prefetched_objects_cache", {})
        tags = prefetched["tags"] if "tags" in prefetched else topic.tags.all()
    if tags:
        add(f'<ul class="tag-list" aria-label="{texts["tags"]}">')
        for tag in tags:
            add(
                f'<li><a class="tag" href="{state.tag_url(tag)}">'
                f"{escape(tag.name)}</a></li>"
            )
        add("</ul>")
    replies_label = state.replies_label(topic.post_count)
    if hasattr(topic, "row_poster_name"):  # topic_list's plain column
        poster = (
            User.public_name_of(topic.last_poster_id, topic.row_poster_name)
            if topic.last_poster_id is not None
            else member_name(None)
        )
    else:
        poster = member_name(topic.last_poster)
    last = state.last_by % {"name": poster}
    add(
        f'<p class="topic-row__stats"><span>{replies_label}</span> '
        f"<span>{escape(last)} {state.time(topic.last_activity_at)}</span></p></li>"
    )
    return mark_safe("".join(out))  # noqa: S308 - every member text escaped
