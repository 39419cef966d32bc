"""``{% kept %}`` keeps a block's HTML per key values and language, nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Engine
from django.utils import translation

from cop.core.templatetags import cop_tags

ENGINE = Engine(libraries={"cop_tags": "cop.core.templatetags.cop_tags"})
TEMPLATE = ENGINE.from_string(
    "{% load cop_tags %}{% kept key %}[{{ key }} {{ shown }}]{% endkept %}"
)


@pytest.fixture(autouse=True)
def _empty(settings: Any) -> Any:
    settings.DEBUG = False
    cop_tags._kept.clear()
    yield
    cop_tags._kept.clear()


def _render(**values: Any) -> str:
    return TEMPLATE.render(Context(values))


def test_a_block_is_rendered_once_per_key():
    assert _render(key=1, shown="first") == "[1 first]"
    assert _render(key=1, shown="second") == "[1 first]"
    assert _render(key=2, shown="second") == "[2 second]"


def test_each_language_has_its_own_copy():
    with translation.override("en"):
        assert _render(key=1, shown="english") == "[1 english]"
    with translation.override("fr"):
        assert _render(key=1, shown="french") == "[1 french]"


def test_nothing_is_kept_in_debug(settings):
    settings.DEBUG = True
    assert _render(key=1, shown="first") == "[1 first]"
    assert _render(key=1, shown="second") == "[1 second]"


def test_a_changed_setting_renders_the_block_again(settings):
    assert _render(key=1, shown="first") == "[1 first]"

    settings.STATIC_URL = "/assets/"

    assert _render(key=1, shown="second") == "[1 second]"


def test_two_blocks_of_one_template_are_kept_apart():
    two = ENGINE.from_string(
        "{% load cop_tags %}{% kept %}<a>{{ a }}</a>{% endkept %}"
        "{% kept %}<b>{{ b }}</b>{% endkept %}"
    )

    assert two.render(Context({"a": 1, "b": 2})) == "<a>1</a><b>2</b>"
