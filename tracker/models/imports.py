"""Spreadsheet imports that run in the background worker: one job per uploaded file."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJobQuerySet(models.QuerySet):
    def owned_by(self, user) -> "ImportJobQuerySet":
        """A user's own jobs: nobody else sees them, whatever their role."""
        return self.filter(owner=user) if user.is_authenticated else self.none()


class ImportJob(models.Model):
    """One uploaded file (a claims spreadsheet, or a source's case list of people): checked in
    the worker (the dry run), then, once confirmed, imported.

    ``done`` is written in the transaction that writes the imported rows, so a job is done
    exactly when its drafts exist; any other end leaves nothing imported.
    """

    class Kind(models.TextChoices):
        CLAIMS = "claims", _("claims")
        CASE_LIST = "case_list", _("case list")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    RUNNING = (State.QUEUED, State.CHECKING, State.IMPORTING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CLAIMS)
    # A case list's source: every record it creates is reported by it.
    source = models.ForeignKey(
        "tracker.Source",
        verbose_name=_("source of the list"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_path = models.CharField(
        _("stored file"),
        max_length=255,
        blank=True,
        help_text=_("In private media storage; emptied once the file is no longer needed."),
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    language = models.CharField(_("language of its messages"), max_length=8, default="en")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.QUEUED, db_index=True
    )
    confirmed_at = models.DateTimeField(_("import confirmed"), null=True, blank=True)
    # Each run (first or retry) has its number: a run that was given up never writes after it.
    attempt = models.PositiveIntegerField(default=1)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    report = models.JSONField(_("dry run"), default=dict, blank=True)
    result = models.JSONField(_("what was imported"), default=dict, blank=True)
    failure = models.TextField(_("why it failed"), blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("last sign of the worker"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.QUEUED

    @property
    def is_checked(self) -> bool:
        return self.state == self.State.CHECKED

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def is_failed(self) -> bool:
        return self.state == self.State.FAILED

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING

    @property
    def is_importing_step(self) -> bool:
        """Whether the job is at its import (rather than its dry run)."""
        return self.confirmed_at is not None

    @property
    def is_ready(self) -> bool:
        """Checked without errors, its file kept: the owner may confirm the import."""
        return (
            self.state == self.State.CHECKED
            and bool(self.stored_path)
            and self.report.get("error_count") == 0
        )

    @property
    def can_retry(self) -> bool:
        return self.state == self.State.FAILED and bool(self.stored_path)
