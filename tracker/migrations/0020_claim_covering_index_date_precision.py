"""The covering index of published claims also carries the precision of their dates (PostgreSQL).

The claim list's timeline counts the filtered claims by year, month and date precision (a claim
dated only to a year is not put in January). With the precision in the index, that count is an
index-only scan like the facets', instead of reading every matching claim from the table.
"""

from django.db import migrations

NAME = "tracker_claim_public_facets_idx"
KEY = "(country, verification, location_id, event_start, id)"
WHERE = "WHERE status = 'published'"


def recreate(including: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
        schema_editor.execute(f"CREATE INDEX {NAME} ON tracker_claim {KEY} {including} {WHERE}")

    return operation


class Migration(migrations.Migration):
    dependencies = [("tracker", "0019_statistic_public_newest_indexes")]

    operations = [
        migrations.RunPython(
            recreate("INCLUDE (event_end, ongoing, published_at, date_precision)"),
            recreate("INCLUDE (event_end, ongoing, published_at)"),
            elidable=False,
        )
    ]
