import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.filters import ClaimFilter, SourceFilter, StatisticFilter
from tracker.models import ModerationStatus, Source, VerificationGrade

pytestmark = pytest.mark.django_db


def titles(filterset) -> list[str]:
    return [claim.title for claim in filterset.qs]


def claim_filter(query: str) -> ClaimFilter:
    return ClaimFilter(QueryDict(query))


def test_claim_filter_without_parameters_lists_published_claims_only():
    ClaimFactory(title="Shown")
    ClaimFactory(title="Draft", status=ModerationStatus.DRAFT)
    assert titles(ClaimFilter()) == ["Shown"]


def test_claim_filter_category():
    torture = CategoryFactory(slug="torture")
    ClaimFactory(title="Tortured", categories=[torture])
    ClaimFactory(title="Other")
    assert titles(claim_filter("category=torture")) == ["Tortured"]


def test_claim_filter_two_categories_match_either():
    first, second = CategoryFactory(slug="first"), CategoryFactory(slug="second")
    ClaimFactory(title="A", categories=[first])
    ClaimFactory(title="B", categories=[second])
    ClaimFactory(title="C")
    assert sorted(titles(claim_filter("category=first&category=second"))) == ["A", "B"]


def test_claim_filter_claim_in_two_selected_categories_is_listed_once():
    first, second = CategoryFactory(slug="first"), CategoryFactory(slug="second")
    ClaimFactory(title="Both", categories=[first, second])
    assert titles(claim_filter("category=first&category=second")) == ["Both"]


def test_claim_filter_country():
    ClaimFactory(title="Honduras", country="HN")
    ClaimFactory(title="El Salvador", country="SV")
    assert titles(claim_filter("country=HN")) == ["Honduras"]


def test_claim_filter_place():
    cecot = LocationFactory(slug="cecot")
    ClaimFactory(title="At CECOT", location=cecot)
    ClaimFactory(title="Elsewhere")
    assert titles(claim_filter("place=cecot")) == ["At CECOT"]


def test_claim_filter_place_without_public_entries_is_rejected_like_an_unknown_one():
    hidden = LocationFactory(slug="hidden-place")
    ClaimFactory(location=hidden, status=ModerationStatus.DRAFT)
    filterset = claim_filter("place=hidden-place")
    unknown = claim_filter("place=no-such-place")
    assert len(filterset.problems()) == 1
    assert [str(p) for p in filterset.problems()] == [
        str(p).replace("no-such-place", "hidden-place") for p in unknown.problems()
    ]


def test_claim_filter_grade():
    ClaimFactory(title="Disputed", verification=VerificationGrade.DISPUTED)
    ClaimFactory(title="Unverified")
    assert titles(claim_filter("grade=disputed")) == ["Disputed"]


def test_claim_filter_organization_of_citing_sources():
    org = OrganizationFactory(slug="cristosal")
    CitationFactory(claim=ClaimFactory(title="Cited"), source=SourceFactory(organization=org))
    CitationFactory(claim=ClaimFactory(title="Other"))
    assert titles(claim_filter("organization=cristosal")) == ["Cited"]


def test_claim_filter_organization_ignores_confidential_sources():
    org = OrganizationFactory(slug="ngo")
    CitationFactory(source=SourceFactory(organization=org))  # makes the organisation public
    secret = ClaimFactory(title="Secretly sourced")
    CitationFactory(claim=secret, source=SourceFactory(organization=org, confidential=True))
    assert "Secretly sourced" not in titles(claim_filter("organization=ngo"))


def test_claim_filter_year():
    ClaimFactory(title="2022", event_start=datetime.date(2022, 3, 27))
    ClaimFactory(title="2025", event_start=datetime.date(2025, 1, 1))
    assert titles(claim_filter("year=2025")) == ["2025"]


def test_claim_filter_event_from_keeps_ranges_still_running_then():
    ClaimFactory(
        title="Ongoing",
        event_start=datetime.date(2022, 3, 1),
        date_precision="month",
        ongoing=True,
    )
    ClaimFactory(
        title="Ended",
        event_start=datetime.date(2022, 3, 1),
        event_end=datetime.date(2022, 6, 1),
    )
    ClaimFactory(title="Later", event_start=datetime.date(2024, 5, 1))
    assert sorted(titles(claim_filter("event_from=2024-01-01"))) == ["Later", "Ongoing"]


def test_claim_filter_event_to():
    ClaimFactory(title="Early", event_start=datetime.date(2021, 1, 1))
    ClaimFactory(title="Late", event_start=datetime.date(2025, 1, 1))
    assert titles(claim_filter("event_to=2022-12-31")) == ["Early"]


def test_claim_filter_published_from_and_to():
    ClaimFactory(title="Old", published_at=timezone.make_aware(datetime.datetime(2024, 1, 5)))
    ClaimFactory(title="New", published_at=timezone.make_aware(datetime.datetime(2026, 1, 5)))
    assert titles(claim_filter("published_from=2025-01-01")) == ["New"]
    assert titles(claim_filter("published_to=2025-01-01")) == ["Old"]


