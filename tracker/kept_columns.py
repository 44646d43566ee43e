"""What each claim carries for the claim list's facets, orders and search on PostgreSQL.

Migrations 0023 and 0024 add to ``tracker_claim`` the ids of the claim's categories and public
organisations and its number of citations, and triggers on the link tables and the citations
keep them in the transaction that writes those rows; a trigger on the claims keeps their search
vectors (``ClaimSearch``, migration 0025), and triggers on both databases the counts of
published claims (``PublicClaimCount``, migration 0029). A bulk writer that turns the triggers off
(``generate_synthetic`` loads with ``session_replication_role = replica``) computes them again
with ``refresh_kept_columns`` before it commits.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

from tracker.filters import BILINGUAL_CONFIGS
from tracker.public_counts import refresh_public_counts

# Each column and what it holds, for the claim ``c``.
KEPT = {
    "category_ids": (
        "COALESCE((SELECT array_agg(l.category_id ORDER BY l.category_id) "
        "FROM tracker_claim_categories l WHERE l.claim_id = c.id), '{}')"
    ),
    "organization_ids": (
        "COALESCE((SELECT array_agg(l.organization_id ORDER BY l.organization_id) "
        "FROM tracker_publicclaimorganization l WHERE l.claim_id = c.id), '{}')"
    ),
    "citation_count": "(SELECT count(*) FROM tracker_citation l WHERE l.claim_id = c.id)",
}


# The search vector of the claim ``c`` (``ClaimSearch``, migration 0025): each language's text
# stemmed by its own configuration.
SEARCH_VECTOR = " || ".join(
    f"to_tsvector('{config}'::regconfig, c.{column})" for column, config in BILINGUAL_CONFIGS
)


def refresh_kept_columns(using: str = DEFAULT_DB_ALIAS) -> int:
    """Store again what every claim carries, where it differs from its links, its search
    vector, where it differs from its texts, and the counts of published claims
    (``refresh_public_counts``), where they differ; return how many rows were written
    (PostgreSQL; elsewhere nothing is kept but the counts, which SQLite's triggers always
    keep)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return refresh_public_counts(using)
    computed = ", ".join(f"{expression} AS {name}" for name, expression in KEPT.items())
    assigned = ", ".join(f"{name} = n.{name}" for name in KEPT)
    differs = " OR ".join(f"t.{name} IS DISTINCT FROM n.{name}" for name in KEPT)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE tracker_claim t SET {assigned} "
            f"FROM (SELECT c.id, {computed} FROM tracker_claim c) n "
            f"WHERE n.id = t.id AND ({differs})"
        )
        written = cursor.rowcount
        cursor.execute(
            f"INSERT INTO tracker_claimsearch (claim_id, vector) "
            f"SELECT c.id, {SEARCH_VECTOR} FROM tracker_claim c "
            "ON CONFLICT (claim_id) DO UPDATE SET vector = EXCLUDED.vector "
            "WHERE tracker_claimsearch.vector IS DISTINCT FROM EXCLUDED.vector"
        )
        written += cursor.rowcount
    # After the arrays: their update counts again what it changes, from counts the load left.
    return written + refresh_public_counts(using)
