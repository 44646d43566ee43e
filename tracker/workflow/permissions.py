"""Who may do what: the one definition of each role's rights, read by views, admin and workflow."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Q

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
    if entry.is_draft:
        return is_owner(entry, user) or can_review(user)
    # An edit to a published entry becomes a pending revision, reviewed by a second person.
    return entry.is_public


def can_see_private(entry: models.Model, user: AbstractBaseUser | None) -> bool:
    """Private notes, victims' identities and review comments: the owner's and reviewers'."""
    return entry.pk is None or is_owner(entry, user) or can_review(user)


def can_see_record(record: models.Model, user: AbstractBaseUser | None) -> bool:
    """A confidential source (its details and its file) is its creator's and reviewers' only.

    ``visible_sources`` is the same rule as a queryset.
    """
    if not is_authenticated(user) or not user.has_perm(f"tracker.view_{model_label(record)}"):
        return False
    if getattr(record, "confidential", False):
        return is_owner(record, user) or can_review(user)
    return True


def visible_sources(user: AbstractBaseUser):
    """The sources ``user`` may see and cite on the staff side (see ``can_see_record``)."""
    from tracker.models import Source

    if can_review(user):
        return Source.objects.all()
    return Source.objects.filter(Q(confidential=False) | Q(created_by=user))


def visible_claims(user: AbstractBaseUser):
    """The claims ``user`` may see on the staff side: published ones and their own, or every
    claim for a reviewer, who reviews them."""
    from tracker.models import Claim

    if can_review(user):
        return Claim.objects.all()
    return Claim.objects.filter(Q(pk__in=Claim.objects.public().values("pk")) | Q(created_by=user))


def can_edit_record(record: models.Model, user: AbstractBaseUser | None) -> bool:
    """Who may change a source or organisation: its creator and reviewers directly; anyone on
    the staff may propose a change to one that published entries use (reviewed like an entry)."""
    if not can_see_record(record, user):
        return False
    if not user.has_perm(f"tracker.change_{model_label(record)}"):
        return False
    return is_owner(record, user) or can_review(user) or is_used_publicly(record)


def is_used_publicly(record: models.Model) -> bool:
    """Whether published entries use a source or organisation, so that the public sees it."""
    return type(record).objects.used_publicly().filter(pk=record.pk).exists()
