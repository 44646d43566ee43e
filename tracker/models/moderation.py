"""The record of moderation: events, pending revisions and tips from the public."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.history import AuditHistory
from tracker.models.querysets import RevisionQuerySet, TipQuerySet


class ModerationEvent(models.Model):
    """One moderation transition or verification change: who, when, from, to, comment."""

    class Kind(models.TextChoices):
        MODERATION = "moderation", _("Moderation")
        VERIFICATION = "verification", _("Verification")
        REVISION = "revision", _("Revision")
        IMPORT = "import", _("Import")
        LINKAGE = "linkage", _("Linkage of person records")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=40)
    from_value = models.CharField(_("from"), max_length=20, blank=True)
    to_value = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A grade's rationale is public: its Spanish, when the reviewer gave one.
    comment_es = models.TextField(_("comment in Spanish"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_value} → {self.to_value}"


class Revision(models.Model):
    """An edit to a published entry, held until a reviewer approves it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(_("proposed values"))
    base_version = models.PositiveIntegerField(_("edited version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, editable=False
    )
    comment = models.TextField(_("note from the editor"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_comment = models.TextField(_("decision comment"), blank=True, editable=False)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pending revision")
        verbose_name_plural = _("pending revisions")
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self) -> str:
        return f"{self.content_type.name} #{self.object_id} ({self.get_status_display()})"


class Tip(models.Model):
    """An allegation sent through the public form: a private record, never a claim.

    Staff read tips in the tip inbox and either write a draft claim of their own from one
    (linked to it privately) or archive it with a reason. The contact is private.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONVERTED = "converted", _("Made into a draft claim")
        ARCHIVED = "archived", _("Archived")

    what = models.TextField(_("what happened"))
    where = models.CharField(_("where"), max_length=300, blank=True)
    when = models.CharField(_("when"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=300,
        blank=True,
        help_text=_("Staff only. Never shown publicly."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.NEW,
        editable=False,
        db_index=True,
    )
    claim = models.OneToOneField(
        "tracker.Claim",
        verbose_name=_("draft claim made from it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tip",
        editable=False,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True, editable=False)
    archive_reason = models.TextField(_("why it was archived"), blank=True, editable=False)
    sender_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    objects = TipQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("tip from the public")
        verbose_name_plural = _("tips from the public")

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_new(self) -> bool:
        return self.status == self.Status.NEW
