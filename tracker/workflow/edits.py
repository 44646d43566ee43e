"""Edits of entries: drafts saved directly, published entries through a pending revision.

An edit travels as plain data, so that a draft edit and a pending revision share one format:
``{"fields": {name: value}, "m2m": {name: [pk, ...]}, "citations": [row, ...]}``, where a
citation row is ``{"source": pk | None, "new_source": {...} | None, "quote", "locator",
"stance"}``. A person record has ``"reports"`` instead of citations: rows of ``{"source",
"new_source", "case_number", "locator"}``. Values are JSON: primary keys for relations, ISO
strings for dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tracker.history import version_data
from tracker.models import (
    Citation,
    ModerationEvent,
    PersonSource,
    Revision,
    Source,
    Statistic,
)
from tracker.models.base import ModeratedEntry
from tracker.public_cache import bump_public_version
from tracker.workflow.errors import ONLY_REVIEWERS, STALE_MESSAGE, TransitionRefused
from tracker.workflow.events import record_event
from tracker.workflow.notify import after_commit, notify_author, notify_reviewers
from tracker.workflow.permissions import can_edit, can_review
from tracker.workflow.provenance import (
    left_untraceable,
    missing_provenance_of_revision,
    provenance_refusal,
)
from tracker.workflow.public_organizations import (
    lock_claims_citing,
    refresh_public_organizations,
)
from tracker.workflow.publication import (
    keeps_public_versions,
    record_version,
    require_public_text,
)
from tracker.workflow.transitions import create_draft, four_eyes_refusal

# A source's fields that decide which organisations the public sees behind the claims citing it.
SHOWN_THROUGH_CLAIMS = {"organization", "confidential"}


def _field_value(entry, name: str):
    field = entry._meta.get_field(name)
    if field.many_to_many:
        return sorted(entry_pk for entry_pk in getattr(entry, name).values_list("pk", flat=True))
    if field.is_relation:
        return getattr(entry, field.attname)
    value = getattr(entry, name)
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "code"):  # a django-countries Country
        return value.code
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def snapshot(entry, data: dict) -> dict:
    """The current values of the fields, relations and citations that ``data`` touches."""
    result = {
        "fields": {name: _field_value(entry, name) for name in data.get("fields", {})},
        "m2m": {name: _field_value(entry, name) for name in data.get("m2m", {})},
    }
    if "citations" in data:
        result["citations"] = citation_rows(entry)
    if "reports" in data:
        result["reports"] = report_rows(entry)
    return result


def same_value(field, before, after) -> bool:
    """Compare stored values as the field reads them, so 100.00 and 100 are one number."""
    if before in (None, "", []) and after in (None, "", []):
        return True
    if field.is_relation:
        return before == after
    try:
        return field.to_python(before) == field.to_python(after)
    except Exception:  # noqa: BLE001 - a value the field cannot read is a change to show
        return False


def citation_rows(entry) -> list[dict]:
    """An entry's citations in the edit format."""
    return [
        {
            "source": citation.source_id,
            "new_source": None,
            "quote": citation.quote,
            "locator": citation.locator,
            "stance": citation.stance,
        }
        for citation in entry.citations.order_by("pk")
    ]


def report_rows(person) -> list[dict]:
    """A person record's sources, with their case numbers, in the edit format."""
    return [
        {
            "source": report.source_id,
            "new_source": None,
            "case_number": report.case_number,
            "locator": report.locator,
        }
        for report in person.reports.order_by("pk")
    ]


def source_of(row: dict, *, by: AbstractBaseUser | None) -> int:
    """The source a citation or report row names: an existing one, or one it creates."""
    source_id = row.get("source")
    if not source_id and row.get("new_source"):
        source = Source(**row["new_source"], created_by=by)
        source.save()
        source_id = source.pk
    return source_id


def apply_data(entry, data: dict, *, by: AbstractBaseUser | None) -> None:
    """Write ``data`` onto a saved entry: fields, many-to-many relations, citations and a
    person record's sources."""
    for name, value in data.get("fields", {}).items():
        field = entry._meta.get_field(name)
        if field.is_relation:
            setattr(entry, field.attname, value)
        else:
            setattr(entry, name, field.to_python(value))
    entry.save()
    for name, pks in data.get("m2m", {}).items():
        getattr(entry, name).set(pks)
    if "citations" in data:
        entry.citations.all().delete()
        for row in data["citations"]:
            Citation.objects.create(
                claim=entry,
                source_id=source_of(row, by=by),
                quote=row.get("quote", ""),
                locator=row.get("locator", ""),
                stance=row.get("stance") or Citation.Stance.SUPPORTS,
            )
        refresh_public_organizations(claims=[entry.pk])
    if "reports" in data:
        entry.reports.all().delete()
        for row in data["reports"]:
            PersonSource.objects.create(
                person=entry,
                source_id=source_of(row, by=by),
                case_number=row.get("case_number", ""),
                locator=row.get("locator", ""),
            )
    if isinstance(entry, Source) and SHOWN_THROUGH_CLAIMS & set(data.get("fields", {})):
        refresh_public_organizations(sources=[entry.pk])
    if isinstance(entry, Source) and "confidential" in data.get("fields", {}):
        Statistic.refresh_search_texts(sources=[entry.pk])


