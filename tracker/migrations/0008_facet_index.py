"""A covering index for the claim list's count and single-valued facets, on PostgreSQL only.

Counting published claims by country, grade, place or year reads only these columns: with
them in one narrow partial index, the count and those facets are index-only scans instead of
scans of the whole claim table (whose rows carry the texts).
"""

from django.db import migrations

NAME = "tracker_claim_public_facets_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON tracker_claim "
        f"(country, verification, location_id, event_start, id) WHERE status = 'published'"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0007_search_vector")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
