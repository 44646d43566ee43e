"""The CSV of the public lists: each list's columns, and how rows are written (streamed in
Python, or by PostgreSQL's COPY for the claims).

The lists themselves are declared in ``tracker.lists``. The CSV column names are documented in
docs/open-data.md and are stable: add columns at the end, never rename one.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.conf import settings
from django.db import connections
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import translation

from tracker.models import Citation, Claim, Person, PersonSource, Source
from tracker.models.people import PUBLIC_IF_NAMED, shows_identity
from tracker.models.sources import CitesASource, public_source_title, withheld
from tracker.models.statistics import decimal_text
from tracker.serializers import OrganizationRefSerializer

# Rows fetched per database round trip when streaming; prefetches run once per chunk.
CHUNK_SIZE = 2000
# Rows written to the response per yield.
ROWS_PER_WRITE = 200
LIST_SEPARATOR = "; "
LINE_SEPARATOR = "\n"
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
    if isinstance(value, Decimal):  # a number, never a formula: 480.00 as 480, -88.68900 as -88.689
        return decimal_text(value)
    return neutralize(str(value))


# Rows ------------------------------------------------------------------------------------------
#
# The CSV is written from ``values()`` rows, not model instances: building 100,000 claims with
# their prefetched citations costs far more than writing them. A row is a dict of the resource's
# ``fields``; related lists (categories, tags, citations) are added per chunk by ``attach``, so the
# queries grow with the chunks, never with the rows.

# One citation in the claims CSV's ``citations`` cell, declared once for the rows written in
# Python and in SQL: its key, the ``values()`` path it reads from a citation, its SQL over the
# citation ``ci``, its source ``s`` and that source's organisation ``o`` (as text, '' when NULL).
# The source's cited fields (``Source.CITED_FIELDS``) come first, as ``source_<name>``, in the
# order the cell first published them (``CITED_CELL_ORDER``; a field cited later follows them);
# then the citation's own.
CITED_CELL_ORDER = ("title", "url", "archived_url", "kind", "organization")
# How a cited field is read and written when it is not simply the source's own column.
CITED_FIELD_READS = {
    "organization": ("source__organization__slug", "o.slug"),
    "published_on": ("source__published_on", "to_char(s.published_on, 'YYYY-MM-DD')"),
}


def cited_cell_position(name: str) -> int:
    return CITED_CELL_ORDER.index(name) if name in CITED_CELL_ORDER else len(CITED_CELL_ORDER)


CITATION_CELL = (
    *(
        (f"source_{name}", *CITED_FIELD_READS.get(name, (f"source__{name}", f"s.{name}")))
        for name in sorted(Source.CITED_FIELDS, key=cited_cell_position)
    ),
    *((name, name, f"ci.{name}") for name in (*CitesASource.QUOTED_FIELDS, "stance")),
)
# A citation of a confidential source keeps only what is neither the source's nor quoted from
# it (its stance): the rest is ``withheld``, so the cell leaves it out.
CONFIDENTIAL_CITATION = tuple(
    key
    for key, _path, _sql in CITATION_CELL
    if not key.startswith("source_") and key not in CitesASource.QUOTED_FIELDS
)
CITATION_FIELDS = {
    "source_confidential": "source__confidential",
    **{key: path for key, path, _sql in CITATION_CELL},
    # What the JSON pages (``tracker.json_rows``) also show of a cited source.
    "source_id": "source_id",
    **{
        f"source_organization_{name}": f"source__organization__{name}"
        for name in OrganizationRefSerializer.Meta.fields
    },
}
CITATION_SQL = {key: sql for key, _path, sql in CITATION_CELL}


def attach_claim_relations(rows: list[dict]) -> None:
    """Give each claim row its category slugs, tag names and public citations."""
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
        return {"confidential": True, **{key: citation[key] for key in CONFIDENTIAL_CITATION}}
    return {key: cell_text(citation[key]) for key, _path, _sql in CITATION_CELL}


def cell_text(value) -> str:
    """A value inside a JSON cell: a date in ISO 8601, nothing as ''."""
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def source_title(row: dict, prefix: str = "source_") -> str:
    """A source's title, or only that it exists when it is confidential."""
    return public_source_title(row[f"{prefix}title"], row[f"{prefix}confidential"])


