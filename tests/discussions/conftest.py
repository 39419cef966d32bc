"""Shared fixtures of the discussion tests: one space per visibility, a working group.

The role fixtures (``library_worker``, ``vendor_rep_a``, ``moderator`` ...) come from
``tests.roles``; products from ``tests.vendors.disclosure_fixtures``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from tests.factories import SpaceFactory
from tests.roles import *  # noqa: F403


@pytest.fixture
def working_group(db: Any) -> Group:
    return Group.objects.create(name="Licensing working group")


@pytest.fixture
def spaces(db: Any, working_group: Group) -> dict[str, Any]:
    """One space per visibility, by visibility name."""
    return {
        "public": SpaceFactory(name="Open questions", slug="open", visibility="public"),
        "members": SpaceFactory(name="Members", slug="members", visibility="members"),
        "library_workers": SpaceFactory(
            name="Library workers", slug="library-workers", visibility="library_workers"
        ),
        "working_group": SpaceFactory(
            name="Working group",
            slug="working-group",
            visibility="working_group",
            working_group=working_group,
        ),
    }


@pytest.fixture
def public_space(spaces: dict[str, Any]) -> Any:
    return spaces["public"]
