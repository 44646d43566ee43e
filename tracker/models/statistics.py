"""Figures: one value reported by one source for one indicator."""

import functools
from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tracker.history import AuditHistory
from tracker.models.base import (
    CONTENT_LANGUAGES,
    DatePrecision,
    ModeratedEntry,
    format_imprecise_date,
    normalize_search_text,
    truncate_to_precision,
)
from tracker.models.querysets import StatisticQuerySet
from tracker.models.sources import CitesASource, Organization, Source
from tracker.models.taxonomy import Indicator, Location


class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    AT_MOST = "at_most", _("at most")
    APPROXIMATELY = "approximately", _("approximately")
    RANGE = "range", _("range")


def plain_decimal(value: Decimal) -> Decimal:
    """A figure without the zeros its two stored decimals add: 480.00 as 480, 12.50 as 12.5."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def decimal_text(value: Decimal | None) -> str:
    """A figure as data writes it (CSV, JSON, API): ``480``, ``12.5``; nothing as ``""``."""
    return "" if value is None else format(plain_decimal(value), "f")


def format_number(value: Decimal | None) -> str:
    """A figure as a page shows it, in the reader's language: ``40,000``, ``12.5``."""
    if value is None:
        return ""
    return formatted_number(decimal_text(value), get_language())


# Tables and charts show the same figures again and again (an indicator's chart: 400 points);
# each is formatted once per language, held for the process (a few thousand at most). Keyed by
# its text: 12.5 and 12.50 are equal decimals, but only the first is how a page writes it.
@functools.lru_cache(maxsize=4096)
def formatted_number(text: str, language: str | None) -> str:
    return formats.number_format(Decimal(text), force_grouping=True)


class Statistic(CitesASource, ModeratedEntry):
    TRANSLATED_FIELDS = ("note",)

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="statistics"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="statistics",
        help_text=_("The organisation whose figure this is, which may differ from the publisher."),
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="statistics"
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    value_high = models.DecimalField(
        _("upper bound"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for a range: its upper bound."),
    )
    as_of = models.DateField(_("as of"))
    as_of_precision = models.CharField(
        _("precision of the as-of date"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_start_precision = models.CharField(
        _("precision of the period start"),
        max_length=12,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    country = CountryField(_("country"), blank=True)
    location = models.ForeignKey(
        Location,
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statistics",
    )
    note = models.CharField(
        _("public note"),
        max_length=500,
        blank=True,
        help_text=_("Shown with the figure, e.g. “plus 4 newborns”."),
    )
    note_es = models.CharField(_("public note in Spanish"), max_length=500, blank=True)
    quote = models.TextField(_("quote or excerpt"), blank=True)
    locator = models.CharField(_("page or locator"), max_length=200, blank=True)

    objects = StatisticQuerySet.as_manager()
    history = AuditHistory(excluded_fields=["search_text", "search_text_es"])

    class Meta:
        ordering = ["indicator", "as_of", "pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="statistic_value_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(qualifier=Qualifier.RANGE, value_high__isnull=False)
                    & models.Q(value_high__gte=models.F("value"))
                )
                | (~models.Q(qualifier=Qualifier.RANGE) & models.Q(value_high__isnull=True)),
                name="statistic_range_has_valid_upper_bound",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__isnull=True)
                | models.Q(period_start__lte=models.F("as_of")),
                name="statistic_period_start_not_after_as_of",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value_display} ({self.as_of_display})"

    def save(self, *args, **kwargs):
        self.as_of = truncate_to_precision(self.as_of, self.as_of_precision)
        self.period_start = truncate_to_precision(self.period_start, self.period_start_precision)
        self.search_text, self.search_text_es = self.search_texts()
        super().save(*args, **kwargs)

    def search_texts(self) -> tuple[str, ...]:
        """The folded public text of each content language, as the public search reads it."""
        return tuple(
            normalize_search_text(
                self.indicator.texts("name")[language] if self.indicator_id else "",
                self.texts("note")[language],
                self.searchable_quote(),
                self.location.texts("name")[language] or self.location.name
                if self.location_id
                else "",
            )
            for language in CONTENT_LANGUAGES
        )

    def searchable_quote(self) -> str:
        """The quote as public search may read it: never the words of a confidential source."""
        if self.source_id and self.source.confidential:
            return ""
        return self.quote

    @classmethod
    def refresh_search_texts(cls, *, sources: list[int]) -> None:
        """Store again the search texts of the figures quoting ``sources``, after a source was
        made confidential or public (a confidential source's quote must not be found): read and
        written 500 at a time."""
        figures = cls.objects.filter(source__in=sources).select_related(
            "indicator", "location", "source"
        )
        batch = []
        for figure in figures.iterator(chunk_size=500):
            figure.search_text, figure.search_text_es = figure.search_texts()
            batch.append(figure)
            if len(batch) == 500:
                cls.objects.bulk_update(batch, ["search_text", "search_text_es"])
                batch = []
        if batch:
            cls.objects.bulk_update(batch, ["search_text", "search_text_es"])

    def get_absolute_url(self) -> str:
        return reverse("public:statistic_detail", kwargs={"pk": self.pk})

    @property
    def value_display(self) -> str:
        """'at least 301', 'more than 430', '65–70', 'exactly 261'."""
        if self.qualifier == Qualifier.RANGE:
            return _("%(low)s–%(high)s") % {
                "low": format_number(self.value),
                "high": format_number(self.value_high),
            }
        if self.qualifier == Qualifier.EXACT:
            return format_number(self.value)
        return f"{Qualifier(self.qualifier).label} {format_number(self.value)}"

    @property
    def as_of_display(self) -> str:
        return format_imprecise_date(self.as_of, self.as_of_precision)

    @property
    def period_start_display(self) -> str:
        return format_imprecise_date(self.period_start, self.period_start_precision)
