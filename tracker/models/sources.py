"""Who says what: organisations and the documents or statements they publish."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tracker.evidence import stored_file_name
from tracker.history import AuditHistory
from tracker.models.base import (
    NAMED_IN,
    DatePrecision,
    LocalizedText,
    TimeStamped,
    Translated,
    format_imprecise_date,
    normalize_search_text,
    original_language_field,
    truncate_to_precision,
)
from tracker.models.querysets import OrganizationQuerySet, SourceQuerySet


class Organization(Translated, TimeStamped):
    # What describes an organisation in public, in the order of its exports (new fields at the
    # end, so existing columns keep their place); staff edit the same.
    PUBLIC_FIELDS = (
        "name",
        "acronym",
        "kind",
        "country",
        "website",
        "description",
        "reliability",
        "reliability_rationale",
        "name_es",
        "description_es",
        "original_language",
    )
    TRANSLATED_FIELDS = ("name", "description")

    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        GOVERNMENT = "government", _("Government body")
        UN = "un", _("United Nations body")
        MEDIA = "media", _("Media outlet")
        NEWS_AGENCY = "news_agency", _("News agency")
        COURT = "court", _("Court")
        ACADEMIC = "academic", _("Academic")
        OTHER = "other", _("Other")

    class Reliability(models.TextChoices):
        """The Admiralty scale for a source's reliability, kept apart from a claim's grade."""

        A = "A", _("A: completely reliable")
        B = "B", _("B: usually reliable")
        C = "C", _("C: fairly reliable")
        D = "D", _("D: not usually reliable")
        E = "E", _("E: unreliable")
        F = "F", _("F: reliability cannot be judged")

    name = models.CharField(_("name"), max_length=250, unique=True)
    name_es = models.CharField(
        _("name in Spanish"),
        max_length=250,
        blank=True,
        help_text=_("Only where the organisation has a Spanish name of its own."),
    )
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    original_language = original_language_field(NAMED_IN)
    reliability = models.CharField(
        _("source reliability"),
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
    )
    reliability_rationale = models.TextField(_("why this reliability"), blank=True)
    private_notes = models.TextField(
        _("private notes"), blank=True, help_text=_("Staff only. Never shown publicly.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = OrganizationQuerySet.as_manager()
    history = AuditHistory(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = normalize_search_text(
            self.name, self.name_es, self.acronym, self.description, self.description_es
        )
        super().save(*args, **kwargs)

    @property
    def localized_name(self) -> LocalizedText:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return reverse("public:organization_detail", kwargs={"slug": self.slug})


# How the public sees a confidential source: only that it exists (never its title, address,
# organisation, author, summary, file, quote or page).
CONFIDENTIAL_SOURCE = _("confidential source on file")


def public_source_title(title: str, confidential: bool) -> str:
    """A source's title as the public sees it."""
    return str(CONFIDENTIAL_SOURCE) if confidential else title


def withheld(value, confidential: bool, blank=""):
    """A detail of a source (its address, its date...) or one quoted from it (the words, the
    page) as the public sees it: ``blank`` when the source is confidential, since any of them
    can identify a witness. The one rule every public output applies."""
    return blank if confidential else value


class CitesASource:
    """Something that quotes a source: what it quotes (``QUOTED_FIELDS``) is public unless the
    source is confidential (``withheld``)."""

    QUOTED_FIELDS = ("quote", "locator")

    def quoted_publicly(self, name: str) -> str:
        return withheld(getattr(self, name), self.source.confidential)

    @property
    def public_quote(self) -> str:
        return self.quoted_publicly("quote")

    @property
    def public_locator(self) -> str:
        return self.quoted_publicly("locator")


def sha256_of(file) -> str:
    """Hash a file in chunks, so a large upload never sits whole in memory."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def source_file_path(instance: "Source", filename: str) -> str:
    """Store a file under a random name: never a name the uploader chose (see tracker.evidence).

    Files stored before were named ``sources/<sha256[:2]>/<sha256>/<uploaded name>``; their rows
    keep that name, which still resolves.
    """
    return stored_file_name(filename)


class Source(TimeStamped):
    """One document or statement. A confidential source shows publicly only as such."""

    # What describes a source in public, in the order of its exports; staff edit the same.
    PUBLIC_FIELDS = (
        "title",
        "kind",
        "organization",
        "author",
        "url",
        "archived_url",
        "published_on",
        "published_precision",
        "accessed_on",
        "language",
        "summary",
    )
    # What a citation shows of its source (API, exports, published versions): its public fields
    # but the date staff read it and its summary. A confidential source's are all ``withheld``.
    CITED_FIELDS = tuple(name for name in PUBLIC_FIELDS if name not in ("accessed_on", "summary"))

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        NEWS_ARTICLE = "news_article", _("News article")
        PRESS_RELEASE = "press_release", _("Press release")
        STATEMENT = "statement", _("Public statement")
        SOCIAL_POST = "social_post", _("Social media post")
        COURT_RECORD = "court_record", _("Court record")
        TESTIMONY = "testimony", _("Testimony")
        DATASET = "dataset", _("Dataset")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="sources",
        null=True,
        blank=True,
    )
    author = models.CharField(_("author"), max_length=250, blank=True)
    url = models.URLField(_("address (URL)"), max_length=1000, blank=True)
    archived_url = models.URLField(_("archived address"), max_length=1000, blank=True)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    published_precision = models.CharField(
        _("precision of the publication date"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    accessed_on = models.DateField(_("date accessed"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    summary = models.TextField(_("summary"), blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_(
            "A confidential source is shown publicly only as “confidential source on file”: "
            "none of its details ever leave the staff side."
        ),
    )
    file = models.FileField(_("file"), upload_to=source_file_path, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True, editable=False)
    original_name = models.CharField(
        _("name of the uploaded file"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("Staff only: the file is stored and served under another name."),
    )
    private_notes = models.TextField(
        _("private notes"), blank=True, help_text=_("Staff only. Never shown publicly.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = SourceQuerySet.as_manager()
    history = AuditHistory(excluded_fields=["search_text"])

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accessed_on__isnull=True)
                | models.Q(published_on__isnull=True)
                | models.Q(accessed_on__gte=models.F("published_on")),
                name="source_accessed_not_before_published",
            ),
            models.CheckConstraint(
                condition=models.Q(models.lookups.In(Length("sha256"), [0, 64])),
                name="source_sha256_length",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """Store the date at its precision and fill ``search_text`` (bulk writes call it too)."""
        self.published_on = truncate_to_precision(self.published_on, self.published_precision)
        if not self.file:
            self.sha256, self.original_name = "", ""
        elif not self.file._committed:
            # A new file, about to be stored: its hash, whoever saves it (workspace or admin).
            self.sha256 = sha256_of(self.file)
        org = self.organization.name if self.organization_id else ""
        self.search_text = normalize_search_text(self.title, self.author, org, self.summary)

    @property
    def published_display(self) -> str:
        return format_imprecise_date(self.published_on, self.published_precision)

    @property
    def public_title(self) -> str:
        return public_source_title(self.title, self.confidential)

    def get_absolute_url(self) -> str:
        return reverse("public:source_detail", kwargs={"pk": self.pk})
