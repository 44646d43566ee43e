"""The public organisations of each published claim, kept with the claims, citations and sources.

``PublicClaimOrganization`` holds one row per published claim and organisation whose
non-confidential source the claim cites: what the claim list's organisation facet and filter
read. Every change that can alter those rows calls ``refresh_public_organizations`` inside its
own transaction:

- a claim entering or leaving publication (``transitions``);
- a claim's citations written (``edits.apply_data``: drafts, revisions, restored versions);
- a source's organisation or confidential flag changed (``edits.apply_data``, and
  ``records`` when a source is made confidential at once);
- bulk writers, which rebuild every row (``generate_synthetic``, a restore).

A refresh deletes the rows of the claims concerned and inserts them again from the citations.
Concurrent changes cannot leave a stale row behind: a refresh of claims locks them, then takes
a share lock on the sources they cite, so it waits for a transaction changing one of those
sources (which holds its row) and then reads it as committed; and a source's change waits for
such a refresh to commit before it reads the claims citing it. On PostgreSQL, triggers copy
the rows into an array on each claim (migration 0023), writing to the claims' rows: a change of
a source therefore locks the claims citing it before the source (``lock_claims_citing``), the
order a refresh of claims takes too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q

from tracker.models import Citation, Claim, PublicClaimOrganization


def refresh_public_organizations(
    *,
    claims: Iterable[int] | None = None,
    sources: Iterable[int] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Recompute the rows of the claims given (primary keys), of the claims citing the sources
    given, or, with neither, of every claim."""
    with transaction.atomic(using=using, savepoint=False):
        _refresh(claims, sources, using)


def _refresh(claims, sources, using: str) -> None:
    if claims is None and sources is None:
        scope = Q()
    elif claims is not None:
        claims = sorted(set(claims))
        if not claims:
            return
        _lock(claims, using)
        scope = Q(claim_id__in=claims)
    else:
        sources = sorted(set(sources))
        if not sources:
            return
        citing = Citation.objects.using(using).filter(source_id__in=sources).values("claim_id")
        scope = Q(claim_id__in=citing)
    PublicClaimOrganization.objects.using(using).filter(scope).delete()
    rows = (
        Citation.objects.using(using)
        .naming_organizations()
        .filter(scope)
        .values_list("claim_id", "source__organization_id")
        .distinct()
        .order_by()
    )
    select, params = rows.query.get_compiler(using).as_sql()
    connection = connections[using]
    table = connection.ops.quote_name(PublicClaimOrganization._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (claim_id, organization_id) {select}", params)


def lock_claims_citing(source, using: str = DEFAULT_DB_ALIAS) -> None:
    """Lock the claims citing ``source``, in id order, before the source's own row is locked.

    A change of a source rewrites the public organisations of the claims citing it, and on
    PostgreSQL the triggers that keep each claim's array of them write to those claims' rows.
    A refresh of claims locks them and then waits on their sources; taking the claims first
    here keeps every transaction to that one order (claims, then sources), so a change of a
    source and an edit of a claim citing it wait for each other instead of deadlocking.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or source.pk is None:
        return
    citing = Citation.objects.using(using).filter(source_id=source.pk).values("claim_id")
    locked = Claim.objects.using(using).select_for_update().filter(pk__in=citing).order_by("pk")
    list(locked.values_list("pk", flat=True))


def _lock(claims: list[int], using: str) -> None:
    """Lock ``claims``, then take a share lock on the sources they cite, which a transaction
    changing one of them holds until it commits (PostgreSQL; SQLite has one writer at a time)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    locked = Claim.objects.using(using).select_for_update().filter(pk__in=claims).order_by("pk")
    list(locked.values_list("pk", flat=True))
    cited = Citation.objects.using(using).filter(claim_id__in=claims).values("source_id")
    subquery, params = cited.query.get_compiler(using).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM tracker_source WHERE id IN ({subquery}) ORDER BY id FOR SHARE",
            params,
        )
