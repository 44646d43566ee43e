"""Read-only queries for the staff pages."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import connection, models
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from tracker import workflow
from tracker.filters import SEARCH_MAX_LENGTH, ReviewQueueFilter
from tracker.models import Claim, Organization, Person, Revision, Source, Statistic, Tip
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
    """Submitted entries (claims, figures, person records) and pending revisions that
    ``reviewer`` may decide, one COUNT per kind."""
    return (
        Claim.objects.awaiting_review().decidable_by(reviewer).count()
        + Statistic.objects.awaiting_review().decidable_by(reviewer).count()
        + Person.objects.awaiting_review().decidable_by(reviewer).count()
        + Revision.objects.pending().decidable_by(reviewer).count()
    )


def new_tip_count() -> int:
    """Tips from the public that nobody has handled yet."""
    return Tip.objects.new().count()


# The review queue ---------------------------------------------------------------------------
# Submitted claims, submitted figures and pending revisions, in one list: one UNION of their
# (kind, date, pk), ordered, counted and cut into pages by the database; then a page's items
# are fetched by primary key, a query per kind.

QUEUE_KINDS = ("claim", "statistic", "revision")
QUEUE_KIND_LABELS = {
    "claim": pgettext_lazy("queue item", "Claim"),
    "statistic": pgettext_lazy("queue item", "Figure"),
    "revision": pgettext_lazy("queue item", "Correction"),
}
QUEUE_ORDERS = {
    "oldest": ("q_since", "q_rank", "q_pk"),
    "newest": ("-q_since", "q_rank", "-q_pk"),
    "type": ("q_rank", "q_since", "q_pk"),
}


@dataclass(frozen=True)
class QueueItem:
    """One row of the review queue."""

    kind: str
    since: datetime.datetime
    item: Claim | Statistic | Revision
    # Why the reader may not approve it (four eyes), "" when they may.
    own: str

    @property
    def url(self) -> str:
        return reverse(f"review:{self.kind}", args=[self.item.pk])

    @property
    def entry(self) -> models.Model:
        """The claim or figure, or what a revision corrects."""
        return self.item.entry if self.kind == "revision" else self.item

    @property
    def country(self):
        return getattr(self.entry, "country", None) or None

    @property
    def kind_label(self) -> str:
        return QUEUE_KIND_LABELS[self.kind]

    @property
    def origin_label(self) -> str:
        """How a claim came in when staff did not write it: from a tip, from a spreadsheet."""
        if self.kind == "claim" and self.item.origin != Claim.Origin.STAFF:
            return self.item.get_origin_display()
        return ""


def _queue_part(kind: str, queryset: QuerySet, date_field: str) -> QuerySet:
    return (
        queryset.order_by()
        .annotate(
            q_kind=Value(kind, output_field=CharField()),
            q_rank=Value(QUEUE_KINDS.index(kind), output_field=IntegerField()),
            q_since=F(date_field),
            q_pk=F("pk"),
        )
        .values_list("q_kind", "q_rank", "q_since", "q_pk")
    )


def queue_rows(
    filterset: ReviewQueueFilter,
    *,
    decidable_by=None,
    exclude: tuple[str, int] | None = None,
) -> QuerySet:
    """The queue's (kind, rank, since, pk) rows, filtered and in the chosen order.

    ``decidable_by`` leaves out what that reviewer may not decide (four eyes); ``exclude``
    leaves out one item, given as (kind, pk).
    """
    sources = {
        "claim": Claim.objects.awaiting_review(),
        "statistic": Statistic.objects.awaiting_review(),
        "revision": Revision.objects.pending(),
    }
    parts = []
    for kind, queryset in sources.items():
        if not filterset.wants(kind):
            continue
        queryset = filterset.narrow(kind, queryset)
        if decidable_by is not None:
            queryset = queryset.decidable_by(decidable_by)
        if exclude and exclude[0] == kind:
            queryset = queryset.exclude(pk=exclude[1])
        parts.append(_queue_part(kind, queryset, filterset.DATE_FIELDS[kind]))
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by(*QUEUE_ORDERS[filterset.sort_order])


def queue_items(rows, reader) -> list[QueueItem]:
    """The items of ``rows`` (a page of ``queue_rows``), fetched with a query per kind."""
    pks = defaultdict(list)
    for kind, _rank, _since, pk in rows:
        pks[kind].append(pk)
    querysets = {
        "claim": Claim.objects.select_related("created_by"),
        "statistic": Statistic.objects.select_related("created_by", "indicator"),
        "revision": Revision.objects.select_related("created_by").prefetch_related(
            GenericPrefetch(
                "entry",
                [
                    Claim.objects.all(),
                    Statistic.objects.select_related("indicator"),
                    Source.objects.all(),
                    Organization.objects.all(),
                ],
            )
        ),
    }
    found = {kind: querysets[kind].in_bulk(kind_pks) for kind, kind_pks in pks.items()}
    items = []
    for kind, _rank, since, pk in rows:
        item = found[kind].get(pk)
        if item is not None:  # decided and gone between the two queries
            items.append(QueueItem(kind, since, item, workflow.four_eyes_refusal(item, reader)))
    return items


def next_in_queue(reviewer, *, after: tuple[str, int] | None = None) -> QueueItem | None:
    """The oldest item that ``reviewer`` may decide, other than ``after`` (kind, pk)."""
    rows = queue_rows(ReviewQueueFilter(None), decidable_by=reviewer, exclude=after)[:1]
    items = queue_items(list(rows), reviewer)
    return items[0] if items else None
