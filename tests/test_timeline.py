"""The timeline above a filtered claim list: bars per month or year, precision respected."""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CategoryFactory, ClaimFactory
from tracker.filters import ClaimFilter
from tracker.models import DatePrecision, ModerationStatus
from tracker.public_cache import bump_public_version
from tracker.timeline import cached_counts, claim_timeline, count_rows

pytestmark = pytest.mark.django_db
D = datetime.date


def timeline_of(query: str = ""):
    params = QueryDict(query)
    return claim_timeline(ClaimFilter(params), params)


def bars(timeline) -> dict:
    return {bar.key: bar.count for bar in timeline.bars}


def test_timeline_counts_claims_per_month():
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=D(2022, 3, 1), date_precision=DatePrecision.MONTH)
    ClaimFactory(event_start=D(2022, 5, 9))
    timeline = timeline_of()
    assert timeline.unit == "month"
    assert bars(timeline) == {"2022-03": 2, "2022-04": 0, "2022-05": 1}


def test_timeline_never_puts_a_claim_dated_to_a_year_in_january():
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=D(2022, 6, 1), date_precision=DatePrecision.YEAR)
    ClaimFactory(event_start=D(2022, 1, 1), date_precision=DatePrecision.APPROXIMATE)
    timeline = timeline_of()
    assert timeline.unit == "month"
    # The span covers the year the year-only claims belong to; January stays empty.
    assert bars(timeline)["2022-01"] == 0
    assert sum(bars(timeline).values()) == 1
    [band] = timeline.year_bands
    assert (band.key, band.count, band.span) == ("2022", 2, 12)


def test_timeline_over_a_long_span_counts_per_year():
    ClaimFactory(event_start=D(2015, 3, 27))
    ClaimFactory(event_start=D(2022, 6, 1), date_precision=DatePrecision.YEAR)
    ClaimFactory(event_start=D(2022, 8, 1))
    timeline = timeline_of()
    assert timeline.unit == "year"
    assert bars(timeline)["2015"] == 1
    assert bars(timeline)["2022"] == 2
    assert len(timeline.bars) == 8
    assert timeline.year_bands == []


def test_timeline_counts_claims_without_a_date_apart():
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=None)
    timeline = timeline_of()
    assert timeline.undated.count == 1
    assert timeline.total == 2
    assert timeline.undated.query == "year=none"


@pytest.mark.parametrize("state", [s for s in ModerationStatus.values if s != "published"])
def test_timeline_never_counts_unpublished_claims(state):
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=D(2022, 3, 2), status=state)
    ClaimFactory(event_start=None, status=state)
    timeline = timeline_of()
    assert bars(timeline) == {"2022-03": 1}
    assert timeline.undated is None


def test_timeline_follows_the_lists_filters():
    torture = CategoryFactory(slug="torture")
    ClaimFactory(event_start=D(2022, 3, 27), categories=[torture])
    ClaimFactory(event_start=D(2022, 5, 27))
    assert bars(timeline_of("category=torture")) == {"2022-03": 1}


def test_timeline_bar_links_narrow_the_list_to_their_month(client):
    torture = CategoryFactory(slug="torture")
    ClaimFactory(event_start=D(2022, 3, 27), categories=[torture], title="March")
    ClaimFactory(event_start=D(2022, 3, 2), categories=[torture], title="Also March")
    ClaimFactory(event_start=D(2022, 1, 1), categories=[torture], title="Year only",
                 date_precision=DatePrecision.YEAR)  # fmt: skip
    ClaimFactory(event_start=D(2022, 5, 9), categories=[torture], title="May")
    response = client.get(reverse("public:claim_list"), {"category": "torture", "page": "1"})
    march = next(bar for bar in response.context["timeline"].bars if bar.key == "2022-03")
    assert march.query == "category=torture&month=2022-03"
    assert f'href="?{march.query.replace("&", "&amp;")}"' in response.content.decode()
    response = client.get(f"{reverse('public:claim_list')}?{march.query}")
    assert response.context["paginator"].count == march.count == 2
    assert {claim.title for claim in response.context["claims"]} == {"March", "Also March"}
    selected = next(bar for bar in response.context["timeline"].bars if bar.key == "2022-03")
    assert selected.selected
    assert selected.query == "category=torture"


def test_timeline_year_band_and_undated_links_narrow_the_list(client):
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=D(2022, 1, 1), date_precision=DatePrecision.YEAR)
    ClaimFactory(event_start=None)
    timeline = client.get(reverse("public:claim_list")).context["timeline"]
    [band] = timeline.year_bands
    response = client.get(f"{reverse('public:claim_list')}?{band.query}")
    assert response.context["paginator"].count == 2  # the year: every claim of 2022
    response = client.get(f"{reverse('public:claim_list')}?{timeline.undated.query}")
    assert response.context["paginator"].count == 1


