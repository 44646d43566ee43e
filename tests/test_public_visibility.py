"""Only published entries and public fields reach the public pages; the rest answers 404."""

import pytest
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db
HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]
# A withdrawn entry's page answers 410 Gone with its notice (see test_published_versions).
NEVER_PUBLISHED = [state for state in HIDDEN_STATES if state != ModerationStatus.WITHDRAWN]


def test_claim_list_shows_published_claims_only(client):
    ClaimFactory(title="Published allegation")
    for state in HIDDEN_STATES:
        ClaimFactory(title=f"Hidden allegation {state}", status=state)
    body = client.get(reverse("public:claim_list")).content.decode()
    assert "Published allegation" in body
    assert "Hidden allegation" not in body


@pytest.mark.parametrize("state", NEVER_PUBLISHED)
def test_unpublished_claim_page_is_not_found(client, state):
    claim = ClaimFactory(status=state)
    assert client.get(reverse("public:claim_detail", args=[claim.pk])).status_code == 404


@pytest.mark.parametrize("state", NEVER_PUBLISHED)
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


def test_organization_only_behind_confidential_sources_is_not_found(client):
    org = OrganizationFactory()
    CitationFactory(source=SourceFactory(organization=org, confidential=True))
    assert client.get(org.get_absolute_url()).status_code == 404


PRIVATE = "PRIVATE-MARKER"


def public_urls(claim, statistic) -> list[str]:
    return [
        reverse("public:home"),
        reverse("public:claim_list"),
        reverse("public:claim_list") + "?q=marker",
        reverse("public:statistic_list"),
        reverse("public:source_list"),
        reverse("public:organization_list"),
        reverse("public:location_list"),
        reverse("public:methodology"),
        claim.get_absolute_url(),
        statistic.get_absolute_url(),
        statistic.indicator.get_absolute_url(),
        statistic.organization.get_absolute_url(),
        statistic.source.get_absolute_url(),
        claim.location.get_absolute_url(),
    ]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_no_public_page_shows_unpublished_entries_or_private_fields(client, reviewer, state):
    from tracker.workflow import set_verification

    place = LocationFactory()
    org = OrganizationFactory(private_notes=PRIVATE)
    source = SourceFactory(organization=org, private_notes=PRIVATE)
    claim = ClaimFactory(
        location=place, victim_identities=PRIVATE, private_notes=PRIVATE, title="Public marker"
    )
    CitationFactory(claim=claim, source=source)
    set_verification(claim, by=reviewer, grade="corroborated", rationale="Two sources.")
    statistic = StatisticFactory(source=source, location=place, private_notes=PRIVATE)
    hidden_source = SourceFactory(
        title="HIDDEN-SOURCE", organization=OrganizationFactory(name="HIDDEN-ORG")
    )
    hidden = ClaimFactory(title="HIDDEN-CLAIM marker", location=place, status=state)
    CitationFactory(claim=hidden, source=hidden_source)
    StatisticFactory(
        indicator=statistic.indicator,
        source=hidden_source,
        location=place,
        value=987654,
        status=state,
    )
    secret = SourceFactory(title="SECRET-SOURCE", confidential=True, url="https://secret.example")
    CitationFactory(claim=claim, source=secret)
    for url in public_urls(claim, statistic):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        for marker in (
            "HIDDEN-CLAIM",
            "HIDDEN-SOURCE",
            "HIDDEN-ORG",
            "987,654",
            PRIVATE,
            "SECRET-SOURCE",
            "secret.example",
            secret.organization.name,
            reviewer.username,
            reviewer.email,
        ):
            assert marker not in body, (url, marker)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_pages_of_entries_used_only_by_unpublished_ones_are_not_found(client, state):
    source = SourceFactory()
    statistic = StatisticFactory(source=source, location=LocationFactory(), status=state)
    expected = 410 if state == ModerationStatus.WITHDRAWN else 404
    assert client.get(statistic.get_absolute_url()).status_code == expected
    for url in (
        source.get_absolute_url(),
        source.organization.get_absolute_url(),
        statistic.location.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url
