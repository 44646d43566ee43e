"""The workflow: every moderation transition and verification change, and who may make it.

Views, admin actions, the API and management commands all call these functions; nothing else
writes ``status`` or ``verification``. Each function is atomic, checks permissions, refuses a
transition from the wrong state with a clear message, and records a ``ModerationEvent``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.history import record_snapshot, version_data
from tracker.models import ModerationEvent, ModerationStatus, VerificationGrade
from tracker.models.base import ModeratedEntry
from tracker.public_cache import bump_public_version

S = ModerationStatus

REVIEW_PERMISSION = "tracker.review_entries"
GRADE_PERMISSION = "tracker.grade_entries"
PREVIEW_PERMISSION = "tracker.preview_entries"


class TransitionRefused(Exception):
    """A transition that the rules do not allow; the message says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    comment_required: bool = False


SUBMIT = Transition("submit", (S.DRAFT, S.CHANGES_REQUESTED), S.SUBMITTED)
RETRACT_SUBMISSION = Transition("retract_submission", (S.SUBMITTED,), S.DRAFT)
APPROVE = Transition("approve", (S.SUBMITTED,), S.PUBLISHED)
REQUEST_CHANGES = Transition("request_changes", (S.SUBMITTED,), S.CHANGES_REQUESTED, True)
REJECT = Transition("reject", (S.SUBMITTED,), S.REJECTED, True)
WITHDRAW = Transition("withdraw", (S.PUBLISHED,), S.WITHDRAWN, True)
# Only for management commands loading reviewed files (see publish_from_trusted_source).
PUBLISH_TRUSTED = Transition("publish_trusted", (S.DRAFT, S.SUBMITTED), S.PUBLISHED)


def model_label(entry: ModeratedEntry) -> str:
    return entry._meta.model_name


def can_review(user: AbstractBaseUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(REVIEW_PERMISSION))


def can_grade(user: AbstractBaseUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(GRADE_PERMISSION))


def can_preview(user: AbstractBaseUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PREVIEW_PERMISSION))


def is_owner(entry: ModeratedEntry, user: AbstractBaseUser | None) -> bool:
    return bool(user and user.is_authenticated and entry.created_by_id == user.pk)


def can_edit(entry: ModeratedEntry, user: AbstractBaseUser | None) -> bool:
    """Who may change an entry's content (a published one is edited as a pending revision)."""
    if not (user and user.is_authenticated):
        return False
    if not user.has_perm(f"tracker.change_{model_label(entry)}"):
        return False
    if entry.status in (S.DRAFT, S.CHANGES_REQUESTED):
        return is_owner(entry, user) or can_review(user)
    # An edit to a published entry becomes a pending revision, reviewed by a second person.
    return entry.status == S.PUBLISHED


def record_event(
    entry: ModeratedEntry,
    *,
    kind: str,
    action: str,
    by: AbstractBaseUser | None,
    from_value: str = "",
    to_value: str = "",
    comment: str = "",
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        kind=kind,
        action=action,
        from_value=from_value,
        to_value=to_value,
        comment=comment,
        actor=by if by is not None and by.is_authenticated else None,
    )


def history(entry: ModeratedEntry):
    """Every recorded event of an entry, oldest first."""
    return ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(entry), object_id=entry.pk
    ).select_related("actor")


def _history_reason(action: str, comment: str) -> str:
    return f"{action}: {comment}" if comment else action


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
    # The conditional UPDATE fires no signal: record the new version in the audit history.
    record_snapshot(entry, by=by, reason=_history_reason(transition.action, comment))
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


@transaction.atomic
def create_draft(entry: ModeratedEntry, *, by: AbstractBaseUser) -> ModeratedEntry:
    """Save a new entry as its author's draft."""
    if not by.has_perm(f"tracker.add_{model_label(entry)}"):
        raise TransitionRefused(_("You are not allowed to create entries."))
    if entry.pk is not None:
        raise TransitionRefused(_("This entry already exists."))
    entry.status = S.DRAFT
    entry.created_by = by
    entry.last_edited_by = by
    entry.save()
    record_event(
        entry, kind=ModerationEvent.Kind.MODERATION, action="create", by=by, to_value=S.DRAFT
    )
    return entry