def lock_version(record, expected_version: int | None) -> None:
    """Take the row lock (a source's after the claims citing it) and refuse a save made
    against an older version."""
    if isinstance(record, Source):
        lock_claims_citing(record)
    current = (
        type(record)
        ._default_manager.select_for_update()
        .filter(pk=record.pk)
        .values_list("version", flat=True)
        .first()
    )
    if expected_version is None or current is None or current != expected_version:
        raise TransitionRefused(STALE_MESSAGE)


@transaction.atomic
def create_entry(
    entry: ModeratedEntry, *, by: AbstractBaseUser, relations: dict | None = None
) -> ModeratedEntry:
    """Save a new entry as its author's draft, with its relations and citations."""
    create_draft(entry, by=by)
    if relations:
        only = {"m2m": relations.get("m2m", {})}
        for name in ("citations", "reports"):
            if name in relations:
                only[name] = relations[name]
        apply_data(entry, only, by=by)
    return entry


@transaction.atomic
def save_edit(
    entry: ModeratedEntry, *, by: AbstractBaseUser, expected_version: int, data: dict
) -> ModeratedEntry:
    """Save the author's (or a reviewer's) edit of a draft or of an entry sent back for changes."""
    if not entry.is_draft:
        raise TransitionRefused(
            _("This entry is “%(status)s”: it cannot be edited now.")
            % {"status": entry.get_status_display()}
        )
    if not can_edit(entry, by):
        raise TransitionRefused(_("You are not allowed to edit this entry."))
    lock_version(entry, expected_version)
    entry.last_edited_by = by
    entry.version = expected_version + 1
    apply_data(entry, data, by=by)
    record_event(
        entry,
        kind=ModerationEvent.Kind.MODERATION,
        action="edit",
        by=by,
        from_value=entry.status,
        to_value=entry.status,
    )
    return entry


@transaction.atomic
def propose_revision(
    entry: ModeratedEntry,
    *,
    by: AbstractBaseUser,
    expected_version: int,
    data: dict,
    comment: str = "",
) -> Revision:
    """Hold an edit of a published entry for review; the public keeps the approved version."""
    if not entry.is_public:
        raise TransitionRefused(_("Only a published entry takes a pending revision."))
    if not can_edit(entry, by):
        raise TransitionRefused(_("You are not allowed to edit this entry."))
    lock_version(entry, expected_version)
    revision = Revision.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        data=data,
        base_version=expected_version,
        comment=(comment or "").strip(),
        created_by=by,
    )
    record_event(
        entry, kind=ModerationEvent.Kind.REVISION, action="propose_revision", by=by, comment=comment
    )
    after_commit(notify_reviewers, revision)
    return revision


def edit(entry: ModeratedEntry, *, by: AbstractBaseUser, expected_version: int, data: dict):
    """Save an edit: directly on a draft, as a pending revision on a published entry."""
    if entry.is_public:
        return propose_revision(entry, by=by, expected_version=expected_version, data=data)
    return save_edit(entry, by=by, expected_version=expected_version, data=data)


def restore_version(
    entry: ModeratedEntry,
    record,
    *,
    by: AbstractBaseUser,
    expected_version: int,
    fields: list[str],
    comment: str = "",
):
    """Bring back the values ``fields`` had in a recorded version, through the workflow.

    On a published entry the old values become a pending revision that a second reviewer
    approves; on a draft they are saved as an edit. Either way the version check applies.
    """
    if record.id != entry.pk or record.instance_type is not type(entry):
        raise TransitionRefused(_("This version belongs to another entry."))
    data = version_data(record, fields)
    reason = _("Restores the version of %(when)s.") % {
        "when": formats.localize(timezone.localtime(record.history_date))
    }
    comment = f"{reason} {(comment or '').strip()}".strip()
    if entry.is_public:
        return propose_revision(
            entry, by=by, expected_version=expected_version, data=data, comment=comment
        )
    return save_edit(entry, by=by, expected_version=expected_version, data=data)


class _ShownOnly(Exception):
    """Rolls back a revision applied only to be shown."""


