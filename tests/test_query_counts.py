"""The number of queries of every export, API and feed endpoint: pinned, and the same with
three entries of each kind as with nine (the public pages are pinned in test_page_query_counts)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import Category, Indicator, Location, Organization, Tag

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"

# path -> queries. {claim}, {statistic}, {source}: a primary key; {org}, {place}, {indicator}:
# a slug. Pinned, whatever the number of entries.
ENDPOINTS = {
    "/claims.csv": 1 if POSTGRESQL else 4,
    "/statistics.csv": 1,
    "/sources.csv": 1,
    "/organizations.csv": 1,
    "/places.csv": 1,
    "/claims.json": 6,
    "/statistics.json": 9,
    "/sources.json": 6,
    "/organizations.json": 5,
    "/places.json": 5,
    "/api/claims/": 6,
    "/api/claims/{claim}/": 4,
    "/api/statistics/": 3,
    "/api/statistics/{statistic}/": 1,
    "/api/sources/": 3,
    "/api/sources/{source}/": 1,
    "/api/organizations/": 3,
    "/api/organizations/{org}/": 1,
    "/api/places/": 3,
    "/api/places/{place}/": 1,
    "/api/indicators/": 2,
    "/api/indicators/{indicator}/": 1,
    "/feeds/claims.atom": 2,
    "/feeds/indicators/{indicator}.atom": 2,
    "/sitemap.xml": 7,  # one query per section, the register of people included
}


def seed(count: int) -> dict:
    """``count`` more published entries of each kind, related as on a real site."""
    org, _ = Organization.objects.get_or_create(slug="sjh", defaults={"name": "SJH"})
    place = Location.objects.filter(slug="cecot").first() or LocationFactory(slug="cecot")
    indicator = Indicator.objects.filter(slug="deaths").first() or IndicatorFactory(slug="deaths")
    category = Category.objects.filter(slug="torture").first() or CategoryFactory(slug="torture")
    tag, _ = Tag.objects.get_or_create(slug="emergency", defaults={"name": "state of emergency"})
    claims, sources, statistics = [], [], []
    for n in range(count):
        source = SourceFactory(organization=org)
        claim = ClaimFactory(location=place, categories=[category])
        claim.tags.add(tag)
        CitationFactory(claim=claim, source=source)
        CitationFactory(claim=claim, source=SourceFactory(confidential=True))
        statistic = StatisticFactory(
            indicator=indicator, organization=org, source=source, location=place, value=n
        )
        claims.append(claim)
        sources.append(source)
        statistics.append(statistic)
    return {
        "claim": claims[0].pk,
        "statistic": statistics[0].pk,
        "source": sources[0].pk,
        "org": org.slug,
        "place": place.slug,
        "indicator": indicator.slug,
    }


def queries_of(client, path: str) -> int:
    cache.clear()  # the API's throttle counts in the cache; every request starts cold
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("template", ENDPOINTS)
def test_endpoint_query_count_is_pinned_and_does_not_grow(client, template):
    few = queries_of(client, template.format(**seed(3)))
    many = queries_of(client, template.format(**seed(6)))  # nine of each kind in all
    assert (few, many) == (ENDPOINTS[template], ENDPOINTS[template])
