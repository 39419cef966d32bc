"""Find the members a text @-mentions (outside code and quotes)."""

from __future__ import annotations

import re

#: Most members one post can mention.
MAX_MENTIONS = 20


_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
_QUOTE_LINE = re.compile(r"^ {0,3}>.*$", re.M)
_MENTION = re.compile(
    r"(?<![\w@.])@(?:\"([^\"\n]{1,40})\"|\[([^\]\n]{1,40})\]"
    r"|([^\W_][\w.'\-]*(?:[ ][^\W_][\w.'\-]*){0,3}))"
)


def mention_groups(text: str) -> list[list[str]]:
    """Return, per @mention in ``text``, the candidate display names, longest first.

    ``@"Two Words"`` and ``@[Two Words]`` name exactly; a bare ``@Riverbend Reader``
    may mean "Riverbend" or "Riverbend Reader", so both are candidates and the
    longest existing name wins. Code and quoted lines are skipped (quoting a post
    does not mention its people again). At most ``MAX_MENTIONS`` mentions.
    """
    text = _CODE_FENCE.sub("", text or "")
    text = _INLINE_CODE.sub("", text)
    text = _QUOTE_LINE.sub("", text)
    groups: list[list[str]] = []
    seen: set[str] = set()
    for match in _MENTION.finditer(text):
        candidates = mention_candidates(match)
        key = "\n".join(candidates)
        if not candidates or key in seen:
            continue
        seen.add(key)
        groups.append(candidates)
        if len(groups) >= MAX_MENTIONS:
            break
    return groups


def mention_candidates(match: re.Match[str]) -> list[str]:
    """Return the display names one ``@`` match may mean, longest first."""
    exact = match.group(1) or match.group(2)
    if exact:
        candidates = [exact.strip()]
    else:
        words = match.group(3).split(" ")
        candidates = [
            " ".join(words[:k]).rstrip(".'-") for k in range(len(words), 0, -1)
        ]
    return [c for c in candidates if 3 <= len(c) <= 40]


def mention_matches(text: str) -> list[re.Match[str]]:
    """Return the ``@`` mentions of one run of plain text (no code or quote rules)."""
    return list(_MENTION.finditer(text))[:MAX_MENTIONS]


def mention_names(text: str) -> list[str]:
    """Return the display names ``text`` may @mention (every candidate, in order, once)."""
    names: list[str] = []
    for group in mention_groups(text):
        names.extend(name for name in group if name not in names)
    return names
