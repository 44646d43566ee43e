import pytest
from django.contrib.contenttypes.models import ContentType

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker.models import (
    Citation,
    Claim,
    Location,
    ModerationStatus,
    Organization,
    Revision,
    Source,
    Statistic,
    Tip,
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


def revision_of(entry, status: str) -> Revision:
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        data={},
        base_version=entry.version,
        created_by=make_user("contributor"),
        status=status,
    )


def test_revision_pending_for_is_the_entry_pending_revisions_only():
    claim = ClaimFactory(status=ModerationStatus.PUBLISHED)
    # A figure with the claim's key is another entry; so is another claim.
    others = (
        StatisticFactory(pk=claim.pk, status=ModerationStatus.PUBLISHED),
        ClaimFactory(status=ModerationStatus.PUBLISHED),
    )
    pending = revision_of(claim, Revision.Status.PENDING)
    for status in (Revision.Status.APPROVED, Revision.Status.REJECTED):
        revision_of(claim, status)
    for other in others:
        revision_of(other, Revision.Status.PENDING)
    assert list(Revision.objects.pending_for(claim)) == [pending]


def test_tip_new_is_the_tips_nobody_has_handled():
    tips = {
        status: Tip.objects.create(what="Something happened.", status=status)
        for status in Tip.Status.values
    }
    assert list(Tip.objects.new()) == [tips[Tip.Status.NEW]]
