"""Tables of figures (``figures_table``): each column reads only the relations it declares, so
a page joins what its table shows and no cell queries on its own."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import ClaimFactory, LocationFactory, StatisticFactory
from tracker.models import Statistic
from tracker.templatetags.tracker_tags import FIGURE_COLUMNS, figure_rows, with_figure_relations
from tracker.views.public import RELATED_FIGURE_COLUMNS, related_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure():
    return StatisticFactory(
        location=LocationFactory(),
        note="A note.",
        period_start=datetime.date(2024, 1, 1),
        corrected_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize("name", sorted(FIGURE_COLUMNS))
def test_each_column_reads_only_the_relations_it_declares(figure, name):
    fetched = with_figure_relations(Statistic.objects.all(), name).get(pk=figure.pk)
    with translation.override("en"), CaptureQueriesContext(connection) as captured:
        (row,) = figure_rows([fetched], [name])
    assert captured.captured_queries == []
    assert row.startswith('<th scope="row" data-label=')


def test_every_column_together_queries_nothing_per_row(figure):
    names = sorted(FIGURE_COLUMNS)
    StatisticFactory.create_batch(2)
    StatisticFactory(source__confidential=True, source__title="A secret report")
    fetched = list(with_figure_relations(Statistic.objects.all(), " ".join(names)))
    with translation.override("en"), CaptureQueriesContext(connection) as captured:
        rows = list(figure_rows(fetched, names))
    assert len(rows) == 4
    assert captured.captured_queries == []
    # The confidential source is named only as such; a public one by its title.
    html = "".join(rows)
    assert figure.source.title in html
    assert "A secret report" not in html
    assert '<span class="confidential">Confidential source on file</span>' in html


def test_a_claim_pages_related_figures_join_only_what_its_table_shows(figure):
    claim = ClaimFactory(location=figure.location)
    with CaptureQueriesContext(connection) as captured:
        related = related_figures(claim)
    assert related == [figure]
    statement = captured.captured_queries[-1]["sql"]
    assert '"tracker_indicator"' in statement and '"tracker_organization"' in statement
    assert '"tracker_source"' not in statement  # no column of that table names the source
    with translation.override("en"), CaptureQueriesContext(connection) as captured:
        list(figure_rows(related, RELATED_FIGURE_COLUMNS.split()))
    assert captured.captured_queries == []


def test_an_indicator_pages_figures_join_only_what_its_tables_show(client, figure):
    """The indicator page shows no place: its figures are read without joining the places."""
    StatisticFactory.create_batch(3, indicator=figure.indicator, location=figure.location)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(figure.indicator.get_absolute_url())
    assert response.status_code == 200
    figures = [
        q["sql"] for q in captured.captured_queries if 'FROM "tracker_statistic"' in q["sql"]
    ]
    assert figures and not [sql for sql in figures if '"tracker_location"' in sql]
    # Every figure is in its table, each with its source, read with the figures.
    assert response.content.decode().count('data-label="Source"') == 4


def test_the_figures_lists_page_joins_only_what_its_table_shows(client, figure):
    """The figures list shows no source: its page's figures are read without joining the
    sources, and each row still names its place (read with the figures)."""
    StatisticFactory.create_batch(3, location=figure.location)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("public:statistic_list"))
    assert response.status_code == 200
    # The statement reading the page's figures whole (the others count or find ids).
    rows = [q["sql"] for q in captured.captured_queries if '"tracker_statistic"."note"' in q["sql"]]
    assert rows and not [sql for sql in rows if '"tracker_source"' in sql]
    assert response.content.decode().count(figure.location.name) >= 4
