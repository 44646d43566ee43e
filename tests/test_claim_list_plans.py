"""The claim list's filters as an index can serve them, with the same results as before: dates
compared as ranges, and facets over bases the planner can estimate."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CategoryFactory, ClaimFactory
from tracker.facets import compute_facets
from tracker.filters import ClaimFilter
from tracker.lists import CLAIMS
from tracker.models import Claim
from tracker.timeline import count_rows

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def around_midnight(settings):
    """Claims published just before, at and after midnight in a time zone that is not UTC."""
    settings.TIME_ZONE = "America/El_Salvador"
    with timezone.override("America/El_Salvador"):
        zone = timezone.get_current_timezone()
        moments = [
            datetime.datetime(2025, 3, 9, 23, 59, 59, 999999, tzinfo=zone),
            datetime.datetime(2025, 3, 10, 0, 0, tzinfo=zone),
            datetime.datetime(2025, 3, 10, 23, 59, 59, tzinfo=zone),
            datetime.datetime(2025, 3, 11, 0, 0, tzinfo=zone),
        ]
        for moment in moments:
            ClaimFactory(published_at=moment)
        yield


@pytest.mark.parametrize("day", ["2025-03-09", "2025-03-10", "2025-03-11"])
def test_published_from_and_to_match_the_publication_date(around_midnight, day):
    value = datetime.date.fromisoformat(day)
    public = Claim.objects.public()
    from_day = ClaimFilter(QueryDict(f"published_from={day}")).qs
    to_day = ClaimFilter(QueryDict(f"published_to={day}")).qs
    assert ids(from_day) == ids(public.filter(published_at__date__gte=value))
    assert ids(to_day) == ids(public.filter(published_at__date__lte=value))


def test_year_filter_matches_the_year_of_the_event():
    for start in ("2021-12-31", "2022-01-01", "2022-12-31", "2023-01-01", "2024-06-01"):
        ClaimFactory(event_start=datetime.date.fromisoformat(start))
    ClaimFactory(event_start=None)
    filtered = ClaimFilter(QueryDict("year=2022&year=2024")).qs
    expected = Claim.objects.public().filter(event_start__year__in=[2022, 2024])
    assert ids(filtered) == ids(expected)
    assert len(ids(filtered)) == 3


def facet_statement(query: str) -> str:
    params = QueryDict(query)
    filterset = CLAIMS.filterset(params)
    with CaptureQueriesContext(connection) as captured:
        compute_facets(filterset, params, CLAIMS.facets)
    [statement] = [q["sql"] for q in captured if " UNION ALL " in q["sql"]]
    return statement


def test_facet_base_that_several_facets_read_is_kept_once():
    ClaimFactory(country="SV")
    statement = facet_statement("country=SV&grade=unverified&published_from=2020-01-01")
    # the base of the facets not filtered on (four of them, and the timeline) is kept; the
    # country's and the grade's, each read by one facet, are left inline
    assert statement.count(" AS MATERIALIZED ") == 1
    assert statement.count(" AS NOT MATERIALIZED ") == 2


def test_the_unfiltered_lists_counts_read_no_claim():
    """Every facet and the timeline of the unfiltered list are the counts kept by triggers
    (``PublicClaimCount``): no claim is read, on either database."""
    ClaimFactory(country="SV")
    statement = facet_statement("")
    assert "tracker_publicclaimcount" in statement
    assert "tracker_claim" not in statement and "facet_base" not in statement


@pytest.mark.parametrize("query", ["q=hunger", "category=torture", "country=SV&q=hunger"])
def test_facet_base_of_a_search_or_a_category_is_found_once(query):
    ClaimFactory(country="SV", categories=[CategoryFactory(slug="torture")])
    assert " AS MATERIALIZED " in facet_statement(query)


@pytest.fixture
def vacuumed_claims(django_db_blocker):
    """Some hundreds of published claims, vacuumed and analysed as a live site's are, so that the
    planner weighs an index-only scan as it would there (with a handful of unvacuumed rows, which
    index it picks is a coin toss)."""
    call_command("generate_synthetic", claims=300, seed=7, verbosity=0)


@pytest.mark.skipif(not POSTGRESQL, reason="the covering index is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query",
    ["published_from=2020-01-01", "published_to=2020-01-01", "event_from=2024-01-01", "year=2024"],
)
def test_date_filters_are_answered_by_the_covering_index(vacuumed_claims, query):
    queryset = ClaimFilter(QueryDict(query)).qs.order_by()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.values("pk").query.sql_with_params()
        cursor.execute(f"EXPLAIN SELECT count(*) FROM ({sql}) counted", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Whichever of the published claims' indexes holds the date column answers it without the table.
    assert "Index Only Scan using tracker_claim_public_" in plan, plan


@pytest.mark.skipif(not POSTGRESQL, reason="the covering index is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("query", ["", "country=SV", "grade=unverified&year=2024"])
def test_timeline_counts_are_answered_by_the_covering_index(vacuumed_claims, query):
    queryset = ClaimFilter(QueryDict(query)).qs
    with CaptureQueriesContext(connection) as captured:
        count_rows(queryset)
    [statement] = captured.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {statement['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using tracker_claim_public_facets_idx" in plan, plan


@pytest.mark.skipif(not POSTGRESQL, reason="storage of PostgreSQL's stored vectors")
@pytest.mark.parametrize(
    "table, column",
    [
        ("tracker_claimsearch", "vector"),
        ("tracker_statistic", "search_vector"),
        ("tracker_source", "search_vector"),
    ],
)
def test_search_vectors_stay_in_their_rows(table, column):
    """A search reads every row's vector: kept apart in the TOAST table (as a wide row's
    largest value is by default), each costs an index lookup and more pages."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s",
            [table, column],
        )
        assert cursor.fetchone() == ("m",)


