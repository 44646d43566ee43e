"""Who may do what: the one definition of each role's rights, read by views, admin and workflow."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from tracker.models import ModerationStatus

S = ModerationStatus

REVIEW_PERMISSION = "tracker.review_entries"
GRADE_PERMISSION = "tracker.grade_entries"
PREVIEW_PERMISSION = "tracker.preview_entries"


def model_label(entry: models.Model) -> str:
    return entry._meta.model_name


def is_authenticated(user: AbstractBaseUser | None) -> bool:
    return bool(user and user.is_authenticated)


def can_review(user: AbstractBaseUser | None) -> bool:
    return is_authenticated(user) and user.has_perm(REVIEW_PERMISSION)


def can_grade(user: AbstractBaseUser | None) -> bool:
    return is_authenticated(user) and user.has_perm(GRADE_PERMISSION)


def can_preview(user: AbstractBaseUser | None) -> bool:
    return is_authenticated(user) and user.has_perm(PREVIEW_PERMISSION)


def is_owner(entry: models.Model, user: AbstractBaseUser | None) -> bool:
    return is_authenticated(user) and entry.created_by_id == user.pk


def can_edit(entry: models.Model, user: AbstractBaseUser | None) -> bool:
    """Who may change an entry's content (a published one is edited as a pending revision)."""
    if not is_authenticated(user):
        return False
    if not user.has_perm(f"tracker.change_{model_label(entry)}"):
        return False
    if entry.status in (S.DRAFT, S.CHANGES_REQUESTED):
        return is_owner(entry, user) or can_review(user)
    # An edit to a published entry becomes a pending revision, reviewed by a second person.
    return entry.status == S.PUBLISHED
