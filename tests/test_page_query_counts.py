"""The number of queries of every public page: pinned, the same with more rows, and lower
when warm (the exports, API and feeds are pinned in test_query_counts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    StatisticFactory,
)
from tests.seeds import seed_claims, seed_statistics
from tracker import workflow
from tracker.models import Claim, Statistic

pytestmark = pytest.mark.django_db


def test_claim_page_query_count_is_bounded(client, django_assert_max_num_queries):
    claim = ClaimFactory()
    for _ in range(5):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


LIST_QUERIES = {
    # The version, the facets with the timeline's counts (one statement), the page's ids, its
    # rows and their categories.
    "public:claim_list": 5,
    "public:statistic_list": 10,
    "public:source_list": 7,
    "public:organization_list": 6,
    "public:location_list": 6,
}

# Warm, a list reads the public-data version and nothing else: its body is cached under it.
WARM_LIST_QUERIES = {
    "public:claim_list": 1,
    "public:statistic_list": 1,
    "public:source_list": 1,
    "public:organization_list": 1,
    "public:location_list": 1,
}


@pytest.mark.parametrize("url_name", LIST_QUERIES)
@pytest.mark.parametrize("rows", [3, 12])
def test_list_query_count_is_fixed(client, django_assert_num_queries, url_name, rows):
    seed_claims(rows)
    seed_statistics(rows)
    with django_assert_num_queries(LIST_QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("url_name", WARM_LIST_QUERIES)
@pytest.mark.parametrize("rows", [3, 12])
def test_list_query_count_on_a_warm_cache_is_fixed(
    client, django_assert_num_queries, url_name, rows
):
    seed_claims(rows)
    seed_statistics(rows)
    client.get(reverse(url_name))
    with django_assert_num_queries(WARM_LIST_QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_claim_list_query_count_with_every_filter_is_fixed(client, django_assert_num_queries):
    seed_claims(12)
    query = (
        "?q=claim&category=torture&place=cecot&country=SV&grade=unverified&year=2023"
        "&event_from=2020-01-01&sort=most_cited"
    )
    # The category and the place checked; on PostgreSQL the page's ids, in the order of the
    # citation count its claims keep, are read with the facets.
    fused = connection.vendor == "postgresql"
    with django_assert_num_queries(LIST_QUERIES["public:claim_list"] + 2 - fused):
        response = client.get(reverse("public:claim_list") + query)
    assert response.context["paginator"].count == 2


def test_claim_list_query_count_does_not_depend_on_page_size(
    client, django_assert_num_queries, monkeypatch
):
    from tracker.views.public import ClaimListView

    seed_claims(12)
    monkeypatch.setattr(ClaimListView, "paginate_by", 3)
    with django_assert_num_queries(LIST_QUERIES["public:claim_list"]):
        response = client.get(reverse("public:claim_list"))
    assert len(response.context["claims"]) == 3


def test_claim_page_query_count_is_pinned(client, django_assert_num_queries, reviewer):
    from tracker.workflow import set_verification

    claim = ClaimFactory(location=LocationFactory(), categories=[CategoryFactory()])
    for _ in range(5):
        CitationFactory(claim=claim)
        StatisticFactory(location=claim.location)
    set_verification(claim, by=reviewer, grade="corroborated", rationale="Two sources.")
    # claim, version, versions, relations (categories, tags, citations), grade history, the
    # indicators of its categories, then the related figures
    with django_assert_num_queries(9):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200
    assert len(response.context["related_figures"]) == 5


def test_claim_page_query_count_on_a_warm_cache_is_fixed(client, django_assert_num_queries):
    claim = ClaimFactory(title="Cached claim page")
    CitationFactory.create_batch(3, claim=claim)
    url = reverse("public:claim_detail", args=[claim.pk])
    client.get(url)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.content.decode().count('class="citation stance-') == 3


DETAIL_QUERIES = {
    "home": (lambda: reverse("public:home"), 4),
    "statistic": (lambda: Statistic.objects.first().get_absolute_url(), 2),
    "indicator": (lambda: reverse("public:indicator_detail", args=["deaths"]), 3),
    "place": (lambda: reverse("public:location_detail", args=["cecot-figures"]), 3),
    "organization": (lambda: Statistic.objects.first().organization.get_absolute_url(), 5),
    "source": (lambda: Statistic.objects.first().source.get_absolute_url(), 3),
    "methodology": (lambda: reverse("public:methodology"), 0),
}


@pytest.mark.parametrize("page", DETAIL_QUERIES)
def test_page_query_count_is_pinned(client, django_assert_num_queries, page):
    seed_claims(6)
    seed_statistics(6)
    url_of, expected = DETAIL_QUERIES[page]
    url = url_of()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


def test_indicator_page_query_count_on_a_warm_cache_is_fixed(client, django_assert_num_queries):
    seed_statistics(6)
    url = reverse("public:indicator_detail", args=["deaths"])
    client.get(url)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.content.decode().count('data-label="Reported by"') == 6


def test_cached_list_body_changes_with_the_next_decision(client, reviewer):
    seed_claims(3)
    claim = Claim.objects.public().order_by("pk").first()
    url = reverse("public:claim_list")
    assert "Corroborated" not in client.get(url).content.decode()
    workflow.set_verification(claim, by=reviewer, grade="corroborated", rationale="Two NGOs.")
    assert "Corroborated" in client.get(url).content.decode()


def test_cached_list_body_is_kept_per_page_and_per_view(client):
    seed_claims(30)
    first, second = client.get("/en/claims/"), client.get("/en/claims/?page=2")
    assert first.content != second.content
    assert 'id="claim-map"' not in client.get("/en/claims/").content.decode()
    assert 'id="claim-map"' in client.get("/en/claims/map/").content.decode()


def test_claim_list_total_is_the_timelines_sum_without_counting_again(client):
    seed_claims(12)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("public:claim_list"), {"category": "torture"})
    assert not [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(")]
    timeline = response.context["timeline"]
    dated = sum(bar.count for bar in [*timeline.bars, *timeline.year_bands])
    undated = timeline.undated.count if timeline.undated else 0
    assert response.context["paginator"].count == dated + undated == 12


# A search or a category keeps its matches in a stored base: the page's ids are read with the
# facets. An order the base cannot give reads them on their own: the citation count on SQLite,
# which counts citations (PostgreSQL keeps the count on each claim).
PAGES_WITH_THEIR_FACETS = [
    ("q=custody", True),
    ("q=custody&page=2", True),
    ("q=custody&sort=recently_published&page=2", True),
    ("q=custody&sort=relevance", True),
    ("category=torture&page=2", True),
    ("category=torture&sort=recent_event", True),
    ("q=custody&sort=most_cited&page=2", connection.vendor == "postgresql"),
    ("country=SV&page=2", False),  # an index gives this page in its order
]


@pytest.mark.parametrize(("query", "fused"), PAGES_WITH_THEIR_FACETS)
def test_a_searched_lists_page_is_read_with_its_facets_in_the_lists_order(client, query, fused):
    from django.http import QueryDict

    from tracker.filters import ClaimFilter
    from tracker.public_cache import bump_public_version

    torture = CategoryFactory(slug="torture")
    for number in range(31):
        claim = ClaimFactory(
            title=f"Death in custody {number}" + " custody" * (number % 4),
            country="SV",
            event_start=None if number % 7 == 0 else f"20{10 + number % 13}-0{1 + number % 9}-01",
        )
        claim.categories.add(torture)
        for _ in range(number % 3):
            CitationFactory(claim=claim)
    bump_public_version()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/claims/?{query}")
    assert response.status_code == 200
    page = int(QueryDict(query).get("page", 1))
    expected = list(ClaimFilter(QueryDict(query)).qs.values_list("pk", flat=True))
    shown = [claim.pk for claim in response.context["claims"]]
    assert shown == expected[(page - 1) * 25 : page * 25]
    # The page's ids on their own: a statement of ids in the list's order.
    apart = [q for q in captured if q["sql"].startswith('SELECT "tracker_claim"."id" AS "pk"')]
    assert len(apart) == (0 if fused else 1)
    assert len(captured) == 5 - fused + ("category" in query)
