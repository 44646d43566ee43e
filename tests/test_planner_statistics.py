"""Bulk paths end by refreshing the planner's statistics of the tables they filled."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, LocationFactory
from tests.test_import import good_row, sheet
from tracker import backup
from tracker.imports import import_claims_csv
from tracker.planner import refresh_planner_statistics

POSTGRESQL = connection.vendor == "postgresql"


def analysed_tables(captured) -> set[str]:
    """The tables named by the ANALYZE (or VACUUM) statements among ``captured``."""
    tables = set()
    for query in captured:
        sql = query["sql"]
        if sql.startswith(("ANALYZE", "VACUUM")):
            names = sql.split(")", 1)[1] if sql.startswith("VACUUM") else sql[len("ANALYZE") :]
            tables |= {name.strip().strip('"') for name in names.split(",")}
    return tables


@pytest.fixture
def import_vocabulary(db):
    """What ``good_row`` names."""
    CategoryFactory(name="Torture", slug="torture")
    LocationFactory(name="CECOT", slug="cecot")


def statistics_time(table: str, column: str):
    """``last_analyze`` or ``last_vacuum`` of ``table`` as PostgreSQL reports it now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(f"SELECT {column} FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_refresh_planner_statistics_analyses_inside_a_transaction():
    from tracker.models import Citation, Claim

    statements = refresh_planner_statistics([Claim, Citation])
    if POSTGRESQL:
        assert statements == ['ANALYZE "tracker_citation", "tracker_claim"']
    else:
        assert statements == ['ANALYZE "tracker_citation"', 'ANALYZE "tracker_claim"']


@pytest.mark.django_db
def test_generate_synthetic_analyses_the_tables_it_filled():
    with CaptureQueriesContext(connection) as captured:
        call_command("generate_synthetic", claims=5, seed=3, verbosity=0)
    assert {
        "tracker_claim",
        "tracker_citation",
        "tracker_source",
        "tracker_statistic",
        "tracker_moderationevent",
        "tracker_claim_categories",
    } <= analysed_tables(captured)


@pytest.mark.skipif(not POSTGRESQL, reason="VACUUM and pg_stat_user_tables are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_generate_synthetic_vacuums_and_analyses_outside_a_transaction():
    call_command("generate_synthetic", claims=5, seed=3, verbosity=0)
    assert statistics_time("tracker_claim", "last_vacuum") is not None
    assert statistics_time("tracker_claim", "last_analyze") is not None
    assert statistics_time("tracker_citation", "last_analyze") is not None


@pytest.mark.django_db
def test_large_import_analyses_its_tables_once_committed(
    contributor, import_vocabulary, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("tracker.imports.writer.ANALYZE_AFTER_CLAIMS", 3)
    data = sheet(*(good_row(n) for n in range(5)))
    with django_capture_on_commit_callbacks() as callbacks:
        import_claims_csv(data, by=contributor, file_name="large.csv")
    assert len(callbacks) == 1
    with CaptureQueriesContext(connection) as captured:
        callbacks[0]()
    assert {
        "tracker_claim",
        "tracker_citation",
        "tracker_source",
        "tracker_moderationevent",
        "tracker_historicalclaim",
    } <= analysed_tables(captured)


@pytest.mark.django_db
def test_small_import_leaves_the_statistics_to_autovacuum(
    contributor, import_vocabulary, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("tracker.imports.writer.ANALYZE_AFTER_CLAIMS", 3)
    data = sheet(*(good_row(n) for n in range(2)))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        CaptureQueriesContext(connection) as captured,
    ):
        import_claims_csv(data, by=contributor, file_name="small.csv")
    assert analysed_tables(captured) == set()
    assert callbacks == []


@pytest.mark.django_db
def test_restore_analyses_every_restored_table(tmp_path):
    path = tmp_path / "empty.tar.gz"
    call_command("backup", output=str(path), stdout=io.StringIO())
    with CaptureQueriesContext(connection) as captured:
        backup.restore_backup(path)
    restored = {model._meta.db_table for model in backup.backed_up_models()}
    assert {"tracker_claim", "tracker_citation", "auth_user"} <= restored
    assert restored <= analysed_tables(captured)
