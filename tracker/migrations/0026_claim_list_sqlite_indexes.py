"""The claim list's indexes on SQLite.

PostgreSQL reads the list from partial covering indexes of published claims (migrations 0016,
0020, 0023, 0024), which SQLite cannot use: its statements compare the status with a bound
parameter, and a partial index is only used when the query repeats its condition literally. So
on SQLite every list read the status index and then every published claim's row (about 2 kB
each), and sorted them all for its order: at 100,000 claims a page 2,000 cost 130 ms for its 25
ids, and the facets' base 100 ms. These indexes lead with the status instead: the list's
default order (newest event first, as ``filters.NEWEST_EVENT_FIRST``, with the facets' columns,
so that their base is read from the index alone) and its "recently published" order.

Raw SQL, as the PostgreSQL indexes are, so that PostgreSQL does not get them too; a test checks
that SQLite's plans use them (a later rebuild of the table by a migration would drop them).
"""

from django.db import migrations

INDEXES = {
    "tracker_claim_list_idx": (
        "(status, event_start DESC, id DESC, country, verification, location_id, "
        "date_precision)"
    ),
    "tracker_claim_list_published_idx": "(status, published_at DESC, id DESC)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, columns in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON tracker_claim {columns}")
        schema_editor.execute("ANALYZE tracker_claim")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0025_claim_search"),
    ]

    operations = [migrations.RunPython(create, drop)]
