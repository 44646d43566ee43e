"""Spreadsheet import of claims, in the claims CSV export's own column layout.

``read_claims_csv`` parses and checks a file without writing anything (the dry run);
``apply_import`` creates every row as a draft of the importer, all or nothing. The upload page
and the ``import_claims`` command share both. Rules (also in docs/open-data.md):

- Columns are those of ``/claims.csv``; ``title``, ``summary`` and ``country`` are required,
  columns that only describe a published entry (id, page, verification, ...) are ignored.
- Categories, places, tags and organisations must already exist (by slug, or by exact name):
  an unknown one is an error, never created.
- Citations come from the ``citations`` cell (JSON, as exported) or, when it is empty, from the
  ``source_urls``/``source_titles`` lines. A source is matched by its URL, or by its exact title
  when it has no URL; otherwise it is created. Confidential sources are not in an export, so a
  citation marked confidential is skipped with a warning.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from tracker import workflow
from tracker.exports import CLAIM_COLUMNS, LINE_SEPARATOR, unneutralize
from tracker.models import (
    Category,
    Citation,
    Claim,
    DatePrecision,
    Location,
    Organization,
    Source,
    Tag,
)

ALLOWED_COLUMNS = [column.name for column in CLAIM_COLUMNS]
REQUIRED_COLUMNS = ["title", "summary", "country"]
LIST_SPLIT = ";"
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}

Progress = Callable[[int, int], None]


def max_bytes() -> int:
    return settings.CLAIM_IMPORT_MAX_BYTES


@dataclass(frozen=True)
class CellError:
    column: str
    message: str


@dataclass(frozen=True)
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


@dataclass
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
    citations_raw: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_source_count(self) -> int:
        return len({c.source_key for c in self.citations if c.source_id is None})

    def error(self, column: str, message: str) -> None:
        self.errors.append(CellError(column, message))


@dataclass
class ImportPlan:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + sum(len(row.errors) for row in self.rows)

    def errors(self) -> list[str]:
        """Every problem as one sentence naming its row and column."""
        messages = list(self.file_errors)
        for row in self.rows:
            for error in row.errors:
                messages.append(
                    _("Row %(row)s, column “%(column)s”: %(message)s")
                    % {"row": row.row, "column": error.column, "message": error.message}
                )
        return messages


class Lookups:
    """The existing vocabularies, loaded once per file."""

    def __init__(self):
        self.categories = self._index(Category.objects.all(), "slug", "name")
        self.places = self._index(Location.objects.all(), "slug", "name")
        self.organizations = self._index(Organization.objects.all(), "slug", "name")
        self.tags = self._index(Tag.objects.all(), "slug", "name")
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
        for pk, url in Source.objects.filter(url__in=urls).order_by("-pk").values_list("pk", "url"):
            self.sources_by_url[url] = pk
        matches = Source.objects.filter(title__in=titles, url="").order_by("-pk")
        for pk, title in matches.values_list("pk", "title"):
            self.sources_by_title[title] = pk


def split_list(value: str) -> list[str]:
    return [
        item.strip() for item in value.replace("\n", LIST_SPLIT).split(LIST_SPLIT) if item.strip()
    ]


def parse_date(result: RowResult, column: str, value: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        result.error(column, _("“%(value)s” is not a date as YYYY-MM-DD.") % {"value": value})
        return None


def parse_choice(result: RowResult, column: str, value: str, choices, default: str) -> str:
    if not value:
        return default
    if value in choices.values:
        return value
    result.error(
        column,
        _("“%(value)s” is not one of: %(choices)s.")
        % {"value": value, "choices": ", ".join(choices.values)},
    )
    return default


def lookup_many(result: RowResult, column: str, value: str, index: dict, noun: str) -> list[int]:
    ids = []
    for item in split_list(value):
        pk = index.get(item.casefold())
        if pk is None:
            result.error(column, _("Unknown %(noun)s “%(item)s”.") % {"noun": noun, "item": item})
        else:
            ids.append(pk)
    return ids


def decode(data: bytes) -> tuple[str | None, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        return None, _(
            "The file is not UTF-8 text (the byte at position %(position)s cannot be read). "
            "Save the spreadsheet as “CSV UTF-8” and upload it again."
        ) % {"position": error.start}


def read_claims_csv(data: bytes, *, progress: Progress | None = None) -> ImportPlan:
    """Parse and check a file; write nothing. The plan says what would be created, or why not."""
    plan = ImportPlan()
    limit = max_bytes()
    if len(data) > limit:
        plan.file_errors.append(
            _("The file is %(size)s bytes; the largest file accepted is %(limit)s bytes.")
            % {"size": len(data), "limit": limit}
        )
        return plan
    if not data.strip():
        plan.file_errors.append(_("The file is empty."))
        return plan
    text, problem = decode(data)
    if problem:
        plan.file_errors.append(problem)
        return plan
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        plan.file_errors.append(_("The file is not valid CSV: %(error)s") % {"error": error})
        return plan
    header, body = [name.strip() for name in records[0]], records[1:]
    unknown = [name for name in header if name not in ALLOWED_COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if unknown:
        plan.file_errors.append(
            _(
                "Unknown columns: %(names)s. "
                "The columns are those of the claims export: %(allowed)s."
            )
            % {"names": ", ".join(unknown), "allowed": ", ".join(ALLOWED_COLUMNS)}
        )
    if missing:
        plan.file_errors.append(
            _("Missing required columns: %(names)s.") % {"names": ", ".join(missing)}
        )
    if duplicated:
        plan.file_errors.append(
            _("Columns given twice: %(names)s.") % {"names": ", ".join(duplicated)}
        )
    if plan.file_errors:
        return plan
    body = [(number, cells) for number, cells in enumerate(body, start=2) if any(cells)]
    if not body:
        plan.file_errors.append(_("The file has a header but no rows."))
        return plan

    lookups = Lookups()
    rows = []
    for number, cells in body:
        result = RowResult(row=number)
        if len(cells) > len(header):
            result.error("", _("This row has more cells than the header has columns."))
        values = {
            name: unneutralize(cells[i].strip()) if i < len(cells) else ""
            for i, name in enumerate(header)
        }
        rows.append((result, values))
    urls, titles = set(), set()
    for result, values in rows:
        result.citations_raw = citation_records(result, values)
        for record in result.citations_raw:
            if record.get("source_url"):
                urls.add(record["source_url"])
            elif record.get("source_title"):
                titles.add(record["source_title"])
    lookups.load_sources(urls, titles)
    for index, (result, values) in enumerate(rows, start=1):
        check_row(result, values, lookups)
        plan.rows.append(result)
        if progress:
            progress(index, len(rows))
    return plan


def citation_records(result: RowResult, values: dict) -> list[dict]:
    """The row's citations as records, from the JSON cell or else from the source lines."""
    raw = values.get("citations", "")
    if raw:
        try:
            records = json.loads(raw)
        except ValueError:
            result.error("citations", _("This cell is not the JSON list that the export writes."))
            return []
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            result.error("citations", _("This cell is not the JSON list that the export writes."))
            return []
        return records
    urls = values.get("source_urls", "").split(LINE_SEPARATOR)
    titles = values.get("source_titles", "").split(LINE_SEPARATOR)
    records = []
    for i in range(max(len(urls), len(titles))):
        url = urls[i].strip() if i < len(urls) else ""
        title = titles[i].strip() if i < len(titles) else ""
        if url or title:
            records.append({"source_url": url, "source_title": title})
    return records


