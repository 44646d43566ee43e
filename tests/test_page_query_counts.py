"""The number of queries of every public page: pinned, the same with more rows, and lower
when warm (the exports, API and feeds are pinned in test_query_counts)."""

import pytest
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    StatisticFactory,
)
from tests.seeds import seed_claims, seed_statistics
from tracker.models import Statistic

pytestmark = pytest.mark.django_db


def test_claim_page_query_count_is_bounded(client, django_assert_max_num_queries):
    claim = ClaimFactory()
    for _ in range(5):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


LIST_QUERIES = {
    "public:claim_list": 7,
    "public:statistic_list": 10,
    "public:source_list": 7,
    "public:organization_list": 6,
    "public:location_list": 6,
}

WARM_LIST_QUERIES = {
    "public:claim_list": 3,
    "public:statistic_list": 2,
    "public:source_list": 2,
    "public:organization_list": 2,
    "public:location_list": 2,
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
    with django_assert_num_queries(LIST_QUERIES["public:claim_list"] + 2):
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
    with django_assert_num_queries(8):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


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
