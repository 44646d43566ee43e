import pytest

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker.models import (
    Citation,
    Claim,
    Location,
    ModerationStatus,
    Organization,
    Source,
    Statistic,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATES = [state for state in ModerationStatus.values if state != ModerationStatus.PUBLISHED]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_claim_public_excludes_every_unpublished_state(state):
    published = ClaimFactory(status=ModerationStatus.PUBLISHED)
    hidden = ClaimFactory(status=state)
    public = set(Claim.objects.public())
    assert published in public
    assert hidden not in public


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_statistic_public_excludes_every_unpublished_state(state):
    published = StatisticFactory(status=ModerationStatus.PUBLISHED)
    hidden = StatisticFactory(status=state)
    public = set(Statistic.objects.public())
    assert published in public
    assert hidden not in public


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_citation_public_only_when_its_claim_is_published(state):
    shown = CitationFactory(claim=ClaimFactory(status=ModerationStatus.PUBLISHED))
    hidden = CitationFactory(claim=ClaimFactory(status=state))
    public = set(Citation.objects.public())
    assert shown in public
    assert hidden not in public


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_source_public_only_once_a_published_entry_uses_it(state):
    used = CitationFactory(claim=ClaimFactory(status=ModerationStatus.PUBLISHED)).source
    used_by_figure = StatisticFactory(status=ModerationStatus.PUBLISHED).source
    unused = SourceFactory()
    only_hidden = CitationFactory(claim=ClaimFactory(status=state)).source
    public = set(Source.objects.public())
    assert {used, used_by_figure} <= public
    assert unused not in public
    assert only_hidden not in public


def test_confidential_source_has_no_public_page():
    source = SourceFactory(confidential=True)
    CitationFactory(source=source, claim=ClaimFactory(status=ModerationStatus.PUBLISHED))
    assert source in Source.objects.used_publicly()
    assert source not in Source.objects.public()


def test_organization_public_only_through_public_sources_or_figures():
    cited = CitationFactory(claim=ClaimFactory(status=ModerationStatus.PUBLISHED)).source
    reporter = StatisticFactory(status=ModerationStatus.PUBLISHED).organization
    hidden = CitationFactory(claim=ClaimFactory(status=ModerationStatus.DRAFT)).source
    confidential = SourceFactory(confidential=True)
    CitationFactory(source=confidential, claim=ClaimFactory(status=ModerationStatus.PUBLISHED))
    public = set(Organization.objects.public())
    assert {cited.organization, reporter} <= public
    assert hidden.organization not in public
    assert confidential.organization not in public


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_location_public_only_once_a_published_entry_is_there(state):
    shown = LocationFactory()
    ClaimFactory(location=shown, status=ModerationStatus.PUBLISHED)
    hidden = LocationFactory()
    ClaimFactory(location=hidden, status=state)
    StatisticFactory(location=hidden, status=state)
    public = set(Location.objects.public())
    assert shown in public
    assert hidden not in public
