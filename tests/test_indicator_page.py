"""The indicator page stays bounded however many figures an indicator gathers: a summary, the
latest figure of each organisation, a thinned chart with its table, and the figures a page at a
time, each checked against a brute-force reading of every figure."""

import datetime
import json
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tests.factories import (
    IndicatorFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import indicators
from tracker.indicators import Chart, choose_period, indicator_figures
from tracker.models import DatePrecision, ModerationStatus, Qualifier, Statistic
from tracker.views.public import statistics_for_tables

pytestmark = pytest.mark.django_db

PERIOD_START = {
    "month": lambda day: day.replace(day=1),
    "quarter": lambda day: day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
    "year": lambda day: day.replace(month=1, day=1),
}


def add_figures(
    indicator, count: int, *, seed: int = 1, organizations: int = 12, years: int = 5
) -> None:
    """``count`` published figures of ``indicator`` (and a few hidden ones), in bulk."""
    rng = random.Random(seed)
    sources = [
        SourceFactory(organization=OrganizationFactory(name=f"Org {indicator.slug} {n:02}"))
        for n in range(organizations)
    ]
    rows = []
    for n in range(count + count // 10):
        source = rng.choice(sources)
        qualifier = rng.choice(Qualifier.values)
        value = Decimal(rng.randrange(0, 5000))
        precision = rng.choice((DatePrecision.DAY, DatePrecision.DAY, DatePrecision.MONTH))
        as_of = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(years * 365))
        if precision == DatePrecision.MONTH:
            as_of = as_of.replace(day=1)
        rows.append(
            Statistic(
                indicator=indicator,
                organization=source.organization,
                source=source,
                qualifier=qualifier,
                value=value,
                value_high=value + rng.randrange(1, 50) if qualifier == Qualifier.RANGE else None,
                as_of=as_of,
                as_of_precision=precision,
                status=ModerationStatus.PUBLISHED if n < count else ModerationStatus.DRAFT,
            )
        )
    Statistic.objects.bulk_create(rows, batch_size=500)


def public_figures(indicator):
    return statistics_for_tables().filter(indicator=indicator)


def brute_force(indicator) -> dict:
    """Everything the page summarises, read from every published figure in Python."""
    figures = sorted(public_figures(indicator), key=lambda s: (s.as_of, s.pk))
    by_organization = {}
    for statistic in figures:
        by_organization.setdefault(statistic.organization_id, []).append(statistic)
    latest = sorted(
        (max(group, key=lambda s: (s.as_of, s.pk)) for group in by_organization.values()),
        key=lambda s: (s.as_of, s.pk),
        reverse=True,
    )
    drawn = sorted(by_organization, key=lambda pk: (-len(by_organization[pk]), pk))
    drawn = drawn[: indicators.CHART_SERIES]
    return {
        "figures": figures,
        "summary": {
            "count": len(figures),
            "organizations": len(by_organization),
            "first": (figures[0].as_of, figures[0].as_of_precision),
            "last": (figures[-1].as_of, figures[-1].as_of_precision),
            "low": min(s.value for s in figures),
            "high": max(s.value_high or s.value for s in figures),
        },
        "latest": [
            (s.pk, len(by_organization[s.organization_id]))
            for s in latest[: indicators.LATEST_SHOWN]
        ],
        "drawn": drawn,
        "by_organization": by_organization,
    }


def expected_points(truth: dict, period: str) -> list[int]:
    """The chart's figures: every figure of the drawn organisations, or the latest of each
    organisation's period."""
    points = []
    for pk in truth["drawn"]:
        group = truth["by_organization"][pk]
        if period:
            latest = {}
            for statistic in group:
                key = PERIOD_START[period](statistic.as_of)
                if key not in latest or (statistic.as_of, statistic.pk) > (
                    latest[key].as_of,
                    latest[key].pk,
                ):
                    latest[key] = statistic
            group = list(latest.values())
        points += group
    points.sort(key=lambda s: (s.organization.name, s.organization_id, s.as_of, s.pk))
    return [s.pk for s in points]


def summary_of(figures) -> dict:
    summary = figures.summary
    return {
        "count": summary.count,
        "organizations": summary.organizations,
        "first": (summary.first_as_of, summary.first_precision),
        "last": (summary.last_as_of, summary.last_precision),
        "low": summary.low,
        "high": summary.high,
    }


@pytest.mark.parametrize(
    ("seed", "years", "max_points", "period"),
    [(1, 5, 40, "year"), (2, 5, 150, "quarter"), (3, 1, 100, "month"), (4, 5, 40, "year")],
)
def test_indicator_summary_of_many_figures_matches_brute_force(
    seed, years, max_points, period, monkeypatch
):
    monkeypatch.setattr(indicators, "CHART_MAX_POINTS", max_points)
    indicator = IndicatorFactory()
    add_figures(indicator, 300, seed=seed, years=years)
    truth = brute_force(indicator)

    figures = indicator_figures(public_figures(indicator), None)

    assert not figures.is_complete
    assert summary_of(figures) == truth["summary"]
    assert [(s.pk, s.figures) for s in figures.latest] == truth["latest"]
    assert figures.chart.period == choose_period(
        sum(len(truth["by_organization"][pk]) for pk in truth["drawn"]),
        len(truth["drawn"]),
        figures.summary,
    )
    assert figures.chart.period == period  # thinned: the test's bound is low
    assert [s.pk for s in figures.chart.points] == expected_points(truth, figures.chart.period)
    assert [s.pk for s in figures.page] == [s.pk for s in truth["figures"][:25]]


@pytest.mark.parametrize(("organizations", "dates"), [(50, 3), (45, 1), (30, 40)])
def test_latest_figure_of_each_organisation_with_dates_shared_matches_brute_force(
    organizations, dates
):
    """Many organisations with the same newest date, several figures of one date each: the
    latest of each is still its newest by date then by entry, and the organisations shown the
    newest, however many share the last date shown."""
    indicator = IndicatorFactory()
    rng = random.Random(organizations * 100 + dates)
    sources = [
        SourceFactory(organization=OrganizationFactory(name=f"Tied {n:02}"))
        for n in range(organizations)
    ]
    rows = []
    for source in sources:
        for _ in range(rng.randrange(1, 5)):
            rows.append(
                Statistic(
                    indicator=indicator,
                    organization=source.organization,
                    source=source,
                    value=Decimal(rng.randrange(100)),
                    as_of=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(dates)),
                    status=ModerationStatus.PUBLISHED,
                )
            )
    rng.shuffle(rows)  # the newest entries of a date by no particular organisation
    Statistic.objects.bulk_create(rows)
    truth = brute_force(indicator)

    figures = public_figures(indicator)
    latest = indicators.latest_of(figures, indicators.reporting_of(figures))

    assert [(s.pk, s.figures) for s in latest] == truth["latest"]
    assert len(latest) == min(organizations, indicators.LATEST_SHOWN)


