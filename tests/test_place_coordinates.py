"""Places' coordinates: optional, in range, both or neither; a place without its own is shown
where the place it lies within is, else at its country's centre."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import LocationFactory
from tracker.geo import Precision, country_centre, place_point, place_points
from tracker.models import Location

pytestmark = pytest.mark.django_db


def test_place_coordinates_are_optional():
    place = LocationFactory()
    place.full_clean()
    assert place.coordinates is None


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [("90.5", "0"), ("-91", "0"), ("0", "180.1"), ("0", "-181")],
)
def test_place_coordinates_out_of_range_are_refused(latitude, longitude):
    place = LocationFactory.build(latitude=Decimal(latitude), longitude=Decimal(longitude))
    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert {"latitude", "longitude"} & set(error.value.message_dict)


def test_place_coordinates_out_of_range_are_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(latitude=Decimal("95"), longitude=Decimal("0"))


def test_place_with_half_its_coordinates_is_refused():
    place = LocationFactory.build(latitude=Decimal("13.5"))
    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert "Give both the latitude and the longitude" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        place.save()


def test_place_point_is_its_own_coordinates():
    place = LocationFactory(latitude=Decimal("13.534"), longitude=Decimal("-88.805"))
    point = place_point(place)
    assert (point.latitude, point.longitude, point.precision) == (13.534, -88.805, "place")


def test_place_point_falls_back_to_the_place_it_is_within():
    town = LocationFactory(latitude=Decimal("13.745"), longitude=Decimal("-89.673"))
    prison = LocationFactory(parent=LocationFactory(parent=town))
    point = place_point(prison)
    assert (point.latitude, point.longitude) == (13.745, -89.673)
    assert point.precision == Precision.WITHIN


def test_place_point_falls_back_to_the_country_centre():
    place = LocationFactory(country="HN", parent=LocationFactory(country="HN"))
    point = place_point(place)
    assert (point.latitude, point.longitude) == (15.0, -86.5)
    assert point.precision == Precision.COUNTRY


def test_place_point_survives_a_cycle_of_parents():
    first = LocationFactory(country="SV")
    second = LocationFactory(country="SV", parent=first)
    Location.objects.filter(pk=first.pk).update(parent=second)
    assert place_point(first).precision == Precision.COUNTRY


def test_place_points_are_found_in_one_query(django_assert_num_queries):
    places = [LocationFactory(parent=LocationFactory()) for _ in range(5)]
    with django_assert_num_queries(1):
        points = place_points(place.pk for place in places)
    assert len(points) == 5


def test_country_centre_knows_el_salvador():
    centre = country_centre("SV")
    assert (centre.latitude, centre.longitude) == (13.833, -88.917)
    assert country_centre("XX") is None


def test_demo_places_have_their_coordinates(demo_data):
    cecot = Location.objects.get(slug="cecot")
    assert cecot.coordinates == (13.534, -88.805)
    assert place_point(Location.objects.get(slug="izalco-prison")).precision == Precision.WITHIN
    assert place_point(Location.objects.get(slug="el-salvador")).precision == Precision.COUNTRY
