"""Claims (allegations) and the citations that tie them to their sources."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tracker.history import AuditHistory
from tracker.models.base import (
    ContentLanguage,
    DatePrecision,
    ModeratedEntry,
    format_imprecise_date,
    normalize_search_text,
    truncate_to_precision,
    unique_slug,
)
from tracker.models.querysets import (
    CitationQuerySet,
    ClaimQuerySet,
    PublicClaimOrganizationQuerySet,
)
from tracker.models.sources import CitesASource, Source
from tracker.models.taxonomy import Category, Location, Tag


class Claim(ModeratedEntry):
    """One allegation: what happened, where, when, to whom, by whom (alleged)."""

    class Origin(models.TextChoices):
        STAFF = "staff", _("Entered by staff")
        PUBLIC_TIP = "public_tip", _("Sent by the public")
        IMPORT = "import", _("Imported from a spreadsheet")

    TRANSLATED_FIELDS = (
        "title",
        "summary",
        "place_details",
        "victim_description",
        "alleged_perpetrator",
    )

    title = models.CharField(_("title"), max_length=300, blank=True)
    title_es = models.CharField(_("title in Spanish"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=300, unique=True, blank=True)
    summary = models.TextField(_("what happened"), blank=True)
    summary_es = models.TextField(_("what happened, in Spanish"), blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), related_name="claims", blank=True
    )
    country = CountryField(_("country"))
    location = models.ForeignKey(
        Location,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    place_details = models.CharField(
        _("place details"),
        max_length=500,
        blank=True,
        help_text=_("Public: for example the prisons named by the source."),
    )
    place_details_es = models.CharField(_("place details in Spanish"), max_length=500, blank=True)
    event_start = models.DateField(
        _("from"), null=True, blank=True, help_text=_("Leave empty when the sources give no date.")
    )
    event_end = models.DateField(_("until"), null=True, blank=True)
    ongoing = models.BooleanField(_("ongoing"), default=False)
    date_precision = models.CharField(
        _("date precision"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    victim_count = models.PositiveIntegerField(
        _("number of people affected"), null=True, blank=True
    )
    victim_description = models.CharField(
        _("who was affected"),
        max_length=300,
        blank=True,
        help_text=_("Public description of the people affected; never names."),
    )
    victim_description_es = models.CharField(
        _("who was affected, in Spanish"), max_length=300, blank=True
    )
    victim_identities = models.TextField(
        _("identities of the people affected"),
        blank=True,
        help_text=_("Staff only. Never shown publicly, exported or counted."),
    )
    alleged_perpetrator = models.CharField(_("alleged perpetrator"), max_length=300, blank=True)
    alleged_perpetrator_es = models.CharField(
        _("alleged perpetrator in Spanish"), max_length=300, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="claims", blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.STAFF, editable=False
    )
    sources = models.ManyToManyField(Source, through="Citation", related_name="claims")

    objects = ClaimQuerySet.as_manager()
    history = AuditHistory(
        excluded_fields=["search_text", "search_text_es"], m2m_fields=["categories", "tags"]
    )

    class Meta:
        ordering = [models.F("event_start").desc(nulls_last=True), "-pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("review_entries", _("Can review entries: approve, request changes, reject, withdraw")),
            ("grade_entries", _("Can set verification grades")),
            ("preview_entries", _("Can preview unpublished entries")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event_end__isnull=True)
                | models.Q(event_start__isnull=False, event_end__gte=models.F("event_start")),
                name="claim_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=models.Q(victim_count__isnull=True) | models.Q(victim_count__gte=0),
                name="claim_victim_count_not_negative",
            ),
            # A title in the language the claim was written in; the translation may wait.
            models.CheckConstraint(
                condition=models.Q(original_language=ContentLanguage.ENGLISH, title__gt="")
                | models.Q(original_language=ContentLanguage.SPANISH, title_es__gt=""),
                name="claim_title_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.original("title")

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        if not self.slug:
            self.slug = unique_slug(Claim, self.original("title"), exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """Store the dates at their precision and fill the search texts (bulk writes call it
        too)."""
        self.event_start = truncate_to_precision(self.event_start, self.date_precision)
        self.event_end = truncate_to_precision(self.event_end, self.date_precision)
        self.search_text = self.build_search_text()
        self.search_text_es = self.build_search_text(ContentLanguage.SPANISH)

    def category_names(self) -> list[tuple[str, str]]:
        """The (English, Spanish) names of the claim's categories, for its search texts."""
        if getattr(self, "_category_names", None) is not None:
            return self._category_names
        if self.pk is None:
            return []
        return list(self.categories.order_by("pk").values_list("name", "name_es"))

    def refresh_search_text(self) -> None:
        """Store the search texts again, after the claim's categories changed."""
        self._category_names = None
        self.search_text = self.build_search_text()
        self.search_text_es = self.build_search_text(ContentLanguage.SPANISH)
        Claim.objects.filter(pk=self.pk).update(
            search_text=self.search_text, search_text_es=self.search_text_es
        )

    def build_search_text(self, language: str = ContentLanguage.ENGLISH) -> str:
        """The folded public text of one language's side, with the place, the country and the
        categories' names (so that "deaths" finds a claim filed under "Death in custody")."""
        with translation.override(language):
            country = str(self.country.name) if self.country else ""
        suffix = "" if language == ContentLanguage.ENGLISH else f"_{language}"
        location = ""
        if self.location_id:
            location = self.location.texts("name")[language] or self.location.name
        return normalize_search_text(
            getattr(self, f"title{suffix}"),
            getattr(self, f"summary{suffix}"),
            getattr(self, f"place_details{suffix}"),
            location,
            country,
            getattr(self, f"alleged_perpetrator{suffix}"),
            getattr(self, f"victim_description{suffix}"),
            *(
                spanish or english if language == ContentLanguage.SPANISH else english
                for english, spanish in self.category_names()
            ),
        )

    def get_absolute_url(self) -> str:
        return reverse("public:claim_detail", kwargs={"pk": self.pk})

    @property
    def date_display(self) -> str:
        """Render the date range at its precision: 'March 2022 – April 2024', 'from March 2022'."""
        if self.event_start is None:
            return _("date not given")
        start = format_imprecise_date(self.event_start, self.date_precision)
        if self.event_end:
            end = format_imprecise_date(self.event_end, self.date_precision)
            if end == start:
                return start
            return _("%(start)s – %(end)s") % {"start": start, "end": end}
        if self.ongoing:
            return _("from %(start)s onwards") % {"start": start}
        return start