@pytest.mark.parametrize("seed", [4, 5])
def test_indicator_summary_of_one_page_of_figures_matches_brute_force(seed):
    indicator = IndicatorFactory()
    add_figures(indicator, indicators.PAGE_SIZE, seed=seed, organizations=9)
    truth = brute_force(indicator)

    figures = indicator_figures(public_figures(indicator), None)

    assert figures.is_complete
    assert summary_of(figures) == truth["summary"]
    assert [(s.pk, s.figures) for s in figures.latest] == truth["latest"]
    assert figures.chart.period == ""
    assert [s.pk for s in figures.chart.points] == expected_points(truth, "")
    assert [s.pk for s in figures.page] == [s.pk for s in truth["figures"]]


def test_indicator_chart_draws_every_figure_when_few_enough():
    indicator = IndicatorFactory()
    add_figures(indicator, 120, organizations=5)
    truth = brute_force(indicator)
    figures = indicator_figures(public_figures(indicator), None)
    assert figures.chart.period == ""
    assert not figures.chart.is_partial
    assert [s.pk for s in figures.chart.points] == expected_points(truth, "")


def test_indicator_chart_period_keeps_the_points_bounded():
    summary = indicators.Summary(
        count=10_000,
        organizations=50,
        first_as_of=datetime.date(2016, 1, 1),
        first_precision=DatePrecision.DAY,
        last_as_of=datetime.date(2026, 6, 30),
        last_precision=DatePrecision.DAY,
        low=Decimal(0),
        high=Decimal(1),
    )
    assert choose_period(indicators.CHART_MAX_POINTS, 7, summary) == ""
    assert choose_period(5000, 7, summary) == "quarter"  # 126 months are too many, 42 quarters not
    short = indicators.Summary(**{**summary.__dict__, "first_as_of": datetime.date(2024, 1, 1)})
    assert choose_period(5000, 7, short) == "month"  # 30 months
    long = indicators.Summary(**{**summary.__dict__, "first_as_of": datetime.date(1990, 1, 1)})
    assert choose_period(5000, 7, long) == "year"  # 146 quarters are too many
    assert Chart([], 0).series == []


@pytest.mark.parametrize("page", ["2", "7"])
def test_indicator_page_of_figures_is_the_brute_force_slice(client, page):
    indicator = IndicatorFactory()
    add_figures(indicator, 160)
    truth = brute_force(indicator)
    response = client.get(indicator.get_absolute_url(), {"page": page})
    shown = [s.pk for s in response.context["figures"].page]
    number = int(page)
    size = indicators.PAGE_SIZE
    assert shown == [s.pk for s in truth["figures"][(number - 1) * size : number * size]]
    assert response.context["page_obj"].number == number
    # Past the first page, the oldest figure's precision is read on its own: the same summary.
    assert summary_of(response.context["figures"]) == truth["summary"]
    assert [(s.pk, s.figures) for s in response.context["figures"].latest] == truth["latest"]


