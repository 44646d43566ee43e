"""What an import file would create, or why not: the plan of a dry run, row by row."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django_countries import countries

from tracker.exports import CITATION_FIELDS, citation_record
from tracker.lists import LISTS
from tracker.models import Claim
from tracker.workflow import TransitionRefused

ALLOWED_COLUMNS = [column.name for column in LISTS["claims"].columns]
REQUIRED_COLUMNS = ["country"]
# A title and a summary are required in one language at least: English (``title``,
# ``summary``) or Spanish (``title_es``, ``summary_es``); each row's ``original_language``
# (English when the column is absent or empty) says which one it was written in.
TEXT_COLUMNS = {"en": ("title", "summary"), "es": ("title_es", "summary_es")}
# Columns of the export that describe a published entry: accepted in a file and ignored.
IGNORED_COLUMNS = [
    "id",
    "page",
    "verification",
    "verification_rationale",
    "published_at",
    "citation_count",
    "corrected_at",
    "verification_rationale_es",
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
# Lone surrogates come only from JSON escapes ("\ud800"): no database can store them.
SURROGATE = re.compile("[\ud800-\udfff]")
# The cells that say when a claim happened, read as a claim reads them.
DATE_FIELDS = ("event_start", "event_end", "date_precision", "ongoing")


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
    title: str = ""  # in the language the claim is written in
    language: str = "en"  # the language the claim is written in
    translated: bool = False  # whether its title is given in the other language too
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    claim: dict = field(default_factory=dict)
    category_ids: list[int] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    # What the row was matched to, for the dry run's table.
    category_names: list[str] = field(default_factory=list)
    place_name: str = ""
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

    def matches(self) -> dict:
        """What the row's cells were read as: categories, place, country and dates."""
        claim = self.claim
        dated = Claim(**{name: claim.get(name) for name in DATE_FIELDS if name in claim})
        code = claim.get("country") or ""
        return {
            "categories": [shown(name, 100) for name in self.category_names],
            "place": shown(self.place_name, 100),
            "country": f"{countries.name(code)} ({code})" if code else "",
            "dates": str(dated.date_display) if "event_start" in claim else "",
        }


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
    # Rows by the language they are written in, and how many carry a translation.
    languages: dict[str, int] = field(default_factory=dict)
    translated: int = 0

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
        self.languages[result.language] = self.languages.get(result.language, 0) + 1
        self.translated += result.translated
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
            "written_in_english": self.languages.get("en", 0),
            "written_in_spanish": self.languages.get("es", 0),
            "translated": self.translated,
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
                    "language": row.language,
                    "translated": row.translated,
                    "citations": len(row.citations),
                    "new_sources": row.new_source_count,
                    "errors": [shown(e.message, 300) for e in row.errors],
                    **row.matches(),
                }
                for row in self.sample
            ],
        }


@dataclass(frozen=True)
class ImportResult:
    claims: int
    citations: int
    sources: int
    # The first drafts created (their pks, in the file's order), for links to them.
    drafts: list[int] = field(default_factory=list)


class ImportRefused(TransitionRefused):
    """The file has errors: nothing was written. ``plan`` says which."""

    def __init__(self, plan: ImportPlan):
        super().__init__(_("The file has errors: nothing was imported."))
        self.plan = plan
