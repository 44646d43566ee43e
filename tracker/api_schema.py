"""The API schema's error answers, added to every operation (a drf-spectacular hook).

drf-spectacular describes what a view returns when all goes well; a read-only API also answers
400 (a filter value it cannot read), 404 (no such public entry) and 429 (the throttle), and a
client generated from the schema should know their shape.
"""

from __future__ import annotations

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's answer to an invalid filter: each parameter with its errors.
INVALID_FILTERS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


# Every request with a NUL character is refused before any view (tracker.middleware): no text
# parameter may hold one.
NO_NUL = "^[^\\x00]*$"


def response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def without_nul(schema: dict) -> None:
    """Give a free text parameter (or each item of a list of them) the no-NUL pattern."""
    target = schema.get("items", schema) if schema.get("type") == "array" else schema
    if target.get("type") == "string" and "enum" not in target and "pattern" not in target:
        target["pattern"] = NO_NUL


def document_errors(result, generator, request, public):
    """Give every operation its 400, 404 and 429, and every text parameter the no-NUL rule."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = DETAIL
    schemas["InvalidFilters"] = INVALID_FILTERS
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                without_nul(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "400",
                response(
                    "A filter value that cannot be read, or a request the site refuses.",
                    {"anyOf": [ref("InvalidFilters"), ref("ErrorDetail")]},
                ),
            )
            responses.setdefault(
                "404",
                response("No such public entry, or no such page of the list.", ref("ErrorDetail")),
            )
            responses.setdefault(
                "429", response("Too many requests from this address.", ref("ErrorDetail"))
            )
    return result
