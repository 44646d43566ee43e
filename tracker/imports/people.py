"""Import of a case list: one source's list of people, one row per case, as draft person records.

``check_case_list`` parses and checks a file without writing anything (the dry run);
``import_case_list`` checks it again and creates every row as a draft of the importer,
reported by the source with the row's case number, all or nothing. Both read the file 1,000 rows
at a time and report their progress; the upload page runs them as an import job in the task
worker (``tracker.import_jobs``), ``manage.py import_people`` runs them itself. The file as a
whole is read by the claims import's own ``ClaimSheet`` (size, encoding, CSV), and its cells are
checked by the same functions, so that whatever the dry run accepts, the import can write.

Rules:

- ``case_number`` is required, once per file, and must not already be in the register for
  that source (a second import of one list is refused, not doubled).
- ``privacy`` is ``counted`` (counted only) unless the row says ``anonymous`` or ``named``: a
  list does not by itself say that a family agreed to a name being public.
- ``place`` must already exist (by slug or exact name); dates are YYYY-MM-DD.
- Every draft goes through review like any other: the import publishes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from tracker import workflow
from tracker.imports.checks import (
    Lookups,
    fits,
    parse_choice,
    parse_date,
    start_row,
)
from tracker.imports.plan import (
    CHUNK_SIZE,
    MAX_REPORTED_ERRORS,
    SAMPLE_ROWS,
    CellError,
    ImportRefused,
    Progress,
    RowResult,
    error_sentence,
    model_field,
    shown,
)
from tracker.imports.sheet import ClaimSheet
from tracker.models import (
    Certainty,
    DatePrecision,
    Person,
    PersonSource,
    PersonStatus,
    Privacy,
    Sex,
    Source,
)
from tracker.models.base import truncate_to_precision

TEXT_COLUMNS = (
    "name",
    "other_names",
    "occupation",
    "cause_reported",
    "cause_reported_es",
    "description",
    "description_es",
    "alleged_perpetrator",
    "alleged_perpetrator_es",
    "private_notes",
)
CHOICE_COLUMNS = {
    "privacy": (Privacy, Privacy.COUNTED),
    "sex": (Sex, Sex.UNKNOWN),
    "situation": (PersonStatus, PersonStatus.UNKNOWN),
    "died_precision": (DatePrecision, DatePrecision.DAY),
    "died_certainty": (Certainty, Certainty.UNKNOWN),
    "detained_precision": (DatePrecision, DatePrecision.DAY),
    "detained_certainty": (Certainty, Certainty.UNKNOWN),
}
AGE_COLUMNS = ("age", "age_high")
DATE_COLUMNS = {"died_on": "died_precision", "detained_on": "detained_precision"}
COLUMNS = [
    "case_number",
    *TEXT_COLUMNS,
    *CHOICE_COLUMNS,
    *AGE_COLUMNS,
    *DATE_COLUMNS,
    "country",
    "place",
    "locator",
]
REQUIRED = ("case_number",)


class CaseListSheet(ClaimSheet):
    """A case list file: the claims import's reading of a file, with its own columns."""

    allowed_columns = COLUMNS
    unknown_columns_message = gettext_lazy(
        "Unknown columns: %(names)s. The columns of a case list are: %(allowed)s."
    )

    def missing_columns(self, header: list[str]) -> list[str]:
        return [name for name in REQUIRED if name not in header]


class CaseListRefused(ImportRefused):
    """The case list has errors: nothing was written. ``plan`` (a ``CaseListPlan``) says which."""


@dataclass
class CaseListPlan:
    """What a case list would create, or every reason why not; counts, never the rows."""

    source: Source
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[tuple[int, CellError]] = field(default_factory=list)
    row_count: int = 0
    privacy: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Privacy.values, 0))
    sample: list[dict] = field(default_factory=list)  # the first rows, as the dry run read them
    drafts: list[int] = field(default_factory=list)  # the first records created

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and self.row_count > 0 and not self.row_errors

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + len(self.row_errors)

    def errors(self, limit: int | None = None) -> list[str]:
        """Every problem (or the first ``limit``) as one sentence naming its row and column."""
        errors = self.row_errors if limit is None else self.row_errors[:limit]
        messages = [*self.file_errors, *(error_sentence(row, error) for row, error in errors)]
        return messages if limit is None else messages[:limit]

    def by_privacy(self) -> dict[str, int]:
        return dict(self.privacy)

    def record(self, number: int, person: Person, case: str, errors: list[CellError], lookups):
        self.row_count += 1
        self.privacy[person.privacy] += 1
        self.row_errors.extend((number, error) for error in errors)
        if len(self.sample) < SAMPLE_ROWS:
            self.sample.append(read_as(number, person, case, errors, lookups))

    def report(self) -> dict:
        """The plan as JSON that a job keeps for its page: counts, the first problems and rows."""
        return {
            "rows": self.row_count,
            "error_count": self.error_count,
            "errors": [shown(m, 1000) for m in self.errors(limit=MAX_REPORTED_ERRORS)],
            "by_privacy": self.by_privacy(),
            "warning_count": 0,
            "sample": self.sample,
        }

    def result(self) -> dict:
        """What an import created, as a job keeps it."""
        return {"records": self.row_count, "drafts": self.drafts}


