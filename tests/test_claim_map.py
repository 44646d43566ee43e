"""The map view of the claim list, and a place page's small map (the script is tested in a real
browser: tests/browser/test_map.py)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, ClaimFactory, LocationFactory
from tracker.models import ModerationStatus

pytestmark = pytest.mark.django_db
HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]


def markers_of(response) -> dict:
    body = response.content.decode()
    start = body.index('<script id="claim-map-data" type="application/json">') + len(
        '<script id="claim-map-data" type="application/json">'
    )
    data = json.loads(body[start : body.index("</script>", start)])
    return {marker["id"]: marker for marker in data}


def test_map_view_keeps_the_lists_filters_and_facets(client, demo_data):
    response = client.get(reverse("public:claim_map"), {"category": "inhumane-conditions"})
    assert response.status_code == 200
    assert set(markers_of(response)) == {"place:cecot"}
    assert response.context["paginator"].count == 1
    assert any(facet.param == "category" for facet in response.context["facets"])
    body = response.content.decode()
    assert 'href="/en/claims/?category=inhumane-conditions">' in body  # the list view
    assert "/claims.geojson?category=inhumane-conditions" in body


def test_map_view_markers_and_table_agree(client, demo_data):
    response = client.get(reverse("public:claim_map"))
    markers = markers_of(response)
    cecot = markers["place:cecot"]
    assert (cecot["lat"], cecot["lng"], cecot["count"]) == (13.534, -88.805, 3)
    assert cecot["list_url"] == "/en/claims/?place=cecot"
    assert cecot["page_url"] == "/en/places/cecot/"
    assert sum(marker["count"] for marker in markers.values()) == 8
    body = response.content.decode()
    # The table is the map's equivalent and what shows without script.
    assert '<tr data-feature="place:cecot">' in body
    assert '<a href="/en/claims/?place=cecot">3 claims</a>' in body
    assert "at the country&#x27;s centre" in body


def test_map_view_in_spanish(client, demo_data):
    response = client.get("/es/claims/map/")
    cecot = markers_of(response)["place:cecot"]
    assert cecot["count_text"] == "3 denuncias"
    assert cecot["list_url"] == "/es/claims/?place=cecot"
    assert "Denuncias por lugar, de más a menos" in response.content.decode()


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_map_view_never_shows_places_of_unpublished_claims(client, state):
    hidden = LocationFactory(
        slug="secret-site", latitude=Decimal("14.12345"), longitude=Decimal("-87.54321")
    )
    ClaimFactory(location=hidden, status=state)
    ClaimFactory()
    body = client.get(reverse("public:claim_map")).content.decode()
    assert "secret-site" not in body
    assert "14.123" not in body and "87.543" not in body


def test_map_view_without_claims_shows_an_empty_table_and_no_map(client):
    body = client.get(reverse("public:claim_map")).content.decode()
    assert "claim-map-data" not in body
    assert "No published claims match" in body


def test_map_tile_server_setting_reaches_the_map(client, settings, demo_data):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example contributors"
    body = client.get(reverse("public:claim_map")).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in body
    assert 'data-tile-attribution="© Example contributors"' in body


def test_map_view_has_no_inline_script_or_style(client, demo_data):
    body = client.get(reverse("public:claim_map")).content.decode()
    assert " style=" not in body
    assert "<script>" not in body
    assert 'src="/static/vendor/leaflet/leaflet.js"' in body


@pytest.mark.parametrize("claims", [2, 10])
def test_map_view_queries_do_not_grow_with_the_data(client, django_assert_num_queries, claims):
    category = CategoryFactory(slug="torture")
    for number in range(claims):
        ClaimFactory(location=LocationFactory(parent=LocationFactory()), categories=[category])
        ClaimFactory(country=("SV", "HN")[number % 2])
    client.get(reverse("public:claim_map"))
    # Warm: the version only; the count, facets, timeline and markers come from the cache.
    with django_assert_num_queries(1):
        client.get(reverse("public:claim_map"))


def test_place_page_has_a_small_map_where_the_place_is(client, demo_data):
    response = client.get(reverse("public:location_detail", args=["cecot"]))
    [marker] = response.context["map_markers"]
    assert (marker["lat"], marker["lng"], marker["count"]) == (13.534, -88.805, 3)
    assert 'id="place-map-data"' in response.content.decode()


def test_place_page_map_of_a_place_without_coordinates_uses_its_parents(client):
    town = LocationFactory(slug="town", latitude=Decimal("13.745"), longitude=Decimal("-89.673"))
    prison = LocationFactory(slug="prison", parent=town)
    ClaimFactory(location=prison)
    response = client.get(reverse("public:location_detail", args=["prison"]))
    [marker] = response.context["map_markers"]
    assert (marker["lat"], marker["lng"]) == (13.745, -89.673)
    assert marker["located_by"] == "where the place it lies within is"
