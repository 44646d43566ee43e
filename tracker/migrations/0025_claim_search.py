"""Claims' search vectors in a narrow table of their own (PostgreSQL).

A search of a common word reads every claim's vector. Kept in the claims' rows (migration 0014,
stored inline since 0023) it made a search read the whole claims table, about 1.9 kB a row for
a 0.6 kB vector: 233 MB at 100,000 claims, more than PostgreSQL's default memory, so a search
of the claim list cost 110 to 140 ms before any facet was counted. ``tracker_claimsearch``
holds the claim's id and its vector (62 MB at 100,000 claims); a trigger on the claims keeps it
in the statement that writes a claim's search texts, and the claims' generated column goes.
SQLite has the table, empty: it searches the claims' own text.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

TABLE = "tracker_claimsearch"
FUNCTION = "tracker_claimsearch_keep"
INDEX = "tracker_claimsearch_vector_gin"
# The vector of migration 0014, over the claim row whose columns are named after ``row``.
VECTOR = (
    "to_tsvector('english'::regconfig, {row}search_text) || "
    "to_tsvector('spanish'::regconfig, {row}search_text_es)"
)


def create_statements() -> list[str]:
    return [
        f"INSERT INTO {TABLE} (claim_id, vector) "
        f"SELECT c.id, {VECTOR.format(row='c.')} FROM tracker_claim c",
        f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {TABLE} (claim_id, vector) VALUES (NEW.id, {VECTOR.format(row='NEW.')}) "
        "ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NULL; END $$",
        f"CREATE TRIGGER {FUNCTION} AFTER INSERT OR UPDATE OF search_text, search_text_es "
        f"ON tracker_claim FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
        # The rows just written left deferred foreign-key checks queued, which an index may not
        # be built over: run them now.
        "SET CONSTRAINTS ALL IMMEDIATE",
        f"CREATE INDEX {INDEX} ON {TABLE} USING gin (vector)",
        "SET CONSTRAINTS ALL DEFERRED",
        # Vectors are kept inline, as the claims' were (migration 0023): read by every search.
        f"ALTER TABLE {TABLE} ALTER COLUMN vector SET STORAGE MAIN",
        "ALTER TABLE tracker_claim DROP COLUMN search_vector",
    ]


def drop_statements() -> list[str]:
    return [
        f"DROP TRIGGER {FUNCTION} ON tracker_claim",
        f"DROP FUNCTION {FUNCTION}()",
        "ALTER TABLE tracker_claim ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR.format(row='')}) STORED",
        "ALTER TABLE tracker_claim ALTER COLUMN search_vector SET STORAGE MAIN",
        "CREATE INDEX tracker_claim_search_vector_gin ON tracker_claim USING gin (search_vector)",
    ]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements():
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0024_claim_citation_count"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClaimSearch",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="tracker.claim",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False)),
            ],
            options={
                "verbose_name": "search vector of a claim",
                "verbose_name_plural": "search vectors of claims",
            },
        ),
        migrations.RunPython(run(create_statements), run(drop_statements)),
    ]
