"""Each claim carries the ids of its categories and public organisations (PostgreSQL).

The claim list's category and organisation facets count the filtered claims by these values.
Joined from their link tables, each facet hashed every link (200,000 category links and
285,000 public organisations at 100,000 claims) whatever the filter; read from two arrays on
the claim, carried by the covering index of published claims, they are unnested from the rows
the filter kept. Triggers on the two link tables keep the arrays in the transaction that
changes the links, whatever writes them (the workflow, imports, bulk loads, a restore). The
public organisations' rows are the workflow's (``refresh_public_organizations``), so the array
never names the organisation behind a confidential source; a change of a source locks the
claims citing it before the source (``lock_claims_citing``), as a refresh of claims does, so
the triggers' writes to those claims keep one lock order. SQLite keeps the joins.

The stored search vectors are kept in their rows (storage MAIN) rather than moved to the TOAST
table when a row grows past about 2 kB, as the arrays make more claims do: a search reads the
vector of every claim, and a vector kept apart costs an index lookup and more pages each (at
100,000 claims a search's scan went from 79 ms to 226 ms). The claims' rows are written again
below, which applies it to them.
"""

from django.db import migrations

INDEX = "tracker_claim_public_facets_idx"
KEY = "(country, verification, location_id, event_start, id)"
WHERE = "WHERE status = 'published'"
INCLUDE = "event_end, ongoing, published_at, date_precision"
# (claim column, link table, the link's value column)
ARRAYS = (
    ("category_ids", "tracker_claim_categories", "category_id"),
    ("organization_ids", "tracker_publicclaimorganization", "organization_id"),
)


def array_of(column: str, table: str, value: str) -> str:
    return (
        f"COALESCE((SELECT array_agg(l.{value} ORDER BY l.{value}) FROM {table} l "
        f"WHERE l.claim_id = c.id), '{{}}')"
    )


VECTOR_TABLES = ("tracker_claim", "tracker_statistic", "tracker_source")


def create_statements() -> list[str]:
    statements = [
        f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE MAIN"
        for table in VECTOR_TABLES
    ]
    for column, table, value in ARRAYS:
        statements += [
            f"ALTER TABLE tracker_claim ADD COLUMN {column} bigint[] NOT NULL DEFAULT '{{}}'",
            f"UPDATE tracker_claim c SET {column} = {array_of(column, table, value)} "
            f"WHERE EXISTS (SELECT 1 FROM {table} l WHERE l.claim_id = c.id)",
        ]
        # One function per table: the claims named by the statement's changed rows (the
        # transition tables "added" and "removed"; an update has both) get their array again.
        for event, tables in (
            ("insert", ("added",)),
            ("delete", ("removed",)),
            ("update", ("added", "removed")),
        ):
            changed = " UNION ".join(f"SELECT claim_id FROM {name}" for name in tables)
            function = f"tracker_claim_{column}_on_{event}"
            referencing = " ".join(
                f"{'NEW' if name == 'added' else 'OLD'} TABLE AS {name}" for name in tables
            )
            statements += [
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"UPDATE tracker_claim c SET {column} = {array_of(column, table, value)} "
                f"WHERE c.id IN ({changed}); RETURN NULL; END $$",
                f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
            ]
    columns = ", ".join(column for column, _table, _value in ARRAYS)
    statements += [
        # The rows just written left deferred foreign-key checks queued, which an index may
        # not be built over: run them now.
        "SET CONSTRAINTS ALL IMMEDIATE",
        f"DROP INDEX IF EXISTS {INDEX}",
        f"CREATE INDEX {INDEX} ON tracker_claim {KEY} INCLUDE ({INCLUDE}, {columns}) {WHERE}",
        "SET CONSTRAINTS ALL DEFERRED",
    ]
    return statements


def drop_statements() -> list[str]:
    statements = [
        *(
            f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE EXTENDED"
            for table in VECTOR_TABLES
        ),
        f"DROP INDEX IF EXISTS {INDEX}",
        f"CREATE INDEX {INDEX} ON tracker_claim {KEY} INCLUDE ({INCLUDE}) {WHERE}",
    ]
    for column, table, _value in ARRAYS:
        for event in ("insert", "delete", "update"):
            function = f"tracker_claim_{column}_on_{event}"
            statements += [
                f"DROP TRIGGER IF EXISTS {function} ON {table}",
                f"DROP FUNCTION IF EXISTS {function}()",
            ]
        statements.append(f"ALTER TABLE tracker_claim DROP COLUMN IF EXISTS {column}")
    return statements


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements():
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("tracker", "0022_importjob_kind")]

    operations = [
        migrations.RunPython(run(create_statements), run(drop_statements), elidable=False)
    ]
