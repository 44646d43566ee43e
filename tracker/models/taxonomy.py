"""Admin-managed vocabularies: categories, tags, places and indicators."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tracker.history import AuditHistory
from tracker.models.base import LocalizedText, Translated
from tracker.models.querysets import LocationQuerySet, TaxonomyQuerySet


class Category(Translated, models.Model):
    """A kind of violation."""

    TRANSLATED_FIELDS = ("name", "description")

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)

    objects = TaxonomyQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> LocalizedText:
        return self.localized("name")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Location(Translated, models.Model):
    TRANSLATED_FIELDS = ("name", "description")

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        CITY = "city", _("City or town")
        FACILITY = "facility", _("Detention facility")

    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(
        _("name in Spanish"),
        max_length=200,
        blank=True,
        help_text=_("Only where Spanish names the place otherwise."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("within"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    opened_year = models.PositiveSmallIntegerField(_("year opened"), null=True, blank=True)

    objects = LocationQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opened_year__isnull=True) | models.Q(opened_year__gte=1800),
                name="location_opened_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> LocalizedText:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return reverse("public:location_detail", kwargs={"slug": self.slug})


class Indicator(Translated, models.Model):
    """A quantity that people report on, e.g. deaths in custody since the state of exception."""

    TRANSLATED_FIELDS = ("name", "unit", "description")

    name = models.CharField(_("name"), max_length=250, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=250, blank=True)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    unit = models.CharField(_("unit"), max_length=60, help_text=_("For example: people."))
    unit_es = models.CharField(_("unit in Spanish"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = TaxonomyQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def localized_name(self) -> LocalizedText:
        return self.localized("name")

    @property
    def localized_unit(self) -> LocalizedText:
        return self.localized("unit")

    def get_absolute_url(self) -> str:
        return reverse("public:indicator_detail", kwargs={"slug": self.slug})
