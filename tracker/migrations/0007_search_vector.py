"""A stored full-text vector per searchable row, on PostgreSQL only.

``search_vector`` is a generated column, ``to_tsvector('simple', search_text)``, kept by the
database itself on every write; the GIN index is on the column. A search then neither parses
the text of every match again to check it nor to rank it: both read the stored vector. The
column is not a model field (SQLite has no tsvector); ``tracker.filters`` names it in SQL.
"""

from django.db import migrations

TABLES = ("tracker_claim", "tracker_statistic", "tracker_source")
COLUMN = "search_vector"


def add_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_vector_gin ON {table} "
            f"USING gin ({COLUMN})"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_gin")


def drop_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_perf")]

    operations = [migrations.RunPython(add_columns, drop_columns, elidable=False)]
