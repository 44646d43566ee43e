"""The data's licence (``DATA_LICENSE``): shown to readers, carried by every output of data."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, StatisticFactory

pytestmark = pytest.mark.django_db

CUSTOM = {"name": "ODbL 1.0", "url": "https://opendatacommons.org/licenses/odbl/1-0/"}
LINK = f'<{CUSTOM["url"]}>; rel="license"'
DATA_ADDRESSES = [
    "/claims.csv",
    "/statistics.csv",
    "/sources.csv",
    "/claims.json",
    "/places.json",
    "/claims.geojson",
    "/api/claims/",
    "/api/indicators/",
]


@pytest.fixture
def custom_license(settings):
    settings.DATA_LICENSE = CUSTOM
    return CUSTOM


@pytest.fixture
def published(db):
    claim = ClaimFactory(status="published")
    StatisticFactory()
    return claim


def test_data_license_defaults_to_cc_by_4(settings):
    assert settings.DATA_LICENSE == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }


@pytest.mark.parametrize("language", ["en", "es"])
def test_data_license_in_every_page_footer(client, custom_license, published, language):
    body = client.get(f"/{language}/claims/").content.decode()

    footer = body[body.index('<footer class="site-footer">') :]
    assert f'<a rel="license" href="{CUSTOM["url"]}">ODbL 1.0</a>' in footer


def test_data_license_on_open_data_page(client, custom_license):
    body = client.get(reverse("open_data")).content.decode()

    main = body[body.index("<main") : body.index("</main>")]
    assert f'<a rel="license" href="{CUSTOM["url"]}">ODbL 1.0</a>' in main


@pytest.mark.parametrize("address", DATA_ADDRESSES)
def test_data_license_link_header_on_data(client, custom_license, published, address):
    response = client.get(address)

    assert response.status_code == 200
    assert response["Link"] == LINK


def test_data_license_not_claimed_by_html_pages(client, custom_license, published):
    assert "Link" not in client.get(reverse("public:claim_list"))


def test_data_license_in_json_export(client, custom_license, published):
    assert client.get("/claims.json").json()["license"] == CUSTOM


def test_data_license_in_geojson(client, custom_license, published):
    assert client.get("/claims.geojson").json()["license"] == CUSTOM


def test_data_license_in_api_schema_info(client):
    info = client.get("/api/schema/?format=json").json()["info"]

    assert info["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }


def test_data_license_in_feed_rights(client, custom_license, published):
    feed = ET.fromstring(client.get(reverse("opendata:claims_feed")).content)

    rights = feed.find("{http://www.w3.org/2005/Atom}rights")
    assert rights is not None
    assert rights.text == f"ODbL 1.0: {CUSTOM['url']}"


@pytest.mark.parametrize(("language", "title"), [("en", "Open data"), ("es", "Datos abiertos")])
def test_open_data_page_opens_with_its_title_then_the_license(client, language, title):
    body = client.get(f"/{language}/open-data/").content.decode()

    main = body[body.index("<main") : body.index("</main>")]
    assert main.count("<h1") == 1
    assert main.index(f"<h1>{title}</h1>") < main.index('rel="license"')