def test_claim_filter_sorts_by_most_recent_event_by_default():
    ClaimFactory(title="Older", event_start=datetime.date(2022, 1, 1))
    ClaimFactory(title="Newer", event_start=datetime.date(2025, 1, 1))
    assert titles(ClaimFilter()) == ["Newer", "Older"]


def test_claim_filter_sorts_by_most_cited():
    once = ClaimFactory(title="Once", event_start=datetime.date(2025, 1, 1))
    twice = ClaimFactory(title="Twice", event_start=datetime.date(2020, 1, 1))
    CitationFactory(claim=once)
    CitationFactory(claim=twice)
    CitationFactory(claim=twice)
    assert titles(claim_filter("sort=most_cited")) == ["Twice", "Once"]


def test_claim_filter_most_cited_counts_every_citation_when_filtering_by_organization():
    org = OrganizationFactory(slug="sjh")
    many = ClaimFactory(title="Many citations")
    CitationFactory(claim=many, source=SourceFactory(organization=org))
    CitationFactory(claim=many)
    CitationFactory(claim=many)
    two = ClaimFactory(title="Two from sjh")
    CitationFactory(claim=two, source=SourceFactory(organization=org))
    CitationFactory(claim=two, source=SourceFactory(organization=org))
    ordered = titles(claim_filter("organization=sjh&sort=most_cited"))
    assert ordered == ["Many citations", "Two from sjh"]


def test_claim_filter_most_cited_counts_each_citation_once_whatever_the_filters():
    """A claim matching several chosen categories and organisations keeps its own count."""
    first, second = CategoryFactory(slug="first"), CategoryFactory(slug="second")
    sjh, cristosal = OrganizationFactory(slug="sjh"), OrganizationFactory(slug="cristosal")
    both = ClaimFactory(title="Custody in both categories")
    both.categories.add(first, second)
    CitationFactory(claim=both, source=SourceFactory(organization=sjh))
    CitationFactory(claim=both, source=SourceFactory(organization=cristosal))
    three = ClaimFactory(title="Custody cited three times")
    three.categories.add(first)
    for _ in range(3):
        CitationFactory(claim=three, source=SourceFactory(organization=sjh))
    query = "category=first&category=second&organization=sjh&organization=cristosal"
    for extra in ("", "&q=custody", "&country=SV"):
        filterset = claim_filter(f"{query}{extra}&sort=most_cited")
        counts = dict(filterset.qs.values_list("title", "citation_count"))
        assert counts == {"Custody cited three times": 3, "Custody in both categories": 2}
        assert titles(filterset) == ["Custody cited three times", "Custody in both categories"]


def test_claim_filter_sorts_by_recently_published():
    ClaimFactory(title="First", published_at=timezone.make_aware(datetime.datetime(2024, 1, 1)))
    ClaimFactory(title="Second", published_at=timezone.make_aware(datetime.datetime(2026, 1, 1)))
    assert titles(claim_filter("sort=recently_published")) == ["Second", "First"]


def test_claim_filter_unknown_grade_is_dropped_and_reported():
    ClaimFactory(title="Kept")
    filterset = claim_filter("grade=bogus")
    assert titles(filterset) == ["Kept"]
    assert "Grade" in str(filterset.problems()[0])


def test_claim_filter_malformed_date_is_dropped_and_reported():
    ClaimFactory(title="Kept")
    filterset = claim_filter("event_from=2024-99-01")
    assert titles(filterset) == ["Kept"]
    assert "Happened on or after" in str(filterset.problems()[0])


def test_claim_filter_invalid_value_keeps_the_other_filters():
    ClaimFactory(title="Honduras", country="HN")
    ClaimFactory(title="El Salvador", country="SV")
    assert titles(claim_filter("country=HN&grade=bogus")) == ["Honduras"]


def test_statistic_filter_indicator_organization_and_year():
    indicator = IndicatorFactory(slug="deaths")
    org = OrganizationFactory(slug="sjh")
    StatisticFactory(
        indicator=indicator,
        source=SourceFactory(organization=org),
        as_of=datetime.date(2025, 8, 1),
        value=430,
    )
    StatisticFactory(indicator=indicator, as_of=datetime.date(2024, 4, 1), value=261)
    StatisticFactory(value=40000, as_of=datetime.date(2023, 1, 1))
    values = lambda query: [int(s.value) for s in StatisticFilter(QueryDict(query)).qs]  # noqa: E731
    assert sorted(values("indicator=deaths")) == [261, 430]
    assert values("organization=sjh") == [430]
    assert values("year=2024") == [261]


def test_statistic_filter_hides_unpublished_figures():
    StatisticFactory(value=1)
    StatisticFactory(value=2, status=ModerationStatus.SUBMITTED)
    assert [int(s.value) for s in StatisticFilter().qs] == [1]


def test_source_filter_kind_excludes_confidential_sources():
    report = SourceFactory(title="Report", kind=Source.Kind.REPORT)
    secret = SourceFactory(title="Secret", kind=Source.Kind.REPORT, confidential=True)
    CitationFactory(source=report)
    CitationFactory(source=secret)
    assert [s.title for s in SourceFilter(QueryDict("kind=report")).qs] == ["Report"]
