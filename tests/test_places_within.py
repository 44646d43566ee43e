"""A place's page counts the places within it; the year facet counts claims without a date."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, LocationFactory, StatisticFactory
from tracker.models import Claim, Location, ModerationStatus

pytestmark = pytest.mark.django_db


def test_el_salvador_page_includes_cecots_claims(client, demo_data):
    response = client.get(reverse("public:location_detail", args=["el-salvador"]))
    body = response.content.decode()
    assert response.context["claim_count"] == Claim.objects.public().filter(country="SV").count()
    assert response.context["claim_count"] == 6
    assert "More than 200 Venezuelans" in body  # at CECOT
    assert "Limited due process" in body  # at El Salvador itself
    assert "at most 40,000" in body  # CECOT's capacity, a figure of a place within


def test_place_page_leaves_out_unpublished_claims_of_places_within(client):
    country = LocationFactory(kind=Location.Kind.COUNTRY, slug="sv")
    prison = LocationFactory(parent=LocationFactory(parent=country, kind=Location.Kind.CITY))
    ClaimFactory(location=country, title="Published at the country")
    ClaimFactory(location=prison, title="Published at the prison")
    for state in ModerationStatus.values:
        if state != ModerationStatus.PUBLISHED:
            ClaimFactory(location=prison, title=f"Hidden {state}", status=state)
            StatisticFactory(location=prison, status=state, note=f"hidden figure {state}")
    body = client.get(reverse("public:location_detail", args=["sv"])).content.decode()
    assert "Published at the prison" in body
    assert "Hidden" not in body
    assert "hidden figure" not in body


def test_place_page_of_a_place_only_its_children_use_is_not_found(client):
    town = LocationFactory(slug="tecoluca", kind=Location.Kind.CITY)
    ClaimFactory(location=LocationFactory(parent=town))
    assert client.get(reverse("public:location_detail", args=["tecoluca"])).status_code == 404


def test_place_page_links_to_the_list_within_it(client, demo_data):
    body = client.get(reverse("public:location_detail", args=["el-salvador"])).content.decode()
    assert "?within=el-salvador" in body
    response = client.get(reverse("public:claim_list"), {"within": "el-salvador"})
    assert response.context["paginator"].count == 6


def test_within_filter_refuses_a_place_that_is_not_public(client):
    town = LocationFactory(slug="hidden-town")
    ClaimFactory(location=LocationFactory(parent=town))
    ClaimFactory()
    response = client.get(reverse("public:claim_list"), {"within": "hidden-town"})
    assert response.context["paginator"].count == 2
    assert response.context["notices"]


def test_year_facet_counts_claims_without_a_date(client):
    ClaimFactory(event_start=datetime.date(2022, 3, 1))
    ClaimFactory(event_start=None)
    ClaimFactory(event_start=None)
    response = client.get(reverse("public:claim_list"))
    year = next(facet for facet in response.context["facets"] if facet.param == "year")
    counts = {value.value: (value.label, value.count) for value in year.values}
    assert counts == {"none": ("date not given", 2), "2022": ("2022", 1)}


def test_year_facet_counts_add_up_to_the_total(client, demo_data):
    for language in ("en", "es"):
        response = client.get(f"/{language}/claims/")
        year = next(facet for facet in response.context["facets"] if facet.param == "year")
        assert sum(value.count for value in year.values) == response.context["paginator"].count
    assert "fecha no indicada" in response.content.decode()


def test_year_filter_finds_claims_without_a_date(client):
    ClaimFactory(event_start=datetime.date(2022, 3, 1), title="Dated")
    ClaimFactory(event_start=None, title="Undated")
    response = client.get(reverse("public:claim_list"), {"year": "none"})
    assert [claim.title for claim in response.context["claims"]] == ["Undated"]
    response = client.get(reverse("public:claim_list"), {"year": ["none", "2022"]})
    assert response.context["paginator"].count == 2


def test_year_filter_without_a_date_in_the_csv(client):
    ClaimFactory(event_start=datetime.date(2022, 3, 1), title="Dated")
    ClaimFactory(event_start=None, title="Undated")
    response = client.get("/claims.json?year=none")
    assert [claim["title"] for claim in response.json()["results"]] == ["Undated"]
