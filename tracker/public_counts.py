"""The claim list's counts when no other filter applies, read from ``PublicClaimCount``.

Triggers keep the table in the statements that change the claims and their links (migration
0029): each facet of the unfiltered list, and the timeline (whose sum is the total), is one
indexed read of at most a few thousand rows rather than a count of every published claim.
``refresh_public_counts`` counts everything again, for a load that turned the triggers off.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from tracker.facets import date_part_sql
from tracker.filters import NO_DATE
from tracker.models import ModerationStatus, PublicClaimCount

TABLE = PublicClaimCount._meta.db_table


def counts_of(facet: str) -> str:
    """The rows of ``facet`` that some published claim has: ``c.value`` and ``c.n``."""
    return f"SELECT c.value, c.n FROM {TABLE} c WHERE c.facet = '{facet}' AND c.n > 0"


def value_counts(facet: str) -> str:
    """A facet whose values are shown as they are (a country code, a grade)."""
    return (
        f"SELECT x.value AS key, NULL AS label, NULL AS label_es, x.n FROM ({counts_of(facet)}) x"
    )


def named_counts(facet: str, table: str) -> str:
    """A facet whose values are rows of ``table`` (by id), shown by their slug and names. The
    ids are compared as texts: the counts' values of other facets are not numbers."""
    return (
        "SELECT r.slug AS key, r.name AS label, r.name_es AS label_es, x.n "
        f"FROM ({counts_of(facet)}) x JOIN {table} r ON CAST(r.id AS TEXT) = x.value"
    )


# The timeline's rows as the tally's SQL gives them: year and month (None without a date), the
# date's precision, and the count.
TALLY = (
    "SELECT NULLIF(c.value, '') AS k1, NULLIF(c.month, '') AS k2, "
    f"NULLIF(c.date_precision, '') AS k3, c.n FROM {TABLE} c WHERE c.facet = 'tally' AND c.n > 0"
)

# The year facet: the timeline's rows summed by year, a claim without a date under its value.
YEARS = (
    f"SELECT COALESCE(NULLIF(c.value, ''), '{NO_DATE}') AS key, NULL AS label, "
    f"NULL AS label_es, sum(c.n) AS n FROM {TABLE} c WHERE c.facet = 'tally' AND c.n > 0 "
    "GROUP BY 1"
)


def fresh_counts_sql(vendor: str) -> str:
    """Every published claim counted again, from its row and its links: ``(facet, value, month,
    date_precision, n)`` rows, as the triggers keep them."""
    year = date_part_sql("year", "c.event_start", vendor)
    month = date_part_sql("month", "c.event_start", vendor)
    published = f"WHERE c.status = '{ModerationStatus.PUBLISHED}'"
    links = (
        ("tracker_claim_categories", "category_id", "category"),
        ("tracker_publicclaimorganization", "organization_id", "organization"),
    )
    return (
        f"SELECT 'country', c.country, '', '', count(*) FROM tracker_claim c {published} "
        "AND c.country IS NOT NULL GROUP BY 2 "
        "UNION ALL SELECT 'place', CAST(c.location_id AS TEXT), '', '', count(*) "
        f"FROM tracker_claim c {published} AND c.location_id IS NOT NULL GROUP BY 2 "
        "UNION ALL SELECT 'grade', c.verification, '', '', count(*) "
        f"FROM tracker_claim c {published} AND c.verification IS NOT NULL GROUP BY 2 "
        f"UNION ALL SELECT 'tally', COALESCE(CAST({year} AS TEXT), ''), "
        f"COALESCE(CAST({month} AS TEXT), ''), COALESCE(c.date_precision, ''), count(*) "
        f"FROM tracker_claim c {published} GROUP BY 2, 3, 4 "
        + "".join(
            f"UNION ALL SELECT '{facet}', CAST(l.{column} AS TEXT), '', '', count(*) "
            f"FROM {table} l JOIN tracker_claim c ON c.id = l.claim_id {published} GROUP BY 2 "
            for table, column, facet in links
        )
    )


def fresh_counts(using: str = DEFAULT_DB_ALIAS) -> dict[tuple[str, str, str, str], int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(fresh_counts_sql(connection.vendor))
        return {tuple(row[:4]): row[4] for row in cursor.fetchall()}


def kept_counts(using: str = DEFAULT_DB_ALIAS) -> dict[tuple[str, str, str, str], int]:
    """The counts as the table holds them, without the values no published claim has."""
    rows = PublicClaimCount.objects.using(using).filter(n__gt=0)
    return {
        tuple(row[:4]): row[4]
        for row in rows.values_list("facet", "value", "month", "date_precision", "n")
    }


def refresh_public_counts(using: str = DEFAULT_DB_ALIAS) -> int:
    """Count every published claim again and store the counts that differ; return how many
    rows were written. For a bulk load with the triggers turned off."""
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # No trigger adds to the counts while they are counted again.
                cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
        fresh = fresh_counts(using)
        held = {
            tuple(row[:4]): row[4]
            for row in PublicClaimCount.objects.using(using).values_list(
                "facet", "value", "month", "date_precision", "n"
            )
        }
        changed = {key: fresh.get(key, 0) for key in fresh.keys() | held.keys()}
        changed = {key: n for key, n in changed.items() if held.get(key) != n}
        if not changed:
            return 0
        PublicClaimCount.objects.using(using).bulk_create(
            [
                PublicClaimCount(facet=f, value=v, month=m, date_precision=p, n=n)
                for (f, v, m, p), n in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["facet", "value", "month", "date_precision"],
            update_fields=["n"],
        )
        return len(changed)
