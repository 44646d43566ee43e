"""Counts and facets of the public lists, cached by the public-data version.

Published data changes only through the workflow (``tracker.workflow``), and every decision
there bumps ``PublicDataVersion`` with an UPDATE inside the decision's own transaction. A request
reads the version with one primary-key lookup and uses it in its cache keys, so once a decision
has committed, no app process (each with its own local-memory cache, or all sharing Redis) can
serve a count or facet computed before it: their keys name the old version.

The version is read through the same database alias as the data it describes (the replica when
one is configured), so a lagging replica's counts are cached under its own, older version.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import caches
from django.db import router, transaction
from django.db.models import F

from tracker import refresh
from tracker.models import PublicDataVersion

CACHE_ALIAS = "default"
VERSION_PK = 1
TIMEOUT = 24 * 3600  # entries of old versions are never read again; let them expire
# While one process computes a missing entry, the others look for it every COMPUTE_POLL seconds,
# for COMPUTE_WAIT seconds at most; a flag left by a process that died expires on its own.
COMPUTE_POLL = 0.02
COMPUTE_WAIT = 10.0
COMPUTE_FLAG_TIMEOUT = 60


def bump_public_version(using: str | None = None) -> None:
    """Mark the public data as changed. Call inside the transaction that changes it: once it
    commits, the most visited public pages are computed again in the background
    (``tracker.refresh``)."""
    using = using or router.db_for_write(PublicDataVersion)
    manager = PublicDataVersion.objects.using(using)
    if not manager.filter(pk=VERSION_PK).update(value=F("value") + 1):
        manager.get_or_create(pk=VERSION_PK, defaults={"value": 1})
    transaction.on_commit(refresh.schedule, using=using)


def public_version(using: str | None = None) -> int:
    """The current public-data version: one primary-key lookup."""
    using = using or router.db_for_read(PublicDataVersion)
    value = (
        PublicDataVersion.objects.using(using)
        .filter(pk=VERSION_PK)
        .values_list("value", flat=True)
        .first()
    )
    return value or 0


def cache_key(kind: str, version: int, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"tracker:public:{version}:{kind}:{digest}"


def store(kind: str, version: int, parts: tuple[str, ...], value) -> None:
    """Keep ``value`` for ``parts`` at ``version``, as ``get_or_compute`` would have: for a
    value computed along with another's (the claim timeline's counts, with the facets)."""
    caches[CACHE_ALIAS].set(cache_key(kind, version, *parts), value, TIMEOUT)


def get_or_compute(kind: str, version: int, parts: tuple[str, ...], compute, *, keep=None):
    """The cached value for ``parts`` at ``version``, computed and stored on a miss (unless
    ``keep`` says the value computed is not to be kept).

    After a decision every process misses at once; one computes each missing entry while the
    others wait for it (a flag in the cache, so across processes with a shared cache, across
    threads with local memory), rather than all running the same statements on the database.
    A process waits ``COMPUTE_WAIT`` seconds at most, then computes the entry itself.
    """
    cache = caches[CACHE_ALIAS]
    key = cache_key(kind, version, *parts)
    value = cache.get(key)
    if value is not None:
        return value
    flag = f"{key}:computing"
    computing = cache.add(flag, 1, COMPUTE_FLAG_TIMEOUT)
    deadline = time.monotonic() + COMPUTE_WAIT
    while not computing and time.monotonic() < deadline:
        time.sleep(COMPUTE_POLL)
        value = cache.get(key)
        if value is not None:
            return value
        # The one computing may have finished without keeping its value, or failed.
        computing = cache.add(flag, 1, COMPUTE_FLAG_TIMEOUT)
    try:
        value = compute()
        if keep is None or keep(value):
            cache.set(key, value, TIMEOUT)
    finally:
        if computing:
            cache.delete(flag)
    return value
