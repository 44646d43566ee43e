"""GIN indexes for full-text search, on PostgreSQL only.

The indexed expression is exactly ``tracker.filters.SearchTextVector``:
``to_tsvector('simple'::regconfig, search_text)``, so the planner can use the index.
"""

from django.db import migrations

TABLES = ("tracker_claim", "tracker_statistic", "tracker_source")


def index_name(table: str) -> str:
    return f"{table}_search_gin"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(table)} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, search_text))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_roles")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
