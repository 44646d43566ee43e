"""The record of every decision: who, when, from, to, and why."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from tracker.models import ModerationEvent


def record_event(
    entry: models.Model,
    *,
    kind: str,
    action: str,
    by: AbstractBaseUser | None,
    from_value: str = "",
    to_value: str = "",
    comment: str = "",
    comment_es: str = "",
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        kind=kind,
        action=action,
        from_value=from_value,
        to_value=to_value,
        comment=comment,
        comment_es=comment_es,
        actor=by if by is not None and by.is_authenticated else None,
    )


def history(entry: models.Model):
    """Every recorded event of an entry, oldest first."""
    return ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(entry), object_id=entry.pk
    ).select_related("actor")


def history_reason(action: str, comment: str) -> str:
    return f"{action}: {comment}" if comment else action
