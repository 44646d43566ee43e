"""Open data: what each public list exports, as CSV columns and as JSON, and how it is read.

Each resource names its FilterSet (the same one the HTML page uses, starting from ``public()``),
its facets, its serializer (shared with the API) and its CSV columns. The CSV column names are
documented in docs/open-data.md and are stable: add columns at the end, never rename one.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter

from django.conf import settings
from django.db import connections
from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import RowNumber
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
    if citation["source_confidential"]:
        # Nothing but the stance: a quote or a page of a confidential source can identify a witness.
        return {"confidential": True, "stance": citation["stance"]}
    record = {
        "quote": citation["quote"],
        "locator": citation["locator"],
        "stance": citation["stance"],
    }
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


def excerpt(row: dict, name: str) -> str:
    """A figure's quote or locator, or nothing when its source is confidential."""
    return "" if row["source__confidential"] else row[name]


# Columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[dict], object]
    reads: tuple[str, ...] = ()  # the ``values()`` paths that ``value`` reads from a row


def field(name: str, path: str = "", *, optional: bool = False) -> Column:
    """A column holding one field's value (``path``, by default the column's name); with
    ``optional``, a missing value of an optional relation is an empty cell."""
    path = path or name
    value = (lambda row: row[path] or "") if optional else itemgetter(path)
    return Column(name, value, (path,))


PAGE = Column("page", itemgetter("page"))  # added to every row by ``Resource.rows``

CLAIM_COLUMNS = [
    field("id", "pk"),
    PAGE,
    field("title"),
    field("summary"),
    Column("categories", lambda r: LIST_SEPARATOR.join(r["categories"])),
    field("country"),
    field("place", "location__slug", optional=True),
    field("place_details"),
    field("event_start"),
    field("event_end"),
    field("ongoing"),
    field("date_precision"),
    field("victim_count"),
    field("victim_description"),
    field("alleged_perpetrator"),
    Column("tags", lambda r: LIST_SEPARATOR.join(r["tags"])),
    field("verification"),
    field("verification_rationale"),
    field("published_at"),
    Column("citation_count", lambda r: len(r["citations"])),
    Column("source_titles", lambda r: LINE_SEPARATOR.join(map(source_title, r["citations"]))),
    Column("source_urls", lambda r: LINE_SEPARATOR.join(map(source_url, r["citations"]))),
    Column(
        "citations",
        lambda r: json.dumps([citation_record(x) for x in r["citations"]], ensure_ascii=False),
    ),
]

STATISTIC_COLUMNS = [
    field("id", "pk"),
    PAGE,
    field("indicator", "indicator__slug"),
    field("indicator_name", "indicator__name"),
    field("unit", "indicator__unit"),
    field("qualifier"),
    field("value"),
    field("value_high"),
    field("as_of"),
    field("as_of_precision"),
    field("period_start"),
    field("period_start_precision"),
    field("country"),
    field("place", "location__slug", optional=True),
    field("organization", "organization__slug"),
    field("organization_name", "organization__name"),
    Column(
        "source_title",
        lambda r: source_title(r, "source__"),
        ("source__confidential", "source__title"),
    ),
    Column(
        "source_url", lambda r: source_url(r, "source__"), ("source__confidential", "source__url")
    ),
    field("note"),
    Column("quote", lambda r: excerpt(r, "quote"), ("source__confidential", "quote")),
    Column("locator", lambda r: excerpt(r, "locator"), ("source__confidential", "locator")),
    field("verification"),
    field("verification_rationale"),
    field("published_at"),
]

SOURCE_COLUMNS = [
    field("id", "pk"),
    PAGE,
    field("title"),
    field("kind"),
    field("organization", "organization__slug", optional=True),
    field("organization_name", "organization__name", optional=True),
    field("author"),
    field("url"),
    field("archived_url"),
    field("published_on"),
    field("published_precision"),
    field("accessed_on"),
    field("language"),
    field("summary"),
]

ORGANIZATION_COLUMNS = [
    field("slug"),
    PAGE,
    field("name"),
    field("acronym"),
    field("kind"),
    field("country"),
    field("website"),
    field("description"),
    field("reliability"),
    field("reliability_rationale"),
]

PLACE_COLUMNS = [
    field("slug"),
    PAGE,
    field("name"),
    field("kind"),
    field("country"),
    field("description"),
    field("opened_year"),
]


def page_link(viewname: str, kwarg: str) -> Callable[[object], str]:
    """``reverse(viewname, kwargs={kwarg: value})`` for many values: resolved once, then filled.

    The marker stands for the value in a path reversed once; slugs and primary keys need no
    quoting, so filling in the value gives what ``reverse`` would.
    """
    marker = "0" if kwarg == "pk" else "marker"
    prefix, _, suffix = reverse(viewname, kwargs={kwarg: marker}).rpartition(marker)
    return lambda value: f"{prefix}{value}{suffix}"


# The claims CSV in SQL (PostgreSQL) ------------------------------------------------------------
#
# Each column is written as exactly the text ``cell()`` gives it: NULL for an empty cell (COPY
# writes NULL as an empty field but '' as ""), formulas neutralised, dates and times in ISO 8601
# as Python writes them, the citations cell as ``json.dumps`` writes it.

