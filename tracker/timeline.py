"""When the claims of a filtered list happened: counts per month, or per year over a long span.

A claim counts in the period its events began, at the precision its sources give: one dated
only to a year (or "around" a year) is never put in January. Over a short span the bars are
months, and such claims are shown as a band across their year; over a long one the bars are
years and hold every claim of the year. Claims with no date are counted apart. The counts of a
query string are one grouped query, cached per public-data version like the facets; the bars'
links (each narrows the list to its period, a plain link) are made per request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker import public_counts
from tracker.facets import Tally, canonical_query
from tracker.filters import NO_DATE
from tracker.models import DatePrecision
from tracker.public_cache import get_or_compute, public_version, store

# Over more months than this, the bars are years.
MAX_MONTHS = 36
HEIGHT_STEPS = 20  # bar heights are classes h-0 … h-20 (no inline style under the CSP)
YEAR_ONLY = (DatePrecision.YEAR, DatePrecision.APPROXIMATE)
PERIOD_PARAMS = ("page", "year", "month")


@dataclass
class Bar:
    key: str  # "2022-03" or "2022"
    label: str  # shown under the bar
    full_label: str  # said to screen readers and in the tooltip
    count: int
    query: str = ""  # the list narrowed to this period (or back out of it when selected)
    selected: bool = False
    height: int = 0
    span: int = 1  # a year band: how many of the month bars it covers


@dataclass
class Timeline:
    unit: str  # "month" or "year"
    bars: list[Bar] = field(default_factory=list)
    year_bands: list[Bar] = field(default_factory=list)  # monthly: claims dated to a year only
    undated: Bar | None = None
    total: int = 0

    @property
    def has_year_only(self) -> bool:
        return any(band.count for band in self.year_bands)


def count_rows(queryset) -> list[tuple[int | None, int | None, bool, int]]:
    """(year, month, known only to the year, count) of the filtered claims: one query."""
    rows = (
        queryset.order_by()
        .values(
            year=ExtractYear("event_start"),
            month=ExtractMonth("event_start"),
            precision=F("date_precision"),
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    return merged((row["year"], row["month"], row["precision"], row["n"]) for row in rows)


def merged(rows) -> list[tuple[int | None, int | None, bool, int]]:
    """(year, month, precision, count) rows, numbers as numbers or texts, merged into
    (year, month or None when known only to the year, known only to the year, count)."""
    counted: dict[tuple, int] = {}
    for year, month, precision, n in rows:
        year_only = precision in YEAR_ONLY
        year = None if year is None else int(year)
        month = None if year_only or month is None else int(month)
        key = (year, month, year_only)
        counted[key] = counted.get(key, 0) + int(n)
    return [(*key, n) for key, n in counted.items()]


def counts_parts(params: QueryDict) -> tuple[str, ...]:
    return ("claims", canonical_query(params, "page", "sort"))


def cached_counts(filterset, params: QueryDict, version: int | None = None) -> list[tuple]:
    if version is None:
        version = public_version(filterset.queryset.db)
    parts = counts_parts(params)
    return get_or_compute("timeline", version, parts, lambda: count_rows(filterset.qs))


def keep_counts(version: int, params: QueryDict, rows: list[tuple]) -> None:
    store("timeline", version, counts_parts(params), rows)


# The timeline's counts, read with the claim list's facets (``tracker.facets.Tally``): the
# claims matching a search or a category are found once for both, and the counts' sum is the
# list's total.
CLAIM_COUNTS = Tally(
    sql="SELECT {year:b.event_start} AS k1, {month:b.event_start} AS k2, "
    "b.date_precision AS k3, count(*) AS n FROM {base} b GROUP BY 1, 2, 3",
    base_columns=("event_start", "date_precision"),
    collect=merged,
    total=lambda rows: sum(row[-1] for row in rows),
    keep=keep_counts,
    sql_all=public_counts.TALLY,
)


def period_query(params: QueryDict, name: str, value: str, selected: bool) -> str:
    """The list narrowed to one period: that period instead of any other (or none, to undo)."""
    query = params.copy()
    for param in PERIOD_PARAMS:
        query.pop(param, None)
    if not selected:
        query.setlist(name, [value])
    return query.urlencode()


def height(count: int, highest: int) -> int:
    if not count or not highest:
        return 0
    return max(1, round(HEIGHT_STEPS * count / highest))


def month_label(year: int, month: int, first: bool = False) -> tuple[str, str]:
    """The bar's short label (with its year in January and on the first bar) and its full one."""
    day = datetime.date(year, month, 1)
    short = formats.date_format(day, "M")
    return (f"{short} {year}" if month == 1 or first else short), formats.date_format(
        day, "YEAR_MONTH_FORMAT"
    )


