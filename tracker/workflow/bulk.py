"""The workflow in bulk: what the transitions record, written for many entries at once.

A spreadsheet import of 100,000 rows, or a synthetic load of a million claims, cannot call the
transitions one entry at a time. These functions give the same states and the same events as
the transitions would (``trail`` is read from the transition table, and a test checks it against
the transitions themselves), so that a bulk writer never spells an action or a state by hand.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType

from tracker.models import ModerationEvent, ModerationStatus, VerificationGrade
from tracker.workflow.transitions import (
    PUBLISH_TRUSTED,
    REJECT,
    SUBMIT,
    WITHDRAW,
    Transition,
    require_can_create,
)

S = ModerationStatus

LOAD = "load"  # a management command's own entry (``load_draft``)
IMPORT = "import"  # a spreadsheet row (``import_draft``)
SET_VERIFICATION = "set_verification"


@dataclass(frozen=True)
class Step:
    """One recorded event of an entry's history."""

    kind: str
    action: str
    from_value: str
    to_value: str


def _move(transition: Transition, previous: str) -> Step:
    assert previous in transition.sources, (transition.action, previous)
    return Step(ModerationEvent.Kind.MODERATION, transition.action, previous, transition.target)


def trail(status: str, grade: str = VerificationGrade.UNVERIFIED, *, start: str = LOAD) -> list:
    """The events that take a new entry to ``status`` and ``grade`` as the commands do: loaded
    (or imported) as a draft, submitted and rejected, or published from a trusted source (then
    graded, perhaps withdrawn). Every other state is reached the same way as far as it goes."""
    steps = [Step(ModerationEvent.Kind.IMPORT, start, "", S.DRAFT)]
    if status in (S.SUBMITTED, S.REJECTED, S.CHANGES_REQUESTED):
        steps.append(_move(SUBMIT, S.DRAFT))
    if status == S.REJECTED:
        steps.append(_move(REJECT, S.SUBMITTED))
    if status in (S.PUBLISHED, S.WITHDRAWN):
        steps.append(_move(PUBLISH_TRUSTED, S.DRAFT))
        if grade != VerificationGrade.UNVERIFIED:
            steps.append(
                Step(
                    ModerationEvent.Kind.VERIFICATION,
                    SET_VERIFICATION,
                    VerificationGrade.UNVERIFIED,
                    grade,
                )
            )
    if status == S.WITHDRAWN:
        steps.append(_move(WITHDRAW, S.PUBLISHED))
    return steps


def event_rows(
    content_type_id: int,
    object_id: int,
    steps: list[Step],
    *,
    actor_id: int | None,
    comment: str,
    at: datetime.datetime,
    published_at: datetime.datetime | None = None,
) -> list[dict]:
    """The ``ModerationEvent`` rows of ``steps`` for one entry, a second apart: the steps from
    its publication on dated from ``published_at``."""
    rows = []
    published = False
    for offset, step in enumerate(steps):
        published = published or step.to_value == S.PUBLISHED
        base = published_at if published and published_at else at
        rows.append(
            {
                "content_type_id": content_type_id,
                "object_id": object_id,
                "kind": step.kind,
                "action": step.action,
                "from_value": step.from_value,
                "to_value": step.to_value,
                "comment": comment,
                "actor_id": actor_id,
                "created_at": base + datetime.timedelta(seconds=offset),
            }
        )
    return rows


def imported_draft_values(model: type, by: AbstractBaseUser) -> dict:
    """What ``import_draft`` sets on a new entry of ``model``, for entries created in bulk,
    after the same permission check (once for the lot)."""
    require_can_create(model, by)
    return {"status": S.DRAFT, "created_by": by, "last_edited_by": by, "version": 1}


def import_events(entries: list, *, by: AbstractBaseUser, comments: list[str]) -> list:
    """The event ``import_draft`` records, for each of ``entries`` (saved), unsaved."""
    [step] = trail(S.DRAFT, start=IMPORT)
    return [
        ModerationEvent(
            content_type_id=content_type_id(entry),
            object_id=entry.pk,
            kind=step.kind,
            action=step.action,
            from_value=step.from_value,
            to_value=step.to_value,
            comment=comment,
            actor=by,
        )
        for entry, comment in zip(entries, comments, strict=True)
    ]


def content_type_id(entry) -> int:
    return ContentType.objects.get_for_model(entry).pk
