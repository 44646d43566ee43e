"""The claim list's covering index also carries the columns of its date filters (PostgreSQL).

``tracker_claim_public_facets_idx`` (migration 0008) holds the country, grade, place and date of
every published claim, so that the count and the facets read the index alone. A filter on when
something happened ("happened on or after": the end date and "ongoing") or when it was published
read the whole claim table instead, texts and all. With those columns included, every filter but
search, category and organisation (which have their own indexes) is an index-only scan.
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
    dependencies = [("tracker", "0015_public_claim_organizations")]

    operations = [
        migrations.RunPython(
            recreate("INCLUDE (event_end, ongoing, published_at)"), recreate(""), elidable=False
        )
    ]