def claims_text(count: int) -> str:
    return ngettext("%(count)s claim", "%(count)s claims", count) % {"count": count}


def build(rows: list[tuple], params: QueryDict) -> Timeline:
    """The bars of the counted rows, with their links for this query string."""
    undated = sum(n for year, _month, _year_only, n in rows if year is None)
    dated = [(year, month, year_only, n) for year, month, year_only, n in rows if year is not None]
    chosen_years = set(params.getlist("year"))
    chosen_months = set(params.getlist("month"))
    timeline = Timeline(unit="month", total=sum(n for *_rest, n in rows))
    if dated:
        first = min((year, month or 1) for year, month, _y, _n in dated)
        last = max((year, month or 12) for year, month, _y, _n in dated)
        months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
        if months > MAX_MONTHS:
            timeline.unit = "year"
            by_year: dict[int, int] = {}
            for year, _month, _year_only, n in dated:
                by_year[year] = by_year.get(year, 0) + n
            for year in range(first[0], last[0] + 1):
                key = str(year)
                count = by_year.get(year, 0)
                selected = key in chosen_years
                timeline.bars.append(
                    Bar(
                        key,
                        key,
                        f"{key}: {claims_text(count)}",
                        count,
                        period_query(params, "year", key, selected),
                        selected,
                    )
                )
        else:
            by_month: dict[tuple[int, int], int] = {}
            by_year_only: dict[int, int] = {}
            for year, month, year_only, n in dated:
                if year_only:
                    by_year_only[year] = by_year_only.get(year, 0) + n
                else:
                    by_month[(year, month)] = by_month.get((year, month), 0) + n
            year, month = first
            while (year, month) <= last:
                key = f"{year}-{month:02d}"
                label, full = month_label(year, month, first=not timeline.bars)
                count = by_month.get((year, month), 0)
                selected = key in chosen_months
                timeline.bars.append(
                    Bar(
                        key,
                        label,
                        f"{full}: {claims_text(count)}",
                        count,
                        period_query(params, "month", key, selected),
                        selected,
                    )
                )
                if month == 1 or not timeline.year_bands:
                    timeline.year_bands.append(Bar(str(year), str(year), "", 0, span=0))
                timeline.year_bands[-1].span += 1
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            for band in timeline.year_bands:
                band.count = by_year_only.get(int(band.key), 0)
                band.selected = band.key in chosen_years
                band.query = period_query(params, "year", band.key, band.selected)
                band.full_label = _("%(year)s, dated only to the year: %(claims)s") % {
                    "year": band.key,
                    "claims": claims_text(band.count),
                }
        highest = max([bar.count for bar in timeline.bars] + [1])
        for bar in timeline.bars:
            bar.height = height(bar.count, highest)
    if undated:
        selected = NO_DATE in chosen_years
        timeline.undated = Bar(
            NO_DATE,
            _("date not given"),
            _("Date not given: %(claims)s") % {"claims": claims_text(undated)},
            undated,
            period_query(params, "year", NO_DATE, selected),
            selected,
        )
    return timeline


def claim_timeline(filterset, params: QueryDict, version: int | None = None) -> Timeline:
    """The timeline of a filtered claim list; ``version``: the public-data version already read."""
    return build(cached_counts(filterset, params, version), params)
