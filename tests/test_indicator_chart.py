"""The indicator page: its chart data, its table and its cache."""

import pytest

from tests.factories import (
    StatisticFactory,
)
from tracker.models import ModerationStatus
from tracker.workflow import approve

pytestmark = pytest.mark.django_db


def test_indicator_page_passes_chart_data_without_inline_script(client):
    statistic = StatisticFactory(qualifier="at_least", value=301)
    body = client.get(statistic.indicator.get_absolute_url()).content.decode()
    assert '<script id="indicator-chart-data" type="application/json">' in body
    assert "/static/vendor/chart.js/chart.umd.min.js" in body
    assert "/static/js/indicator-chart.js" in body
    scripts = body.count("<script")
    assert scripts == body.count("<script src=") + 1
    assert "style=" not in body


def test_indicator_page_table_marks_the_qualifier(client):
    statistic = StatisticFactory(qualifier="more_than", value=430)
    body = client.get(statistic.indicator.get_absolute_url()).content.decode()
    assert "more than 430" in body


def test_indicator_page_draws_ranges_as_ranges(client):
    statistic = StatisticFactory(qualifier="range", value=65, value_high=70)
    response = client.get(statistic.indicator.get_absolute_url())
    point = response.context["chart_data"][0]["points"][0]
    assert (point["y"], point["high"], point["text"]) == (65.0, 70.0, "65–70")


def test_indicator_page_shows_a_figure_published_after_it_was_cached(client, reviewer):
    statistic = StatisticFactory(value=777, status=ModerationStatus.SUBMITTED)
    url = statistic.indicator.get_absolute_url()
    client.get(url)
    approve(statistic, by=reviewer, comment="")
    assert "777" in client.get(url).content.decode()
