"""Import of a case list: one source's list of people, one row per case, as draft person records.

``check_case_list`` parses and checks a file without writing anything (the dry run);
``import_case_list`` checks it again and creates every row as a draft of the importer,
reported by the source with the row's case number, all or nothing. The file as a whole is read
by the claims import's own ``ClaimSheet`` (size, encoding, CSV), and its cells are checked by
the same functions, so that whatever the dry run accepts, the import can write.

Rules:

- ``case_number`` is required, once per file, and must not already be in the register for
  that source (a second import of one list is refused, not doubled).
- ``privacy`` is ``counted`` (counted only) unless the row says ``anonymous`` or ``named``: a
  list does not by itself say that a family agreed to a name being public.
- ``place`` must already exist (by slug or exact name); dates are YYYY-MM-DD.
- Every draft goes through review like any other: the import publishes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker import workflow
from tracker.imports.checks import (
    Lookups,
    fits,
    parse_choice,
    parse_date,
    start_row,
)
from tracker.imports.plan import CellError, RowResult, error_sentence, model_field, shown
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


class CaseListRefused(workflow.TransitionRefused):
    """The case list has errors: nothing was written. ``plan`` says which."""

    def __init__(self, plan: CaseListPlan):
        super().__init__(_("The file has errors: nothing was imported."))
        self.plan = plan


@dataclass
class CaseListPlan:
    """What a case list would create, or every reason why not."""

    source: Source
    rows: list[tuple[int, Person, str, str]] = field(default_factory=list)  # number, record...
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[tuple[int, CellError]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.row_errors

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def error_count(self) -> int:
        return len(self.file_errors) + len(self.row_errors)

    def errors(self) -> list[str]:
        return [*self.file_errors, *(error_sentence(row, error) for row, error in self.row_errors)]

    def by_privacy(self) -> dict[str, int]:
        counts = dict.fromkeys(Privacy.values, 0)
        for _number, person, _case, _locator in self.rows:
            counts[person.privacy] += 1
        return counts


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


def check_case_list(data: bytes, *, source: Source) -> CaseListPlan:
    """Parse and check a case list of ``source``; write nothing."""
    plan = CaseListPlan(source=source)
    sheet = CaseListSheet(data)
    plan.file_errors.extend(sheet.file_errors)
    if sheet.file_errors:
        return plan
    rows = [row for chunk in sheet.chunks(sheet.row_count or 1) for row in chunk]
    known = set(
        PersonSource.objects.filter(source=source)
        .exclude(case_number="")
        .values_list("case_number", flat=True)
    )
    lookups, seen = Lookups(), {}
    for number, cells in rows:
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
        plan.row_errors.extend((number, error) for error in result.errors)
        plan.rows.append((number, person, case, locator))
    return plan


@transaction.atomic
def import_case_list(data: bytes, *, source: Source, by, file_name: str = "") -> CaseListPlan:
    """Check a case list again and create every row as a draft of ``by``: all rows, or none."""
    plan = check_case_list(data, source=source)
    if not plan.is_valid:
        raise CaseListRefused(plan)
    comment = _("Imported from the case list “%(file)s”.") % {"file": shown(file_name, 200)}
    for _number, person, case, locator in plan.rows:
        workflow.import_draft(person, by=by, comment=comment)
        PersonSource.objects.create(person=person, source=source, case_number=case, locator=locator)
    return plan
