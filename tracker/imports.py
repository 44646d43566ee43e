"""Spreadsheet import of claims, in the claims CSV export's own column layout.

``check_claims_csv`` (and ``read_claims_csv``, which keeps every row) parses and checks a file
without writing anything: the dry run. ``import_claims_csv`` checks the file again and creates
every row as a draft of the importer, all or nothing; ``apply_import`` does the same from a plan.
The upload pages (through ``tracker.import_jobs``) and the ``import_claims`` command share them.
Rules (also in docs/open-data.md):

- Columns are those of ``/claims.csv``; ``title``, ``summary`` and ``country`` are required,
  columns that only describe a published entry (id, page, verification, ...) are ignored.
- Every cell is checked as the database will take it: no NUL character, lengths within the
  model fields' ``max_length``, valid addresses, dates, numbers and choices, a ``citations`` cell
  that is a list of flat objects. Whatever the dry run accepts, the import can write.
- Categories, places, tags and organisations must already exist (by slug, or by exact name):
  an unknown one is an error, never created.
- Citations come from the ``citations`` cell (JSON, as exported) or, when it is empty, from the
  ``source_urls``/``source_titles`` lines. A source is matched by its URL, or by its exact title
  when it has no URL; otherwise it is created, once per file. Confidential sources are not in an
  export, so a citation marked confidential is skipped with a warning.

The file is read and written in chunks of ``CHUNK_SIZE`` rows: the queries of a check or an
import grow with the chunks, never with the rows. ``DraftWriter`` is the bulk form of
``moderation.import_draft``: same permission, same draft state, owner, origin, version and
``import`` event per claim, plus the audit history of every row it creates.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_countries import countries

from tracker.exports import (
    CITATION_FIELDS,
    CLAIM_COLUMNS,
    LINE_SEPARATOR,
    cell,
    citation_record,
)
from tracker.exports import unneutralize as undo_neutralize
from tracker.history import AuditHistory
from tracker.models import (
    Category,
    Citation,
    Claim,
    DatePrecision,
    Location,
    ModerationEvent,
    ModerationStatus,
    Organization,
    Source,
    Tag,
)
from tracker.models.base import slug_base, truncate_to_precision
from tracker.moderation import TransitionRefused

ALLOWED_COLUMNS = [column.name for column in CLAIM_COLUMNS]
REQUIRED_COLUMNS = ["title", "summary", "country"]
# Columns of the export that describe a published entry: accepted in a file and ignored.
IGNORED_COLUMNS = [
    "id",
    "page",
    "verification",
    "verification_rationale",
    "published_at",
    "citation_count",
]
# The keys of one element of the ``citations`` cell, as the export writes them.
CITATION_KEYS = frozenset(
    citation_record(dict.fromkeys(CITATION_FIELDS) | {"source_confidential": False})
) | {"confidential"}
LIST_SPLIT = ";"
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
# Rows checked, and written, per round of queries.
CHUNK_SIZE = 1000
# What a job keeps of a dry run for its page: the first errors, warnings and rows.
MAX_REPORTED_ERRORS = 1000
MAX_REPORTED_WARNINGS = 200
SAMPLE_ROWS = 20

Progress = Callable[[int, int], None]

DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE_NUMBER = re.compile(r"[0-9]+")
# A JSON string, escapes included; what is left once strings are blanked is the structure.
JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
# A list of objects holding no list or object: checked on the structure before parsing, so a
# cell of thousands of nested brackets is refused without ever being parsed.
FLAT_JSON_LIST = re.compile(r"\s*\[\s*(?:\{[^\[\]{}]*\}\s*(?:,\s*\{[^\[\]{}]*\}\s*)*)?\]\s*")
# Lone surrogates come only from JSON escapes ("\ud800"): no database can store them.
SURROGATE = re.compile("[\ud800-\udfff]")


def max_bytes() -> int:
    return settings.CLAIM_IMPORT_MAX_BYTES


def shown(value: object, limit: int = 80) -> str:
    """A value as an error message may quote it: printable, storable and short."""
    text = SURROGATE.sub("\ufffd", str(value).replace("\x00", "\ufffd"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def model_field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)


@dataclass(frozen=True, slots=True)
class CellError:
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class PlannedCitation:
    quote: str
    locator: str
    stance: str
    source_id: int | None  # an existing source, or None to create one from ``new_source``
    new_source: dict

    @property
    def source_key(self) -> tuple[str, str]:
        url = self.new_source.get("url", "")
        return ("url", url) if url else ("title", self.new_source.get("title", ""))


@dataclass(slots=True)
class RowResult:
    """One spreadsheet row: what it will create, or what is wrong with it."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    title: str = ""
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    claim: dict = field(default_factory=dict)
    category_ids: list[int] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    citations: list[PlannedCitation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_source_keys(self) -> set[tuple[str, str]]:
        return {c.source_key for c in self.citations if c.source_id is None}

    @property
    def new_source_count(self) -> int:
        return len(self.new_source_keys)

    def error(self, column: str, message: str) -> None:
        self.errors.append(CellError(column, message))


def error_sentence(row: int, error: CellError) -> str:
    if not error.column:
        return _("Row %(row)s: %(message)s") % {"row": row, "message": error.message}
    return _("Row %(row)s, column “%(column)s”: %(message)s") % {
        "row": row,
        "column": error.column,
        "message": error.message,
    }


@dataclass
class ImportPlan:
    """What a file would create, or every reason why not; ``rows`` only when they were kept."""

    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_count: int = 0
    citation_count: int = 0
    row_errors: list[tuple[int, CellError]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    sample: list[RowResult] = field(default_factory=list)
    new_sources: set[tuple[str, str]] = field(default_factory=set)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and self.row_count > 0 and not self.row_errors

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + len(self.row_errors)

    @property
    def new_source_count(self) -> int:
        return len(self.new_sources)

    def errors(self, limit: int | None = None) -> list[str]:
        """Every problem (or the first ``limit``) as one sentence naming its row and column."""
        messages = list(self.file_errors)
        for row, error in self.row_errors:
            if limit is not None and len(messages) >= limit:
                break
            messages.append(error_sentence(row, error))
        return messages[:limit] if limit is not None else messages

    def record(self, result: RowResult, *, keep: bool) -> None:
        self.row_count += 1
        self.citation_count += len(result.citations)
        self.row_errors.extend((result.row, error) for error in result.errors)
        self.warnings.extend((result.row, warning) for warning in result.warnings)
        self.new_sources |= result.new_source_keys
        if keep:
            self.rows.append(result)
        if len(self.sample) < SAMPLE_ROWS:
            self.sample.append(result)

    def report(self) -> dict:
        """The plan as JSON that a job keeps for its page: counts and the first problems."""
        return {
            "rows": self.row_count,
            "citations": self.citation_count,
            "new_sources": self.new_source_count,
            "error_count": self.error_count,
            "errors": [shown(m, 1000) for m in self.errors(limit=MAX_REPORTED_ERRORS)],
            "warning_count": len(self.warnings),
            "warnings": [
                {"row": row, "message": shown(message, 1000)}
                for row, message in self.warnings[:MAX_REPORTED_WARNINGS]
            ],
            "sample": [
                {
                    "row": row.row,
                    "title": shown(row.title, 200),
                    "citations": len(row.citations),
                    "new_sources": row.new_source_count,
                    "errors": [shown(e.message, 300) for e in row.errors],
                }
                for row in self.sample
            ],
        }


@dataclass(frozen=True)
class ImportResult:
    claims: int
    citations: int
    sources: int


class ImportRefused(TransitionRefused):
    """The file has errors: nothing was written. ``plan`` says which."""

    def __init__(self, plan: ImportPlan):
        super().__init__(_("The file has errors: nothing was imported."))
        self.plan = plan


class Lookups:
    """The existing vocabularies, loaded once per file; sources, once per chunk."""

    def __init__(self):
        self.categories = self._index(Category.objects.all(), "slug", "name")
        self.places = self._index(Location.objects.all(), "slug", "name")
        self.organizations = self._index(Organization.objects.all(), "slug", "name")
        self.tags = self._index(Tag.objects.all(), "slug", "name")
        self.countries = frozenset(code for code, _name in countries)
        # Words every row uses, translated once per file rather than once per row.
        self.words = {
            "category": _("category"),
            "tag": _("tag"),
            "citation": _("citation %(number)s: "),
        }
        self.sources_by_url: dict[str, int] = {}
        self.sources_by_title: dict[str, int] = {}

    @staticmethod
    def _index(queryset, *keys) -> dict[str, int]:
        index = {}
        for row in queryset.values("pk", *keys):
            for key in reversed(keys):
                index[str(row[key]).casefold()] = row["pk"]
        return index

    def load_sources(self, urls: set[str], titles: set[str]) -> None:
        urls -= self.sources_by_url.keys()
        titles -= self.sources_by_title.keys()
        if urls:
            matches = Source.objects.filter(url__in=urls).order_by("pk")
            self.sources_by_url.update(matches.values_list("url", "pk"))
        if titles:
            matches = Source.objects.filter(title__in=titles, url="").order_by("pk")
            self.sources_by_title.update(matches.values_list("title", "pk"))


# Cells ------------------------------------------------------------------------------------------


def storable(result: RowResult, column: str, value: str, prefix: str = "") -> bool:
    """Refuse what no database column can hold: NUL characters and lone surrogates."""
    if "\x00" in value:
        result.error(column, prefix + _("Null characters are not allowed."))
        return False
    if SURROGATE.search(value):
        result.error(column, prefix + _("This text holds a character that cannot be stored."))
        return False
    return True


def fits(
    result: RowResult,
    column: str,
    target: models.Field,
    value: str,
    *,
    prefix: str = "",
    invalid_url: str = "",
) -> bool:
    """Run the model field's own validators (length, address), with their own messages."""
    ok = True
    for validator in target.validators:
        try:
            validator(value)
        except ValidationError as error:
            ok = False
            if isinstance(validator, URLValidator) and invalid_url:
                result.error(column, invalid_url)
                continue
            for message in error.messages:
                result.error(column, prefix + message)
    return ok


def split_list(value: str) -> list[str]:
    return [
        item.strip() for item in value.replace("\n", LIST_SPLIT).split(LIST_SPLIT) if item.strip()
    ]


def parse_date(
    result: RowResult, column: str, value: str, prefix: str = ""
) -> datetime.date | None:
    if not value:
        return None
    if DATE_FORMAT.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    result.error(
        column, prefix + _("“%(value)s” is not a date as YYYY-MM-DD.") % {"value": shown(value)}
    )
    return None


def parse_choice(
    result: RowResult, column: str, value: str, choices, default: str, prefix: str = ""
) -> str:
    if not value:
        return default
    if value in choices.values:
        return value
    result.error(
        column,
        prefix
        + _("“%(value)s” is not one of: %(choices)s.")
        % {"value": shown(value), "choices": ", ".join(choices.values)},
    )
    return default


def lookup_many(result: RowResult, column: str, value: str, index: dict, noun: str) -> list[int]:
    ids = []
    for item in split_list(value):
        pk = index.get(item.casefold())
        if pk is None:
            result.error(
                column, _("Unknown %(noun)s “%(item)s”.") % {"noun": noun, "item": shown(item)}
            )
        elif pk not in ids:
            ids.append(pk)
    return ids


# The file ---------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str | None, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return None, _(
            "The file is not UTF-8 text (the byte at position %(position)s cannot be read). "
            "Save the spreadsheet as “CSV UTF-8” and upload it again."
        ) % {"position": error.start}


class ClaimSheet:
    """A file decoded, its header checked and its rows counted; then read chunk by chunk."""

    def __init__(self, data: bytes):
        self.file_errors: list[str] = []
        self.header: list[str] = []
        self.row_count = 0
        self.text = ""
        limit = max_bytes()
        if len(data) > limit:
            self.file_errors.append(
                _("The file is %(size)s bytes; the largest file accepted is %(limit)s bytes.")
                % {"size": len(data), "limit": limit}
            )
            return
        if not data.strip():
            self.file_errors.append(_("The file is empty."))
            return
        text, problem = decode(data)
        if problem:
            self.file_errors.append(problem)
            return
        self.text = text
        try:
            records = self.records()
            header = next(records, [])
            self.header = [name.strip() for name in header]
            self.check_header()
            if self.file_errors:
                return
            self.row_count = sum(1 for cells in records if any(cells))
        except csv.Error as error:
            self.file_errors.append(
                _("The file is not valid CSV: %(error)s") % {"error": shown(error, 200)}
            )
            return
        if not self.row_count:
            self.file_errors.append(_("The file has a header but no rows."))

    def records(self) -> Iterator[list[str]]:
        return csv.reader(io.StringIO(self.text, newline=""))

    def check_header(self) -> None:
        header = self.header
        unknown = [shown(name) for name in header if name not in ALLOWED_COLUMNS]
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if unknown:
            self.file_errors.append(
                _(
                    "Unknown columns: %(names)s. "
                    "The columns are those of the claims export: %(allowed)s."
                )
                % {"names": ", ".join(unknown), "allowed": ", ".join(ALLOWED_COLUMNS)}
            )
        if missing:
            self.file_errors.append(
                _("Missing required columns: %(names)s.") % {"names": ", ".join(missing)}
            )
        if duplicated:
            self.file_errors.append(
                _("Columns given twice: %(names)s.") % {"names": ", ".join(duplicated)}
            )

    def chunks(self, size: int) -> Iterator[list[tuple[int, list[str]]]]:
        """The non-empty rows with their spreadsheet numbers, ``size`` at a time."""
        chunk = []
        records = self.records()
        next(records)
        for number, cells in enumerate(records, start=2):
            if any(cells):
                chunk.append((number, cells))
                if len(chunk) == size:
                    yield chunk
                    chunk = []
        if chunk:
            yield chunk


def checked_chunks(
    sheet: ClaimSheet, plan: ImportPlan, *, keep_rows: bool, progress: Progress | None
) -> Iterator[list[RowResult]]:
    """Check the sheet's rows chunk by chunk, recording each in ``plan``; yield each chunk."""
    plan.file_errors.extend(sheet.file_errors)
    if sheet.file_errors:
        return
    lookups = Lookups()
    done = 0
    for chunk in sheet.chunks(CHUNK_SIZE):
        rows = [start_row(number, cells, sheet.header) for number, cells in chunk]
        urls, titles = set(), set()
        for _result, _values, records in rows:
            for record, _column in records:
                url, title = record.get("source_url"), record.get("source_title")
                if url and isinstance(url, str):
                    urls.add(undo_neutralize(url.strip()))
                elif title and isinstance(title, str):
                    titles.add(undo_neutralize(title.strip()))
        lookups.load_sources(urls, titles)
        checked = []
        for result, values, records in rows:
            check_row(result, values, records, lookups)
            plan.record(result, keep=keep_rows)
            checked.append(result)
        done += len(checked)
        if progress:
            progress(done, sheet.row_count)
        yield checked


def check_claims_csv(data: bytes, *, progress: Progress | None = None) -> ImportPlan:
    """Parse and check a file; write nothing. The plan counts what would be created, or why not.

    The rows themselves are not kept: a dry run of 100,000 rows holds one chunk at a time.
    """
    plan = ImportPlan()
    for _chunk in checked_chunks(ClaimSheet(data), plan, keep_rows=False, progress=progress):
        pass
    return plan


def read_claims_csv(data: bytes, *, progress: Progress | None = None) -> ImportPlan:
    """Parse and check a file; write nothing. The plan keeps every row, for ``apply_import``."""
    plan = ImportPlan()
    for _chunk in checked_chunks(ClaimSheet(data), plan, keep_rows=True, progress=progress):
        pass
    return plan


# Rows -------------------------------------------------------------------------------------------


def start_row(
    number: int, cells: list[str], header: list[str]
) -> tuple[RowResult, dict, list[tuple[dict, str]]]:
    """A row's cells by column, checked for what no column can store, and its citations."""
    result = RowResult(row=number)
    if len(cells) > len(header):
        result.error("", _("This row has more cells than the header has columns."))
    values = {}
    for i, name in enumerate(header):
        value = undo_neutralize(cells[i].strip()) if i < len(cells) else ""
        values[name] = value if storable(result, name, value) else ""
    return result, values, citation_records(result, values)


def citation_records(result: RowResult, values: dict) -> list[tuple[dict, str]]:
    """The row's citations as (record, column), from the JSON cell or else the source lines."""
    raw = values.get("citations", "")
    if raw:
        return [(record, "citations") for record in parse_citations(result, raw)]
    urls = values.get("source_urls", "").split(LINE_SEPARATOR)
    titles = values.get("source_titles", "").split(LINE_SEPARATOR)
    records = []
    for i in range(max(len(urls), len(titles))):
        url = urls[i].strip() if i < len(urls) else ""
        title = titles[i].strip() if i < len(titles) else ""
        if url or title:
            records.append(({"source_url": url, "source_title": title}, "lines"))
    return records


def parse_citations(result: RowResult, raw: str) -> list[dict]:
    """The ``citations`` cell as a list of flat objects; the structure is checked first."""
    not_a_list = _("This cell is not the JSON list that the export writes.")
    if not FLAT_JSON_LIST.fullmatch(JSON_STRING.sub('""', raw)):
        result.error("citations", not_a_list)
        return []
    try:
        records = json.loads(raw)
    except (ValueError, RecursionError):
        result.error("citations", not_a_list)
        return []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        result.error("citations", not_a_list)
        return []
    return records


def check_row(
    result: RowResult, values: dict, records: list[tuple[dict, str]], lookups: Lookups
) -> None:
    result.title = values.get("title", "")
    if not result.title and not has_error(result, "title"):
        result.error("title", _("A title is required."))
    if not values.get("summary") and not has_error(result, "summary"):
        result.error("summary", _("A summary of what happened is required."))
    for name in ("title", "place_details", "victim_description", "alleged_perpetrator"):
        if values.get(name):
            fits(result, name, model_field(Claim, name), values[name])
    country = values.get("country", "").upper()
    if country not in lookups.countries:
        result.error("country", _("“%(value)s” is not a country code.") % {"value": shown(country)})
    location_id = None
    if values.get("place"):
        location_id = lookups.places.get(values["place"].casefold())
        if location_id is None:
            result.error("place", _("Unknown place “%(item)s”.") % {"item": shown(values["place"])})
    ongoing = values.get("ongoing", "").casefold()
    if ongoing not in TRUE_WORDS | FALSE_WORDS:
        result.error("ongoing", _("Write true or false."))
    precision = parse_choice(
        result, "date_precision", values.get("date_precision", ""), DatePrecision, DatePrecision.DAY
    )
    start = parse_date(result, "event_start", values.get("event_start", ""))
    end = parse_date(result, "event_end", values.get("event_end", ""))
    check_date_range(result, start, end, precision)
    result.claim = {
        "title": result.title,
        "summary": values.get("summary", ""),
        "country": country,
        "location_id": location_id,
        "place_details": values.get("place_details", ""),
        "event_start": start,
        "event_end": end,
        "ongoing": ongoing in TRUE_WORDS,
        "date_precision": precision,
        "victim_count": parse_victim_count(result, values.get("victim_count", "")),
        "victim_description": values.get("victim_description", ""),
        "alleged_perpetrator": values.get("alleged_perpetrator", ""),
    }
    words = lookups.words
    result.category_ids = lookup_many(
        result, "categories", values.get("categories", ""), lookups.categories, words["category"]
    )
    result.tag_ids = lookup_many(result, "tags", values.get("tags", ""), lookups.tags, words["tag"])
    for number, (record, column) in enumerate(records, start=1):
        check_citation(result, number, record, column, lookups)
    seen = set()
    for citation in result.citations:
        key = (citation.source_id or citation.source_key, citation.locator)
        if key in seen:
            result.error("citations", _("The same source and locator are cited twice."))
        seen.add(key)


def has_error(result: RowResult, column: str) -> bool:
    return any(error.column == column for error in result.errors)


def check_date_range(
    result: RowResult, start: datetime.date | None, end: datetime.date | None, precision: str
) -> None:
    """The database's own rule: an end needs a start and is not before it, at its precision."""
    if end is None:
        return
    if start is None:
        result.error("event_end", _("An end date needs a start date."))
        return
    if truncate_to_precision(end, precision) < truncate_to_precision(start, precision):
        result.error("event_end", _("The end date is before the start date."))


def parse_victim_count(result: RowResult, value: str) -> int | None:
    if not value:
        return None
    if not WHOLE_NUMBER.fullmatch(value):
        result.error("victim_count", _("Write a whole number, zero or more."))
        return None
    number = int(value)
    target = model_field(Claim, "victim_count")
    for validator in target.validators:
        try:
            validator(number)
        except ValidationError as error:
            for message in error.messages:
                result.error("victim_count", message)
            return None
    return number


def check_citation(
    result: RowResult, number: int, record: dict, column: str, lookups: Lookups
) -> None:
    """One cited source: its keys, its values as the source and citation columns take them."""
    from_lines = column == "lines"
    prefix = "" if from_lines else lookups.words["citation"] % {"number": number}
    unknown = sorted(shown(key) for key in record if key not in CITATION_KEYS)
    if unknown:
        result.error(
            column,
            prefix
            + _("Unknown keys: %(keys)s. The keys are those the export writes: %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(CITATION_KEYS))},
        )
        return

    def text(key: str) -> str:
        value = record.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            result.error(column, prefix + _("“%(key)s” must be text.") % {"key": key})
            return ""
        value = undo_neutralize(str(value).strip())
        return value if storable(result, column, value, f"{prefix}{key}: ") else ""

    confidential = record.get("confidential", False)
    if not isinstance(confidential, bool):
        result.error(column, prefix + _("“confidential” must be true or false."))
        return
    if confidential:
        result.warnings.append(
            _("A citation of a confidential source is not in the file and was left out.")
        )
        return
    url, title = text("source_url"), text("source_title")
    url_column = "source_urls" if from_lines else column
    title_column = "source_titles" if from_lines else column
    locator = text("locator")
    if locator:
        fits(result, column, model_field(Citation, "locator"), locator, prefix=f"{prefix}locator: ")
    stance = parse_choice(result, column, text("stance"), Citation.Stance, "supports", prefix)
    if url:
        invalid = prefix + _("“%(url)s” is not a web address.") % {"url": shown(url)}
        if not fits(
            result, url_column, model_field(Source, "url"), url, prefix=prefix, invalid_url=invalid
        ):
            return
        source_id = lookups.sources_by_url.get(url)
    elif title:
        source_id = lookups.sources_by_title.get(title)
    else:
        result.error(column, prefix + _("Each cited source needs a URL or a title."))
        return
    new_source = {"url": url, "title": title}
    if source_id is None:
        new_source = check_new_source(
            result, record, text, url=url, title=title, column=column, prefix=prefix
        )
        if new_source is None:
            return
        if new_source["title"]:
            fits(
                result,
                title_column,
                model_field(Source, "title"),
                title,
                prefix=f"{prefix}source_title: ",
            )
        org_slug = text("source_organization")
        if org_slug:
            new_source["organization_id"] = lookups.organizations.get(org_slug.casefold())
            if new_source["organization_id"] is None:
                result.error(
                    column,
                    prefix + _("Unknown organisation “%(item)s”.") % {"item": shown(org_slug)},
                )
    result.citations.append(
        PlannedCitation(
            quote=text("quote"),
            locator=locator,
            stance=stance,
            source_id=source_id,
            new_source=new_source,
        )
    )


def check_new_source(
    result: RowResult, record: dict, text, *, url: str, title: str, column: str, prefix: str
) -> dict | None:
    """The details of a source that the import will create, checked as its columns take them."""
    if not title:
        result.error(
            "source_titles" if column == "lines" else column,
            prefix + _("A new source needs a title: %(url)s") % {"url": shown(url)},
        )
        return None
    archived_url = text("source_archived_url")
    if archived_url:
        fits(
            result,
            column,
            model_field(Source, "archived_url"),
            archived_url,
            prefix=f"{prefix}source_archived_url: ",
            invalid_url=prefix
            + _("“%(url)s” is not a web address.") % {"url": shown(archived_url)},
        )
    author = text("source_author")
    if author:
        fits(
            result, column, model_field(Source, "author"), author, prefix=f"{prefix}source_author: "
        )
    return {
        "title": title,
        "url": url,
        "archived_url": archived_url,
        "kind": parse_choice(
            result, column, text("source_kind"), Source.Kind, Source.Kind.OTHER, prefix
        ),
        "organization_id": None,
        "author": author,
        "published_on": parse_date(result, column, text("source_published_on"), prefix),
        "published_precision": parse_choice(
            result,
            column,
            text("source_published_precision"),
            DatePrecision,
            DatePrecision.DAY,
            prefix,
        ),
        "language": parse_choice(
            result, column, text("source_language"), Source.Language, "en", prefix
        ),
    }


# Writing ----------------------------------------------------------------------------------------


class SlugAllocator:
    """Unique slugs for many new rows, as ``unique_slug`` gives one, in a few indexed queries.

    A free base is used as it is; a base in use gets the first free suffixes (``-2``, ``-3``...),
    found by looking up windows of candidates (doubling in width) with exact ``IN`` queries:
    one query per chunk, and one more per window while suffixes are needed.
    """

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.taken: set[str] = set()
        self.looked_up: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def look_up(self, slugs: set[str]) -> None:
        unknown = slugs - self.looked_up - self.taken
        if unknown:
            existing = self.model._default_manager.filter(slug__in=unknown).order_by()
            self.taken.update(existing.values_list("slug", flat=True))
            self.looked_up |= unknown

    def allocate(self, texts: list[str]) -> list[str]:
        bases = [slug_base(self.model, text) for text in texts]
        self.look_up(set(bases))
        slugs = list(bases)
        waiting: dict[str, list[int]] = {}  # base -> the rows that need a suffix
        for index, base in enumerate(bases):
            if base in self.taken:
                waiting.setdefault(base, []).append(index)
            else:
                self.taken.add(base)
        width = {base: len(rows) for base, rows in waiting.items()}
        while waiting:
            windows = {
                base: range(
                    self.next_suffix.get(base, 2), self.next_suffix.get(base, 2) + width[base]
                )
                for base in waiting
            }
            self.look_up({f"{base}-{n}" for base, window in windows.items() for n in window})
            for base, window in windows.items():
                rows = waiting[base]
                for n in window:
                    self.next_suffix[base] = n + 1
                    candidate = f"{base}-{n}"
                    if candidate not in self.taken:
                        self.taken.add(candidate)
                        slugs[rows.pop(0)] = candidate
                        if not rows:
                            del waiting[base]
                            break
                width[base] *= 2
        return slugs


class DraftWriter:
    """Create checked rows as drafts of ``by``, in bulk, inside the caller's transaction.

    The bulk form of ``moderation.import_draft``: the same permission check; each claim a draft
    owned and last edited by the importer, of origin "import", version 1, with its ``import``
    event; plus the audit history of every claim (with its categories and tags), source and
    citation created, as saving them one by one would record it.
    """

    def __init__(self, *, by, file_name: str = ""):
        if not by.has_perm("tracker.add_claim"):
            raise TransitionRefused(_("You are not allowed to create entries."))
        self.by = by
        self.comment_template = _("Imported from %(file)s, row %(row)s.")
        self.file_name = file_name or _("a spreadsheet")
        self.slugs = SlugAllocator(Claim)
        self.source_ids: dict[tuple[str, str], int] = {}
        self.content_type = ContentType.objects.get_for_model(Claim)
        self._locations: dict[int, Location] | None = None
        self._organizations: dict[int, Organization] | None = None
        self.claims = self.citations = self.sources = 0
        self.versions: dict[int, int] = {}  # claim pk -> history id of its created version

    def result(self) -> ImportResult:
        return ImportResult(claims=self.claims, citations=self.citations, sources=self.sources)

    def comment(self, row: RowResult) -> str:
        return self.comment_template % {"file": self.file_name, "row": row.row}

    def location(self, pk: int) -> Location:
        if self._locations is None:
            self._locations = {loc.pk: loc for loc in Location.objects.only("pk", "name")}
        return self._locations[pk]

    def organization(self, pk: int) -> Organization:
        if self._organizations is None:
            self._organizations = {o.pk: o for o in Organization.objects.only("pk", "name")}
        return self._organizations[pk]

    def write(self, rows: list[RowResult]) -> None:
        if not rows:
            return
        comments = [self.comment(row) for row in rows]
        claims = self.write_claims(rows, comments)
        for name in ("categories", "tags"):
            self.write_links(name, rows, claims)
        self.write_sources(rows, comments)
        self.write_citations(rows, claims, comments)
        ModerationEvent.objects.bulk_create(
            ModerationEvent(
                content_type=self.content_type,
                object_id=claim.pk,
                kind=ModerationEvent.Kind.IMPORT,
                action="import",
                to_value=ModerationStatus.DRAFT,
                comment=comment,
                actor=self.by,
            )
            for claim, comment in zip(claims, comments, strict=True)
        )

    def write_claims(self, rows: list[RowResult], comments: list[str]) -> list[Claim]:
        slugs = self.slugs.allocate([row.claim["title"] for row in rows])
        claims = []
        for row, slug, comment in zip(rows, slugs, comments, strict=True):
            claim = Claim(
                **row.claim,
                slug=slug,
                status=ModerationStatus.DRAFT,
                origin=Claim.Origin.IMPORT,
                created_by=self.by,
                last_edited_by=self.by,
                version=1,
            )
            if claim.location_id:
                claim.location = self.location(claim.location_id)
            claim.set_derived_fields()
            claim._change_reason = comment
            claims.append(claim)
        Claim.objects.bulk_create(claims)
        records = self.history(Claim, claims)
        self.versions = {record.id: record.history_id for record in records}
        self.claims += len(claims)
        return claims

    def history(self, model: type[models.Model], objects: list) -> list:
        return model.history.bulk_history_create(objects, default_user=self.by)

    def write_links(self, name: str, rows: list[RowResult], claims: list[Claim]) -> None:
        """The m2m rows of ``name`` and their history, tied to each claim's created version."""
        m2m = Claim._meta.get_field(name)
        through = m2m.remote_field.through
        own, other = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        ids = "category_ids" if name == "categories" else "tag_ids"
        links = [
            through(**{own: claim.pk, other: pk})
            for row, claim in zip(rows, claims, strict=True)
            for pk in getattr(row, ids)
        ]
        if not links:
            return
        through.objects.bulk_create(links)
        versions = self.versions
        history_model = AuditHistory.by_model[Claim].m2m_models[m2m]
        names = [f.attname for f in through._meta.fields]
        history_model.objects.bulk_create(
            history_model(
                history_id=versions[getattr(link, own)],
                **{attname: getattr(link, attname) for attname in names},
            )
            for link in links
        )

    def write_sources(self, rows: list[RowResult], comments: list[str]) -> None:
        new: dict[tuple[str, str], Source] = {}
        for row, comment in zip(rows, comments, strict=True):
            for planned in row.citations:
                key = planned.source_key
                if planned.source_id is not None or key in self.source_ids or key in new:
                    continue
                source = Source(**planned.new_source, created_by=self.by)
                if source.organization_id:
                    source.organization = self.organization(source.organization_id)
                source.set_derived_fields()
                source._change_reason = comment
                new[key] = source
        if not new:
            return
        Source.objects.bulk_create(new.values())
        self.history(Source, list(new.values()))
        self.source_ids.update((key, source.pk) for key, source in new.items())
        self.sources += len(new)

    def write_citations(self, rows: list[RowResult], claims: list[Claim], comments) -> None:
        citations = []
        for row, claim, comment in zip(rows, claims, comments, strict=True):
            for planned in row.citations:
                citation = Citation(
                    claim_id=claim.pk,
                    source_id=planned.source_id or self.source_ids[planned.source_key],
                    quote=planned.quote,
                    locator=planned.locator,
                    stance=planned.stance,
                )
                citation._change_reason = comment
                citations.append(citation)
        if citations:
            Citation.objects.bulk_create(citations)
            self.history(Citation, citations)
            self.citations += len(citations)


@transaction.atomic
def apply_import(
    plan: ImportPlan, *, by, file_name: str = "", progress: Progress | None = None
) -> ImportResult:
    """Create every row of a checked plan as a draft of ``by``, with its citations: all, or none."""
    if not plan.is_valid:
        raise ImportRefused(plan)
    writer = DraftWriter(by=by, file_name=file_name)
    for start in range(0, len(plan.rows), CHUNK_SIZE):
        writer.write(plan.rows[start : start + CHUNK_SIZE])
        if progress:
            progress(min(start + CHUNK_SIZE, len(plan.rows)), len(plan.rows))
    return writer.result()


@transaction.atomic
def import_claims_csv(
    data: bytes, *, by, file_name: str = "", progress: Progress | None = None
) -> ImportResult:
    """Check a file again and create every row as a draft of ``by``: all rows, or none.

    Rows are checked and written chunk by chunk. At the first error writing stops; the rest is
    still checked, so that ``ImportRefused.plan`` names every problem, and nothing is kept.
    """
    writer = DraftWriter(by=by, file_name=file_name)
    plan = ImportPlan()
    for chunk in checked_chunks(ClaimSheet(data), plan, keep_rows=False, progress=progress):
        if not plan.row_errors:
            writer.write(chunk)
    if not plan.is_valid:
        raise ImportRefused(plan)
    return writer.result()


# A template for a new user ---------------------------------------------------------------------

# What a new file needs: the export's columns, less those an import ignores.
TEMPLATE_COLUMNS = [name for name in ALLOWED_COLUMNS if name not in IGNORED_COLUMNS]


def example_row() -> dict[str, str]:
    """One row that this site's import accepts, using its own first category and place."""
    category = Category.objects.order_by("pk").first()
    place = Location.objects.order_by("pk").first()
    country = place.country.code if place and place.country else "SV"
    return {
        "title": _("Example: three deaths in custody reported at one prison"),
        "summary": _("Replace this row with your own. One row is one claim, as a draft of yours."),
        "categories": category.slug if category else "",
        "country": country,
        "place": place.slug if place else "",
        "place_details": "",
        "event_start": "2024-03-01",
        "event_end": "2024-04-30",
        "ongoing": "false",
        "date_precision": DatePrecision.MONTH,
        "victim_count": "3",
        "victim_description": _("detainees"),
        "alleged_perpetrator": _("prison authorities"),
        "tags": "",
        "source_titles": _("Example report"),
        "source_urls": "https://example.org/report",
        "citations": "",
    }


def template_csv() -> str:
    """The header row of an import file and one example row, as CSV."""
    example = example_row()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([cell(example.get(name, "")) for name in TEMPLATE_COLUMNS])
    return out.getvalue()
