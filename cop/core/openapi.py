"""drf-spectacular hooks: the published schema describes the public API only, truly.

``public_api_only`` drops Wagtail's internal admin API. ``document_errors`` adds what
the generator cannot know: the 400 every operation gives for an unknown, repeated,
malformed or control-character parameter, the 404 for a missing object or a page past
the end, the 503 while the database is unreachable, the patterns Django's path
converters enforce, and the bounds of the pagination parameters.
"""

from __future__ import annotations

from typing import Any

PUBLIC_API_PREFIX = "/api/v1/"
# Django's path converters: a path that does not match them is a 404 before any view.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
MAX_PAGE_SIZE = 100
# cop.core.control_characters refuses C0 (but tab, LF, CR), DEL and C1 controls.
NO_CONTROL_CHARACTERS = (
    "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
)

_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_VALIDATION_ERRORS = {
    "type": "object",
    "description": "Each wrong parameter with its messages; `detail` for the request as a whole.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}
        },
    }


def public_api_only(
    endpoints: list[tuple[Any, ...]], **kwargs: Any
) -> list[tuple[Any, ...]]:
    """Keep the endpoints under ``/api/v1/``; drop Wagtail's internal admin API."""
    return [
        endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_API_PREFIX)
    ]


def _tighten_parameter(parameter: dict[str, Any]) -> None:
    schema = parameter.setdefault("schema", {})
    if parameter["in"] == "path":
        if schema.get("type") == "string":
            schema.setdefault("pattern", SLUG_PATTERN)
        elif schema.get("type") == "integer":
            schema.setdefault("minimum", 0)
    elif schema.get("type") == "string":
        schema.setdefault("pattern", NO_CONTROL_CHARACTERS)
    elif parameter["name"] == "page":
        schema.setdefault("minimum", 1)
    elif parameter["name"] == "page_size":
        schema.setdefault("minimum", 1)
        parameter["description"] = (
            f"Number of results per page (default 50); more than {MAX_PAGE_SIZE} "
            f"gives {MAX_PAGE_SIZE}."
        )


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the error answers, path patterns and pagination bounds to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = _ERROR
    schemas["ValidationErrors"] = _VALIDATION_ERRORS
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                _tighten_parameter(parameter)
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "400",
                _json(
                    "ValidationErrors",
                    "A query parameter is unknown, given twice or invalid, or the "
                    "request holds control characters.",
                ),
            )
            responses.setdefault(
                "404", _json("Error", "No such object, or a page past the last one.")
            )
            responses.setdefault(
                "503",
                _json(
                    "Error",
                    "The database is briefly unreachable; try again after Retry-After seconds.",
                ),
            )
    return result
