"""Locust users of ``make loadtest``: anonymous readers, searchers, posting members.

Started by :mod:`tests.ops.loadtest`, which passes the seeded targets and the members'
session keys in the file named by ``COP_LOAD_TARGETS``. Every reply carries a unique
``[marker:...]``; the markers of replies the server acknowledged (a redirect to the
new post) and the count of 5xx answers are written to ``COP_LOAD_RESULTS`` when the
run ends, so that the runner can check the database afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import secrets
import threading
from typing import Any

from locust import HttpUser, between, events, task

TARGETS: dict[str, Any] = json.loads(
    open(os.environ["COP_LOAD_TARGETS"]).read()  # noqa: SIM115 - read once at start
)
SEARCH_WORDS = ["privacy", "patron", "loan", "history", "vendor", "retention", "data"]
_acknowledged: list[str] = []
_unacknowledged: list[str] = []
_server_errors: list[str] = []
_lock = threading.Lock()
_sessions = itertools.cycle(TARGETS["sessions"] or [""])


@events.request.add_listener
def _count_server_errors(
    request_type: str, name: str, response: Any, exception: Any, **kwargs: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500:
        with _lock:
            _server_errors.append(f"{request_type} {name} -> {status}")


@events.quitting.add_listener
def _write_results(environment: Any, **kwargs: Any) -> None:
    with open(os.environ["COP_LOAD_RESULTS"], "w") as out:
        json.dump(
            {
                "acknowledged": _acknowledged,
                "unacknowledged": _unacknowledged,
                "server_errors": _server_errors,
            },
            out,
        )


def _topic_path() -> str:
    topic_id, slug = random.choice(TARGETS["topics"])
    return f"/discussions/t/{topic_id}/{slug}/"


class AnonymousReader(HttpUser):
    """Reads the public pages a visitor reads, without any cookie."""

    weight = 6
    wait_time = between(0.5, 2)

    @task(4)
    def topic(self) -> None:
        self.client.get(_topic_path(), name="topic")

    @task(2)
    def space(self) -> None:
        self.client.get(
            f"/discussions/s/{random.choice(TARGETS['spaces'])}/", name="space"
        )

    @task(1)
    def discussions(self) -> None:
        self.client.get("/discussions/", name="discussions")

    @task(2)
    def product(self) -> None:
        if TARGETS["products"]:
            self.client.get(random.choice(TARGETS["products"]), name="product")

    @task(1)
    def vendors(self) -> None:
        self.client.get("/vendors/", name="vendors")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(1)
    def api(self) -> None:
        self.client.get("/api/v1/products/", name="api products")


class Searcher(HttpUser):
    """Searches the discussions and the criteria."""

    weight = 2
    wait_time = between(1, 3)

    @task(3)
    def search(self) -> None:
        words = " ".join(random.sample(SEARCH_WORDS, 2))
        self.client.get("/discussions/search/", params={"q": words}, name="search")

    @task(1)
    def criteria(self) -> None:
        self.client.get("/criteria/", name="criteria")


class PostingMember(HttpUser):
    """A signed-in library worker who reads topics and replies to them."""

    weight = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.csrf = secrets.token_hex(16)  # a 32-character secret, as Django's cookie
        self.client.cookies.set("sessionid", next(_sessions))
        self.client.cookies.set("csrftoken", self.csrf)

    @task(3)
    def read(self) -> None:
        self.client.get(_topic_path(), name="topic (member)")

    @task(1)
    def reply(self) -> None:
        topic_id, _slug = random.choice(TARGETS["topics"])
        marker = secrets.token_hex(8)
        with self.client.post(
            f"/discussions/t/{topic_id}/reply/",
            data={
                "csrfmiddlewaretoken": self.csrf,
                "body": f"Load test reply about patron privacy [marker:{marker}]",
            },
            allow_redirects=False,
            name="reply",
            catch_response=True,
        ) as response:
            acknowledged = response.status_code in (302, 303)
            with _lock:
                (_acknowledged if acknowledged else _unacknowledged).append(marker)
            if acknowledged or response.status_code < 500:
                response.success()