def test_timeline_year_bars_match_the_year_filter(client):
    for year in (2010, 2015, 2015, 2022):
        ClaimFactory(event_start=D(year, 6, 1))
    timeline = client.get(reverse("public:claim_list")).context["timeline"]
    for bar in timeline.bars:
        response = client.get(f"{reverse('public:claim_list')}?{bar.query}")
        assert response.context["paginator"].count == bar.count, bar.key


def test_month_filter_refuses_a_bad_month(client):
    ClaimFactory(event_start=D(2022, 3, 27))
    response = client.get(reverse("public:claim_list"), {"month": "2022-13"})
    assert response.context["paginator"].count == 1
    assert "YYYY-MM" in " ".join(str(notice) for notice in response.context["notices"])


def test_timeline_is_shown_in_both_languages(client):
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=None)
    english = client.get("/en/claims/").content.decode()
    spanish = client.get("/es/claims/").content.decode()
    assert "When: claims per month" in english
    assert "Date not given: 1 claim" in english
    assert "Cuándo: denuncias por mes" in spanish
    assert "Fecha no indicada: 1 denuncia" in spanish


def test_timeline_is_cached_per_public_data_version():
    ClaimFactory(event_start=D(2022, 3, 27))
    assert bars(timeline_of()) == {"2022-03": 1}
    ClaimFactory(event_start=D(2022, 3, 2))
    assert bars(timeline_of()) == {"2022-03": 1}
    bump_public_version()
    assert bars(timeline_of()) == {"2022-03": 2}


@pytest.mark.parametrize("claims", [3, 30])
def test_timeline_is_one_query_whatever_the_data(django_assert_num_queries, claims):
    for number in range(claims):
        ClaimFactory(event_start=D(2000 + number % 20, 1 + number % 12, 1))
    params = QueryDict("")
    with django_assert_num_queries(1):
        claim_timeline(ClaimFilter(params), params, version=1)
    with django_assert_num_queries(0):
        claim_timeline(ClaimFilter(params), params, version=1)


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Month: March 2022"), ("es", "Mes: marzo de 2022")]
)
def test_month_chip_names_the_month_in_the_readers_language(client, language, label):
    ClaimFactory(event_start=D(2022, 3, 27))
    response = client.get(f"/{language}/claims/?month=2022-03")
    chips = [f"{chip.label}: {chip.value}" for chip in response.context["active_filters"]]
    assert chips == [label]
    assert label.split(": ")[1] in response.content.decode()


def test_timeline_names_the_year_on_its_first_month_bar():
    ClaimFactory(event_start=D(2022, 3, 27))
    ClaimFactory(event_start=D(2022, 5, 2))
    labels = [bar.label for bar in timeline_of().bars]
    assert labels == ["Mar 2022", "Apr", "May"]


QUERIES_OVER_THE_FACETS = [
    "",
    "q=custody",
    "category=torture",
    "category=torture&country=SV",
    "country=SV&year=2022",
    "year=none",
    "month=2022-03",
    "q=custody&category=torture&grade=unverified",
]


@pytest.mark.parametrize("query", QUERIES_OVER_THE_FACETS)
def test_the_lists_timeline_is_counted_with_its_facets_and_matches_its_own_count(client, query):
    torture = CategoryFactory(slug="torture", name="Torture")
    dates = [D(2022, 3, 27), D(2022, 3, 2), D(2022, 6, 1), D(2019, 1, 1), None]
    for number in range(15):
        claim = ClaimFactory(
            event_start=dates[number % len(dates)],
            date_precision=[DatePrecision.DAY, DatePrecision.YEAR, DatePrecision.APPROXIMATE][
                number % 3
            ],
            country=["SV", "HN"][number % 2],
            title=f"Deaths in custody {number}" if number % 4 else f"Raid {number}",
        )
        if number % 3:
            claim.categories.add(torture)
    bump_public_version()
    params = QueryDict(query)
    expected = sorted(count_rows(ClaimFilter(params).qs), key=repr)
    with CaptureQueriesContext(connection) as request:
        response = client.get(f"/en/claims/?{query}")
    assert response.status_code == 200
    # The facets and the timeline's counts are one statement: the matching claims found once.
    [grouped] = [q["sql"] for q in request.captured_queries if "UNION ALL" in q["sql"]]
    assert "date_precision" in grouped
    # Unfiltered, the counts kept by the triggers are read instead of every claim.
    assert ("facet_base" in grouped) == bool(query)
    if not query:
        assert "tracker_publicclaimcount" in grouped
    # Read again, the timeline's counts are the entry that statement kept.
    timeline = response.context["timeline"]
    assert timeline.total == response.context["paginator"].count == sum(r[-1] for r in expected)
    with CaptureQueriesContext(connection) as captured:
        counted = cached_counts(ClaimFilter(params), params, response.context["body_cache_key"][0])
    assert len(captured) == 0
    assert sorted(counted, key=repr) == expected