@transaction.atomic
def import_draft(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Save a new entry read from a spreadsheet as the importer's draft; the event says so."""
    if not by.has_perm(f"tracker.add_{model_label(entry)}"):
        raise TransitionRefused(_("You are not allowed to create entries."))
    if entry.pk is not None:
        raise TransitionRefused(_("This entry already exists."))
    entry.status = S.DRAFT
    entry.created_by = by
    entry.last_edited_by = by
    entry.save()
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
    _after_commit(notify_reviewers, entry)
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


def _require_reviewer(entry: ModeratedEntry, by: AbstractBaseUser, *, four_eyes: bool) -> None:
    if not can_review(by):
        raise TransitionRefused(_("Only reviewers can make this decision."))
    if four_eyes and by.pk in (entry.created_by_id, entry.last_edited_by_id):
        raise TransitionRefused(
            _("You created or last edited this entry: a second reviewer must approve it.")
        )


@transaction.atomic
def approve(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str = "") -> ModeratedEntry:
    """Publish a submitted entry. Nobody approves an entry they created or last edited."""
    _require_reviewer(entry, by, four_eyes=True)
    extra = {} if entry.published_at else {"published_at": timezone.now()}
    comment = _require_comment(APPROVE, comment)
    entry = _move(entry, APPROVE, by=by, comment=comment, extra=extra)
    _after_commit(notify_author, entry, "approve", comment)
    return entry


@transaction.atomic
def request_changes(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Send a submission back to its author with what to change."""
    _require_reviewer(entry, by, four_eyes=False)
    comment = _require_comment(REQUEST_CHANGES, comment)
    entry = _move(entry, REQUEST_CHANGES, by=by, comment=comment)
    _after_commit(notify_author, entry, "request_changes", comment)
    return entry


@transaction.atomic
def reject(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Refuse a submission for good, saying why."""
    _require_reviewer(entry, by, four_eyes=False)
    comment = _require_comment(REJECT, comment)
    entry = _move(entry, REJECT, by=by, comment=comment)
    _after_commit(notify_author, entry, "reject", comment)
    return entry


@transaction.atomic
def withdraw(entry: ModeratedEntry, *, by: AbstractBaseUser, comment: str) -> ModeratedEntry:
    """Take a published entry off the public site, saying why."""
    _require_reviewer(entry, by, four_eyes=False)
    comment = _require_comment(WITHDRAW, comment)
    entry = _move(entry, WITHDRAW, by=by, comment=comment)
    _after_commit(notify_author, entry, "withdraw", comment)
    return entry


@transaction.atomic
def set_verification(
    entry: ModeratedEntry, *, by: AbstractBaseUser | None, grade: str, rationale: str
) -> ModeratedEntry:
    """Change an entry's verification grade; the rationale is kept and shown publicly."""
    if by is not None and not can_grade(by):
        raise TransitionRefused(_("Only reviewers can set verification grades."))
    if grade not in VerificationGrade.values:
        raise TransitionRefused(_("Unknown verification grade."))
    rationale = (rationale or "").strip()
    if not rationale:
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
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
    )
    if not updated:
        raise TransitionRefused(
            _("Someone else changed this entry in the meantime. Reload it and try again.")
        )
    entry.refresh_from_db()
    if entry.status == S.PUBLISHED:
        bump_public_version()
    record_snapshot(entry, by=by, reason=_history_reason("set_verification", rationale))
    record_event(
        entry,
        kind=ModerationEvent.Kind.VERIFICATION,
        action="set_verification",
        by=by,
        from_value=previous,
        to_value=grade,
        comment=rationale,
    )
    return entry


@transaction.atomic
def publish_from_trusted_source(
    entry: ModeratedEntry, *, grade: str, rationale: str, comment: str
) -> ModeratedEntry:
    """Publish an entry loaded by a management command from a reviewed file (the demo data).

    Used only by commands that run with the operator's authority, never by a view; the events
    record that no person approved it through the site.
    """
    if entry.pk is None:
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
    if entry.status != S.PUBLISHED:
        extra = {} if entry.published_at else {"published_at": timezone.now()}
        _move(entry, PUBLISH_TRUSTED, by=None, comment=comment, extra=extra)
    if grade != entry.verification:
        set_verification(entry, by=None, grade=grade, rationale=rationale)
    return entry


# --- Edits, pending revisions and tips ---------------------------------------------------------
#
# An edit travels as plain data, so that a draft edit and a pending revision share one format:
# ``{"fields": {name: value}, "m2m": {name: [pk, ...]}, "citations": [row, ...]}``, where a
# citation row is ``{"source": pk | None, "new_source": {...} | None, "quote", "locator",
# "stance"}``. Values are JSON: primary keys for relations, ISO strings for dates.

# Lazy: module-level text is translated when it is shown, in the reader's language.
STALE_MESSAGE = gettext_lazy(
    "Someone else saved this entry while you were editing it. Your text is still in the form: "
    "compare it with the current version (open the entry in a new tab), then save again."
)


def _field_value(entry: ModeratedEntry, name: str):
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


def snapshot(entry: ModeratedEntry, data: dict) -> dict:
    """The current values of the fields, relations and citations that ``data`` touches."""
    result = {
        "fields": {name: _field_value(entry, name) for name in data.get("fields", {})},
        "m2m": {name: _field_value(entry, name) for name in data.get("m2m", {})},
    }
    if "citations" in data:
        result["citations"] = [
            {
                "source": citation.source_id,
                "new_source": None,
                "quote": citation.quote,
                "locator": citation.locator,
                "stance": citation.stance,
            }
            for citation in entry.citations.order_by("pk")
        ]
    return result


def _apply(entry: ModeratedEntry, data: dict, *, by: AbstractBaseUser | None) -> None:
    """Write ``data`` onto a saved entry: fields, many-to-many relations and citations."""
    from tracker.models import Citation, Source

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
            source_id = row.get("source")
            if not source_id and row.get("new_source"):
                source = Source(**row["new_source"], created_by=by)
                source.save()
                source_id = source.pk
            Citation.objects.create(
                claim=entry,
                source_id=source_id,
                quote=row.get("quote", ""),
                locator=row.get("locator", ""),
                stance=row.get("stance") or Citation.Stance.SUPPORTS,
            )


def _claim_version(entry: ModeratedEntry, expected_version: int) -> None:
    """Take the row lock and refuse a save made against an older version."""
    current = (
        type(entry)
        ._default_manager.select_for_update()
        .filter(pk=entry.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is None or current != expected_version:
        raise TransitionRefused(STALE_MESSAGE)


@transaction.atomic
def create_entry(
    entry: ModeratedEntry, *, by: AbstractBaseUser, relations: dict | None = None
) -> ModeratedEntry:
    """Save a new entry as its author's draft, with its relations and citations."""
    create_draft(entry, by=by)
    if relations:
        _apply(entry, {"m2m": relations.get("m2m", {}), **_only_citations(relations)}, by=by)
    return entry


def _only_citations(data: dict) -> dict:
    return {"citations": data["citations"]} if "citations" in data else {}


@transaction.atomic
def save_edit(
    entry: ModeratedEntry, *, by: AbstractBaseUser, expected_version: int, data: dict
) -> ModeratedEntry:
    """Save the author's (or a reviewer's) edit of a draft or of an entry sent back for changes."""
    if entry.status not in (S.DRAFT, S.CHANGES_REQUESTED):
        raise TransitionRefused(
            _("This entry is “%(status)s”: it cannot be edited now.")
            % {"status": entry.get_status_display()}
        )
    if not can_edit(entry, by):
        raise TransitionRefused(_("You are not allowed to edit this entry."))
    _claim_version(entry, expected_version)
    entry.last_edited_by = by
    entry.version = expected_version + 1
    _apply(entry, data, by=by)
    record_event(
        entry,
        kind=ModerationEvent.Kind.MODERATION,
        action="edit",
        by=by,
        from_value=entry.status,
        to_value=entry.status,
    )
    return entry


def pending_revisions(entry: ModeratedEntry):
    from tracker.models import Revision

    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        status=Revision.Status.PENDING,
    )


@transaction.atomic
def propose_revision(
    entry: ModeratedEntry,
    *,
    by: AbstractBaseUser,
    expected_version: int,
    data: dict,
    comment: str = "",
):
    """Hold an edit of a published entry for review; the public keeps the approved version."""
    from tracker.models import Revision

    if entry.status != S.PUBLISHED:
        raise TransitionRefused(_("Only a published entry takes a pending revision."))
    if not can_edit(entry, by):
        raise TransitionRefused(_("You are not allowed to edit this entry."))
    _claim_version(entry, expected_version)
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
    _after_commit(notify_reviewers, revision)
    return revision


def edit(entry: ModeratedEntry, *, by: AbstractBaseUser, expected_version: int, data: dict):
    """Save an edit: directly on a draft, as a pending revision on a published entry."""
    if entry.status == S.PUBLISHED:
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
    if entry.status == S.PUBLISHED:
        return propose_revision(
            entry, by=by, expected_version=expected_version, data=data, comment=comment
        )
    return save_edit(entry, by=by, expected_version=expected_version, data=data)


def _decide_revision(revision, *, by: AbstractBaseUser, status: str, comment: str) -> None:
    from tracker.models import Revision

    updated = Revision.objects.filter(pk=revision.pk, status=Revision.Status.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_comment=comment
    )
    if not updated:
        raise TransitionRefused(_("This revision has already been decided."))
    revision.refresh_from_db()


@transaction.atomic
def approve_revision(revision, *, by: AbstractBaseUser, comment: str = "") -> ModeratedEntry:
    """Apply a pending revision to the published entry. The proposer cannot approve it."""
    from tracker.models import Revision

    if not can_review(by):
        raise TransitionRefused(_("Only reviewers can make this decision."))
    if by.pk == revision.created_by_id:
        raise TransitionRefused(_("You proposed this revision: a second reviewer must approve it."))
    entry = type(revision.entry)._default_manager.select_for_update().get(pk=revision.object_id)
    if entry.status != S.PUBLISHED or entry.version != revision.base_version:
        raise TransitionRefused(
            _("The entry changed after this revision was proposed: reject it and edit again.")
        )
    comment = (comment or "").strip()
    _decide_revision(revision, by=by, status=Revision.Status.APPROVED, comment=comment)
    entry.last_edited_by = revision.created_by
    entry.version = entry.version + 1
    _apply(entry, revision.data, by=revision.created_by)
    bump_public_version()
    record_event(
        entry, kind=ModerationEvent.Kind.REVISION, action="approve_revision", by=by, comment=comment
    )
    _after_commit(notify_author, entry, "approve_revision", comment, revision.created_by)
    return entry


@transaction.atomic
def reject_revision(revision, *, by: AbstractBaseUser, comment: str):
    """Refuse a pending revision; the published version stays as it is."""
    from tracker.models import Revision

    if not can_review(by):
        raise TransitionRefused(_("Only reviewers can make this decision."))
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
    _after_commit(notify_author, revision.entry, "reject_revision", comment, revision.created_by)
    return revision


@transaction.atomic
def receive_tip(tip, *, title: str):
    """Save a tip from the public and put a claim for it in the review queue."""
    from tracker.models import Claim

    claim = Claim(
        title=title,
        summary=tip.what,
        place_details=tip.where[:500],
        origin=Claim.Origin.PUBLIC_TIP,
        status=S.DRAFT,
        private_notes=_("Sent through the public form. When: %(when)s. Link: %(link)s")
        % {"when": tip.when or "-", "link": tip.link or "-"},
    )
    claim.save()
    record_event(
        claim, kind=ModerationEvent.Kind.MODERATION, action="receive_tip", by=None, to_value=S.DRAFT
    )
    _move(claim, SUBMIT, by=None, comment="")
    tip.claim = claim
    tip.save()
    _after_commit(notify_reviewers, claim)
    return tip


# --- E-mail, sent only once the decision is committed ------------------------------------------


def _after_commit(function, *args) -> None:
    transaction.on_commit(lambda: function(*args))


def reviewer_addresses() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    app_label, codename = REVIEW_PERMISSION.split(".")
    has_perm = (
        Q(groups__permissions__codename=codename)
        & Q(groups__permissions__content_type__app_label=app_label)
        | Q(user_permissions__codename=codename)
        & Q(user_permissions__content_type__app_label=app_label)
        | Q(is_superuser=True)
    )
    return sorted(
        set(
            get_user_model()
            .objects.filter(has_perm, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def notify_reviewers(item) -> None:
    """Tell reviewers that something new awaits review."""
    from django.core.mail import send_mail

    recipients = reviewer_addresses()
    if not recipients:
        return
    send_mail(
        _("New in the review queue: %(item)s") % {"item": str(item)[:120]},
        _("Something new awaits review in the claim tracker: %(item)s") % {"item": str(item)},
        None,
        recipients,
    )


DECISION_LABELS = {
    "approve": gettext_lazy("approved and published"),
    "request_changes": gettext_lazy("sent back for changes"),
    "reject": gettext_lazy("rejected"),
    "withdraw": gettext_lazy("withdrawn from the public site"),
    "approve_revision": gettext_lazy("revision approved"),
    "reject_revision": gettext_lazy("revision rejected"),
}


def notify_author(entry: ModeratedEntry, action: str, comment: str, author=None) -> None:
    """Tell the author of an entry (or of a revision) what the reviewer decided."""
    from django.core.mail import send_mail

    author = author or entry.created_by
    if author is None or not author.email:
        return
    body = _("Your entry “%(entry)s” was %(decision)s.") % {
        "entry": str(entry),
        "decision": DECISION_LABELS[action],
    }
    if comment:
        body += "\n\n" + _("The reviewer wrote:") + "\n" + comment
    send_mail(
        _("Decision on “%(entry)s”") % {"entry": str(entry)[:120]}, body, None, [author.email]
    )


@transaction.atomic
def save_record(record, *, by: AbstractBaseUser, expected_version: int | None):
    """Save a source or organisation, refusing an edit made against an older version."""
    if record.pk is None:
        record.created_by = by
        record.save()
        return record
    if expected_version is None:
        raise TransitionRefused(STALE_MESSAGE)
    _claim_version(record, expected_version)
    record.version = expected_version + 1
    record.save()
    bump_public_version()
    return record


def awaiting_review_count() -> int:
    """Submitted entries plus pending revisions: three bounded COUNT queries."""
    from tracker.models import Claim, Revision, Statistic

    return (
        Claim.objects.awaiting_review().count()
        + Statistic.objects.awaiting_review().count()
        + Revision.objects.filter(status=Revision.Status.PENDING).count()
    )
