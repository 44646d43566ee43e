"""Open data: what each public list exports, as CSV columns and as JSON, and how it is read.

Each resource names its FilterSet (the same one the HTML page uses, starting from ``public()``),
its facets, its serializer (shared with the API) and its CSV columns. The CSV column names are
documented in docs/open-data.md and are stable: add columns at the end, never rename one.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation

from tracker import filters
from tracker.models import Citation, Claim, Location, Organization, Source, Statistic
from tracker.serializers import (
    ClaimSerializer,
    LocationSerializer,
    OrganizationSerializer,
    SourceSerializer,
    StatisticSerializer,
)

# Rows fetched per database round trip when streaming; prefetches run once per chunk.
CHUNK_SIZE = 2000
# Rows written to the response per yield.
ROWS_PER_WRITE = 200
LIST_SEPARATOR = "; "
LINE_SEPARATOR = "\n"
CONFIDENTIAL_SOURCE = "confidential source on file"
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a single quote."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """Undo ``neutralize`` when reading an exported file back."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


FORMULA_STARTS = frozenset(FORMULA_TRIGGERS)


def cell(value) -> str:
    if value.__class__ is str:  # most cells: checked first, without a call
        return "'" + value if value[:1] in FORMULA_STARTS else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralize(str(value))


def public_citations() -> QuerySet:
    return Citation.objects.public().select_related("source__organization").order_by("pk")


