"""Which decisions a reviewer may take on an entry or a pending revision now, and why not.

The review page, its forms and the queue read ``allowed_actions`` instead of working it out
themselves. It states the rules the decisions enforce (``transitions``, ``edits``), from the
same functions: the decisions themselves still check everything, whatever a form offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy

from tracker.models import Revision
from tracker.models.base import ModeratedEntry
from tracker.workflow.edits import revision_approval_refusal
from tracker.workflow.errors import ONLY_REVIEWERS
from tracker.workflow.permissions import can_review
from tracker.workflow.transitions import approval_refusal, decisions_from

# A pending revision's decisions, in the order they are offered.
REVISION_DECISIONS = (
    ("approve", gettext_lazy("Approve the revision")),
    ("reject", gettext_lazy("Reject the revision")),
)


@dataclass(frozen=True)
class Decision:
    """A decision offered to the reviewer: the action's name and its label."""

    action: str
    label: str


@dataclass(frozen=True)
class Refusal:
    """A decision the state allows but this reviewer may not take now, and why."""

    action: str
    label: str
    reason: str


@dataclass(frozen=True)
class AllowedActions:
    """The decisions ``user`` may take on an item now, and the refused ones with their reason."""

    allowed: tuple[Decision, ...] = ()
    refused: tuple[Refusal, ...] = ()

    def __contains__(self, action: str) -> bool:
        return any(decision.action == action for decision in self.allowed)

    @property
    def names(self) -> list[str]:
        return [decision.action for decision in self.allowed]

    @property
    def any_due(self) -> bool:
        """Whether the item awaits a decision at all, by this user or another."""
        return bool(self.allowed or self.refused)

    def refusal(self, action: str) -> str:
        """Why ``action`` is refused, or "" when it is not."""
        return next((r.reason for r in self.refused if r.action == action), "")


def _decisions(item: ModeratedEntry | Revision) -> list[tuple[str, str]]:
    if isinstance(item, Revision):
        return list(REVISION_DECISIONS) if item.status == Revision.Status.PENDING else []
    return [(t.action, t.label) for t in decisions_from(item.status)]


def _refusal(item: ModeratedEntry | Revision, action: str, user: AbstractBaseUser) -> str:
    if action != "approve":
        return ""
    if isinstance(item, Revision):
        return revision_approval_refusal(item, item.entry, user)
    return approval_refusal(item, user)


def allowed_actions(
    item: ModeratedEntry | Revision, user: AbstractBaseUser | None
) -> AllowedActions:
    """The decisions ``user`` may take on ``item`` (an entry or a pending revision) now.

    From the item's state (the transition table, or a pending revision's approve and reject),
    less those the rules refuse to this user: approving what they created or last edited (a
    revision they proposed), approving what the provenance gate stops. Each refused one keeps
    the reason the decision itself would give.
    """
    decisions = _decisions(item)
    if not can_review(user):
        return AllowedActions(
            refused=tuple(
                Refusal(action, label, str(ONLY_REVIEWERS)) for action, label in decisions
            )
        )
    allowed, refused = [], []
    for action, label in decisions:
        if reason := _refusal(item, action, user):
            refused.append(Refusal(action, label, reason))
        else:
            allowed.append(Decision(action, label))
    return AllowedActions(allowed=tuple(allowed), refused=tuple(refused))
