"""An import file as a whole: decoded, its header checked, its rows read chunk by chunk."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.exports import unneutralize as undo_neutralize
from tracker.imports import plan as limits
from tracker.imports.checks import Lookups, check_row, start_row
from tracker.imports.plan import (
    ALLOWED_COLUMNS,
    REQUIRED_COLUMNS,
    TEXT_COLUMNS,
    ImportPlan,
    Progress,
    RowResult,
    max_bytes,
    shown,
)

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

    # The columns a file may have, and how to say that it has others.
    allowed_columns = ALLOWED_COLUMNS
    unknown_columns_message = gettext_lazy(
        "Unknown columns: %(names)s. The columns are those of the claims export: %(allowed)s."
    )

    def missing_columns(self, header: list[str]) -> list[str]:
        """The required columns that ``header`` lacks (a claim needs its text in one language)."""
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if not any(all(name in header for name in names) for names in TEXT_COLUMNS.values()):
            missing = [*TEXT_COLUMNS["en"], *missing]
        return missing

    def check_header(self) -> None:
        header = self.header
        unknown = [shown(name) for name in header if name not in self.allowed_columns]
        missing = self.missing_columns(header)
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if unknown:
            self.file_errors.append(
                self.unknown_columns_message
                % {"names": ", ".join(unknown), "allowed": ", ".join(self.allowed_columns)}
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
    for chunk in sheet.chunks(limits.CHUNK_SIZE):
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
