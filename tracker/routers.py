"""Send public read traffic to a read replica (``DATABASE_REPLICA_URL``), everything else to the
primary.

Only reads of the tracker's own models, made while serving an anonymous GET or HEAD request and
outside any transaction, go to the replica. Sessions, users, permissions, the admin, every write
and everything inside the workflow's transactions stay on the primary, so that staff always see
what they have just saved and decisions are taken on current data. The public may see a decision
a moment late (the replica's lag); never an unpublished entry, since ``public()`` filters on the
replica exactly as on the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
REPLICA_APP_LABELS = {"tracker"}

_public_reads: ContextVar[bool] = ContextVar("public_reads", default=False)


@contextmanager
def public_reads() -> Iterator[None]:
    """Let reads of public data made inside this block use the replica."""
    token = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(token)


class ReplicaRouter:
    """Reads of public data outside transactions go to the replica; the rest to the primary."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _public_reads.get()
            and model._meta.app_label in REPLICA_APP_LABELS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data: rows read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Serve anonymous GET and HEAD requests with ``public_reads()``, streamed bodies included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD") or (user and user.is_authenticated):
            return self.get_response(request)
        with public_reads():
            response = self.get_response(request)
        if response.streaming:
            response.streaming_content = _with_public_reads(response.streaming_content)
        return response


def _with_public_reads(chunks):
    # A streamed export reads while the server iterates, after the view has returned.
    iterator = iter(chunks)
    while True:
        with public_reads():
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk
