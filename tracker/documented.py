"""The register's documented count for an indicator, beside the figures organisations report.

An indicator can name a register query (``Indicator.register_*``: the status of the person, a
country, a place and the places within it, a span of dates of death). Its page then shows how
many people the register documents: published records of every privacy level, one per person
once linked records are counted together (``Person.same_as``), cumulative by date of death; and
what the count leaves out, in numbers only: published records without a date of death, records
of a person already counted, records not yet published. No name or identifier is ever read
here: only counts leave the database.

A fixed number of queries, whatever the size of the register, cached per public-data
version like the figures (``tracker.public_cache``).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Coalesce, RowNumber, TruncMonth

from tracker.models import Indicator, Location, Person, Privacy
from tracker.models.base import DatePrecision, format_imprecise_date
from tracker.public_cache import get_or_compute

PERSON_KEY = Coalesce("same_as_id", "id")


@dataclass(frozen=True)
class Documented:
    """What the register documents for one indicator: numbers only."""

    people: int  # people with a date of death in the range: the documented count
    counted_only: int  # of them, people whose records are counted but never listed
    linked_records: int  # published records of a person already counted
    undated_people: int  # people matching the query, but no record gives a date of death
    not_yet_published: int  # records matching the query, being written or awaiting review
    months: tuple[tuple[datetime.date, int], ...]  # (last day of a month, people by its end)
    synthetic: int = 0  # of the people counted, those whose records are made up (demo, tests)

    @property
    def listed(self) -> int:
        return self.people - self.counted_only

    def series(self) -> dict:
        """The cumulative count as one series of the indicator chart."""
        return {
            "points": [
                {
                    "x": day.isoformat(),
                    "date": format_imprecise_date(day, DatePrecision.MONTH),
                    "y": total,
                    "high": None,
                    "qualifier": "exact",
                    "text": str(total),
                }
                for day, total in self.months
            ]
        }


def register_records(indicator: Indicator):
    """Person records of any moderation status that the indicator's query selects (the
    span of dates apart: a record without a date of death may still match)."""
    records = Person.objects.filter(situation=indicator.register_situation)
    if indicator.register_country:
        records = records.filter(country=indicator.register_country)
    if indicator.register_place_id:
        records = records.filter(
            place__in=Location.objects.within([indicator.register_place_id]).values("pk")
        )
    return records


def in_dates(indicator: Indicator) -> Q:
    condition = Q(died_on__isnull=False)
    if indicator.register_died_from:
        condition &= Q(died_on__gte=indicator.register_died_from)
    if indicator.register_died_until:
        condition &= Q(died_on__lte=indicator.register_died_until)
    return condition


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def documented(indicator: Indicator) -> Documented:
    """Count what the register documents for ``indicator`` (which has a register query)."""
    dated = in_dates(indicator)
    published = register_records(indicator).public().filter(dated | Q(died_on__isnull=True))
    totals = published.aggregate(
        records=Count("pk", filter=dated),
        people=Count(PERSON_KEY, distinct=True, filter=dated),
        matching_people=Count(PERSON_KEY, distinct=True),
        counted_only=Count(PERSON_KEY, distinct=True, filter=dated & Q(privacy=Privacy.COUNTED)),
        synthetic=Count(PERSON_KEY, distinct=True, filter=dated & Q(synthetic=True)),
    )
    waiting = register_records(indicator).not_yet_published().count()
    # Each person once, at the earliest date of death among their records in the range.
    first_records = (
        published.filter(dated)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[PERSON_KEY], order_by=[F("died_on").asc(), F("pk")]
            )
        )
        .filter(rank=1)
        .values("pk")
    )
    per_month = (
        Person.objects.filter(pk__in=first_records)
        .annotate(month=TruncMonth("died_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
        .values_list("month", "n")
    )
    months, total = [], 0
    for month, count in per_month:
        total += count
        end = month_end(month)
        if indicator.register_died_until:
            end = min(end, indicator.register_died_until)
        months.append((end, total))
    return Documented(
        people=totals["people"],
        counted_only=totals["counted_only"],
        linked_records=totals["records"] - totals["people"],
        undated_people=totals["matching_people"] - totals["people"],
        not_yet_published=waiting,
        months=tuple(months),
        synthetic=totals["synthetic"],
    )


def cached_documented(indicator: Indicator, version: int) -> Documented | None:
    """``documented(indicator)`` at the public-data ``version``; None without a query."""
    if not indicator.counts_register:
        return None
    return get_or_compute(
        "indicator-register", version, (str(indicator.pk),), lambda: documented(indicator)
    )
