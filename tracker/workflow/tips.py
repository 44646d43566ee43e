"""Tips from the public: private records that staff turn into drafts of their own, or archive.

Nothing from a tip is ever one click from the public: a tip never enters the review queue. A
staff member writes a draft claim from it (their own title, country, sources), which then goes
through submission and a second person's review like any other entry.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.history import record_snapshot
from tracker.models import Claim, ModerationEvent, Tip
from tracker.workflow.edits import create_entry
from tracker.workflow.errors import TransitionRefused
from tracker.workflow.events import record_event
from tracker.workflow.notify import after_commit, notify_tip_received
from tracker.workflow.permissions import is_authenticated

HANDLE_TIPS_PERMISSION = "tracker.change_tip"


def can_handle_tips(user: AbstractBaseUser | None) -> bool:
    return is_authenticated(user) and user.has_perm(HANDLE_TIPS_PERMISSION)


@transaction.atomic
def receive_tip(tip: Tip) -> Tip:
    """Keep a tip from the public in the tip inbox and tell staff that one arrived."""
    tip.status = Tip.Status.NEW
    tip.save()
    after_commit(notify_tip_received, tip)
    return tip


def _handle(tip: Tip, *, by: AbstractBaseUser, status: str, reason: str, **values) -> None:
    """Mark a new tip as handled, once: a second person handling it at the same time loses."""
    if not can_handle_tips(by):
        raise TransitionRefused(_("You are not allowed to handle tips."))
    updated = (
        Tip.objects.new()
        .filter(pk=tip.pk)
        .update(status=status, handled_by=by, handled_at=timezone.now(), **values)
    )
    if not updated:
        raise TransitionRefused(_("Someone has already handled this tip."))
    tip.refresh_from_db()
    record_snapshot(tip, by=by, reason=reason)


@transaction.atomic
def start_claim_from_tip(
    tip: Tip, claim: Claim, *, by: AbstractBaseUser, relations: dict | None = None
) -> Claim:
    """Save ``claim``, written by ``by`` from a tip, as their own draft linked to the tip."""
    if not can_handle_tips(by):
        raise TransitionRefused(_("You are not allowed to handle tips."))
    claim.origin = Claim.Origin.PUBLIC_TIP
    create_entry(claim, by=by, relations=relations)
    _handle(tip, by=by, status=Tip.Status.CONVERTED, reason="start_claim", claim=claim)
    record_event(
        claim,
        kind=ModerationEvent.Kind.MODERATION,
        action="from_tip",
        by=by,
        comment=_("Written from tip #%(number)s.") % {"number": tip.pk},
    )
    return claim


@transaction.atomic
def archive_tip(tip: Tip, *, by: AbstractBaseUser, reason: str) -> Tip:
    """Set a tip aside with the reason why (a duplicate, out of scope, not enough to go on)."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionRefused(_("Say why the tip is archived."))
    _handle(tip, by=by, status=Tip.Status.ARCHIVED, reason="archive", archive_reason=reason)
    return tip
