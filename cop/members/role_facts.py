"""The request's member and their role facts in one statement.

:func:`request_fact_annotations` adds ``EXISTS`` and ID-list sub-queries to the user
row that :mod:`cop.members.backends` loads for each request; :func:`request_facts_apply`
moves the answers into the memo slots that the predicates of
:mod:`cop.members.permissions` read. The predicates stay the single definition of each
rule: the sub-queries ask the same filters, and a test holds the two in step.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, Exists, OuterRef, Subquery, TextField

from cop.members.models import CodeOfConductAcceptance, Membership, Organisation
from cop.members.permissions import MODERATORS_GROUP, mfa_factors

# Annotation name -> memo slot it fills (see request_facts_apply).
_FACT_PREFIX = "cop_fact_"


class IdList(Aggregate):
    """The IDs of a column as one comma-separated text (``STRING_AGG``/``GROUP_CONCAT``)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS text), ',')"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )


def _id_list(rows: Any, column: str) -> Subquery:
    """One user's ``column`` values of ``rows`` (filtered on OuterRef) as an IdList."""
    return Subquery(
        rows.order_by().values("user_id").annotate(ids=IdList(column)).values("ids")[:1]
    )


def _ids(text: str | None) -> frozenset[int]:
    return frozenset(int(part) for part in (text or "").split(",") if part)


def request_fact_annotations() -> dict[str, Any]:
    """Return ``annotate()`` keywords that load a user's role facts with the user row.

    Used by :mod:`cop.members.backends` for the request's user: one statement instead
    of one query per predicate. :func:`request_facts_apply` moves the answers into the
    memo slots below; the predicates stay the single definition of each rule (the
    sub-queries here ask the same filters, and a test holds the two in step).
    """
    from django.contrib.auth import get_user_model

    from cop.members.selectors_accounts import code_of_conduct_current_queryset

    user = OuterRef("pk")
    memberships = Membership.objects.filter(
        user_id=user, status=Membership.Status.VERIFIED
    )
    groups = get_user_model().groups.through.objects.filter(user_id=user)
    current = code_of_conduct_current_queryset().values("pk")[:1]
    return {
        f"{_FACT_PREFIX}mfa": Exists(mfa_factors().filter(user_id=user)),
        f"{_FACT_PREFIX}moderator": Exists(groups.filter(group__name=MODERATORS_GROUP)),
        f"{_FACT_PREFIX}group_ids": _id_list(groups, "group_id"),
        f"{_FACT_PREFIX}vendor_ids": _id_list(
            memberships.filter(
                role=Membership.Role.REPRESENTATIVE,
                organisation__kind=Organisation.Kind.VENDOR,
            ),
            "organisation_id",
        ),
        f"{_FACT_PREFIX}library": Exists(
            memberships.filter(organisation__kind=Organisation.Kind.LIBRARY)
        ),
        f"{_FACT_PREFIX}conduct_current": Subquery(current),
        f"{_FACT_PREFIX}conduct_accepted": Exists(
            CodeOfConductAcceptance.objects.filter(
                user_id=user, version_id=Subquery(current)
            )
        ),
    }


def request_facts_apply(user: Any) -> None:
    """Memoise the facts that :func:`request_fact_annotations` loaded on ``user``.

    The vendor IDs and group IDs arrive as comma-separated lists (:class:`IdList`).
    """

    def fact(name: str) -> Any:
        return getattr(user, f"{_FACT_PREFIX}{name}", None)

    if fact("mfa") is None:  # not loaded with the facts
        return
    user._cop_mfa_enabled = bool(fact("mfa"))
    user._cop_holds_moderator = bool(fact("moderator"))
    user._cop_is_library_worker = bool(fact("library"))
    user._cop_held_vendor_ids = _ids(fact("vendor_ids"))
    user._cop_group_ids = _ids(fact("group_ids"))
    user._cop_conduct_due = bool(fact("conduct_current")) and not fact(
        "conduct_accepted"
    )
