"""Published entries for the page and list tests: related as on a real site, so an N+1 shows."""

import datetime

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    StatisticFactory,
)


def seed_claims(count: int) -> None:
    """Published claims with categories, a place and citations, so that an N+1 would show."""
    cecot = LocationFactory(slug="cecot", name="CECOT")
    category = CategoryFactory(slug="torture", name="Torture")
    for index in range(count):
        claim = ClaimFactory(
            location=cecot if index % 2 else None,
            categories=[category, CategoryFactory()],
            event_start=datetime.date(2022 + index % 3, 1, 1),
        )
        CitationFactory(claim=claim)


def seed_statistics(count: int) -> None:
    indicator = IndicatorFactory(slug="deaths")
    place = LocationFactory(slug="cecot-figures")
    for index in range(count):
        StatisticFactory(indicator=indicator, location=place, value=100 + index)
