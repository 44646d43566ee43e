import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]


def atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entry_titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def published(days_ago: int):
    return timezone.now() - datetime.timedelta(days=days_ago)


def test_claims_feed_is_valid_atom(client):
    claim = ClaimFactory(title="Recent claim", published_at=published(1))
    feed = atom(client.get("/feeds/claims.atom"))
    assert feed.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{element}")
    entry = feed.find(f"{ATOM}entry")
    for element in ("id", "title", "updated"):
        assert entry.findtext(f"{ATOM}{element}")
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/en/claims/{claim.pk}/"


def test_claims_feed_entry_always_has_updated(client):
    ClaimFactory(published_at=None)
    entry = atom(client.get("/feeds/claims.atom")).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}updated")


def test_claims_feed_lists_newest_published_first(client):
    ClaimFactory(title="Older claim", published_at=published(5))
    ClaimFactory(title="Newer claim", published_at=published(1))
    feed = atom(client.get("/feeds/claims.atom"))
    assert entry_titles(feed) == ["Newer claim", "Older claim"]


def test_claims_feed_leaves_out_unpublished_claims(client):
    ClaimFactory(title="Public claim", published_at=published(1))
    for state in HIDDEN_STATES:
        ClaimFactory(title=f"Hidden {state}", status=state)
    assert entry_titles(atom(client.get("/feeds/claims.atom"))) == ["Public claim"]


def test_claims_feed_obeys_the_claim_filter(client):
    ClaimFactory(title="Verified claim", verification="verified", published_at=published(1))
    ClaimFactory(title="Unverified claim", published_at=published(2))
    feed = atom(client.get("/feeds/claims.atom?grade=verified"))
    assert entry_titles(feed) == ["Verified claim"]


def test_claims_feed_leaves_out_private_fields(client):
    ClaimFactory(victim_identities="PRIVATE-VICTIM", private_notes="PRIVATE-NOTE")
    body = client.get("/feeds/claims.atom").content.decode()
    assert "PRIVATE" not in body


def test_indicator_feed_lists_published_figures_only(client):
    indicator = IndicatorFactory(slug="deaths", unit="people")
    StatisticFactory(indicator=indicator, value=480, published_at=published(1))
    StatisticFactory(indicator=indicator, value=999, status=ModerationStatus.DRAFT)
    StatisticFactory(value=777, published_at=published(1))
    feed = atom(client.get("/feeds/indicators/deaths.atom"))
    assert entry_titles(feed) == ["480 people (June 10, 2024)"]


def test_indicator_feed_names_a_confidential_source_only_as_such(client):
    indicator = IndicatorFactory(slug="deaths")
    secret = SourceFactory(title="SECRET-SOURCE", confidential=True)
    StatisticFactory(indicator=indicator, source=secret, published_at=published(1))
    body = client.get("/feeds/indicators/deaths.atom").content.decode()
    assert "SECRET-SOURCE" not in body
    assert "confidential source on file" in body


def test_indicator_feed_of_an_unknown_indicator_is_not_found(client):
    assert client.get("/feeds/indicators/nothing.atom").status_code == 404


def sitemap_locations(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return {url.findtext(f"{SITEMAP}loc") for url in ET.fromstring(response.content)}


def test_sitemap_lists_public_pages(client):
    claim = ClaimFactory()
    citation = CitationFactory(claim=claim)
    locations = sitemap_locations(client)
    assert f"http://testserver/en/claims/{claim.pk}/" in locations
    assert f"http://testserver/es/claims/{claim.pk}/" in locations
    assert f"http://testserver/en/sources/{citation.source.pk}/" in locations


def test_sitemap_leaves_out_unpublished_and_confidential_entries(client):
    hidden = [ClaimFactory(status=state) for state in HIDDEN_STATES]
    secret = SourceFactory(confidential=True)
    CitationFactory(source=secret)
    locations = " ".join(sitemap_locations(client))
    for claim in hidden:
        assert f"/claims/{claim.pk}/" not in locations
    assert f"/sources/{secret.pk}/" not in locations


def test_sitemap_gives_language_alternates(client):
    claim = ClaimFactory()
    root = ET.fromstring(client.get("/sitemap.xml").content)
    url = next(
        url for url in root if url.findtext(f"{SITEMAP}loc").endswith(f"/en/claims/{claim.pk}/")
    )
    alternates = {link.get("hreflang") for link in url.findall(f"{XHTML}link")}
    assert {"en", "es"} <= alternates
