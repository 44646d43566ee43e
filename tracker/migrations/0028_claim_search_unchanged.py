"""The claims' search vectors are written again only when they change (PostgreSQL).

Migration 0025's trigger wrote a claim's vector whenever a statement set its search texts, and
saving a claim sets them all: every moderation decision left a dead row in
``tracker_claimsearch`` and a new entry in its GIN index, which searches then read past until a
vacuum came by. The vector is now written only when it differs.
"""

from django.db import migrations

TABLE = "tracker_claimsearch"
FUNCTION = "tracker_claimsearch_keep"
VECTOR = (
    "to_tsvector('english'::regconfig, NEW.search_text) || "
    "to_tsvector('spanish'::regconfig, NEW.search_text_es)"
)


def function(only_when_changed: bool) -> str:
    when = f" WHERE {TABLE}.vector IS DISTINCT FROM EXCLUDED.vector" if only_when_changed else ""
    return (
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {TABLE} (claim_id, vector) VALUES (NEW.id, {VECTOR}) "
        f"ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector{when}; "
        "RETURN NULL; END $$"
    )


def replace(only_when_changed: bool):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(function(only_when_changed))

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0027_figure_sqlite_indexes"),
    ]

    operations = [migrations.RunPython(replace(True), replace(False))]
