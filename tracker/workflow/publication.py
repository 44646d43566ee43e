"""The public record that publication decisions leave: versions and withdrawal notices.

Called by the transitions and edits inside their own transaction, so that a decision and its
public record commit together or not at all.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max

from tracker.models import PublishedVersion, Withdrawal
from tracker.models.base import ModeratedEntry
from tracker.snapshots import public_shape
from tracker.workflow.errors import TransitionRefused


def require_public_text(text: str, refusal: str, *, spanish: str | None = None) -> str:
    """``text`` stripped, or a refusal saying what is missing. With ``spanish`` (the same text's
    Spanish), one of the two languages is enough: the public reads either."""
    text = (text or "").strip()
    if not text and not (spanish or "").strip():
        raise TransitionRefused(refusal)
    return text


def keeps_public_versions(entry: ModeratedEntry) -> bool:
    """Whether ``entry``'s publications leave public versions and withdrawal notices (person
    records do not: a version would keep a name that must be taken back)."""
    return getattr(entry, "KEEPS_PUBLIC_VERSIONS", True)


def record_version(
    entry: ModeratedEntry,
    *,
    published_at: datetime.datetime,
    correction_note: str = "",
    correction_note_es: str = "",
) -> PublishedVersion | None:
    """Store what the public sees of ``entry`` from now on, as its next version."""
    if not keeps_public_versions(entry):
        return None
    latest = PublishedVersion.objects.for_entry(entry).aggregate(latest=Max("number"))["latest"]
    return PublishedVersion.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        number=(latest or 0) + 1,
        published_at=published_at,
        correction_note=correction_note,
        correction_note_es=(correction_note_es or "").strip(),
        data=public_shape(entry),
    )


def record_withdrawal(
    entry: ModeratedEntry,
    *,
    withdrawn_at: datetime.datetime,
    public_note: str,
    public_note_es: str = "",
) -> Withdrawal | None:
    """Keep the public notice of a withdrawal, naming the version that was last published."""
    if not keeps_public_versions(entry):
        return None
    return Withdrawal.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        withdrawn_at=withdrawn_at,
        public_note=public_note,
        public_note_es=(public_note_es or "").strip(),
        last_version=PublishedVersion.objects.for_entry(entry).order_by("-number").first(),
    )
