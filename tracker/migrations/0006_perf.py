"""The public-data version row, and the indexes the public lists and pages need.

The indexes are PostgreSQL-only (partial indexes on published rows, with the lists' own null
ordering), so they are created with SQL when the database is PostgreSQL and skipped elsewhere.
"""

from django.db import migrations, models

# name -> (table, definition); each matches a query of tracker.views.public / tracker.filters.
INDEXES = {
    # The claim list's default sort: F("event_start").desc(nulls_last=True), then -pk.
    "tracker_claim_public_event_idx": (
        "tracker_claim",
        "(event_start DESC NULLS LAST, id DESC) WHERE status = 'published'",
    ),
    # "Recently published": F("published_at").desc(nulls_last=True), then -pk.
    "tracker_claim_public_published_idx": (
        "tracker_claim",
        "(published_at DESC NULLS LAST, id DESC) WHERE status = 'published'",
    ),
    # Country and grade filters and facets over published claims.
    "tracker_claim_public_country_idx": (
        "tracker_claim",
        "(country, verification, event_start DESC NULLS LAST, id DESC) "
        "WHERE status = 'published'",
    ),
    # A category filter goes from the category to its claims.
    "tracker_claim_categories_category_claim_idx": (
        "tracker_claim_categories",
        "(category_id, claim_id)",
    ),
    # The indicator page: the figures of one indicator, by date.
    "tracker_statistic_public_indicator_idx": (
        "tracker_statistic",
        "(indicator_id, as_of, id) WHERE status = 'published'",
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, definition) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_version_row(apps, schema_editor):
    PublicDataVersion = apps.get_model("tracker", "PublicDataVersion")
    PublicDataVersion.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": 1}
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_history")]

    operations = [
        migrations.CreateModel(
            name="PublicDataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "public data version"},
        ),
        migrations.RunPython(create_version_row, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
