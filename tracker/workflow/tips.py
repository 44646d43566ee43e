"""Tips from the public."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import Claim, ModerationEvent, ModerationStatus
from tracker.workflow.events import record_event
from tracker.workflow.notify import after_commit, notify_reviewers
from tracker.workflow.transitions import SUBMIT, _move

S = ModerationStatus


@transaction.atomic
def receive_tip(tip, *, title: str):
    """Save a tip from the public and put a claim for it in the review queue."""
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
    after_commit(notify_reviewers, claim)
    return tip
