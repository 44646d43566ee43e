import pytest
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]


def test_home_shows_demo_claims_and_figures(client, demo_data):
    response = client.get(reverse("public:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Socorro Jurídico Humanitario" in body
    assert "at least 480" in body


def test_claim_list_shows_published_claims_only(client):
    ClaimFactory(title="Published allegation")
    for state in HIDDEN_STATES:
        ClaimFactory(title=f"Hidden allegation {state}", status=state)
    body = client.get(reverse("public:claim_list")).content.decode()
    assert "Published allegation" in body
    assert "Hidden allegation" not in body


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_claim_page_is_not_found(client, state):
    claim = ClaimFactory(status=state)
    assert client.get(reverse("public:claim_detail", args=[claim.pk])).status_code == 404


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_statistic_page_is_not_found(client, state):
    statistic = StatisticFactory(status=state)
    assert client.get(reverse("public:statistic_detail", args=[statistic.pk])).status_code == 404


def test_claim_page_shows_citation_and_hides_private_fields(client):
    claim = ClaimFactory(
        victim_identities="PRIVATE-VICTIM-NAME", private_notes="PRIVATE-NOTE-MARKER"
    )
    CitationFactory(claim=claim, quote="Quoted words", locator="p. 12", stance="contradicts")
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "Quoted words" in body
    assert "p. 12" in body
    assert "Contradicts" in body
    assert "PRIVATE-VICTIM-NAME" not in body
    assert "PRIVATE-NOTE-MARKER" not in body


def test_claim_page_shows_confidential_source_only_as_such(client):
    source = SourceFactory(
        confidential=True, title="SECRET-SOURCE-TITLE", url="https://secret.example/x"
    )
    claim = ClaimFactory()
    CitationFactory(claim=claim, source=source)
    body = client.get(reverse("public:claim_detail", args=[claim.pk])).content.decode()
    assert "Confidential source on file" in body
    assert "SECRET-SOURCE-TITLE" not in body
    assert "secret.example" not in body
    assert source.organization.name not in body


def test_source_page_of_unused_source_is_not_found(client):
    source = SourceFactory()
    assert client.get(reverse("public:source_detail", args=[source.pk])).status_code == 404


def test_location_page_of_place_with_only_drafts_is_not_found(client):
    location = LocationFactory()
    ClaimFactory(location=location, status=ModerationStatus.DRAFT)
    response = client.get(reverse("public:location_detail", args=[location.slug]))
    assert response.status_code == 404


def test_cecot_page_shows_capacity_and_claims(client, demo_data):
    body = client.get(reverse("public:location_detail", args=["cecot"])).content.decode()
    assert "at most 40,000" in body
    assert "65–70" in body
    assert "More than 200 Venezuelans" in body


def test_claim_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    for _ in range(30):
        CitationFactory()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("public:claim_list"))
    assert response.status_code == 200


def test_claim_page_query_count_is_bounded(client, django_assert_max_num_queries):
    claim = ClaimFactory()
    for _ in range(5):
        CitationFactory(claim=claim)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("public:claim_detail", args=[claim.pk]))
    assert response.status_code == 200


def test_unprefixed_url_redirects_to_a_language(client):
    response = client.get("/claims/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/claims/")
