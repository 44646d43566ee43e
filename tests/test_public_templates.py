import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, LocationFactory, StatisticFactory
from tracker.models import Location

pytestmark = pytest.mark.django_db


def test_claim_card_names_a_country_location_once(client):
    country = LocationFactory(name="El Salvador", kind=Location.Kind.COUNTRY, country="SV")
    ClaimFactory(location=country, country="SV")

    body = client.get(reverse("public:claim_list")).content.decode()

    assert "El Salvador, El Salvador" not in body
    assert "El Salvador" in body


def test_claim_card_names_a_facility_with_its_country(client):
    facility = LocationFactory(name="CECOT", kind=Location.Kind.FACILITY, country="SV")
    ClaimFactory(location=facility, country="SV")

    body = client.get(reverse("public:claim_list")).content.decode()

    assert "CECOT, El Salvador" in body


def test_claim_page_names_a_country_location_once(client):
    country = LocationFactory(name="El Salvador", kind=Location.Kind.COUNTRY, country="SV")
    claim = ClaimFactory(location=country, country="SV")

    body = client.get(claim.get_absolute_url()).content.decode()

    assert "</a>, El Salvador" not in body


def test_statistic_cells_are_named_by_their_column(client):
    facility = LocationFactory()
    StatisticFactory(location=facility)

    body = client.get(facility.get_absolute_url()).content.decode()

    assert '<th scope="row" data-label="Indicator">' in body
    for label in ("Figure", "As of", "Source"):
        assert f'<td data-label="{label}">' in body
