"""Authentication backends that load the signed-in member with their roles in one query.

Every signed-in page asks who the member is (session → user) and then, on most pages,
what they may do: moderator? which vendors do they represent? library worker? a
second factor? a new code of conduct to accept? Asked one by one that is up to six
queries before the view starts. These backends fetch the user row with those facts as
``EXISTS`` sub-queries (:func:`cop.members.role_facts.request_fact_annotations`) and
store them in the memo slots that the role predicates read, so the predicates run no
query for the request's own user.

The facts are as fresh as the request: the row and the ``EXISTS`` answers are read in
the same statement, and a change made during the request is followed by
``clear_cached_roles`` as before.

Other apps add their own per-request facts about the member (e.g. the unread
notification count of the header) through :data:`request_facts`, registered in
``AppConfig.ready()``: an ``annotations()`` factory whose names start with
``cop_fact_`` and an ``apply(user)`` that moves the values where that app reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.core.signals import request_finished
from django.db.models import F
from django.dispatch import receiver

from cop.core.prepared import PreparedQuery
from cop.core.registry import Registry
from cop.members import role_facts

if TYPE_CHECKING:
    from cop.members.models import User


@dataclass(frozen=True)
class RequestFact:
    """Facts about the request's member loaded with their user row (see the module)."""

    annotations: Callable[[], dict[str, Any]]
    apply: Callable[[Any], None]


request_facts: Registry[Callable[[], RequestFact]] = Registry("request facts")
request_facts.register(
    "roles",
    lambda: RequestFact(
        role_facts.request_fact_annotations, role_facts.request_facts_apply
    ),
    order=0,
)


def _facts() -> list[RequestFact]:
    return [factory() for _key, factory in request_facts]


def _user_with_facts(user_id: Any) -> Any:
    annotations: dict[str, Any] = {}
    for fact in _facts():
        annotations.update(fact.annotations())
    return get_user_model()._default_manager.filter(pk=user_id).annotate(**annotations)


# Compiled once per process: building and compiling the seven sub-queries cost more
# than running them.
USER_WITH_FACTS = PreparedQuery(_user_with_facts, user_id=2_101_999_001)


def _member_by_session(session_key: str) -> Any:
    annotations: dict[str, Any] = {}
    for fact in _facts():
        annotations.update(fact.annotations())
    return (
        get_user_model()
        ._default_manager.filter(member_session__session_key=session_key)
        .annotate(
            **annotations,
            cop_session_data=F("member_session__session_data"),
            cop_session_expire_date=F("member_session__expire_date"),
        )
    )


# The session row, its member and the member's facts in one statement: read by the
# session engine (cop.members.sessions), which hands the member on (below).
MEMBER_BY_SESSION = PreparedQuery(
    _member_by_session, session_key="cop-prepared-member-session-slot"
)

# The member read with this request's session, for get_user() of the same request.
_handoff: ContextVar[Any] = ContextVar("cop_member_handoff", default=None)


def member_handoff_keep(user: Any) -> None:
    """Keep ``user`` (read with the session being loaded) for :func:`load_user_with_facts`."""
    _handoff.set(user)


def member_handoff_clear() -> None:
    """Forget any member kept by an earlier session load."""
    _handoff.set(None)


def _handed_over(pk: Any) -> Any:
    user = _handoff.get()
    if user is None:
        return None
    _handoff.set(None)  # once: a later call reads the database again
    return user if user.pk == pk else None


def load_user_with_facts(backend: ModelBackend, user_id: Any) -> Any:
    """Return the active user ``user_id`` with their role facts memoised, or ``None``.

    The member read with this request's session (:mod:`cop.members.sessions`) is
    used when it is that user; otherwise one query reads them.
    """
    try:
        pk = get_user_model()._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    user = _handed_over(pk) or USER_WITH_FACTS.first(user_id=pk)
    if user is None or not backend.user_can_authenticate(cast("User", user)):
        return None
    for fact in _facts():
        fact.apply(user)
    return user


class MemberBackend(ModelBackend):
    """Django's password backend; ``get_user`` also loads the member's roles."""

    def get_user(self, user_id: Any) -> Any:
        return load_user_with_facts(self, user_id)


class AccountBackend(AllauthBackend):
    """allauth's e-mail login backend; ``get_user`` also loads the member's roles."""

    def get_user(self, user_id: Any) -> Any:
        return load_user_with_facts(self, user_id)


@receiver(request_finished)
def _forget_handoff(**kwargs: Any) -> None:
    # A request that read its session but never asked for its user leaves nothing.
    member_handoff_clear()
