"""The public API answers what its OpenAPI schema says, for generated requests.

schemathesis reads the live schema (``/api/v1/schema/``) and sends requests built
from it (valid and invalid query and path parameters) through Django's WSGI
application; every response must be documented (status, content type, body shape).
Half the requests use the slugs and numbers of a published product, so that the
200 answers are checked as well as the 400s and 404s. Examples are bounded so the
whole run takes well under a minute.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.vendors.public_support import *  # noqa: F403 - published_a and its fixtures

MAX_EXAMPLES = 40


@pytest.fixture
def known(published_a: Any) -> dict[str, Any]:
    return {
        "vendor_slug": published_a.organisation.slug,
        "product_slug": published_a.slug,
        "number": 1,
        "code": "VPD-1",
    }


# The live schema, read through the WSGI application (no database needed for it).
@pytest.fixture
def keep_test_connection() -> Any:
    """Keep the test's database connection open across WSGI requests.

    A WSGI request closes old connections when it ends; Django's test client turns
    that off, and so must a test that calls the WSGI application itself.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: CI stays reproducible
    database=None,  # no .hypothesis/ folder in the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(
    case: Any, known: dict[str, Any], keep_test_connection: None
) -> None:
    if case.path_parameters and len(repr(case.query)) % 2 == 0:
        case.path_parameters.update(
            {k: v for k, v in known.items() if k in case.path_parameters}
        )
    case.call_and_validate()


# ----------------------------------------------------------------- the rules behind it


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/vendors/?colour=red", "colour"),
        ("/api/v1/?format=xml", "format"),
        ("/api/v1/criteria/?domain=RET&domain=ACC", "domain"),
        ("/api/v1/criteria/?domain=" + "x" * 21, "domain"),
        ("/api/v1/products/?page=0", "page"),
        ("/api/v1/products/?page_size=many", "page_size"),
        ("/api/v1/products/vendor-a/stacks/changelog/?from=0", "from"),
        ("/api/v1/products/vendor-a/stacks/changelog/?to=x;drop", "to"),
        ("/api/v1/products/vendor-a/stacks/changelog/?from=", "from"),
    ],
)
@pytest.mark.django_db
def test_api_refuses_unknown_repeated_or_invalid_parameters_with_400(
    client, published_a, url, field
):
    response = client.get(url)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_api_changelog_accepts_what_its_schema_allows(client, published_a):
    url = "/api/v1/products/vendor-a/stacks/changelog/"
    assert client.get(url, {"from": 1, "to": 1}).status_code == 200
    operation = client.get("/api/v1/schema/").json()["paths"][
        "/api/v1/products/{vendor_slug}/{product_slug}/changelog/"
    ]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["from"]["minimum"] == 1
    assert parameters["to"]["maximum"] == 99_999_999


@pytest.mark.django_db
def test_api_path_that_matches_no_endpoint_answers_json_404(client):
    response = client.get("/api/v1/vendors/not a slug!/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_api_schema_documents_400_404_and_503_for_every_operation(client):
    paths = client.get("/api/v1/schema/").json()["paths"]
    assert paths
    for operations in paths.values():
        for operation in operations.values():
            assert {"200", "400", "404", "503"} <= set(operation["responses"])
