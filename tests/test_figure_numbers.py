"""Figures are written without the zeros of their two stored decimals, in every output."""

import csv
import io
from decimal import Decimal

import pytest

from tests.factories import StatisticFactory
from tracker.models.statistics import Qualifier, decimal_text, format_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures():
    """480 people, 12.5 per cent, and a range of 65 to 70.25."""
    return {
        "whole": StatisticFactory(value=Decimal("480.00")),
        "half": StatisticFactory(value=Decimal("12.50")),
        "range": StatisticFactory(
            qualifier=Qualifier.RANGE, value=Decimal("65.00"), value_high=Decimal("70.25")
        ),
    }


EXPECTED = {"whole": ("480", ""), "half": ("12.5", ""), "range": ("65", "70.25")}


def by_id(figures: dict) -> dict[int, tuple[str, str]]:
    return {figures[name].pk: EXPECTED[name] for name in figures}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("480.00"), "480"),
        (Decimal("12.50"), "12.5"),
        (Decimal("0.05"), "0.05"),
        (Decimal("40000.00"), "40000"),
        (Decimal("100"), "100"),
        (None, ""),
    ],
)
def test_decimal_text_drops_stored_zeros_only(value, text):
    assert decimal_text(value) == text


def test_format_number_groups_and_drops_stored_zeros():
    assert format_number(Decimal("40000.00")) == "40,000"
    assert format_number(Decimal("12.50")) == "12.5"


def test_figures_csv_writes_plain_numbers(client, figures):
    body = b"".join(client.get("/statistics.csv").streaming_content).decode()

    rows = {
        int(row["id"]): (row["value"], row["value_high"])
        for row in csv.DictReader(io.StringIO(body))
    }
    assert rows == by_id(figures)
    assert ".00" not in body


@pytest.mark.parametrize("address", ["/statistics.json", "/api/statistics/"])
def test_figures_json_and_api_write_plain_numbers(client, figures, address):
    results = client.get(address).json()["results"]

    values = {row["id"]: (row["value"], row["value_high"] or "") for row in results}
    assert values == by_id(figures)


def test_figure_api_detail_writes_plain_numbers(client, figures):
    row = client.get(f"/api/statistics/{figures['range'].pk}/").json()

    assert (row["value"], row["value_high"]) == ("65", "70.25")


@pytest.mark.parametrize(
    ("name", "shown"), [("whole", "480"), ("half", "12.5"), ("range", "65–70.25")]
)
def test_figure_page_shows_plain_numbers(client, figures, name, shown):
    body = client.get(figures[name].get_absolute_url()).content.decode()

    assert shown in body
    assert "12.50" not in body and "480.00" not in body