def test_indicator_page_past_the_last_shows_the_last_and_says_so_every_time(client):
    indicator = IndicatorFactory()
    add_figures(indicator, 60)
    url = indicator.get_absolute_url()
    last = -(-60 // indicators.PAGE_SIZE)
    for _ in range(2):
        response = client.get(url, {"page": "99"})
        body = response.content.decode()
        assert f"There is no page 99: showing the last page, {last}." in body
        assert response.context["page_obj"].number == last
    assert "There is no page" not in client.get(url, {"page": str(last)}).content.decode()
    assert "is not a page number" in client.get(url, {"page": "x"}).content.decode()


def many_figures_page(client, count: int):
    indicator = IndicatorFactory(slug=f"many-{count}")
    add_figures(indicator, count, organizations=40)
    url = reverse("public:indicator_detail", args=[indicator.slug])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def test_indicator_page_with_ten_thousand_figures_is_bounded(client):
    few, few_queries = many_figures_page(client, 400)
    many, many_queries = many_figures_page(client, 10_000)
    # indicator, public-data version, first page; then each organisation's figures (counted,
    # first and last dates, values), the latest figures of the newest organisations and the
    # chart's points
    assert few_queries == many_queries == 6
    assert len(many.content) <= 300 * 1024
    assert len(many.content) <= 2 * len(few.content)
    body = many.content.decode()
    assert "10,000" in body  # the summary's count
    assert "Page 1 of 400" in body
    assert '/statistics.csv?indicator=many-10000"' in body
    assert body.count('data-label="Reported by"') == indicators.PAGE_SIZE
    assert 'id="indicator-chart-table"' in body  # the chart's own table
    # One row of that table for each point drawn, named by its organisation, with its date and
    # figure as the chart's data gives them.
    data = body.split('<script id="indicator-chart-data" type="application/json">')[1]
    series = json.loads(data.split("</script>")[0])
    table = body.split('id="indicator-chart-table"')[1].split("</table>")[0]
    rows = table.split('<tr><th scope="row" data-label="Organisation">')[1:]
    points = [(line["label"], point) for line in series for point in line["points"]]
    assert len(rows) == len(points) > 0
    for row, (label, point) in zip(rows, points, strict=True):
        assert row.startswith(f'{escape(label)}</th><td data-label="As of">{escape(point["date"])}')
        assert f'<td data-label="Figure">{escape(point["text"])}</td></tr>' in row


def test_indicator_page_with_many_figures_is_cached_per_page(client, django_assert_num_queries):
    indicator = IndicatorFactory()
    add_figures(indicator, 80)
    url = indicator.get_absolute_url()
    client.get(url, {"page": "2"})
    # indicator, public-data version; the figures' page is cached
    with django_assert_num_queries(2):
        response = client.get(url, {"page": "2"})
    assert response.context["page_obj"].number == 2


def test_indicator_page_says_how_its_chart_is_thinned(client, monkeypatch):
    monkeypatch.setattr(indicators, "CHART_MAX_POINTS", 30)
    indicator = IndicatorFactory()
    add_figures(indicator, 200, organizations=10)
    body = client.get(indicator.get_absolute_url()).content.decode()
    assert "The chart shows the 7 organisations with the most figures, of 10." in body
    assert "one figure per organisation and year: the latest of each." in body
    spanish = client.get(indicator.get_absolute_url().replace("/en/", "/es/")).content.decode()
    assert "una cifra por organización y año" in spanish


def test_indicator_summary_counts_only_published_figures(client):
    indicator = IndicatorFactory()
    add_figures(indicator, 30, organizations=3)  # and 3 drafts
    figures = indicator_figures(public_figures(indicator), None)
    assert figures.summary.count == 30
    assert Statistic.objects.filter(indicator=indicator).count() == 33


def test_indicator_latest_figures_name_each_organisation_in_the_readers_language(client):
    organization = OrganizationFactory(
        name="Prison Observatory", name_es="Observatorio de Cárceles"
    )
    source = SourceFactory(organization=organization)
    indicator = IndicatorFactory()
    for day in (1, 2):  # more figures than organisations: the table of the latest is shown
        StatisticFactory(indicator=indicator, source=source, as_of=datetime.date(2024, 6, day))
    url = indicator.get_absolute_url()
    english = client.get(url).content.decode()
    spanish = client.get(url.replace("/en/", "/es/")).content.decode()
    latest = 'id="indicator-latest"'
    assert latest in english and latest in spanish
    assert "Prison Observatory</a></th>" in english
    assert "Observatorio de Cárceles</a></th>" in spanish
    assert "Prison Observatory" not in spanish.split(latest)[1].split("</table>")[0]