class Citation(CitesASource, models.Model):
    """A claim ← source link, with the words that support or contradict it."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONTRADICTS = "contradicts", _("Contradicts")
        MENTIONS = "mentions", _("Mentions")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="citations"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="citations"
    )
    quote = models.TextField(_("quote or excerpt"), blank=True)
    locator = models.CharField(
        _("page or locator"), max_length=200, blank=True, help_text=_("Page, paragraph, timestamp.")
    )
    stance = models.CharField(
        _("stance"), max_length=12, choices=Stance.choices, default=Stance.SUPPORTS
    )

    objects = CitationQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "locator"], name="citation_unique_per_locator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim} ← {self.source}"


class PublicClaimOrganization(models.Model):
    """An organisation the public sees behind a published claim: the claim cites a source of
    it that is not confidential.

    Derived data, one row per published claim and organisation, for the claim list's
    organisation facet and filter (which would otherwise join every citation to its source).
    Only ``tracker.workflow.public_organizations`` writes it, inside the transactions that
    change a claim's status, its citations, or a source's organisation or confidentiality, so
    a row never outlives the data it follows: it could otherwise name the organisation behind
    a confidential source.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    organization = models.ForeignKey(
        "tracker.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        editable=False,
    )

    objects = PublicClaimOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("public organisation of a claim")
        verbose_name_plural = _("public organisations of claims")
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "organization"], name="public_claim_organization_unique"
            ),
        ]
        # The organisation filter and facet go from the organisation to its claims.
        indexes = [
            models.Index(fields=["organization", "claim"], name="public_claim_org_by_org_idx")
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} ← {self.organization_id}"


class ClaimSearch(models.Model):
    """A claim's search vector, in a narrow table of its own (PostgreSQL).

    A search reads every vector; read from the claims' table it would read their whole rows
    (about three times the vectors' size, more than the database keeps in memory at 100,000
    claims). Kept by a trigger on the claims, in the statement that writes a claim's search
    texts: each language's text stemmed by its own configuration, as ``filters.BILINGUAL_CONFIGS``
    says; GIN-indexed (migration 0025). Empty on SQLite, which searches the claims' own text.
    """

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="search", editable=False
    )
    vector = SearchVectorField(editable=False)

    class Meta:
        verbose_name = _("search vector of a claim")
        verbose_name_plural = _("search vectors of claims")

    def __str__(self) -> str:
        return str(self.claim_id)


class PublicClaimCount(models.Model):
    """How many published claims have one value of a facet: the claim list's counts when no
    other filter applies, kept by triggers in the statements that write the claims and their
    links (migration 0029), rather than counted over every published claim after each decision.

    ``facet`` is ``country``, ``place``, ``grade``, ``category``, ``organization`` (``value``: the
    country code, the grade, or the id of the place, category or public organisation) or
    ``tally`` (the timeline: ``value`` the year, ``month`` and ``date_precision`` those of the
    event's date, empty when it has none); a value no published claim has any more keeps its row
    with ``n`` at 0. Derived data: left out
    of backups (the triggers count the claims as they are restored) and counted again by
    ``kept_columns.refresh_kept_columns`` after a load that turned the triggers off.
    """

    facet = models.CharField(max_length=16, editable=False)
    value = models.CharField(max_length=255, blank=True, editable=False)
    month = models.CharField(max_length=2, blank=True, editable=False)
    date_precision = models.CharField(max_length=16, blank=True, editable=False)
    n = models.IntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("count of published claims")
        verbose_name_plural = _("counts of published claims")
        constraints = [
            models.UniqueConstraint(
                fields=["facet", "value", "month", "date_precision"],
                name="public_claim_count_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facet} {self.value} {self.month} {self.date_precision}: {self.n}"