def check_row(result: RowResult, values: dict, lookups: Lookups) -> None:
    result.title = values.get("title", "")
    if not result.title:
        result.error("title", _("A title is required."))
    if not values.get("summary"):
        result.error("summary", _("A summary of what happened is required."))
    country = values.get("country", "").upper()
    if country not in dict(countries):
        result.error("country", _("“%(value)s” is not a country code.") % {"value": country})
    location_id = None
    if values.get("place"):
        location_id = lookups.places.get(values["place"].casefold())
        if location_id is None:
            result.error("place", _("Unknown place “%(item)s”.") % {"item": values["place"]})
    ongoing = values.get("ongoing", "").casefold()
    if ongoing not in TRUE_WORDS | FALSE_WORDS:
        result.error("ongoing", _("Write true or false."))
    victim_count = None
    if values.get("victim_count"):
        try:
            victim_count = int(values["victim_count"])
            if victim_count < 0:
                raise ValueError
        except ValueError:
            result.error("victim_count", _("Write a whole number, zero or more."))
            victim_count = None
    result.claim = {
        "title": result.title,
        "summary": values.get("summary", ""),
        "country": country,
        "location_id": location_id,
        "place_details": values.get("place_details", ""),
        "event_start": parse_date(result, "event_start", values.get("event_start", "")),
        "event_end": parse_date(result, "event_end", values.get("event_end", "")),
        "ongoing": ongoing in TRUE_WORDS,
        "date_precision": parse_choice(
            result,
            "date_precision",
            values.get("date_precision", ""),
            DatePrecision,
            DatePrecision.DAY,
        ),
        "victim_count": victim_count,
        "victim_description": values.get("victim_description", ""),
        "alleged_perpetrator": values.get("alleged_perpetrator", ""),
    }
    result.category_ids = lookup_many(
        result, "categories", values.get("categories", ""), lookups.categories, _("category")
    )
    result.tag_ids = lookup_many(result, "tags", values.get("tags", ""), lookups.tags, _("tag"))
    check_model(result)
    for record in result.citations_raw:
        check_citation(result, record, lookups)
    seen = set()
    for citation in result.citations:
        key = (citation.source_id or citation.source_key, citation.locator)
        if key in seen:
            result.error("citations", _("The same source and locator are cited twice."))
        seen.add(key)