FORMULA_SQL = "'=', '+', '-', '@', E'\\t', E'\\r'"  # FORMULA_TRIGGERS as SQL literals


def sql_text(sql: str) -> str:
    """A text cell: neutralised like ``neutralize``, NULL when empty."""
    return (
        f"NULLIF(CASE WHEN left({sql}, 1) IN ({FORMULA_SQL}) THEN '''' || {sql} ELSE {sql} END, '')"
    )


def sql_date(sql: str) -> str:
    return f"to_char({sql}, 'YYYY-MM-DD')"


def sql_timestamp(sql: str) -> str:
    """``datetime.isoformat()`` of the UTC time: microseconds only when there are some."""
    utc = f"({sql} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN to_char({utc}, 'US') = "
        f"'000000' THEN '' ELSE '.' || to_char({utc}, 'US') END || '+00:00'"
    )


def sql_json_object(*pairs: tuple[str, str]) -> str:
    """A JSON object as ``json.dumps`` writes it: ``{"key": value, ...}``; strings go through
    ``to_json``, which escapes as ``json.dumps(ensure_ascii=False)`` does."""
    inner = " || ', ' || ".join(f"""'"{key}": ' || {value}""" for key, value in pairs)
    return f"'{{' || {inner} || '}}'"


def sql_json_string(sql: str) -> str:
    return f"to_json(COALESCE({sql}, ''))::text"


CITATION_JSON_SQL = (
    "CASE WHEN s.confidential THEN "
    + sql_json_object(
        ("confidential", "'true'"),
        ("stance", sql_json_string("ci.stance")),
    )
    + " ELSE "
    + sql_json_object(
        ("source_title", sql_json_string("s.title")),
        ("source_url", sql_json_string("s.url")),
        ("source_archived_url", sql_json_string("s.archived_url")),
        ("source_kind", sql_json_string("s.kind")),
        ("source_organization", sql_json_string("o.slug")),
        ("source_author", sql_json_string("s.author")),
        ("source_published_on", sql_json_string(sql_date("s.published_on"))),
        ("source_published_precision", sql_json_string("s.published_precision")),
        ("source_language", sql_json_string("s.language")),
        ("quote", sql_json_string("ci.quote")),
        ("locator", sql_json_string("ci.locator")),
        ("stance", sql_json_string("ci.stance")),
    )
    + " END"
)
CONFIDENTIAL_SQL = "'" + CONFIDENTIAL_SOURCE.replace("'", "''") + "'"

# One SELECT expression per CLAIM_COLUMNS entry, over the claim ``c``, its place ``l`` and its
# citations summarised once per claim in ``cit``.
CLAIM_COPY_COLUMNS = {
    "id": "c.id",
    "page": "%s || c.id || %s",
    "title": sql_text("c.title"),
    "summary": sql_text("c.summary"),
    "categories": sql_text(
        f"(SELECT string_agg(cat.slug, '{LIST_SEPARATOR}' ORDER BY cat.name, cat.id) "
        "FROM tracker_claim_categories cc JOIN tracker_category cat ON cat.id = cc.category_id "
        "WHERE cc.claim_id = c.id)"
    ),
    "country": sql_text("c.country"),
    "place": sql_text("l.slug"),
    "place_details": sql_text("c.place_details"),
    "event_start": sql_date("c.event_start"),
    "event_end": sql_date("c.event_end"),
    "ongoing": "CASE WHEN c.ongoing THEN 'true' ELSE 'false' END",
    "date_precision": sql_text("c.date_precision"),
    "victim_count": "c.victim_count",
    "victim_description": sql_text("c.victim_description"),
    "alleged_perpetrator": sql_text("c.alleged_perpetrator"),
    "tags": sql_text(
        f"(SELECT string_agg(tag.name, '{LIST_SEPARATOR}' ORDER BY tag.name, tag.id) "
        "FROM tracker_claim_tags ct JOIN tracker_tag tag ON tag.id = ct.tag_id "
        "WHERE ct.claim_id = c.id)"
    ),
    "verification": sql_text("c.verification"),
    "verification_rationale": sql_text("c.verification_rationale"),
    "published_at": sql_timestamp("c.published_at"),
    "citation_count": "cit.count",
    "source_titles": sql_text("cit.titles"),
    "source_urls": sql_text("cit.urls"),
    "citations": "cit.records",
}
CLAIM_COPY_CITATIONS = f"""
    SELECT count(*) AS count,
        string_agg(CASE WHEN s.confidential THEN {CONFIDENTIAL_SQL} ELSE s.title END, E'\\n'
            ORDER BY ci.id) AS titles,
        string_agg(CASE WHEN s.confidential THEN '' ELSE s.url END, E'\\n' ORDER BY ci.id) AS urls,
        COALESCE('[' || string_agg({CITATION_JSON_SQL}, ', ' ORDER BY ci.id) || ']', '[]')
            AS records
    FROM tracker_citation ci
    JOIN tracker_source s ON s.id = ci.source_id
    LEFT JOIN tracker_organization o ON o.id = s.organization_id
    WHERE ci.claim_id = c.id"""


