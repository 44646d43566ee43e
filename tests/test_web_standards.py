"""What validators check of the public pages, feeds and sitemap: authors on every feed, a
canonical address that answers 200 in each language, valid ``<time>`` values, no empty form
action, a description, an icon, compressed pages and a complete sitemap."""

import gzip
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CitationFactory, ClaimFactory, IndicatorFactory, StatisticFactory
from tracker.models import VerificationGrade

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def published():
    claim = ClaimFactory(
        title="Deaths in custody",
        verification=VerificationGrade.VERIFIED,
        summary="What happened.",
        published_at=timezone.now(),
    )
    CitationFactory(claim=claim)
    indicator = IndicatorFactory(slug="deaths")
    StatisticFactory(indicator=indicator)
    return claim


def head_links(body: str, rel: str) -> list[dict]:
    links = []
    for tag in re.findall(r"<link [^>]*>", body):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', tag))
        if attributes.get("rel") == rel:
            links.append(attributes)
    return links


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize(
    "path", ["/feeds/claims.atom", "/feeds/corrections.atom", "/feeds/indicators/deaths.atom"]
)
def test_every_feed_names_its_author(client, published, path):
    feed = ET.fromstring(client.get(path).content)
    author = feed.find(f"{ATOM}author")
    assert author is not None
    assert author.findtext(f"{ATOM}name") == "Human-rights claim tracker"
    assert author.findtext(f"{ATOM}uri") == "http://testserver/en/"


@pytest.mark.parametrize("language", ["en", "es"])
def test_canonical_and_alternates_answer_200_in_each_language(client, published, language):
    page = f"/{language}/claims/{published.pk}/"
    body = client.get(page).content.decode()
    (canonical,) = head_links(body, "canonical")
    assert canonical["href"] == f"http://testserver{page}"
    alternates = {link["hreflang"]: link["href"] for link in head_links(body, "alternate")}
    assert set(alternates) >= {"en", "es"}
    for url in [canonical["href"], *alternates.values()]:
        assert client.get(path_of(url)).status_code == 200, url


def test_claimreview_names_the_page_in_its_language_and_the_publisher_address(client, published):
    body = client.get(f"/es/claims/{published.pk}/").content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body)[1])
    assert data["url"] == f"http://testserver/es/claims/{published.pk}/"
    assert data["author"]["url"] == "http://testserver/es/"


@pytest.mark.parametrize("language", ["en", "es"])
def test_time_values_are_valid_dates(client, published, language):
    body = client.get(f"/{language}/claims/{published.pk}/").content.decode()
    values = re.findall(r'<time datetime="([^"]*)"', body)
    assert values
    for value in values:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value


@pytest.mark.parametrize(
    "name",
    [
        "public:claim_list",
        "public:statistic_list",
        "public:source_list",
        "public:organization_list",
        "public:location_list",
    ],
)
def test_list_pages_have_no_empty_form_action(client, published, name):
    body = client.get(reverse(name)).content.decode()
    assert 'class="filter-form"' in body
    assert 'action=""' not in body


def test_pages_describe_themselves(client, published):
    home = client.get(reverse("public:home")).content.decode()
    assert re.search(r'<meta name="description" content="[^"]{20,}">', home)
    claim = client.get(published.get_absolute_url()).content.decode()
    assert '<meta name="description" content="What happened.">' in claim


def test_pages_name_an_icon_that_exists(client, published):
    body = client.get(reverse("public:home")).content.decode()
    (icon,) = head_links(body, "icon")
    assert icon["href"].endswith(".svg")
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301
    assert redirect["Location"].endswith("favicon.svg")


def test_pages_are_compressed_for_clients_that_accept_it(client, published):
    response = client.get(reverse("public:claim_list"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert b"Deaths in custody" in gzip.decompress(response.content)


def test_sitemap_lists_every_list_page_and_only_addresses_that_answer_200(client, published):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [url.findtext(f"{SITEMAP}loc") for url in root]
    for name in ("statistic_list", "location_list", "organization_list", "source_list"):
        assert f"http://testserver{reverse(f'public:{name}')}" in locations
    assert f"http://testserver{reverse('public:methodology')}" in locations
    links = list(root.iter(f"{XHTML}link"))
    assert links
    assert "x-default" not in {link.get("hreflang") for link in links}
    alternates = [link.get("href") for link in links]
    for url in {*locations, *alternates}:
        assert client.get(path_of(url)).status_code == 200, url
