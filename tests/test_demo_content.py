"""What the demo data shows a new reader: the home page, CECOT, the deaths-in-custody series."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_demo_claims_and_figures(client, demo_data):
    response = client.get(reverse("public:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Socorro Jurídico Humanitario" in body
    assert "at least 480" in body


def test_cecot_page_shows_capacity_and_claims(client, demo_data):
    body = client.get(reverse("public:location_detail", args=["cecot"])).content.decode()
    assert "at most 40,000" in body
    assert "65–70" in body
    assert "More than 200 Venezuelans" in body


def test_indicator_page_shows_two_series_for_deaths_in_custody(client, demo_data):
    url = reverse(
        "public:indicator_detail", args=["deaths-in-state-custody-el-salvador-state-of-exception"]
    )
    response = client.get(url)
    series = {entry["label"]: entry["points"] for entry in response.context["chart_data"]}
    assert {name: len(points) for name, points in series.items()} == {
        "Socorro Jurídico Humanitario": 3,
        "Cristosal": 1,
    }
    assert [p["qualifier"] for p in series["Socorro Jurídico Humanitario"]] == [
        "at_least",
        "more_than",
        "at_least",
    ]


def test_methodology_page_explains_both_scales(client):
    body = client.get(reverse("public:methodology")).content.decode()
    assert "Two or more independent organisations report it." in body
    assert "The source withdrew it." in body
    assert "A: completely reliable" in body
    assert "F: reliability cannot be judged" in body


def test_methodology_names_each_reliability_grade_once(client):
    body = client.get(reverse("public:methodology")).content.decode()
    assert body.count("A: completely reliable") == 1
    assert "<strong>A</strong>" not in body
