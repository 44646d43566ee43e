"""Each claim carries the number of its citations (PostgreSQL).

The claim list's "most cited" order counted every claim's citations on each request (a join
of all 360,000 citations at 100,000 claims, about 180 ms, before the page could be cut). The
count kept on the claim is read from an index in that order, and from the covering index with
the facets' base. Triggers on the citations keep it in the transaction that writes them, which
holds the claim's row already (an edit saves the claim before its citations). SQLite keeps
counting.
"""

from django.db import migrations

FACETS_INDEX = "tracker_claim_public_facets_idx"
MOST_CITED_INDEX = "tracker_claim_public_most_cited_idx"
KEY = "(country, verification, location_id, event_start, id)"
WHERE = "WHERE status = 'published'"
INCLUDE = "event_end, ongoing, published_at, date_precision, category_ids, organization_ids"
COUNT = (
    "(SELECT count(*) FROM tracker_citation l WHERE l.claim_id = c.id)"
)


def create_statements() -> list[str]:
    statements = [
        "ALTER TABLE tracker_claim ADD COLUMN citation_count integer NOT NULL DEFAULT 0",
        f"UPDATE tracker_claim c SET citation_count = {COUNT} "
        "WHERE EXISTS (SELECT 1 FROM tracker_citation l WHERE l.claim_id = c.id)",
    ]
    for event, tables in (
        ("insert", ("added",)),
        ("delete", ("removed",)),
        ("update", ("added", "removed")),
    ):
        changed = " UNION ".join(f"SELECT claim_id FROM {name}" for name in tables)
        function = f"tracker_claim_citation_count_on_{event}"
        referencing = " ".join(
            f"{'NEW' if name == 'added' else 'OLD'} TABLE AS {name}" for name in tables
        )
        statements += [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE tracker_claim c SET citation_count = {COUNT} "
            f"WHERE c.id IN ({changed}); RETURN NULL; END $$",
            f"CREATE TRIGGER {function} AFTER {event.upper()} ON tracker_citation "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    statements += [
        # The rows just written left deferred foreign-key checks queued, which an index may
        # not be built over: run them now.
        "SET CONSTRAINTS ALL IMMEDIATE",
        f"DROP INDEX IF EXISTS {FACETS_INDEX}",
        f"CREATE INDEX {FACETS_INDEX} ON tracker_claim {KEY} "
        f"INCLUDE ({INCLUDE}, citation_count) {WHERE}",
        f"CREATE INDEX {MOST_CITED_INDEX} ON tracker_claim (citation_count DESC, id DESC) {WHERE}",
        "SET CONSTRAINTS ALL DEFERRED",
    ]
    return statements


def drop_statements() -> list[str]:
    statements = [
        f"DROP INDEX IF EXISTS {MOST_CITED_INDEX}",
        f"DROP INDEX IF EXISTS {FACETS_INDEX}",
        f"CREATE INDEX {FACETS_INDEX} ON tracker_claim {KEY} INCLUDE ({INCLUDE}) {WHERE}",
    ]
    for event in ("insert", "delete", "update"):
        function = f"tracker_claim_citation_count_on_{event}"
        statements += [
            f"DROP TRIGGER IF EXISTS {function} ON tracker_citation",
            f"DROP FUNCTION IF EXISTS {function}()",
        ]
    statements.append("ALTER TABLE tracker_claim DROP COLUMN IF EXISTS citation_count")
    return statements


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements():
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("tracker", "0023_claim_facet_id_arrays")]

    operations = [
        migrations.RunPython(run(create_statements), run(drop_statements), elidable=False)
    ]