def check_model(result: RowResult) -> None:
    """Let the model's own validation speak: lengths, the date range, the country."""
    if result.errors:
        return
    claim = Claim(**result.claim)
    try:
        exclude = [f.name for f in Claim._meta.fields if f.attname not in result.claim]
        claim.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = "place" if name == "location" else name
            for message in messages:
                result.error("" if column == "__all__" else column, message)


def check_citation(result: RowResult, record: dict, lookups: Lookups) -> None:
    def text(key: str) -> str:
        value = record.get(key, "")
        return unneutralize(str(value).strip()) if value is not None else ""

    if record.get("confidential"):
        result.warnings.append(
            _("A citation of a confidential source is not in the file and was left out.")
        )
        return
    url, title = text("source_url"), text("source_title")
    stance = parse_choice(result, "citations", text("stance"), Citation.Stance, "supports")
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            result.error("source_urls", _("“%(url)s” is not a web address.") % {"url": url})
            return
        source_id = lookups.sources_by_url.get(url)
    elif title:
        source_id = lookups.sources_by_title.get(title)
    else:
        result.error("citations", _("Each cited source needs a URL or a title."))
        return
    new_source = {"url": url, "title": title}
    if source_id is None:
        if not title:
            result.error("source_titles", _("A new source needs a title: %(url)s") % {"url": url})
            return
        org_slug = text("source_organization")
        organization_id = None
        if org_slug:
            organization_id = lookups.organizations.get(org_slug.casefold())
            if organization_id is None:
                result.error(
                    "citations", _("Unknown organisation “%(item)s”.") % {"item": org_slug}
                )
        new_source = {
            "title": title,
            "url": url,
            "archived_url": text("source_archived_url"),
            "kind": parse_choice(
                result, "citations", text("source_kind"), Source.Kind, Source.Kind.OTHER
            ),
            "organization_id": organization_id,
            "author": text("source_author"),
            "published_on": parse_date(result, "citations", text("source_published_on")),
            "published_precision": parse_choice(
                result,
                "citations",
                text("source_published_precision"),
                DatePrecision,
                DatePrecision.DAY,
            ),
            "language": parse_choice(
                result, "citations", text("source_language"), Source.Language, "en"
            ),
        }
    result.citations.append(
        PlannedCitation(
            quote=text("quote"),
            locator=text("locator"),
            stance=stance,
            source_id=source_id,
            new_source=new_source,
        )
    )


@transaction.atomic
def apply_import(
    plan: ImportPlan, *, by, file_name: str = "", progress: Progress | None = None
) -> list[Claim]:
    """Create every row as a draft of ``by``, with its citations: all rows, or none."""
    if not plan.is_valid:
        raise workflow.TransitionRefused(_("The file has errors: nothing was imported."))
    created_sources: dict[tuple[str, str], Source] = {}
    claims = []
    for index, row in enumerate(plan.rows, start=1):
        claim = Claim(**row.claim, origin=Claim.Origin.IMPORT)
        comment = _("Imported from %(file)s, row %(row)s.") % {
            "file": file_name or _("a spreadsheet"),
            "row": row.row,
        }
        workflow.import_draft(claim, by=by, comment=comment)
        claim.categories.set(row.category_ids)
        claim.tags.set(row.tag_ids)
        for planned in row.citations:
            source_id = planned.source_id
            if source_id is None:
                source = created_sources.get(planned.source_key)
                if source is None:
                    source = Source.objects.create(**planned.new_source, created_by=by)
                    created_sources[planned.source_key] = source
                source_id = source.pk
            Citation.objects.create(
                claim=claim,
                source_id=source_id,
                quote=planned.quote,
                locator=planned.locator,
                stance=planned.stance,
            )
        claims.append(claim)
        if progress:
            progress(index, len(plan.rows))
    return claims
