"""Admin-managed vocabularies: categories, tags, places and indicators."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tracker.history import AuditHistory
from tracker.models.base import NAMED_IN, LocalizedText, Translated, original_language_field
from tracker.models.querysets import LocationQuerySet, TaxonomyQuerySet


class Category(Translated, models.Model):
    """A kind of violation."""

    TRANSLATED_FIELDS = ("name", "description")

    name = models.CharField(_("name"), max_length=120, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    original_language = original_language_field(NAMED_IN)

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
    original_language = original_language_field(NAMED_IN)
    opened_year = models.PositiveSmallIntegerField(_("year opened"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_(
            "Degrees north (negative: south), e.g. 13.534. Leave both empty to use the place "
            "it is within, else the country's centre. Shown publicly only once a published "
            "entry is located here."
        ),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
        help_text=_("Degrees east (negative: west), e.g. -88.805."),
    )

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
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="location_coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                _("Give both the latitude and the longitude, or neither."), code="half_coordinates"
            )

    @property
    def localized_name(self) -> LocalizedText:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return reverse("public:location_detail", kwargs={"slug": self.slug})

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """The place's own (latitude, longitude), or None."""
        if self.latitude is None or self.longitude is None:
            return None
        return float(self.latitude), float(self.longitude)


def person_statuses() -> list[tuple[str, str]]:
    """The statuses of a person in the register (defined with the register, which needs this
    module)."""
    from tracker.models.people import PersonStatus

    return PersonStatus.choices


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
    original_language = original_language_field(NAMED_IN)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.SET_NULL
    )
    featured = models.BooleanField(
        _("featured on the home page"),
        default=False,
        help_text=_(
            "The home page leads with the latest figure of each featured indicator, then of the "
            "indicators with the most published figures."
        ),
    )

    # The register's own count for this indicator (``tracker.documented``): published person
    # records with this status, in this country and place, dead within these dates.
    register_situation = models.CharField(
        _("register: status of the person"),
        max_length=24,
        choices=person_statuses,
        blank=True,
        help_text=_(
            "Set it to show, on the indicator's page, the number of people the register "
            "documents beside the figures reported, e.g. “died in custody”. Empty: no count."
        ),
    )
    register_country = CountryField(_("register: country"), blank=True)
    register_place = models.ForeignKey(
        "Location",
        verbose_name=_("register: facility or place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Records at this place or at places within it."),
    )
    register_died_from = models.DateField(
        _("register: date of death from"),
        null=True,
        blank=True,
        help_text=_(
            "Included. A record dated only to a month or a year is taken as dated on its first day."
        ),
    )
    register_died_until = models.DateField(
        _("register: date of death until"), null=True, blank=True, help_text=_("Included.")
    )

    objects = TaxonomyQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        start, end = self.register_died_from, self.register_died_until
        if start and end and end < start:
            raise ValidationError(
                {"register_died_until": _("The end of the dates comes before their start.")}
            )
        register_fields = (self.register_country, self.register_place_id, start, end)
        if not self.register_situation and any(register_fields):
            raise ValidationError(
                {"register_situation": _("Choose the status of the person the count is about.")}
            )

    @property
    def counts_register(self) -> bool:
        """Whether the page shows the register's documented count beside the figures."""
        return bool(self.register_situation)

    @property
    def localized_name(self) -> LocalizedText:
        return self.localized("name")

    @property
    def localized_unit(self) -> LocalizedText:
        return self.localized("unit")

    def get_absolute_url(self) -> str:
        return reverse("public:indicator_detail", kwargs={"slug": self.slug})
