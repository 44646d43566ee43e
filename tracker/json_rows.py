"""The JSON pages of a public list built from ``values()`` rows, in its serializer's shape.

The JSON export and the API give a page of a list as its serializer (``tracker.serializers``)
shapes it. Built from model instances, a page of 100 claims makes about 1,100 objects (claims,
places, categories, citations, their sources and organisations) and a serializer call for each,
several times the cost of the statements that read them. A list declaring a ``json_row`` builds
its pages here instead: the ``values()`` rows the CSV reads (``PublicList.rows``), with their
related lists attached, each turned into the serializer's dict by ``shaped_like``.

The shape is still the serializer's: a plain field's value is written by the serializer's own
field (dates, times and numbers as the API writes them), only the fields named in ``overrides``
are read another way, and a test compares every claim's row with the serializer's output.
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework.fields import Field

from tracker.models.sources import public_source_title, withheld
from tracker.serializers import (
    CitationSerializer,
    CitedSourceSerializer,
    ClaimSerializer,
    OrganizationRefSerializer,
)


def written_by(field: Field) -> Callable[[object], object]:
    """What ``field`` writes for a value read from a row: as the serializer does, ``None`` stays
    ``None`` and any other value goes through the field's ``to_representation``."""
    represent = field.to_representation
    return lambda value: None if value is None else represent(value)


def shaped_like(
    serializer_class, overrides: dict[str, Callable[[dict], object]]
) -> Callable[[dict], dict]:
    """A function giving, for a row of ``values()``, the dict ``serializer_class`` gives for the
    same entry: its fields in its order, each written by the serializer's own field from the
    row's value of the same name, or by ``overrides[name](row)``."""
    fields = serializer_class().fields
    parts = [
        (name, overrides[name])
        if name in overrides
        else (name, _plain(name, written_by(fields[name])))
        for name in serializer_class.Meta.fields
    ]

    def shaped(row: dict) -> dict:
        return {name: part(row) for name, part in parts}

    return shaped


def _plain(name: str, write: Callable[[object], object]) -> Callable[[dict], object]:
    return lambda row: write(row[name])


# --- Claims -------------------------------------------------------------------------------------
#
# A claim row is ``PublicList.rows``'s: its CSV ``fields``, its ``page`` and, from
# ``exports.attach_claim_relations``, its ``categories`` (slugs), ``tags`` (names) and
# ``citations`` (dicts of ``exports.CITATION_FIELDS``).

_CITATION_FIELDS = CitationSerializer().fields


def cited_organization(citation: dict) -> dict | None:
    """The cited source's organisation as ``OrganizationRefSerializer`` gives it."""
    if citation["source_organization_slug"] is None:
        return None
    return {
        name: citation[f"source_organization_{name}"]
        for name in OrganizationRefSerializer.Meta.fields
    }


# Each field of a cited source: its name, how it is written from the citation's row, and what
# a confidential source shows in its place. Worked out once: a page has hundreds of citations.
_SOURCE_PARTS = tuple(
    (
        name,
        cited_organization
        if name == "organization"
        else _plain(f"source_{name}", written_by(field)),
        None if field.allow_null else "",
    )
    for name, field in CitedSourceSerializer().fields.items()
)


def cited_source(citation: dict) -> dict:
    """A citation's source as ``CitedSourceSerializer`` gives it: a confidential one only said
    to exist, its title telling so and every other field ``withheld``."""
    confidential = citation["source_confidential"]
    data = {
        name: withheld(part(citation), confidential, blank) for name, part, blank in _SOURCE_PARTS
    }
    if confidential:
        data.update(confidential=True, title=public_source_title(citation["source_title"], True))
    return data


_QUOTE = written_by(_CITATION_FIELDS["quote"])
_LOCATOR = written_by(_CITATION_FIELDS["locator"])
_STANCE = written_by(_CITATION_FIELDS["stance"])


def claim_citation(citation: dict) -> dict:
    """A citation as ``CitationSerializer`` gives it (its quoted words ``withheld`` with a
    confidential source)."""
    confidential = citation["source_confidential"]
    return {
        "source": cited_source(citation),
        "quote": _QUOTE(withheld(citation["quote"], confidential)),
        "locator": _LOCATOR(withheld(citation["locator"], confidential)),
        "stance": _STANCE(citation["stance"]),
    }


CLAIM_JSON_ROW = shaped_like(
    ClaimSerializer,
    {
        "id": lambda row: row["pk"],
        "url": lambda row: row["page"],
        "categories": lambda row: row["categories"],
        "tags": lambda row: row["tags"],
        "place": lambda row: row["location__slug"],
        "citations": lambda row: [claim_citation(citation) for citation in row["citations"]],
    },
)
