"""Planner statistics after bulk writes.

The database plans each query from statistics on each table (how many rows, which values are
common), which autovacuum refreshes some time after the data changes. Until it does, a table
just filled looks empty or small, and on PostgreSQL its visibility map is unset, so index-only
scans read the table as well: after a bulk load the public lists ran three times slower. So the
bulk paths (synthetic data, a large import, a restore) end by refreshing the statistics of the
tables they filled themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, models


def refresh_planner_statistics(
    written: Iterable[type[models.Model]], *, using: str = DEFAULT_DB_ALIAS, vacuum: bool = False
) -> list[str]:
    """Run ``ANALYZE`` on the tables of the models ``written``; return the statements run.

    With ``vacuum`` (for paths that wrote whole tables), PostgreSQL runs ``VACUUM (ANALYZE)``
    instead, which also sets the visibility map, when no transaction is open: VACUUM cannot run
    inside one, and ANALYZE there counts the transaction's own new rows. SQLite only analyses
    (its VACUUM rewrites the whole file).
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = sorted({model._meta.db_table for model in written})
    if not tables:
        return []
    if connection.vendor == "postgresql":
        names = ", ".join(quote(table) for table in tables)
        command = "VACUUM (ANALYZE)" if vacuum and not connection.in_atomic_block else "ANALYZE"
        statements = [f"{command} {names}"]
    else:
        statements = [f"ANALYZE {quote(table)}" for table in tables]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