def source_url(row: dict, prefix: str = "source_") -> str:
    return withheld(row[f"{prefix}url"], row[f"{prefix}confidential"])


def excerpt(row: dict, name: str) -> str:
    """A figure's quote or locator, or nothing when its source is confidential."""
    return withheld(row[name], row["source__confidential"])


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


PAGE = Column("page", itemgetter("page"))  # added to every row by ``PublicList.rows``
ID = field("id", "pk")


def columns_of(serializer_class, overrides: dict[str, list[Column]]) -> list[Column]:
    """The CSV columns of a public shape: one per field of its serializer, in its order.

    A plain field is one column of the same name; ``overrides`` give the columns of the others
    (a relation as its slug and name, the citations as their summaries). So a public field
    declared in the serializer is in the CSV too, at the end of the header if it is new there.
    """
    columns = []
    for name in serializer_class.Meta.fields:
        columns.extend(overrides.get(name) or [field(name)])
    return columns


URL_AS_PAGE = {"url": [PAGE], "page": [PAGE]}
PLACE = [field("place", "location__slug", optional=True)]

CLAIM_CSV = {
    **URL_AS_PAGE,
    "id": [ID],
    "categories": [Column("categories", lambda r: LIST_SEPARATOR.join(r["categories"]))],
    "place": PLACE,
    "tags": [Column("tags", lambda r: LIST_SEPARATOR.join(r["tags"]))],
    "citations": [
        Column("citation_count", lambda r: len(r["citations"])),
        Column("source_titles", lambda r: LINE_SEPARATOR.join(map(source_title, r["citations"]))),
        Column("source_urls", lambda r: LINE_SEPARATOR.join(map(source_url, r["citations"]))),
        Column(
            "citations",
            lambda r: json.dumps([citation_record(x) for x in r["citations"]], ensure_ascii=False),
        ),
    ],
}


STATISTIC_CSV = {
    **URL_AS_PAGE,
    "id": [ID],
    "indicator": [
        field("indicator", "indicator__slug"),
        field("indicator_name", "indicator__name"),
        field("unit", "indicator__unit"),
    ],
    "place": PLACE,
    "organization": [
        field("organization", "organization__slug"),
        field("organization_name", "organization__name"),
    ],
    "source": [
        Column(
            "source_title",
            lambda r: source_title(r, "source__"),
            ("source__confidential", "source__title"),
        ),
        Column(
            "source_url",
            lambda r: source_url(r, "source__"),
            ("source__confidential", "source__url"),
        ),
    ],
    "quote": [Column("quote", lambda r: excerpt(r, "quote"), ("source__confidential", "quote"))],
    "locator": [
        Column("locator", lambda r: excerpt(r, "locator"), ("source__confidential", "locator"))
    ],
}

SOURCE_CSV = {
    **URL_AS_PAGE,
    "id": [ID],
    "organization": [
        field("organization", "organization__slug", optional=True),
        field("organization_name", "organization__name", optional=True),
    ],
}


def identity_field(name: str) -> Column:
    """A person's identifying field: its value for a named record, else an empty cell."""
    return Column(
        name, lambda r: r[name] if shows_identity(r["privacy"]) else "", ("privacy", name)
    )


