"""The public lists: filters in the query string, facets, chips, exports and bad input."""

import pytest
from django.urls import reverse

from tests.factories import (
    ClaimFactory,
    StatisticFactory,
)
from tests.seeds import seed_claims

pytestmark = pytest.mark.django_db


def test_claim_list_filters_by_query_string(client):
    ClaimFactory(title="In Honduras", country="HN")
    ClaimFactory(title="In El Salvador", country="SV")
    body = client.get(reverse("public:claim_list") + "?country=HN").content.decode()
    assert "In Honduras" in body
    assert "In El Salvador" not in body


def test_claim_list_shows_total_count(client):
    seed_claims(30)
    response = client.get(reverse("public:claim_list"))
    assert "30 published claims match" in response.content.decode()
    assert len(response.context["claims"]) == 25


def test_claim_list_shows_facet_counts_with_toggle_links(client):
    seed_claims(4)
    body = client.get(reverse("public:claim_list") + "?grade=unverified").content.decode()
    assert 'href="?grade=unverified&amp;place=cecot"' in body
    assert 'class="facet-count">2<' in body


def test_claim_list_shows_active_filters_as_removable_chips(client):
    ClaimFactory(country="HN", verification="disputed")
    response = client.get(reverse("public:claim_list") + "?country=HN&grade=disputed&q=claim")
    chips = {chip.label: chip for chip in response.context["active_filters"]}
    assert chips["Country"].value == "Honduras"
    assert chips["Country"].remove_query == "grade=disputed&q=claim"
    assert chips["Search"].remove_query == "country=HN&grade=disputed"
    assert "Remove filter Grade: Disputed" in response.content.decode()


def test_claim_list_links_to_exports_of_the_same_view(client):
    body = client.get(reverse("public:claim_list") + "?country=HN&page=2").content.decode()
    assert 'href="/claims.csv?country=HN"' in body
    assert 'href="/claims.json?country=HN"' in body


def test_statistic_list_links_to_exports_of_the_same_view(client):
    body = client.get(reverse("public:statistic_list") + "?grade=verified").content.decode()
    assert 'href="/statistics.csv?grade=verified"' in body
    assert 'href="/statistics.json?grade=verified"' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("grade=bogus", "The filter “Grade” was ignored"),
        ("event_from=2024-99-01", "The filter “Happened on or after” was ignored"),
        ("published_to=yesterday", "The filter “Published on or before” was ignored"),
        ("page=abc", "“abc” is not a page number: showing the first page."),
        ("page=99999", "There is no page 99999: showing the last page, 1."),
        ("page=0", "Pages start at 1: showing the first page."),
        ("category=no-such-category", "The filter “Category” was ignored"),
        ("year=1066", "The filter “Year” was ignored"),
    ],
)
def test_claim_list_bad_input_gives_the_page_with_a_message(client, query, message):
    ClaimFactory(title="Still listed")
    response = client.get(reverse("public:claim_list") + "?" + query)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Still listed" in body


def test_claim_list_page_beyond_the_end_shows_the_last_page(client):
    seed_claims(30)
    response = client.get(reverse("public:claim_list") + "?page=99999")
    assert response.context["page_obj"].number == 2


def test_claim_list_pagination_links_keep_the_filters(client):
    for _ in range(30):
        ClaimFactory(country="HN")
    body = client.get(reverse("public:claim_list") + "?country=HN").content.decode()
    assert 'href="?country=HN&amp;page=2"' in body


def test_statistic_list_bad_input_gives_the_page_with_a_message(client):
    StatisticFactory()
    response = client.get(reverse("public:statistic_list") + "?grade=nope&page=x")
    body = response.content.decode()
    assert response.status_code == 200
    assert "The filter “Grade” was ignored" in body
    assert "“x” is not a page number" in body


def test_claim_list_search_is_accent_insensitive(client):
    ClaimFactory(title="Socorro Jurídico Humanitario report")
    ClaimFactory(title="Unrelated")
    body = client.get(reverse("public:claim_list") + "?q=juridico").content.decode()
    assert "Socorro Jurídico Humanitario report" in body
    assert "Unrelated" not in body