def sqlite_plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(POSTGRESQL, reason="SQLite's own indexes (PostgreSQL's are partial)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query, index",
    [
        ("page=9", "tracker_claim_list_idx"),
        ("sort=recently_published&page=9", "tracker_claim_list_published_idx"),
    ],
)
def test_a_deep_page_on_sqlite_walks_an_index_in_the_lists_order(vacuumed_claims, query, index):
    """The page's ids are read from an index in the list's order, without the claims' rows and
    without sorting every published claim first."""
    filterset = CLAIMS.filterset(QueryDict(query))
    page = filterset.qs.values("pk")[200:225]
    plan = sqlite_plan(*page.query.sql_with_params())
    assert f"COVERING INDEX {index}" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(POSTGRESQL, reason="SQLite's own indexes (PostgreSQL's are partial)")
@pytest.mark.django_db(transaction=True)
def test_the_facets_base_of_a_grade_is_read_from_an_index_on_sqlite(vacuumed_claims):
    plan = sqlite_plan(facet_statement("grade=unverified"), ())  # as captured, values in place
    assert "SEARCH tracker_claim USING COVERING INDEX tracker_claim_list_idx" in plan, plan


@pytest.mark.skipif(POSTGRESQL, reason="SQLite's own indexes (PostgreSQL's are partial)")
@pytest.mark.parametrize(
    "side, index",
    [
        ({"location": 1}, "tracker_statistic_place_newest_idx"),
        ({"indicator__in": [1, 2]}, "tracker_statistic_indicator_newest_idx"),
    ],
)
def test_a_claim_pages_related_figures_are_read_newest_first_from_an_index(side, index):
    """Each side of ``related_figures`` stops after its first rows rather than sorting every
    figure of a busy place or indicator."""
    from tracker.views.public import FIGURES_ORDER, statistics_for_tables

    newest = statistics_for_tables().order_by(*FIGURES_ORDER).filter(**side)[:20]
    plan = sqlite_plan(*newest.query.sql_with_params())
    assert f"INDEX {index}" in plan, plan
    if "location" in side:  # several indicators are merged, and that small merge is sorted
        assert "TEMP B-TREE" not in plan, plan