def attach_person_relations(rows: list[dict]) -> None:
    """Give each person row its published claims and the sources reporting it."""
    by_pk = {row["pk"]: row for row in rows}
    for row in rows:
        row["claims"], row["sources"] = [], []
    claims = (
        Person.claims.through.objects.filter(person_id__in=by_pk, claim__in=Claim.objects.public())
        .order_by("claim_id")
        .values_list("person_id", "claim_id")
    )
    for person_id, claim_id in claims:
        by_pk[person_id]["claims"].append(claim_id)
    reports = (
        PersonSource.objects.filter(person_id__in=by_pk)
        .order_by("pk")
        .values_list(
            "person_id",
            "case_number",
            "locator",
            "source__confidential",
            "source__title",
            "source__url",
        )
    )
    for person_id, case_number, locator, confidential, title, url in reports:
        by_pk[person_id]["sources"].append(
            {
                "source_title": public_source_title(title, confidential),
                "source_url": withheld(url, confidential),
                "case_number": case_number,
                "locator": withheld(locator, confidential),
            }
        )


def person_sources(row: dict) -> str:
    """The sources cell: a case number only with a named record (``shows_identity``)."""
    named = shows_identity(row["privacy"])
    return json.dumps(
        [
            {**report, "case_number": report["case_number"] if named else ""}
            for report in row["sources"]
        ],
        ensure_ascii=False,
    )


PERSON_CSV = {
    **URL_AS_PAGE,
    "id": [ID],
    **{name: [identity_field(name)] for name in PUBLIC_IF_NAMED if name != "case_numbers"},
    "place": [field("place", "place__slug", optional=True)],
    "claims": [Column("claims", lambda r: LIST_SEPARATOR.join(map(str, r["claims"])))],
    "case_numbers": [
        Column(
            "case_numbers",
            lambda r: (
                LIST_SEPARATOR.join(
                    report["case_number"] for report in r["sources"] if report["case_number"]
                )
                if shows_identity(r["privacy"])
                else ""
            ),
            ("privacy",),
        )
    ],
    "sources": [Column("sources", person_sources, ("privacy",))],
}

# Organisations and places: every field is plain, but for their page.
TAXONOMY_CSV = URL_AS_PAGE


def page_link(viewname: str, kwarg: str, origin: str = "") -> Callable[[object], str]:
    """``reverse(viewname, kwargs={kwarg: value})`` for many values: resolved once, then filled;
    after ``origin`` (``https://host``) when it is given, so that the link is absolute.

    The marker stands for the value in a path reversed once; slugs and primary keys need no
    quoting, so filling in the value gives what ``reverse`` would.
    """
    marker = "0" if kwarg == "pk" else "marker"
    prefix, _, suffix = reverse(viewname, kwargs={kwarg: marker}).rpartition(marker)
    prefix = origin + prefix
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


def sql_withheld(sql: str, blank: str = "''") -> str:
    """``withheld`` in SQL: ``blank`` when the cited source ``s`` is confidential."""
    return f"CASE WHEN s.confidential THEN {blank} ELSE {sql} END"


CITATION_JSON_SQL = (
    "CASE WHEN s.confidential THEN "
    + sql_json_object(
        ("confidential", "'true'"),
        *(
            (key, sql_json_string(sql))
            for key, _path, sql in CITATION_CELL
            if key in CONFIDENTIAL_CITATION
        ),
    )
    + " ELSE "
    + sql_json_object(*((key, sql_json_string(sql)) for key, _path, sql in CITATION_CELL))
    + " END"
)


# The SELECT expression of each claims CSV column, over the claim ``c``, its place ``l`` and its
# citations summarised once per claim in ``cit``. A column of one of the claim's own plain fields
# is written from the field's type (``copy_expression``); these are the others.
CLAIM_COPY_COLUMNS = {
    "id": "c.id",
    "page": "%s || c.id || %s",
    "categories": sql_text(
        f"(SELECT string_agg(cat.slug, '{LIST_SEPARATOR}' ORDER BY cat.name, cat.id) "
        "FROM tracker_claim_categories cc JOIN tracker_category cat ON cat.id = cc.category_id "
        "WHERE cc.claim_id = c.id)"
    ),
    "place": sql_text("l.slug"),
    "tags": sql_text(
        f"(SELECT string_agg(tag.name, '{LIST_SEPARATOR}' ORDER BY tag.name, tag.id) "
        "FROM tracker_claim_tags ct JOIN tracker_tag tag ON tag.id = ct.tag_id "
        "WHERE ct.claim_id = c.id)"
    ),
    "citation_count": "cit.count",
    "source_titles": sql_text("cit.titles"),
    "source_urls": sql_text("cit.urls"),
    "citations": "cit.records",
}

