"""``/claims.geojson``: where the filtered claims are, as an RFC 7946 FeatureCollection."""

import json
from decimal import Decimal

import pytest

from tests.factories import CategoryFactory, ClaimFactory, LocationFactory
from tracker import maps
from tracker.models import ModerationStatus
from tracker.public_cache import bump_public_version

pytestmark = pytest.mark.django_db
HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]


def geojson(client, query: str = "") -> dict:
    response = client.get(f"/claims.geojson{'?' + query if query else ''}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def features_by_id(data: dict) -> dict:
    return {feature["id"]: feature for feature in data["features"]}


def assert_valid_feature_collection(data: dict) -> None:
    """The parts of RFC 7946 a reader relies on: types, point positions in WGS 84 order."""
    assert data["type"] == "FeatureCollection"
    assert isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], str)
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180
        assert -90 <= latitude <= 90
        assert isinstance(feature["properties"], dict)
        assert "crs" not in data and "bbox" not in feature


def test_geojson_of_the_demo_puts_each_place_where_it_is(client, demo_data):
    data = geojson(client)
    assert_valid_feature_collection(data)
    features = features_by_id(data)
    cecot = features["place:cecot"]
    assert cecot["geometry"]["coordinates"] == [-88.805, 13.534]
    assert cecot["properties"]["claim_count"] == 3
    assert cecot["properties"]["located_by"] == "place"
    assert cecot["properties"]["url"] == "http://testserver/en/places/cecot/"
    assert cecot["properties"]["claims_url"] == "http://testserver/en/claims/?place=cecot"
    assert len(cecot["properties"]["claims"]) == 3
    assert all(
        claim["url"] == f"http://testserver/en/claims/{claim['id']}/"
        for claim in cecot["properties"]["claims"]
    )
    # El Salvador has no coordinates of its own: the country's centre.
    el_salvador = features["place:el-salvador"]
    assert el_salvador["geometry"]["coordinates"] == [-88.917, 13.833]
    assert el_salvador["properties"]["located_by"] == "country"
    # Claims without a place are at their country's centre.
    assert features["country:CR"]["properties"]["claim_count"] == 1
    assert "slug" not in features["country:CR"]["properties"]
    total = sum(feature["properties"]["claim_count"] for feature in data["features"])
    assert total == 8


def test_geojson_takes_the_lists_filters(client, demo_data):
    features = features_by_id(geojson(client, "category=inhumane-conditions"))
    assert list(features) == ["place:cecot"]
    assert features["place:cecot"]["properties"]["claim_count"] == 1
    assert features["place:cecot"]["properties"]["claims_url"].endswith(
        "/en/claims/?category=inhumane-conditions&place=cecot"
    )
    assert set(features_by_id(geojson(client, "country=HN"))) == {"country:HN"}
    assert set(features_by_id(geojson(client, "q=venezuelans"))) == {"place:cecot"}


def test_geojson_reports_bad_filters_and_ignores_them(client, demo_data):
    data = geojson(client, "grade=nonsense")
    assert data["problems"]
    assert sum(f["properties"]["claim_count"] for f in data["features"]) == 8


def test_geojson_without_problems_has_no_problems_member(client, demo_data):
    assert "problems" not in geojson(client)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_geojson_never_shows_unpublished_claims_nor_their_places(client, state):
    hidden_place = LocationFactory(
        slug="hidden-prison", latitude=Decimal("14.12345"), longitude=Decimal("-87.54321")
    )
    ClaimFactory(location=hidden_place, status=state)
    ClaimFactory(location=LocationFactory(slug="public-prison"))
    body = client.get("/claims.geojson").content.decode()
    assert "hidden-prison" not in body
    assert "14.123" not in body and "87.543" not in body
    assert "public-prison" in body


def test_geojson_shows_a_parents_coordinates_only_as_its_childs_point(client):
    town = LocationFactory(slug="town", latitude=Decimal("13.745"), longitude=Decimal("-89.673"))
    ClaimFactory(location=LocationFactory(slug="prison", parent=town))
    features = features_by_id(geojson(client))
    assert set(features) == {"place:prison"}
    assert features["place:prison"]["properties"]["located_by"] == "within"


def test_geojson_lists_at_most_so_many_claims_per_place(client, monkeypatch):
    monkeypatch.setattr(maps, "CLAIMS_PER_FEATURE", 2)
    place = LocationFactory(slug="crowded")
    for _ in range(4):
        ClaimFactory(location=place)
    feature = features_by_id(geojson(client))["place:crowded"]
    assert feature["properties"]["claim_count"] == 4
    assert len(feature["properties"]["claims"]) == 2


def test_geojson_is_cached_per_public_data_version(client):
    place = LocationFactory(slug="cecot")
    ClaimFactory(location=place)
    assert features_by_id(geojson(client))["place:cecot"]["properties"]["claim_count"] == 1
    ClaimFactory(location=place)
    assert features_by_id(geojson(client))["place:cecot"]["properties"]["claim_count"] == 1
    bump_public_version()
    assert features_by_id(geojson(client))["place:cecot"]["properties"]["claim_count"] == 2


@pytest.mark.parametrize("places", [2, 8])
def test_geojson_queries_do_not_grow_with_the_data(client, django_assert_num_queries, places):
    category = CategoryFactory(slug="torture")
    for number in range(places):
        place = LocationFactory(parent=LocationFactory())
        ClaimFactory(location=place, categories=[category])
        ClaimFactory(location=None, country=("SV", "HN", "GT")[number % 3])
    # The category's slug checked, the version, the counts by place, the places, the listed
    # claims; then the slug and the version only.
    with django_assert_num_queries(5):
        client.get("/claims.geojson?category=torture")
    with django_assert_num_queries(2):
        client.get("/claims.geojson?category=torture")
