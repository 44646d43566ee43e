"""Moderation transitions and verification changes, each with its permission check.

Nothing else writes ``status`` or ``verification``. Each function is atomic, refuses a
transition from the wrong state with a clear message, and records a ``ModerationEvent``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.history import record_snapshot
from tracker.models import Claim, ModerationEvent, ModerationStatus, Revision, VerificationGrade
from tracker.models.base import ModeratedEntry
from tracker.public_cache import bump_public_version
from tracker.workflow.errors import ONLY_REVIEWERS, TransitionRefused
from tracker.workflow.events import history_reason, record_event
from tracker.workflow.notify import after_commit, notify_author, notify_reviewers
from tracker.workflow.permissions import can_grade, can_review, is_owner
from tracker.workflow.provenance import (
    missing_provenance,
    provenance_refusal,
    require_provenance,
)
from tracker.workflow.public_organizations import refresh_public_organizations
from tracker.workflow.publication import record_version, record_withdrawal, require_public_text

S = ModerationStatus


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    comment_required: bool = False
    # How a decision is offered to the reviewer.
    label: str = ""


SUBMIT = Transition("submit", S.in_drafting(), S.SUBMITTED)
RETRACT_SUBMISSION = Transition("retract_submission", (S.SUBMITTED,), S.DRAFT)
APPROVE = Transition(
    "approve", (S.SUBMITTED,), S.PUBLISHED, label=gettext_lazy("Approve and publish")
)
REQUEST_CHANGES = Transition(
    "request_changes",
    (S.SUBMITTED,),
    S.CHANGES_REQUESTED,
    True,
    label=gettext_lazy("Request changes"),
)
REJECT = Transition("reject", (S.SUBMITTED,), S.REJECTED, True, label=gettext_lazy("Reject"))
WITHDRAW = Transition(
    "withdraw",
    (S.PUBLISHED,),
    S.WITHDRAWN,
    True,
    label=gettext_lazy("Withdraw from the public site"),
)
# Only for management commands loading reviewed files (see publish_from_trusted_source).
PUBLISH_TRUSTED = Transition("publish_trusted", (S.DRAFT, S.SUBMITTED), S.PUBLISHED)

# The decisions a reviewer takes on the review page, in the order they are offered.
REVIEW_DECISIONS = (APPROVE, REQUEST_CHANGES, REJECT, WITHDRAW)


def decisions_from(status: str) -> list[Transition]:
    """The reviewer's decisions that the workflow allows from ``status``, in order."""
    return [t for t in REVIEW_DECISIONS if status in t.sources]


def _require_comment(transition: Transition, comment: str) -> str:
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise TransitionRefused(_("A comment is required to explain this decision."))
    return comment


def _move(
    entry: ModeratedEntry,
    transition: Transition,
    *,
    by: AbstractBaseUser | None,
    comment: str,
    extra: dict | None = None,
) -> ModeratedEntry:
    """Change the status with a conditional UPDATE, so two concurrent decisions cannot both win."""
    if entry.status not in transition.sources:
        raise TransitionRefused(
            _("This entry is “%(status)s”: it cannot be changed that way now.")
            % {"status": entry.get_status_display()}
        )
    previous = entry.status
    now = timezone.now()
    values = {"status": transition.target, "updated_at": now, "version": F("version") + 1}
    values.update(extra or {})
    updated = (
        type(entry)
        ._default_manager.filter(pk=entry.pk, status=previous, version=entry.version)
        .update(**values)
    )
    if not updated:
        raise TransitionRefused(
            _("Someone else changed this entry in the meantime. Reload it and try again.")
        )
    entry.refresh_from_db()
    if S.PUBLISHED in (previous, transition.target):
        bump_public_version()
        if isinstance(entry, Claim):
            refresh_public_organizations(claims=[entry.pk])
    # The conditional UPDATE fires no signal: record the new version in the audit history.
    record_snapshot(entry, by=by, reason=history_reason(transition.action, comment))
    record_event(
        entry,
        kind=ModerationEvent.Kind.MODERATION,
        action=transition.action,
        by=by,
        from_value=previous,
        to_value=transition.target,
        comment=comment,
    )
    return entry


def require_can_create(model: type, by: AbstractBaseUser) -> None:
    if not by.has_perm(f"tracker.add_{model._meta.model_name}"):
        raise TransitionRefused(_("You are not allowed to create entries."))


