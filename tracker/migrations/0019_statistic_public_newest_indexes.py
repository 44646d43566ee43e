"""Indexes for a claim page's related figures, newest first (PostgreSQL).

The claim page lists the newest published figures of its categories' indicators and of its
place, each side read on its own with a limit (``tracker.views.public.related_figures``). These
partial indexes give both sides in that order, so each stops after its first rows instead of
sorting every figure of a busy place or indicator.
"""

from django.db import migrations

INDEXES = {
    "tracker_statistic_public_location_newest_idx": (
        "(location_id, as_of DESC, id DESC) WHERE status = 'published'"
    ),
    "tracker_statistic_public_newest_idx": "(as_of DESC, id DESC) WHERE status = 'published'",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tracker_statistic {definition}"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0018_taxonomy_original_language")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
