"""A covering index for the indicator page's summary, latest figures and chart, on PostgreSQL.

The page counts an indicator's figures, ranks each organisation's by date and picks the
organisations with the most: with the published figures' indicator, organisation, date and
values in one narrow partial index, these are index-only scans, not reads of thousands of
scattered figure rows.
"""

from django.db import migrations

NAME = "tracker_statistic_public_indicator_org_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON tracker_statistic "
        "(indicator_id, organization_id, as_of, id) "
        "INCLUDE (value, value_high, as_of_precision) WHERE status = 'published'"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0013_published_versions")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
