"""``{% kept_for %}`` keeps markup per version and key; ``{% fresh %}`` parts render every time."""

from __future__ import annotations

from typing import Any

from django.template import Context, Template

SOURCE = (
    "{% load discussions_tags %}"
    "{% kept_for version who %}[{{ title }}|{% fresh %}{{ mine }}{% endfresh %}|"
    "{% csrf_token %}]{% endkept_for %}"
)


def _render(template: Template, **context: Any) -> str:
    return template.render(Context({"csrf_token": "tok", **context}))


def test_the_kept_part_is_reused_and_the_fresh_part_rendered_each_time():
    # given
    template = Template(SOURCE)
    first = _render(template, version="v1", who="a", title="Old", mine="one")
    # when: the same version and key, other values
    second = _render(template, version="v1", who="a", title="New", mine="two")
    # then: the kept part is reused, the fresh part and the token are this render's
    assert first.startswith("[Old|one|")
    assert second.startswith("[Old|two|")
    assert 'value="tok"' in second


def test_another_version_or_key_renders_afresh():
    template = Template(SOURCE)
    _render(template, version="v1", who="a", title="Old", mine="one")
    assert _render(template, version="v2", who="a", title="New", mine="x").startswith(
        "[New|x|"
    )
    assert _render(template, version="v1", who="b", title="New", mine="x").startswith(
        "[New|x|"
    )


def test_without_a_version_nothing_is_kept():
    template = Template(SOURCE)
    _render(template, version="", who="a", title="Old", mine="one")
    assert _render(template, version="", who="a", title="New", mine="two").startswith(
        "[New|two|"
    )


def test_the_token_is_each_requests():
    template = Template(SOURCE)
    _render(template, version="v1", who="a", title="T", mine="m")
    html = template.render(
        Context({"csrf_token": "other", "version": "v1", "who": "a", "mine": "m"})
    )
    assert 'value="other"' in html
    assert 'value="tok"' not in html
