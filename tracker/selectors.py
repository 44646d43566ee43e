"""Read-only queries for the staff pages."""

from __future__ import annotations

from django.db import connection

from tracker.filters import SEARCH_MAX_LENGTH
from tracker.models import Claim
from tracker.models.base import normalize_search_text


def likely_duplicates(title: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[Claim]:
    """Claims whose title resembles ``title``: trigram similarity on PostgreSQL, words on SQLite."""
    # A hint, not a search: compare the first characters only, as much as a search may hold.
    title = (title or "").strip()[:SEARCH_MAX_LENGTH]
    if len(title) < 4:
        return []
    claims = Claim.objects.exclude(pk=exclude_pk) if exclude_pk else Claim.objects.all()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            claims.annotate(similarity=TrigramSimilarity("title", title))
            .filter(similarity__gt=0.3)
            .order_by("-similarity", "-pk")[:limit]
        )
    words = [w for w in normalize_search_text(title).split() if len(w) > 3][:6]
    if not words:
        return []
    candidates = list(claims.filter(search_text__contains=max(words, key=len))[:200])
    scored = [(sum(word in claim.search_text for word in words), claim) for claim in candidates]
    return [
        claim
        for score, claim in sorted(scored, key=lambda pair: (-pair[0], -pair[1].pk))
        if score * 2 >= len(words)
    ][:limit]
