import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import Claim, DatePrecision, Qualifier, Source, Statistic, format_imprecise_date
from tracker.models.statistics import format_number

pytestmark = pytest.mark.django_db


def refused_by_database(queryset, **values) -> bool:
    """Write ``values`` with a bare UPDATE (no model validation) and report whether it failed."""
    try:
        with transaction.atomic():
            queryset.update(**values)
    except IntegrityError:
        return True
    return False


def test_claim_end_before_start_is_refused():
    claim = ClaimFactory(event_start=datetime.date(2024, 1, 1))
    assert refused_by_database(
        Claim.objects.filter(pk=claim.pk), event_end=datetime.date(2023, 1, 1)
    )


def test_claim_end_without_start_is_refused():
    claim = ClaimFactory()
    assert refused_by_database(
        Claim.objects.filter(pk=claim.pk), event_start=None, event_end=datetime.date(2023, 1, 1)
    )


def test_claim_end_on_or_after_start_is_accepted():
    claim = ClaimFactory(event_start=datetime.date(2024, 1, 1))
    assert not refused_by_database(
        Claim.objects.filter(pk=claim.pk), event_end=datetime.date(2024, 1, 1)
    )


def test_claim_negative_victim_count_is_refused():
    claim = ClaimFactory()
    assert refused_by_database(Claim.objects.filter(pk=claim.pk), victim_count=-1)


def test_claim_empty_title_is_refused():
    claim = ClaimFactory()
    assert refused_by_database(Claim.objects.filter(pk=claim.pk), title="")


def test_claim_duplicate_slug_is_refused():
    first = ClaimFactory()
    second = ClaimFactory()
    assert refused_by_database(Claim.objects.filter(pk=second.pk), slug=first.slug)


def test_claim_slug_is_made_unique_from_title():
    first = ClaimFactory(title="Deaths in custody")
    second = ClaimFactory(title="Deaths in custody")
    assert first.slug == "deaths-in-custody"
    assert second.slug == "deaths-in-custody-2"


def test_statistic_negative_value_is_refused():
    statistic = StatisticFactory()
    assert refused_by_database(Statistic.objects.filter(pk=statistic.pk), value=Decimal("-1"))


def test_statistic_range_without_upper_bound_is_refused():
    statistic = StatisticFactory()
    assert refused_by_database(
        Statistic.objects.filter(pk=statistic.pk), qualifier=Qualifier.RANGE, value_high=None
    )


def test_statistic_range_upper_bound_below_lower_is_refused():
    statistic = StatisticFactory(value=Decimal("70"))
    assert refused_by_database(
        Statistic.objects.filter(pk=statistic.pk),
        qualifier=Qualifier.RANGE,
        value_high=Decimal("65"),
    )


def test_statistic_upper_bound_without_range_is_refused():
    statistic = StatisticFactory(value=Decimal("65"))
    assert refused_by_database(Statistic.objects.filter(pk=statistic.pk), value_high=Decimal("70"))


def test_statistic_valid_range_is_accepted():
    statistic = StatisticFactory(
        qualifier=Qualifier.RANGE, value=Decimal("65"), value_high=Decimal("70")
    )
    assert statistic.value_display == "65–70"


def test_statistic_period_start_after_as_of_is_refused():
    statistic = StatisticFactory(as_of=datetime.date(2024, 6, 10))
    assert refused_by_database(
        Statistic.objects.filter(pk=statistic.pk), period_start=datetime.date(2025, 1, 1)
    )


def test_source_accessed_before_published_is_refused():
    source = SourceFactory(published_on=datetime.date(2024, 7, 1))
    assert refused_by_database(
        Source.objects.filter(pk=source.pk), accessed_on=datetime.date(2024, 1, 1)
    )


def test_source_malformed_sha256_is_refused():
    source = SourceFactory()
    assert refused_by_database(Source.objects.filter(pk=source.pk), sha256="abc")


def test_duplicate_organization_slug_is_refused():
    OrganizationFactory(slug="cristosal")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(slug="cristosal")


def test_duplicate_location_slug_is_refused():
    LocationFactory(slug="cecot")
    with pytest.raises(IntegrityError), transaction.atomic():
        LocationFactory(slug="cecot")


def test_citation_duplicate_locator_is_refused():
    citation = CitationFactory(locator="p. 4")
    with pytest.raises(IntegrityError), transaction.atomic():
        CitationFactory(claim=citation.claim, source=citation.source, locator="p. 4")


@pytest.mark.parametrize(
    ("precision", "english", "spanish"),
    [
        (DatePrecision.DAY, "June 10, 2024", "10 de junio de 2024"),
        (DatePrecision.MONTH, "June 2024", "junio de 2024"),
        (DatePrecision.YEAR, "2024", "2024"),
        (DatePrecision.APPROXIMATE, "around 2024", "hacia 2024"),
    ],
)
def test_imprecise_date_renders_at_its_precision(precision, english, spanish):
    date = datetime.date(2024, 6, 10)
    with translation.override("en"):
        assert format_imprecise_date(date, precision) == english
    with translation.override("es"):
        assert format_imprecise_date(date, precision).lower() == spanish
    # Formatted dates are kept per language: the English one is not the Spanish one kept.
    with translation.override("en"):
        assert format_imprecise_date(date, precision) == english


def test_claim_stores_month_precision_as_first_of_month_and_renders_month():
    claim = ClaimFactory(event_start=datetime.date(2022, 3, 27), date_precision=DatePrecision.MONTH)
    claim.refresh_from_db()
    assert claim.event_start == datetime.date(2022, 3, 1)
    with translation.override("en"):
        assert claim.date_display == "March 2022"


def test_claim_date_range_renders_both_ends():
    claim = ClaimFactory(
        event_start=datetime.date(2022, 3, 1),
        event_end=datetime.date(2024, 4, 1),
        date_precision=DatePrecision.MONTH,
    )
    with translation.override("en"):
        assert claim.date_display == "March 2022 – April 2024"


def test_claim_without_date_says_so():
    claim = ClaimFactory(event_start=None)
    with translation.override("en"):
        assert claim.date_display == "date not given"


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        (Qualifier.EXACT, "1,480"),
        (Qualifier.AT_LEAST, "at least 1,480"),
        (Qualifier.MORE_THAN, "more than 1,480"),
        (Qualifier.AT_MOST, "at most 1,480"),
        (Qualifier.APPROXIMATELY, "approximately 1,480"),
    ],
)
def test_statistic_value_display_carries_its_qualifier(qualifier, expected):
    statistic = StatisticFactory(qualifier=qualifier, value=Decimal("1480"))
    with translation.override("en"):
        assert statistic.value_display == expected


def test_a_figure_is_formatted_in_each_readers_language_however_often_it_is_shown():
    """Numbers are formatted once per language and kept: the same figure read in English, then
    in Spanish, then in English again, each time in the reader's own way, its stored zeros
    dropped."""
    shown = []
    for language in ("en", "es", "en", "es"):
        with translation.override(language):
            shown.append(format_number(Decimal("12480.50")))
            shown.append(format_number(Decimal("12480.5")))
    assert shown == ["12,480.5", "12,480.5", "12\xa0480,5", "12\xa0480,5"] * 2


def test_search_text_folds_accents_and_case():
    claim = ClaimFactory(title="Socorro Jurídico denuncia CÁRCEL")
    assert "juridico" in claim.search_text
    assert "carcel" in claim.search_text