def _save_new_draft(entry: ModeratedEntry, *, by: AbstractBaseUser) -> None:
    require_can_create(type(entry), by)
    if entry.pk is not None:
        raise TransitionRefused(_("This entry already exists."))
    entry.status = S.DRAFT
    entry.created_by = by
    entry.last_edited_by = by
    entry.save()


@transaction.atomic
def create_draft(entry: ModeratedEntry, *, by: AbstractBaseUser) -> ModeratedEntry:
    """Save a new entry as its author's draft."""
    _save_new_draft(entry, by=by)
    record_event(
        entry, kind=ModerationEvent.Kind.MODERATION, action="create", by=by, to_value=S.DRAFT
    )
    return entry


@transaction.atomic
def import_draft(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Save a new entry read from a spreadsheet as the importer's draft; the event says so."""
    _save_new_draft(entry, by=by)
    record_event(
        entry,
        kind=ModerationEvent.Kind.IMPORT,
        action="import",
        by=by,
        to_value=S.DRAFT,
        comment=comment,
    )
    return entry


@transaction.atomic
def submit(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str = "") -> ModeratedEntry:
    """Send a draft (or an entry sent back for changes) to the review queue."""
    if not (is_owner(entry, by) or can_review(by)):
        raise TransitionRefused(_("Only the author of an entry can submit it."))
    entry = _move(entry, SUBMIT, by=by, comment=_require_comment(SUBMIT, comment))
    after_commit(notify_reviewers, entry)
    return entry


@transaction.atomic
def retract_submission(
    entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str = ""
) -> ModeratedEntry:
    """Take one's own submission back to draft before it is reviewed."""
    if not is_owner(entry, by):
        raise TransitionRefused(_("Only the author can take back a submission."))
    return _move(
        entry, RETRACT_SUBMISSION, by=by, comment=_require_comment(RETRACT_SUBMISSION, comment)
    )


def four_eyes_refusal(item: ModeratedEntry | Revision, user: AbstractBaseUser | None) -> str:
    """Why ``user`` may not approve ``item`` (they wrote it), or "" when they may.

    An entry is its creator's and its last editor's; a pending revision is its proposer's.
    ``decidable_by`` on the querysets is the same rule for a list.
    """
    if user is None or user.pk is None:
        return ""
    if isinstance(item, Revision):
        if user.pk == item.created_by_id:
            return _("You proposed this revision: a second reviewer must approve it.")
        return ""
    if user.pk in (item.created_by_id, item.last_edited_by_id):
        return _("You created or last edited this entry: a second reviewer must approve it.")
    return ""


def approval_refusal(entry: ModeratedEntry, user: AbstractBaseUser | None) -> str:
    """Why ``user`` may not approve ``entry`` now: four eyes, then the provenance gate; "" if
    nothing stands in the way (the entry's state aside)."""
    return four_eyes_refusal(entry, user) or provenance_refusal(missing_provenance(entry))


def _require_reviewer(by: AbstractBaseUser) -> None:
    if not can_review(by):
        raise TransitionRefused(str(ONLY_REVIEWERS))


@transaction.atomic
def approve(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str = "") -> ModeratedEntry:
    """Publish a submitted entry. Nobody approves an entry they created or last edited."""
    _require_reviewer(by)
    if refusal := approval_refusal(entry, by):
        raise TransitionRefused(refusal)
    extra = {} if entry.published_at else {"published_at": timezone.now()}
    comment = _require_comment(APPROVE, comment)
    entry = _move(entry, APPROVE, by=by, comment=comment, extra=extra)
    record_version(entry, published_at=entry.updated_at)
    after_commit(notify_author, entry, "approve", comment)
    return entry


@transaction.atomic
def request_changes(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Send a submission back to its author with what to change."""
    _require_reviewer(by)
    comment = _require_comment(REQUEST_CHANGES, comment)
    entry = _move(entry, REQUEST_CHANGES, by=by, comment=comment)
    after_commit(notify_author, entry, "request_changes", comment)
    return entry


@transaction.atomic
def reject(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Refuse a submission for good, saying why."""
    _require_reviewer(by)
    comment = _require_comment(REJECT, comment)
    entry = _move(entry, REJECT, by=by, comment=comment)
    after_commit(notify_author, entry, "reject", comment)
    return entry


@transaction.atomic
def withdraw(
    entry: ModeratedEntry,
    *,
    by: AbstractBaseUser,
    comment: str,
    public_note: str,
    public_note_es: str = "",
) -> ModeratedEntry:
    """Take a published entry off the public site: the comment for staff, the note for all.

    The entry's addresses then answer 410 Gone with a notice that gives ``public_note`` (in
    English, or ``public_note_es`` in Spanish, or both).
    """
    _require_reviewer(by)
    comment = _require_comment(WITHDRAW, comment)
    public_note = require_public_text(
        public_note,
        _("A public reason is required to withdraw an entry: the withdrawal notice shows it."),
        spanish=public_note_es,
    )
    entry = _move(entry, WITHDRAW, by=by, comment=comment)
    record_withdrawal(
        entry,
        withdrawn_at=entry.updated_at,
        public_note=public_note,
        public_note_es=public_note_es,
    )
    after_commit(notify_author, entry, "withdraw", comment)
    return entry


@transaction.atomic
def set_verification(
    entry: ModeratedEntry,
    *,
    by: AbstractBaseUser | None,
    grade: str,
    rationale: str,
    rationale_es: str = "",
) -> ModeratedEntry:
    """Change an entry's verification grade; the rationale (in English, or ``rationale_es`` in
    Spanish, or both) is kept and shown publicly."""
    if by is not None and not can_grade(by):
        raise TransitionRefused(_("Only reviewers can set verification grades."))
    if grade not in VerificationGrade.values:
        raise TransitionRefused(_("Unknown verification grade."))
    rationale, rationale_es = (rationale or "").strip(), (rationale_es or "").strip()
    if not rationale and not rationale_es:
        raise TransitionRefused(_("A rationale is required to change the verification grade."))
    previous = entry.verification
    if grade == previous:
        raise TransitionRefused(_("The entry already has this grade."))
    updated = (
        type(entry)
        ._default_manager.filter(pk=entry.pk, verification=previous, version=entry.version)
        .update(
            verification=grade,
            verification_rationale=rationale,
            verification_rationale_es=rationale_es,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
    )
    if not updated:
        raise TransitionRefused(
            _("Someone else changed this entry in the meantime. Reload it and try again.")
        )
    entry.refresh_from_db()
    if entry.is_public:
        bump_public_version()
    record_snapshot(
        entry, by=by, reason=history_reason("set_verification", rationale or rationale_es)
    )
    record_event(
        entry,
        kind=ModerationEvent.Kind.VERIFICATION,
        action="set_verification",
        by=by,
        from_value=previous,
        to_value=grade,
        comment=rationale,
        comment_es=rationale_es,
    )
    return entry


@transaction.atomic
def load_draft(entry: ModeratedEntry, *, comment: str) -> ModeratedEntry:
    """Save a new entry read by a management command from a reviewed file as a draft, that
    ``publish_from_trusted_source`` may then publish; no person made it, the event says so."""
    if entry.pk is not None:
        raise TransitionRefused(_("This entry already exists."))
    entry.status = S.DRAFT
    entry.save()
    record_event(
        entry,
        kind=ModerationEvent.Kind.IMPORT,
        action="load",
        by=None,
        to_value=S.DRAFT,
        comment=comment,
    )
    return entry


@transaction.atomic
def publish_from_trusted_source(
    entry: ModeratedEntry, *, grade: str, rationale: str, comment: str, rationale_es: str = ""
) -> ModeratedEntry:
    """Publish an entry loaded by a management command from a reviewed file (the demo data).

    Used only by commands that run with the operator's authority, never by a view; the events
    record that no person approved it through the site. The provenance gate applies as always.
    """
    if entry.pk is None:
        load_draft(entry, comment=comment)
    published_at = None
    if not entry.is_public:
        require_provenance(missing_provenance(entry))
        extra = {} if entry.published_at else {"published_at": timezone.now()}
        published_at = _move(
            entry, PUBLISH_TRUSTED, by=None, comment=comment, extra=extra
        ).updated_at
    if grade != entry.verification:
        set_verification(
            entry, by=None, grade=grade, rationale=rationale, rationale_es=rationale_es
        )
    if published_at is not None:
        # Loading with its grade is one act of publication: the first version carries the grade.
        record_version(entry, published_at=published_at)
    return entry
