"""Sources and organisations: saved with the same version check as entries."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from tracker.public_cache import bump_public_version
from tracker.workflow.edits import lock_version


@transaction.atomic
def save_record(record, *, by: AbstractBaseUser, expected_version: int | None):
    """Save a source or organisation, refusing an edit made against an older version."""
    if record.pk is None:
        record.created_by = by
        record.save()
        return record
    lock_version(record, expected_version)
    record.version = expected_version + 1
    record.save()
    bump_public_version()
    return record
