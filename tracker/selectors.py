"""Read-only queries for the staff pages."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Greatest

from tracker import workflow
from tracker.filters import SEARCH_MAX_LENGTH
from tracker.models import Claim, Revision, Statistic, Tip
from tracker.models.base import normalize_search_text


def likely_duplicates(
    title: str, *, user, exclude_pk: int | None = None, limit: int = 5
) -> list[Claim]:
    """Claims that ``user`` may see whose title resembles ``title``: trigram similarity on
    PostgreSQL, words on SQLite."""
    # A hint, not a search: compare the first characters only, as much as a search may hold.
    title = (title or "").strip()[:SEARCH_MAX_LENGTH]
    if len(title) < 4:
        return []
    claims = workflow.visible_claims(user)
    if exclude_pk:
        claims = claims.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        # A title in either language.
        similarity = Greatest(
            TrigramSimilarity("title", title), TrigramSimilarity("title_es", title)
        )
        return list(
            claims.annotate(similarity=similarity)
            .filter(similarity__gt=0.3)
            .order_by("-similarity", "-pk")[:limit]
        )
    words = [w for w in normalize_search_text(title).split() if len(w) > 3][:6]
    if not words:
        return []
    longest = max(words, key=len)
    candidates = list(
        claims.filter(Q(search_text__contains=longest) | Q(search_text_es__contains=longest))[:200]
    )
    scored = [
        (sum(word in f"{claim.search_text} {claim.search_text_es}" for word in words), claim)
        for claim in candidates
    ]
    return [
        claim
        for score, claim in sorted(scored, key=lambda pair: (-pair[0], -pair[1].pk))
        if score * 2 >= len(words)
    ][:limit]


def awaiting_review_count(reviewer) -> int:
    """Submitted entries and pending revisions that ``reviewer`` may decide: three COUNTs."""
    return (
        Claim.objects.awaiting_review().decidable_by(reviewer).count()
        + Statistic.objects.awaiting_review().decidable_by(reviewer).count()
        + Revision.objects.pending().exclude(created_by=reviewer).count()
    )


def new_tip_count() -> int:
    """Tips from the public that nobody has handled yet."""
    return Tip.objects.filter(status=Tip.Status.NEW).count()
