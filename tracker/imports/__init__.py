"""Spreadsheet import of claims, in the claims CSV export's own column layout.

``check_claims_csv`` (and ``read_claims_csv``, which keeps every row) parses and checks a file
without writing anything: the dry run. ``import_claims_csv`` checks the file again and creates
every row as a draft of the importer, all or nothing; ``apply_import`` does the same from a plan.
The upload pages (through ``tracker.import_jobs``) and the ``import_claims`` command share them.
Rules (also in docs/open-data.md):

- Columns are those of ``/claims.csv``; ``country`` is required, and a title and a summary in
  English (``title``, ``summary``) or Spanish (``title_es``, ``summary_es``); each row's
  ``original_language`` says which it is written in, the other language being its translation.
  Columns that only describe a published entry (id, page, verification, ...) are ignored.
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
``workflow.import_draft``: same permission, same draft state, owner, origin, version and
``import`` event per claim, plus the audit history of every row it creates.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.exports import cell
from tracker.imports import plan as limits
from tracker.imports.plan import (
    ALLOWED_COLUMNS,
    IGNORED_COLUMNS,
    REQUIRED_COLUMNS,
    CellError,
    ImportPlan,
    ImportRefused,
    ImportResult,
    PlannedCitation,
    Progress,
    RowResult,
    max_bytes,
)
from tracker.imports.sheet import ClaimSheet, checked_chunks
from tracker.imports.writer import DraftWriter
from tracker.models import Category, DatePrecision, Location

__all__ = [
    "ALLOWED_COLUMNS",
    "IGNORED_COLUMNS",
    "REQUIRED_COLUMNS",
    "TEMPLATE_COLUMNS",
    "CellError",
    "ClaimSheet",
    "DraftWriter",
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "PlannedCitation",
    "RowResult",
    "apply_import",
    "check_claims_csv",
    "import_claims_csv",
    "max_bytes",
    "read_claims_csv",
    "template_csv",
]


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


@transaction.atomic
def apply_import(
    plan: ImportPlan, *, by, file_name: str = "", progress: Progress | None = None
) -> ImportResult:
    """Create every row of a checked plan as a draft of ``by``, with its citations: all, or none."""
    if not plan.is_valid:
        raise ImportRefused(plan)
    writer = DraftWriter(by=by, file_name=file_name)
    size = limits.CHUNK_SIZE
    for start in range(0, len(plan.rows), size):
        writer.write(plan.rows[start : start + size])
        if progress:
            progress(min(start + size, len(plan.rows)), len(plan.rows))
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
        "original_language": "en",
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
