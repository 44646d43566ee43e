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

from django.conf import settings
from django.db.models import Prefetch, QuerySet
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
CHUNK_SIZE = 1000
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


def cell(value) -> str:
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


# Citations -------------------------------------------------------------------------------------


def citation_record(citation: Citation) -> dict:
    """One citation as the ``citations`` cell holds it; a confidential source only as such."""
    source = citation.source
    record = {"quote": citation.quote, "locator": citation.locator, "stance": citation.stance}
    if source.confidential:
        return {"confidential": True, **record}
    return {
        "source_title": source.title,
        "source_url": source.url,
        "source_archived_url": source.archived_url,
        "source_kind": source.kind,
        "source_organization": source.organization.slug if source.organization_id else "",
        "source_author": source.author,
        "source_published_on": source.published_on.isoformat() if source.published_on else "",
        "source_published_precision": source.published_precision,
        "source_language": source.language,
        **record,
    }


def citations_of(claim: Claim) -> list[Citation]:
    """The prefetched public citations, listed once per row however many columns use them."""
    cached = claim.__dict__.get("_export_citations")
    if cached is None:
        cached = claim.__dict__["_export_citations"] = list(claim.citations.all())
    return cached


def source_title(source: Source) -> str:
    return CONFIDENTIAL_SOURCE if source.confidential else source.title


def source_url(source: Source) -> str:
    return "" if source.confidential else source.url


# Columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[object], object]


def page(obj) -> str:
    return obj.get_absolute_url()


CLAIM_COLUMNS = [
    Column("id", lambda c: c.pk),
    Column("page", page),
    Column("title", lambda c: c.title),
    Column("summary", lambda c: c.summary),
    Column("categories", lambda c: LIST_SEPARATOR.join(x.slug for x in c.categories.all())),
    Column("country", lambda c: c.country.code),
    Column("place", lambda c: c.location.slug if c.location_id else ""),
    Column("place_details", lambda c: c.place_details),
    Column("event_start", lambda c: c.event_start),
    Column("event_end", lambda c: c.event_end),
    Column("ongoing", lambda c: c.ongoing),
    Column("date_precision", lambda c: c.date_precision),
    Column("victim_count", lambda c: c.victim_count),
    Column("victim_description", lambda c: c.victim_description),
    Column("alleged_perpetrator", lambda c: c.alleged_perpetrator),
    Column("tags", lambda c: LIST_SEPARATOR.join(x.name for x in c.tags.all())),
    Column("verification", lambda c: c.verification),
    Column("verification_rationale", lambda c: c.verification_rationale),
    Column("published_at", lambda c: c.published_at),
    Column("citation_count", lambda c: len(citations_of(c))),
    Column(
        "source_titles",
        lambda c: LINE_SEPARATOR.join(source_title(x.source) for x in citations_of(c)),
    ),
    Column(
        "source_urls",
        lambda c: LINE_SEPARATOR.join(source_url(x.source) for x in citations_of(c)),
    ),
    Column(
        "citations",
        lambda c: json.dumps([citation_record(x) for x in citations_of(c)], ensure_ascii=False),
    ),
]

STATISTIC_COLUMNS = [
    Column("id", lambda s: s.pk),
    Column("page", page),
    Column("indicator", lambda s: s.indicator.slug),
    Column("indicator_name", lambda s: s.indicator.name),
    Column("unit", lambda s: s.indicator.unit),
    Column("qualifier", lambda s: s.qualifier),
    Column("value", lambda s: s.value),
    Column("value_high", lambda s: s.value_high),
    Column("as_of", lambda s: s.as_of),
    Column("as_of_precision", lambda s: s.as_of_precision),
    Column("period_start", lambda s: s.period_start),
    Column("period_start_precision", lambda s: s.period_start_precision),
    Column("country", lambda s: s.country.code),
    Column("place", lambda s: s.location.slug if s.location_id else ""),
    Column("organization", lambda s: s.organization.slug),
    Column("organization_name", lambda s: s.organization.name),
    Column("source_title", lambda s: source_title(s.source)),
    Column("source_url", lambda s: source_url(s.source)),
    Column("note", lambda s: s.note),
    Column("quote", lambda s: s.quote),
    Column("locator", lambda s: s.locator),
    Column("verification", lambda s: s.verification),
    Column("verification_rationale", lambda s: s.verification_rationale),
    Column("published_at", lambda s: s.published_at),
]

