"""Python run by ``manage.py shell`` on the benchmark database (see :mod:`tests.bench.harness`).

Each prints one line ``BENCH-JSON <json>`` that the harness reads.
"""

from __future__ import annotations

from typing import Final

#: After seeding: write the dirty pages now (PostgreSQL; a role that may CHECKPOINT).
CHECKPOINT: Final = """
from django.db import connection, DatabaseError
if connection.vendor == "postgresql":
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:
        print("no CHECKPOINT before measuring:", exc)
"""

#: The measured paths and a session of the demo library worker.
DISCOVER: Final = """
import json
from importlib import import_module
from urllib.parse import quote
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from discussions.models import Topic

out = {"cookie_name": settings.SESSION_COOKIE_NAME, "session": "", "csrf_cookie": "",
       "index": reverse("discussions:index"), "space": "", "topic": "", "posts": 0}
topic = (
    Topic.objects.filter(
        space__visibility="public", review_state="approved", hidden_at__isnull=True,
        embargo_state__in=["none", "released"],
    ).order_by("-post_count", "pk").first()
)
if topic is not None:
    middle = topic.posts.filter(
        number__gte=max(1, topic.last_post_number // 2)
    ).order_by("number").first()
    out["topic"] = middle.get_absolute_url().split("#")[0]
    out["space"] = topic.space.get_absolute_url()
    out["posts"] = topic.post_count
answer = Client(HTTP_HOST="127.0.0.1").get("/api/v1/products/?page_size=100")
products = answer.json()["results"] if answer.status_code == 200 else []
disclosed = [p for p in products if p.get("published_at")]
chosen = (disclosed + [p for p in products if not p.get("published_at")])[:6]
out["published_products"] = len(disclosed)
out["product"] = (disclosed or chosen)[0]["page_url"] if chosen else ""
out["compared"] = len(chosen)
out["compare"] = (
    "/vendors/compare/?" + "&".join("p=" + quote(p["key"], safe="") for p in chosen)
    if chosen else ""
)
from cop.guides.models import GuidePage
guide = GuidePage.objects.live().public().order_by("path").first()
out["guide"] = guide.url if guide is not None else ""
user = get_user_model().objects.filter(email="library@example.org").first()
if user is not None:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out["session"] = session.session_key
    # A signed-in browser also sends the CSRF cookie it got with the sign-in form.
    from django.middleware.csrf import _get_new_csrf_string
    out["csrf_cookie"] = f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
print("BENCH-JSON " + json.dumps(out))
"""

#: SQL queries of the second request to each path (the steady state under load),
#: anonymous and as the demo library worker. ``%(paths)s``: a JSON list.
COUNT_QUERIES: Final = """
import json
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

paths = json.loads(%(paths)r)
member = get_user_model().objects.get(email="library@example.org")
signed_in = Client(HTTP_HOST="127.0.0.1")
signed_in.force_login(member)
out = {}
for path in paths:
    counts = {}
    for role in ("anon", "member"):
        for attempt in range(2):
            client = signed_in if role == "member" else Client(HTTP_HOST="127.0.0.1")
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
        counts[role] = len(queries)
    out[path] = counts
print("BENCH-JSON " + json.dumps(out))
"""
