"""Sources and organisations are content: their changes are reviewed like entries' changes.

A source or organisation that no published entry uses is its creator's to edit (and a
reviewer's). Once published entries use it, the public sees it: a change becomes a pending
revision that a second person approves, and the public keeps the approved version until then.
The confidential flag protects people: anyone may set it, at once; only a reviewer may clear
it, with a written rationale, and on a source in public use that too waits for a second
reviewer.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.history import record_snapshot
from tracker.models import ModerationEvent, Revision, Statistic
from tracker.public_cache import bump_public_version
from tracker.workflow.edits import apply_data, lock_version, same_value, snapshot
from tracker.workflow.errors import TransitionRefused
from tracker.workflow.events import record_event
from tracker.workflow.notify import after_commit, notify_reviewers
from tracker.workflow.permissions import (
    can_edit_record,
    can_review,
    is_used_publicly,
    model_label,
)
from tracker.workflow.public_organizations import refresh_public_organizations


@transaction.atomic
def create_record(record: models.Model, *, by: AbstractBaseUser) -> models.Model:
    """Save a new source or organisation as its creator's."""
    if not by.has_perm(f"tracker.add_{model_label(record)}"):
        raise TransitionRefused(_("You are not allowed to create this."))
    if record.pk is not None:
        raise TransitionRefused(_("This entry already exists."))
    record.created_by = by
    record.save()
    record_event(record, kind=ModerationEvent.Kind.MODERATION, action="create", by=by)
    return record


def clears_confidential(record: models.Model, data: dict) -> bool:
    fields = data.get("fields", {})
    return bool(getattr(record, "confidential", False)) and fields.get("confidential") is False


def sets_confidential(record: models.Model, data: dict) -> bool:
    fields = data.get("fields", {})
    return not getattr(record, "confidential", True) and fields.get("confidential") is True


def changed_fields(record: models.Model, data: dict) -> dict:
    """The fields of ``data`` whose value differs from the record's current one."""
    current = snapshot(record, data)["fields"]
    return {
        name: value
        for name, value in data.get("fields", {}).items()
        if not same_value(record._meta.get_field(name), current.get(name), value)
    }


def _mark_confidential(record: models.Model, *, by: AbstractBaseUser) -> None:
    """Make a source confidential at once: hiding a witness never waits for a review."""
    type(record)._default_manager.filter(pk=record.pk).update(
        confidential=True, version=F("version") + 1, updated_at=timezone.now()
    )
    record.refresh_from_db()
    bump_public_version()
    refresh_public_organizations(sources=[record.pk])
    Statistic.refresh_search_texts(sources=[record.pk])
    record_snapshot(record, by=by, reason="mark_confidential")
    record_event(
        record,
        kind=ModerationEvent.Kind.MODERATION,
        action="mark_confidential",
        by=by,
        from_value="public",
        to_value="confidential",
    )


@transaction.atomic
def edit_record(
    record: models.Model,
    *,
    by: AbstractBaseUser,
    expected_version: int | None,
    data: dict,
    rationale: str = "",
):
    """Save an edit of a source or organisation, or hold it for review when the public uses it.

    Returns the record when the edit was saved, or the pending ``Revision``.
    """
    lock_version(record, expected_version)
    # Judge and compare the stored record, never a copy that a form may have changed.
    record = type(record)._default_manager.get(pk=record.pk)
    if not can_edit_record(record, by):
        raise TransitionRefused(_("You are not allowed to edit this."))
    rationale = (rationale or "").strip()
    changes = changed_fields(record, data)
    if clears_confidential(record, {"fields": changes}):
        if not can_review(by):
            raise TransitionRefused(
                _("Only a reviewer can make a confidential source public again.")
            )
        if not rationale:
            raise TransitionRefused(
                _("Say why this source may now be shown publicly: a rationale is required.")
            )
    if sets_confidential(record, {"fields": changes}):
        _mark_confidential(record, by=by)
        changes.pop("confidential")
        expected_version = record.version
    if not changes:
        return record
    if is_used_publicly(record):
        return _propose(record, by=by, changes=changes, rationale=rationale)
    record.version = expected_version + 1
    apply_data(record, {"fields": changes}, by=by)
    record_event(
        record,
        kind=ModerationEvent.Kind.MODERATION,
        action="make_public" if "confidential" in changes else "edit",
        by=by,
        comment=rationale,
    )
    return record


def _propose(record: models.Model, *, by: AbstractBaseUser, changes: dict, rationale: str):
    revision = Revision.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        data={"fields": changes},
        base_version=record.version,
        comment=rationale,
        created_by=by,
    )
    record_event(
        record,
        kind=ModerationEvent.Kind.REVISION,
        action="propose_revision",
        by=by,
        comment=rationale,
    )
    after_commit(notify_reviewers, revision)
    return revision