SOURCE_COLUMNS = [
    Column("id", lambda s: s.pk),
    Column("page", page),
    Column("title", lambda s: s.title),
    Column("kind", lambda s: s.kind),
    Column("organization", lambda s: s.organization.slug if s.organization_id else ""),
    Column("organization_name", lambda s: s.organization.name if s.organization_id else ""),
    Column("author", lambda s: s.author),
    Column("url", lambda s: s.url),
    Column("archived_url", lambda s: s.archived_url),
    Column("published_on", lambda s: s.published_on),
    Column("published_precision", lambda s: s.published_precision),
    Column("accessed_on", lambda s: s.accessed_on),
    Column("language", lambda s: s.language),
    Column("summary", lambda s: s.summary),
]

ORGANIZATION_COLUMNS = [
    Column("slug", lambda o: o.slug),
    Column("page", page),
    Column("name", lambda o: o.name),
    Column("acronym", lambda o: o.acronym),
    Column("kind", lambda o: o.kind),
    Column("country", lambda o: o.country.code),
    Column("website", lambda o: o.website),
    Column("description", lambda o: o.description),
    Column("reliability", lambda o: o.reliability),
    Column("reliability_rationale", lambda o: o.reliability_rationale),
]

PLACE_COLUMNS = [
    Column("slug", lambda p: p.slug),
    Column("page", page),
    Column("name", lambda p: p.name),
    Column("kind", lambda p: p.kind),
    Column("country", lambda p: p.country.code),
    Column("description", lambda p: p.description),
    Column("opened_year", lambda p: p.opened_year),
]


# Resources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One public list in its machine-readable forms."""

    name: str
    model: type
    filterset_class: type
    serializer_class: type
    columns: list[Column]
    for_listing: Callable[[QuerySet], QuerySet] = unchanged
    facets: list = field(default_factory=list)
    default_ordering: tuple[str, ...] = ()

    def filterset(self, params):
        return self.filterset_class(params)

    def queryset(self, filterset) -> QuerySet:
        """The filtered public rows, ready to list without a query per row."""
        queryset = filterset.qs
        if not queryset.query.order_by and self.default_ordering:
            queryset = queryset.order_by(*self.default_ordering)
        return self.for_listing(queryset)


RESOURCES = {
    "claims": Resource(
        "claims",
        Claim,
        filters.ClaimFilter,
        ClaimSerializer,
        CLAIM_COLUMNS,
        claims_for_listing,
        filters.CLAIM_FACETS,
    ),
    "statistics": Resource(
        "statistics",
        Statistic,
        filters.StatisticFilter,
        StatisticSerializer,
        STATISTIC_COLUMNS,
        statistics_for_listing,
        filters.STATISTIC_FACETS,
    ),
    "sources": Resource(
        "sources",
        Source,
        filters.SourceFilter,
        SourceSerializer,
        SOURCE_COLUMNS,
        sources_for_listing,
        default_ordering=("-published_on", "title", "pk"),
    ),
    "organizations": Resource(
        "organizations",
        Organization,
        filters.OrganizationFilter,
        OrganizationSerializer,
        ORGANIZATION_COLUMNS,
        default_ordering=("name", "pk"),
    ),
    "places": Resource(
        "places",
        Location,
        filters.LocationFilter,
        LocationSerializer,
        PLACE_COLUMNS,
        default_ordering=("name", "pk"),
    ),
}


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_rows(columns: list[Column], objects: Iterable) -> Iterator[str]:
    """The header and one line per object, a few hundred lines per chunk of text."""
    writer = csv.writer(Echo())
    yield writer.writerow([column.name for column in columns])
    batch = []
    with translation.override(settings.LANGUAGE_CODE):
        for obj in objects:
            batch.append(writer.writerow([cell(column.value(obj)) for column in columns]))
            if len(batch) >= ROWS_PER_WRITE:
                yield "".join(batch)
                batch = []
    if batch:
        yield "".join(batch)


def stream_csv(resource: Resource, queryset: QuerySet) -> Iterator[str]:
    """Stream a whole result set with flat memory: chunks of rows, prefetches per chunk."""
    return csv_rows(resource.columns, queryset.iterator(chunk_size=CHUNK_SIZE))