def read_as(number: int, person: Person, case: str, errors: list[CellError], lookups) -> dict:
    """What one row was read as, for the dry run's table: never the name, only whether it has one.

    The name is not kept in the job's report, which outlives a file that is refused.
    """
    return {
        "row": number,
        "case": shown(case, 100),
        "named": bool(person.name),
        "privacy": str(person.get_privacy_display()),
        "situation": str(person.get_situation_display()),
        "age": person.age_display,
        "place": shown(lookups.place_names.get(person.place_id, ""), 100),
        "country": f"{countries.name(person.country)} ({person.country})" if person.country else "",
        "died": str(person.died_display),
        "detained": str(person.detained_display),
        "errors": [shown(error.message, 300) for error in errors],
    }


def check_row(result: RowResult, values: dict, lookups: Lookups) -> Person:
    """The draft record a row describes; its problems go to ``result``."""
    person = Person()
    for column in TEXT_COLUMNS:
        value = values.get(column, "")
        if value and fits(result, column, model_field(Person, column), value):
            setattr(person, column, value)
    for column, (choices, default) in CHOICE_COLUMNS.items():
        setattr(
            person, column, parse_choice(result, column, values.get(column, ""), choices, default)
        )
    for column in AGE_COLUMNS:
        value = values.get(column, "")
        if value and not (value.isdigit() and int(value) < 130):
            result.error(column, _("“%(value)s” is not an age in years.") % {"value": shown(value)})
        elif value:
            setattr(person, column, int(value))
    if person.age_high is not None and (person.age is None or person.age_high < person.age):
        result.error("age_high", _("The high end of an age range needs a lower age below it."))
    for column, precision in DATE_COLUMNS.items():
        day = parse_date(result, column, values.get(column, ""))
        setattr(person, column, truncate_to_precision(day, getattr(person, precision)))
    country = values.get("country", "").upper()
    if country and country not in lookups.countries:
        result.error("country", _("Unknown country code “%(code)s”.") % {"code": shown(country)})
    person.country = country if country in lookups.countries else ""
    place = values.get("place", "")
    if place:
        person.place_id = lookups.places.get(place.casefold())
        if person.place_id is None:
            result.error("place", _("Unknown place “%(item)s”.") % {"item": shown(place)})
    return person


def checked_rows(
    data: bytes, plan: CaseListPlan, *, progress: Progress | None = None
) -> Iterator[list[tuple[Person, str, str]]]:
    """Check a case list chunk by chunk, recording each row in ``plan``; yield each chunk's
    records with their case numbers and locators."""
    sheet = CaseListSheet(data)
    plan.file_errors.extend(sheet.file_errors)
    if sheet.file_errors:
        return
    known = set(
        PersonSource.objects.filter(source=plan.source)
        .exclude(case_number="")
        .values_list("case_number", flat=True)
    )
    lookups, seen, done = Lookups(), {}, 0
    for chunk in sheet.chunks(CHUNK_SIZE):
        rows = []
        for number, cells in chunk:
            result, values, _records = start_row(number, cells, sheet.header)
            case = values.get("case_number", "")
            locator = values.get("locator", "")
            if not case:
                result.error("case_number", _("A case number is required."))
            elif case in seen:
                result.error(
                    "case_number",
                    _("Case “%(case)s” is already in row %(row)s.")
                    % {"case": shown(case), "row": seen[case]},
                )
            elif case in known:
                result.error(
                    "case_number",
                    _("Case “%(case)s” of this source is already in the register.")
                    % {"case": shown(case)},
                )
            else:
                seen[case] = number
            fits(result, "case_number", model_field(PersonSource, "case_number"), case)
            fits(result, "locator", model_field(PersonSource, "locator"), locator)
            person = check_row(result, values, lookups)
            plan.record(number, person, case, result.errors, lookups)
            rows.append((person, case, locator))
        done += len(chunk)
        if progress:
            progress(done, sheet.row_count)
        yield rows


def check_case_list(
    data: bytes, *, source: Source, progress: Progress | None = None
) -> CaseListPlan:
    """Parse and check a case list of ``source``; write nothing."""
    plan = CaseListPlan(source=source)
    for _rows in checked_rows(data, plan, progress=progress):
        pass
    return plan


@transaction.atomic
def import_case_list(
    data: bytes, *, source: Source, by, file_name: str = "", progress: Progress | None = None
) -> CaseListPlan:
    """Check a case list again and create every row as a draft of ``by``: all rows, or none.

    Rows are checked and written chunk by chunk. At the first error writing stops; the rest is
    still checked, so that ``CaseListRefused.plan`` names every problem, and nothing is kept.
    """
    plan = CaseListPlan(source=source)
    comment = _("Imported from the case list “%(file)s”.") % {"file": shown(file_name, 200)}
    for rows in checked_rows(data, plan, progress=progress):
        if plan.row_errors:
            continue
        for person, case, locator in rows:
            workflow.import_draft(person, by=by, comment=comment)
            PersonSource.objects.create(
                person=person, source=source, case_number=case, locator=locator
            )
            if len(plan.drafts) < SAMPLE_ROWS:
                plan.drafts.append(person.pk)
    if not plan.is_valid:
        raise CaseListRefused(plan)
    return plan
