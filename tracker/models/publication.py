"""The public record of publication: every published version of an entry, and withdrawals.

Both are written only by the workflow, inside the transaction of the decision they record, and
both are public by construction: a version holds the entry's public shape (from the API
serializers, see ``tracker.snapshots``), a withdrawal the reason given to the public.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.models.base import Translated
from tracker.models.querysets import PublishedVersionQuerySet, WithdrawalQuerySet


class PublishedVersion(Translated, models.Model):
    """What the public saw of an entry from one publication on: its public shape, frozen.

    Version 1 is the first publication; each approved revision adds the next one, with its
    public correction note. A change of grade is not a new version.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"))
    correction_note = models.TextField(
        _("public correction note"),
        blank=True,
        help_text=_("Shown publicly under the title: what this version corrected."),
    )
    correction_note_es = models.TextField(_("public correction note in Spanish"), blank=True)
    data = models.JSONField(_("public content"), encoder=DjangoJSONEncoder)

    TRANSLATED_FIELDS = ("correction_note",)

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"],
                name="published_version_unique_number",
            ),
        ]
        indexes = [models.Index(fields=["published_at"], name="published_version_date")]

    def __str__(self) -> str:
        return f"{self.content_type_id}/{self.object_id} v{self.number}"

    @property
    def model_name(self) -> str:
        return ContentType.objects.get_for_id(self.content_type_id).model

    @property
    def is_correction(self) -> bool:
        return self.number > 1

    def get_absolute_url(self) -> str:
        return reverse(
            f"public:{self.model_name}_version",
            kwargs={"pk": self.object_id, "number": self.number},
        )

    def get_entry_url(self) -> str:
        """The entry's own address: its current version, or its withdrawal notice."""
        return reverse(f"public:{self.model_name}_detail", kwargs={"pk": self.object_id})


class Withdrawal(Translated, models.Model):
    """A published entry taken off the public site, with the reason given to the public."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    withdrawn_at = models.DateTimeField(_("withdrawn"))
    public_note = models.TextField(
        _("public reason"), blank=True, help_text=_("Shown publicly on the withdrawal notice.")
    )
    public_note_es = models.TextField(_("public reason in Spanish"), blank=True)
    last_version = models.ForeignKey(
        PublishedVersion,
        verbose_name=_("last published version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    TRANSLATED_FIELDS = ("public_note",)

    objects = WithdrawalQuerySet.as_manager()

    class Meta:
        ordering = ["withdrawn_at", "pk"]
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="withdrawal_one_per_entry"
            ),
        ]
        indexes = [models.Index(fields=["withdrawn_at"], name="withdrawal_date")]

    def __str__(self) -> str:
        return f"{self.content_type_id}/{self.object_id} withdrawn"

    @property
    def model_name(self) -> str:
        return ContentType.objects.get_for_id(self.content_type_id).model

    def get_absolute_url(self) -> str:
        """The withdrawn entry's address, which answers 410 with this notice."""
        return reverse(f"public:{self.model_name}_detail", kwargs={"pk": self.object_id})
