"""Small things a first-time reader notices: links to a claim's indicator, years in order, the
home page's figure lines."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, ClaimFactory, IndicatorFactory, StatisticFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deaths():
    category = CategoryFactory(slug="death-in-custody", name="Death in custody")
    indicator = IndicatorFactory(name="Deaths in custody", category=category)
    StatisticFactory(indicator=indicator)
    return category, indicator


def test_claim_links_to_the_indicator_of_its_kind_of_violation(client, deaths):
    category, indicator = deaths
    claim = ClaimFactory(categories=[category])

    body = client.get(claim.get_absolute_url()).content.decode()

    assert re.search(
        r'<p class="see-indicator">See the indicator:\s*'
        rf'<a href="{re.escape(indicator.get_absolute_url())}">Deaths in custody</a></p>',
        body,
    )


def test_claim_of_another_kind_names_no_indicator(client, deaths):
    claim = ClaimFactory(categories=[CategoryFactory(slug="torture")])

    body = client.get(claim.get_absolute_url()).content.decode()

    assert "see-indicator" not in body


def test_demo_claim_links_to_its_indicator(client, demo_data):
    from tracker.models import Claim

    claim = Claim.objects.get(slug="deaths-in-state-custody-during-the-state-of-exception")
    body = client.get(claim.get_absolute_url()).content.decode()

    assert "(see the indicator)" not in body
    assert 'class="see-indicator"' in body
    assert "/indicators/deaths-in-state-custody-el-salvador-state-of-exception/" in body


@pytest.mark.parametrize("address", ["/statistics.json", "/claims.json"])
def test_year_facet_lists_the_latest_year_first(client, address):
    # Counts that a most-frequent-first order would give as 2026, 2024, 2025.
    for year, count in ((2026, 3), (2024, 2), (2025, 1)):
        for _ in range(count):
            StatisticFactory(as_of=datetime.date(year, 1, 5))
            ClaimFactory(event_start=datetime.date(year, 1, 5), date_precision="day")
    ClaimFactory(event_start=None)

    facets = {facet["name"]: facet for facet in client.get(address).json()["facets"]}

    years = [value["value"] for value in facets["year"]["values"]]
    expected = ["2026", "2025", "2024"] + (["none"] if address == "/claims.json" else [])
    assert years == expected


def test_home_figure_line_has_no_separator_left_alone(client):
    StatisticFactory(as_of=datetime.date(2026, 1, 30))

    body = client.get(reverse("public:home")).content.decode()

    figures = body[body.index('id="figures-heading"') :]
    meta = re.search(
        r'<span class="meta">(.*?)</span>\s*<span class="figure-source">', figures, re.S
    )
    assert meta and "Jan. 30, 2026" in meta.group(1)
    assert "·" not in meta.group(1)
