"""Choices and abstract parts shared by the domain models."""

import datetime
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    """Is this entry fit to be shown? Only PUBLISHED entries are ever public."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def in_drafting(cls) -> tuple[str, ...]:
        """The states in which the author edits an entry directly and may submit it."""
        return (cls.DRAFT, cls.CHANGES_REQUESTED)


class VerificationGrade(models.TextChoices):
    """How credible is the claim? Shown publicly with its definition."""

    UNVERIFIED = "unverified", _("Unverified")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")
    DISPUTED = "disputed", _("Disputed")
    FALSE = "false", _("False")
    RETRACTED = "retracted", _("Retracted")

    @classmethod
    def definitions(cls) -> dict[str, str]:
        return {
            cls.UNVERIFIED: _("Reported, not yet assessed by reviewers."),
            cls.CORROBORATED: _("Two or more independent organisations report it."),
            cls.VERIFIED: _("Checked by reviewers against primary evidence."),
            cls.DISPUTED: _("Credible sources contradict it."),
            cls.FALSE: _("Shown to be inaccurate."),
            cls.RETRACTED: _("The source withdrew it."),
        }

    @property
    def definition(self) -> str:
        return self.definitions()[self]


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    APPROXIMATE = "approximate", _("Approximate (around a year)")


def format_imprecise_date(value: datetime.date | None, precision: str) -> str:
    """Render a date at the precision it is known to: 'March 2022', '2025', 'around 2022'."""
    if value is None:
        return ""
    if precision == DatePrecision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.APPROXIMATE:
        return pgettext("approximate date", "around %(year)s") % {"year": value.year}
    return formats.date_format(value, "DATE_FORMAT")


def truncate_to_precision(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Store a month as its first day and a year as 1 January, so sorting and filtering agree."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    if precision in (DatePrecision.YEAR, DatePrecision.APPROXIMATE):
        return value.replace(month=1, day=1)
    return value


def localized(english: str, spanish: str) -> str:
    """Pick the Spanish wording of an admin-managed name when the reader reads Spanish."""
    if spanish and (get_language() or "").startswith("es"):
        return spanish
    return english


def normalize_search_text(*parts: object) -> str:
    """Fold case and accents so that 'juridico' finds 'Jurídico' on every database."""
    text = " ".join(str(part) for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def slug_base(model: type[models.Model], text: str) -> str:
    """The slug of ``text`` before any suffix, with room left for one."""
    max_length = model._meta.get_field("slug").max_length
    return (slugify(normalize_search_text(text)) or "entry")[: max_length - 8].strip("-")


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None) -> str:
    """Slugify ``text`` and add a numeric suffix until no other row of ``model`` uses it."""
    base = slug_base(model, text)
    candidate, suffix = base, 2
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    while others.filter(slug=candidate).exists():
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ModeratedEntry(TimeStamped):
    """An entry that goes through moderation and carries a verification grade.

    Both state fields change only through ``tracker.workflow``; forms and the admin never
    write them.
    """

    status = models.CharField(
        _("moderation status"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.DRAFT,
        editable=False,
        db_index=True,
        help_text=_("Only published entries are visible to the public, in every output."),
    )
    verification = models.CharField(
        _("verification grade"),
        max_length=20,
        choices=VerificationGrade.choices,
        default=VerificationGrade.UNVERIFIED,
        editable=False,
        db_index=True,
        help_text=_("Changing the grade needs a written rationale, which is shown publicly."),
    )
    verification_rationale = models.TextField(
        _("rationale for the grade"), blank=True, editable=False
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    # Copied from the newest correction (a PublishedVersion), so that lists can mark corrected
    # entries without a query per row.
    corrected_at = models.DateTimeField(_("last corrected"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Optimistic locking: an edit made against an older version is refused, never merged.
    version = models.PositiveIntegerField(default=1, editable=False)
    private_notes = models.TextField(
        _("private notes"), blank=True, help_text=_("Staff only. Never shown publicly.")
    )
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == ModerationStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        """In its author's hands: edited directly, and submitted when ready."""
        return self.status in ModerationStatus.in_drafting()

    @property
    def is_awaiting_review(self) -> bool:
        return self.status == ModerationStatus.SUBMITTED

    @property
    def verification_definition(self) -> str:
        return VerificationGrade(self.verification).definition