@contextmanager
def revision_applied(revision: Revision) -> Iterator[models.Model]:
    """The entry as it will read once ``revision`` is approved, inside a transaction that is
    always rolled back: read what you need from it inside the block. Nothing is kept, no
    notification leaves (callbacks waiting for the commit are dropped with it)."""
    try:
        with transaction.atomic():
            manager = type(revision.entry)._default_manager
            entry = manager.get(pk=revision.object_id)
            apply_data(entry, revision.data, by=revision.created_by)
            yield manager.get(pk=entry.pk)
            raise _ShownOnly
    except _ShownOnly:
        pass


def _decide_revision(revision: Revision, *, by: AbstractBaseUser, status: str, comment: str):
    updated = (
        Revision.objects.pending()
        .filter(pk=revision.pk)
        .update(status=status, decided_by=by, decided_at=timezone.now(), decision_comment=comment)
    )
    if not updated:
        raise TransitionRefused(_("This revision has already been decided."))
    revision.refresh_from_db()


def revision_approval_refusal(
    revision: Revision, entry: models.Model, user: AbstractBaseUser | None
) -> str:
    """Why ``user`` may not approve ``revision`` of ``entry`` now, or "" when nothing stands in
    the way: four eyes, an entry changed since the revision was proposed, the provenance gate."""
    if refusal := four_eyes_refusal(revision, user):
        return refusal
    moderated = isinstance(entry, ModeratedEntry)
    if (moderated and not entry.is_public) or entry.version != revision.base_version:
        return _("The entry changed after this revision was proposed: reject it and edit again.")
    if moderated:
        return provenance_refusal(missing_provenance_of_revision(entry, revision.data))
    if isinstance(entry, Source):
        return " ".join(left_untraceable(entry, revision.data))
    return ""


@transaction.atomic
def approve_revision(
    revision: Revision,
    *,
    by: AbstractBaseUser,
    correction_note: str = "",
    comment: str = "",
    correction_note_es: str = "",
):
    """Apply a pending revision. The proposer cannot approve it.

    A revision of a published entry needs ``correction_note`` (in English, or
    ``correction_note_es`` in Spanish, or both): the entry's next published version carries it,
    shown publicly under its title (a person record keeps no public versions: it needs no
    note, and its page says only when it was corrected). ``comment`` stays with the staff. A
    revision of a source or
    organisation is shown through the entries that use it. A revision that only adds or
    changes a translation is a correction like any other.
    """
    if not can_review(by):
        raise TransitionRefused(str(ONLY_REVIEWERS))
    if refusal := four_eyes_refusal(revision, by):
        raise TransitionRefused(refusal)
    if isinstance(revision.entry, Source):
        lock_claims_citing(revision.entry)
    entry = type(revision.entry)._default_manager.select_for_update().get(pk=revision.object_id)
    moderated = isinstance(entry, ModeratedEntry)
    if moderated and keeps_public_versions(entry):
        correction_note = require_public_text(
            correction_note,
            _(
                "A public correction note is required to approve a revision: "
                "say what was corrected."
            ),
            spanish=correction_note_es,
        )
    if refusal := revision_approval_refusal(revision, entry, by):
        raise TransitionRefused(refusal)
    comment = (comment or "").strip()
    _decide_revision(revision, by=by, status=Revision.Status.APPROVED, comment=comment)
    now = timezone.now()
    entry.version = entry.version + 1
    if moderated:
        entry.last_edited_by = revision.created_by
        entry.corrected_at = now
    apply_data(entry, revision.data, by=revision.created_by)
    if moderated:
        record_version(
            entry,
            published_at=now,
            correction_note=correction_note,
            correction_note_es=correction_note_es,
        )
    bump_public_version()
    record_event(
        entry, kind=ModerationEvent.Kind.REVISION, action="approve_revision", by=by, comment=comment
    )
    after_commit(notify_author, entry, "approve_revision", comment, revision.created_by)
    return entry


@transaction.atomic
def reject_revision(revision: Revision, *, by: AbstractBaseUser, comment: str) -> Revision:
    """Refuse a pending revision; the published version stays as it is."""
    if not can_review(by):
        raise TransitionRefused(str(ONLY_REVIEWERS))
    comment = (comment or "").strip()
    if not comment:
        raise TransitionRefused(_("A comment is required to explain this decision."))
    _decide_revision(revision, by=by, status=Revision.Status.REJECTED, comment=comment)
    record_event(
        revision.entry,
        kind=ModerationEvent.Kind.REVISION,
        action="reject_revision",
        by=by,
        comment=comment,
    )
    after_commit(notify_author, revision.entry, "reject_revision", comment, revision.created_by)
    return revision