def claims_for_listing(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("location").prefetch_related(
        "categories", "tags", Prefetch("citations", queryset=public_citations())
    )


def statistics_for_listing(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("indicator", "organization", "source__organization", "location")


def sources_for_listing(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("organization")


def unchanged(queryset: QuerySet) -> QuerySet:
    return queryset


# Rows ------------------------------------------------------------------------------------------
#
# The CSV is written from ``values()`` rows, not model instances: building 100,000 claims with
# their prefetched citations costs far more than writing them. A row is a dict of the resource's
# ``fields``; related lists (categories, tags, citations) are added per chunk by ``attach``, with
# one query each, so the number of queries grows with the chunks, never with the rows.

CITATION_FIELDS = {
    "quote": "quote",
    "locator": "locator",
    "stance": "stance",
    "source_confidential": "source__confidential",
    "source_title": "source__title",
    "source_url": "source__url",
    "source_archived_url": "source__archived_url",
    "source_kind": "source__kind",
    "source_organization": "source__organization__slug",
    "source_author": "source__author",
    "source_published_on": "source__published_on",
    "source_published_precision": "source__published_precision",
    "source_language": "source__language",
}


def attach_claim_relations(rows: list[dict]) -> None:
    """Give each claim row its category slugs, tag names and public citations: three queries."""
    by_pk = {row["pk"]: row for row in rows}
    for row in rows:
        row["categories"], row["tags"], row["citations"] = [], [], []
    categories = (
        Claim.categories.through.objects.filter(claim_id__in=by_pk)
        .order_by("category__name", "category_id")
        .values_list("claim_id", "category__slug")
    )
    for claim_id, slug in categories:
        by_pk[claim_id]["categories"].append(slug)
    tags = (
        Claim.tags.through.objects.filter(claim_id__in=by_pk)
        .order_by("tag__name", "tag_id")
        .values_list("claim_id", "tag__name")
    )
    for claim_id, name in tags:
        by_pk[claim_id]["tags"].append(name)
    # The rows are public claims, so all their citations are public: no second status check.
    citations = (
        Citation.objects.filter(claim_id__in=by_pk)
        .order_by("pk")
        .values_list("claim_id", *CITATION_FIELDS.values())
    )
    names = tuple(CITATION_FIELDS)
    for claim_id, *values in citations:
        by_pk[claim_id]["citations"].append(dict(zip(names, values, strict=True)))


def citation_record(citation: dict) -> dict:
    """One citation as the ``citations`` cell holds it; a confidential source only as such."""
    record = {
        "quote": citation["quote"],
        "locator": citation["locator"],
        "stance": citation["stance"],
    }
    if citation["source_confidential"]:
        return {"confidential": True, **record}
    published_on = citation["source_published_on"]
    return {
        "source_title": citation["source_title"],
        "source_url": citation["source_url"],
        "source_archived_url": citation["source_archived_url"],
        "source_kind": citation["source_kind"],
        "source_organization": citation["source_organization"] or "",
        "source_author": citation["source_author"],
        "source_published_on": published_on.isoformat() if published_on else "",
        "source_published_precision": citation["source_published_precision"],
        "source_language": citation["source_language"],
        **record,
    }


def source_title(row: dict, prefix: str = "source_") -> str:
    """A source's title, or only that it exists when it is confidential."""
    return CONFIDENTIAL_SOURCE if row[f"{prefix}confidential"] else row[f"{prefix}title"]


def source_url(row: dict, prefix: str = "source_") -> str:
    return "" if row[f"{prefix}confidential"] else row[f"{prefix}url"]


# Columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[dict], object]


def key(name: str) -> Callable[[dict], object]:
    return itemgetter(name)


def text_or_empty(name: str) -> Callable[[dict], object]:
    """A value that may be missing (an optional relation's field) as an empty cell."""
    return lambda row: row[name] or ""


CLAIM_FIELDS = (
    "pk",
    "title",
    "summary",
    "country",
    "location__slug",
    "place_details",
    "event_start",
    "event_end",
    "ongoing",
    "date_precision",
    "victim_count",
    "victim_description",
    "alleged_perpetrator",
    "verification",
    "verification_rationale",
    "published_at",
)

CLAIM_COLUMNS = [
    Column("id", key("pk")),
    Column("page", key("page")),
    Column("title", key("title")),
    Column("summary", key("summary")),
    Column("categories", lambda r: LIST_SEPARATOR.join(r["categories"])),
    Column("country", key("country")),
    Column("place", text_or_empty("location__slug")),
    Column("place_details", key("place_details")),
    Column("event_start", key("event_start")),
    Column("event_end", key("event_end")),
    Column("ongoing", key("ongoing")),
    Column("date_precision", key("date_precision")),
    Column("victim_count", key("victim_count")),
    Column("victim_description", key("victim_description")),
    Column("alleged_perpetrator", key("alleged_perpetrator")),
    Column("tags", lambda r: LIST_SEPARATOR.join(r["tags"])),
    Column("verification", key("verification")),
    Column("verification_rationale", key("verification_rationale")),
    Column("published_at", key("published_at")),
    Column("citation_count", lambda r: len(r["citations"])),
    Column("source_titles", lambda r: LINE_SEPARATOR.join(map(source_title, r["citations"]))),
    Column("source_urls", lambda r: LINE_SEPARATOR.join(map(source_url, r["citations"]))),
    Column(
        "citations",
        lambda r: json.dumps([citation_record(x) for x in r["citations"]], ensure_ascii=False),
    ),
]

STATISTIC_FIELDS = (
    "pk",
    "indicator__slug",
    "indicator__name",
    "indicator__unit",
    "qualifier",
    "value",
    "value_high",
    "as_of",
    "as_of_precision",
    "period_start",
    "period_start_precision",
    "country",
    "location__slug",
    "organization__slug",
    "organization__name",
    "source__confidential",
    "source__title",
    "source__url",
    "note",
    "quote",
    "locator",
    "verification",
    "verification_rationale",
    "published_at",
)

STATISTIC_COLUMNS = [
    Column("id", key("pk")),
    Column("page", key("page")),
    Column("indicator", key("indicator__slug")),
    Column("indicator_name", key("indicator__name")),
    Column("unit", key("indicator__unit")),
    Column("qualifier", key("qualifier")),
    Column("value", key("value")),
    Column("value_high", key("value_high")),
    Column("as_of", key("as_of")),
    Column("as_of_precision", key("as_of_precision")),
    Column("period_start", key("period_start")),
    Column("period_start_precision", key("period_start_precision")),
    Column("country", key("country")),
    Column("place", text_or_empty("location__slug")),
    Column("organization", key("organization__slug")),
    Column("organization_name", key("organization__name")),
    Column("source_title", lambda r: source_title(r, "source__")),
    Column("source_url", lambda r: source_url(r, "source__")),
    Column("note", key("note")),
    Column("quote", key("quote")),
    Column("locator", key("locator")),
    Column("verification", key("verification")),
    Column("verification_rationale", key("verification_rationale")),
    Column("published_at", key("published_at")),
]

SOURCE_FIELDS = (
    "pk",
    "title",
    "kind",
    "organization__slug",
    "organization__name",
    "author",
    "url",
    "archived_url",
    "published_on",
    "published_precision",
    "accessed_on",
    "language",
    "summary",
)

SOURCE_COLUMNS = [
    Column("id", key("pk")),
    Column("page", key("page")),
    Column("title", key("title")),
    Column("kind", key("kind")),
    Column("organization", text_or_empty("organization__slug")),
    Column("organization_name", text_or_empty("organization__name")),
    Column("author", key("author")),
    Column("url", key("url")),
    Column("archived_url", key("archived_url")),
    Column("published_on", key("published_on")),
    Column("published_precision", key("published_precision")),
    Column("accessed_on", key("accessed_on")),
    Column("language", key("language")),
    Column("summary", key("summary")),
]

ORGANIZATION_FIELDS = (
    "slug",
    "name",
    "acronym",
    "kind",
    "country",
    "website",
    "description",
    "reliability",
    "reliability_rationale",
)

ORGANIZATION_COLUMNS = [
    Column("slug", key("slug")),
    Column("page", key("page")),
    Column("name", key("name")),
    Column("acronym", key("acronym")),
    Column("kind", key("kind")),
    Column("country", key("country")),
    Column("website", key("website")),
    Column("description", key("description")),
    Column("reliability", key("reliability")),
    Column("reliability_rationale", key("reliability_rationale")),
]

PLACE_FIELDS = ("slug", "name", "kind", "country", "description", "opened_year")

PLACE_COLUMNS = [
    Column("slug", key("slug")),
    Column("page", key("page")),
    Column("name", key("name")),
    Column("kind", key("kind")),
    Column("country", key("country")),
    Column("description", key("description")),
    Column("opened_year", key("opened_year")),
]


def page_link(viewname: str, kwarg: str) -> Callable[[object], str]:
    """``reverse(viewname, kwargs={kwarg: value})`` for many values: resolved once, then filled.

    The marker stands for the value in a path reversed once; slugs and primary keys need no
    quoting, so filling in the value gives what ``reverse`` would.
    """
    marker = "0" if kwarg == "pk" else "marker"
    prefix, _, suffix = reverse(viewname, kwargs={kwarg: marker}).rpartition(marker)
    return lambda value: f"{prefix}{value}{suffix}"


# Resources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One public list in its machine-readable forms."""

    name: str
    model: type
    filterset_class: type
    serializer_class: type
    columns: list[Column]
    fields: tuple[str, ...]
    page_view: str  # the public page of one entry, reversed with the row's ``page_key``
    page_key: str = "pk"
    for_listing: Callable[[QuerySet], QuerySet] = unchanged
    attach: Callable[[list[dict]], None] | None = None
    facets: list = field(default_factory=list)
    default_ordering: tuple[str, ...] = ()

    def filterset(self, params):
        return self.filterset_class(params)

    def ordered(self, filterset) -> QuerySet:
        queryset = filterset.qs
        if not queryset.query.order_by and self.default_ordering:
            queryset = queryset.order_by(*self.default_ordering)
        return queryset

    def queryset(self, filterset) -> QuerySet:
        """The filtered public rows, ready to list without a query per row."""
        return self.for_listing(self.ordered(filterset))

    def rows(self, filterset) -> Iterator[dict]:
        """The filtered public rows as dicts of ``fields`` plus ``page``, read chunk by chunk."""
        with translation.override(settings.LANGUAGE_CODE):
            link = page_link(self.page_view, self.page_key)
        values = self.ordered(filterset).values(*self.fields).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(values, CHUNK_SIZE)):
            if self.attach is not None:
                self.attach(chunk)
            for row in chunk:
                row["page"] = link(row[self.page_key])
                yield row


RESOURCES = {
    "claims": Resource(
        "claims",
        Claim,
        filters.ClaimFilter,
        ClaimSerializer,
        CLAIM_COLUMNS,
        CLAIM_FIELDS,
        "public:claim_detail",
        for_listing=claims_for_listing,
        attach=attach_claim_relations,
        facets=filters.CLAIM_FACETS,
    ),
    "statistics": Resource(
        "statistics",
        Statistic,
        filters.StatisticFilter,
        StatisticSerializer,
        STATISTIC_COLUMNS,
        STATISTIC_FIELDS,
        "public:statistic_detail",
        for_listing=statistics_for_listing,
        facets=filters.STATISTIC_FACETS,
    ),
    "sources": Resource(
        "sources",
        Source,
        filters.SourceFilter,
        SourceSerializer,
        SOURCE_COLUMNS,
        SOURCE_FIELDS,
        "public:source_detail",
        for_listing=sources_for_listing,
        default_ordering=("-published_on", "title", "pk"),
    ),
    "organizations": Resource(
        "organizations",
        Organization,
        filters.OrganizationFilter,
        OrganizationSerializer,
        ORGANIZATION_COLUMNS,
        ORGANIZATION_FIELDS,
        "public:organization_detail",
        page_key="slug",
        default_ordering=("name", "pk"),
    ),
    "places": Resource(
        "places",
        Location,
        filters.LocationFilter,
        LocationSerializer,
        PLACE_COLUMNS,
        PLACE_FIELDS,
        "public:location_detail",
        page_key="slug",
        default_ordering=("name", "pk"),
    ),
}


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_rows(columns: list[Column], rows: Iterable[dict]) -> Iterator[str]:
    """The header and one line per row, a few hundred lines per chunk of text."""
    writer = csv.writer(Echo())
    yield writer.writerow([column.name for column in columns])
    values = [column.value for column in columns]
    batch = []
    for row in rows:
        batch.append(writer.writerow([cell(value(row)) for value in values]))
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def stream_csv(resource: Resource, filterset) -> Iterator[str]:
    """Stream a whole result set with flat memory: a chunk of rows at a time."""
    return csv_rows(resource.columns, resource.rows(filterset))