# A plain field's column in SQL, by the field's type, written as ``cell()`` writes it.
COPY_BY_TYPE = {
    "BooleanField": lambda sql: f"CASE WHEN {sql} THEN 'true' ELSE 'false' END",
    "DateField": sql_date,
    "DateTimeField": sql_timestamp,
    "PositiveIntegerField": lambda sql: sql,
    "IntegerField": lambda sql: sql,
}


def copy_expression(name: str) -> str:
    """The SELECT expression of the claims CSV column ``name``."""
    if name in CLAIM_COPY_COLUMNS:
        return CLAIM_COPY_COLUMNS[name]
    model_field = Claim._meta.get_field(name)
    return COPY_BY_TYPE.get(model_field.get_internal_type(), sql_text)(f"c.{model_field.column}")


CLAIM_COPY_CITATIONS = f"""
    SELECT count(*) AS count,
        string_agg({sql_withheld(CITATION_SQL["source_title"], "%s")}, E'\\n'
            ORDER BY ci.id) AS titles,
        string_agg({sql_withheld(CITATION_SQL["source_url"])}, E'\\n' ORDER BY ci.id) AS urls,
        COALESCE('[' || string_agg({CITATION_JSON_SQL}, ', ' ORDER BY ci.id) || ']', '[]')
            AS records
    FROM tracker_citation ci
    JOIN tracker_source s ON s.id = ci.source_id
    LEFT JOIN tracker_organization o ON o.id = s.organization_id
    WHERE ci.claim_id = c.id"""


def claim_copy_sql(
    queryset: QuerySet, link: Callable[[object], str], columns: list[Column]
) -> tuple[str, list]:
    """The SELECT of the claims CSV's ``columns`` over ``queryset``'s rows, in its order."""
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
    selected = ", ".join(copy_expression(column.name) for column in columns)
    sql = (
        f"SELECT {selected} FROM ({rows_sql}) AS rows (id, position) "
        "JOIN tracker_claim c ON c.id = rows.id "
        "LEFT JOIN tracker_location l ON l.id = c.location_id "
        f"LEFT JOIN LATERAL ({CLAIM_COPY_CITATIONS}) AS cit ON true "
        "ORDER BY rows.position"
    )
    return sql, [prefix, suffix, *rows_params, public_source_title("", confidential=True)]


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


def stream_csv(public_list, filterset, origin: str = "") -> Iterator[str | bytes]:
    """Stream a whole result set of a ``tracker.lists.PublicList`` with flat memory: a chunk of
    rows at a time; the ``page`` column's links start with ``origin`` (``https://host``).

    On PostgreSQL, a list with ``copy_sql`` is written by the database itself (COPY: the same
    bytes as the rows written here, which a test checks).
    """
    queryset = filterset.qs
    if public_list.copy_sql is not None and connections[queryset.db].vendor == "postgresql":
        return copy_csv(public_list, queryset, origin)
    return in_default_language(csv_rows(public_list.columns, public_list.rows(filterset, origin)))


def in_default_language(lines: Iterator[str]) -> Iterator[str]:
    """Write a CSV in the site's default language, whatever the reader's: the file is data."""
    with translation.override(settings.LANGUAGE_CODE):
        yield from lines


COPY_WRITE_BYTES = 1 << 16


def copy_csv(public_list, queryset: QuerySet, origin: str = "") -> Iterator[bytes]:
    """The header, then the rows as ``COPY (...) TO STDOUT (FORMAT csv)`` writes them, in
    pieces of about 64 kB."""
    with translation.override(settings.LANGUAGE_CODE):
        link = page_link(public_list.page_view, public_list.page_key, origin)
        sql, params = public_list.copy_sql(queryset, link, public_list.columns)
    yield csv_writer()([column.name for column in public_list.columns]).encode()
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