def claim_copy_sql(queryset: QuerySet, link: Callable[[object], str]) -> tuple[str, list]:
    """The SELECT of the claims CSV over ``queryset``'s rows, in its order."""
    ordering = [
        (F(item[1:]).desc() if item.startswith("-") else F(item)) if isinstance(item, str) else item
        for item in queryset.query.order_by or Claim._meta.ordering
    ]
    rows = (
        queryset.annotate(csv_position=Window(RowNumber(), order_by=ordering))
        .order_by()
        .values_list("pk", "csv_position")
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    prefix, suffix = link("\x00").split("\x00")
    columns = ", ".join(CLAIM_COPY_COLUMNS[column.name] for column in CLAIM_COLUMNS)
    sql = (
        f"SELECT {columns} FROM ({rows_sql}) AS rows (id, position) "
        "JOIN tracker_claim c ON c.id = rows.id "
        "LEFT JOIN tracker_location l ON l.id = c.location_id "
        f"LEFT JOIN LATERAL ({CLAIM_COPY_CITATIONS}) AS cit ON true "
        "ORDER BY rows.position"
    )
    return sql, [prefix, suffix, *rows_params]


# Resources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One public list in its machine-readable forms."""

    name: str
    model: type
    filterset_class: type
    serializer_class: type
    columns: list[Column]
    page_view: str  # the public page of one entry, reversed with the row's ``page_key``
    page_key: str = "pk"
    for_listing: Callable[[QuerySet], QuerySet] = unchanged
    attach: Callable[[list[dict]], None] | None = None
    # PostgreSQL: the SELECT (and its parameters) writing the CSV rows of a queryset.
    copy_sql: Callable[[QuerySet, Callable[[object], str]], tuple[str, list]] | None = None
    facets: list = dataclasses.field(default_factory=list)
    default_ordering: tuple[str, ...] = ()

    def filterset(self, params):
        return self.filterset_class(params)

    @property
    def fields(self) -> tuple[str, ...]:
        """The ``values()`` paths the columns read, and the page link's key."""
        reads = (path for column in self.columns for path in column.reads)
        return tuple(dict.fromkeys((self.page_key, *reads)))

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
        "public:claim_detail",
        for_listing=claims_for_listing,
        attach=attach_claim_relations,
        copy_sql=claim_copy_sql,
        facets=filters.CLAIM_FACETS,
    ),
    "statistics": Resource(
        "statistics",
        Statistic,
        filters.StatisticFilter,
        StatisticSerializer,
        STATISTIC_COLUMNS,
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
        "public:location_detail",
        page_key="slug",
        default_ordering=("name", "pk"),
    ),
}


class Echo:
    """A file-like object whose write() hands the line back, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_writer() -> Callable[[list], str]:
    """Rows quoted as the excel dialect quotes them (fields with a comma, a quote, CR or LF),
    each ending with LF, as PostgreSQL's COPY ends them."""
    writer = csv.writer(Echo())  # its CR LF terminator makes it quote a lone CR as well

    def line(values: list) -> str:
        return writer.writerow(values)[:-2] + "\n"

    return line


def csv_rows(columns: list[Column], rows: Iterable[dict]) -> Iterator[str]:
    """The header and one line per row, a few hundred lines per chunk of text."""
    line = csv_writer()
    yield line([column.name for column in columns])
    values = [column.value for column in columns]
    batch = []
    for row in rows:
        batch.append(line([cell(value(row)) for value in values]))
        if len(batch) >= ROWS_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def stream_csv(resource: Resource, filterset) -> Iterator[str | bytes]:
    """Stream a whole result set with flat memory: a chunk of rows at a time.

    On PostgreSQL, a resource with ``copy_columns`` is written by the database itself (COPY:
    the same bytes as the rows written here, which a test checks).
    """
    queryset = resource.ordered(filterset)
    if resource.copy_sql is not None and connections[queryset.db].vendor == "postgresql":
        return copy_csv(resource, queryset)
    return csv_rows(resource.columns, resource.rows(filterset))


COPY_WRITE_BYTES = 1 << 16


def copy_csv(resource: Resource, queryset: QuerySet) -> Iterator[bytes]:
    """The header, then the rows as ``COPY (...) TO STDOUT (FORMAT csv)`` writes them, in
    pieces of about 64 kB."""
    with translation.override(settings.LANGUAGE_CODE):
        link = page_link(resource.page_view, resource.page_key)
    sql, params = resource.copy_sql(queryset, link)
    yield csv_writer()([column.name for column in resource.columns]).encode()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    connection = connections[queryset.db]
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        pending, size = [], 0
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= COPY_WRITE_BYTES:
                yield b"".join(pending)
                pending, size = [], 0
        if pending:
            yield b"".join(pending)
    if connection.queries_logged:  # COPY bypasses Django's cursor: log it as that cursor would
        elapsed = time.monotonic() - started
        connection.queries_log.append({"sql": statement, "time": f"{elapsed:.3f}"})
