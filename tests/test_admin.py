import pytest
from django.urls import reverse

from tests.factories import CitationFactory, StatisticFactory
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationEvent,
    Organization,
    Revision,
    Source,
    Statistic,
    Tag,
    Tip,
)

pytestmark = pytest.mark.django_db

MODELS = [
    Category,
    Tag,
    Location,
    Indicator,
    Organization,
    Source,
    Claim,
    Citation,
    Statistic,
    ModerationEvent,
    Revision,
    Tip,
]


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:tracker_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_loads_for_an_admin(client, admin_user, model):
    CitationFactory()
    StatisticFactory()
    client.force_login(admin_user)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_refuses_a_contributor(client, contributor, model):
    client.force_login(contributor)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_claim_change_page_shows_citations_and_state_read_only(client, admin_user):
    citation = CitationFactory(quote="An excerpt worth checking")
    client.force_login(admin_user)
    response = client.get(admin_url(Claim, "change", citation.claim.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "An excerpt worth checking" in body
    assert 'name="status"' not in body
    assert 'name="verification"' not in body


def test_admin_post_cannot_change_status(client, admin_user):
    citation = CitationFactory()
    claim = Claim.objects.get(pk=citation.claim.pk)
    claim_status = claim.status
    client.force_login(admin_user)
    client.post(
        admin_url(Claim, "change", claim.pk),
        {"status": "withdrawn", "verification": "false", "title": claim.title},
    )
    claim.refresh_from_db()
    assert claim.status == claim_status
    assert claim.verification == "unverified"


def test_admin_changelist_shows_facet_counts(client, admin_user):
    StatisticFactory()
    client.force_login(admin_user)
    response = client.get(admin_url(Statistic, "changelist"))
    assert "(1)" in response.content.decode()


def test_admin_approve_action_goes_through_the_workflow(client, admin_user, contributor):
    from tracker.models import ModerationStatus

    submitted = CitationFactory(claim__status=ModerationStatus.SUBMITTED).claim
    own = CitationFactory(
        claim__status=ModerationStatus.SUBMITTED, claim__created_by=admin_user
    ).claim
    client.force_login(admin_user)
    response = client.post(
        admin_url(Claim, "changelist"),
        {"action": "approve_selected", "_selected_action": [submitted.pk, own.pk]},
        follow=True,
    )
    submitted.refresh_from_db()
    own.refresh_from_db()
    assert submitted.status == ModerationStatus.PUBLISHED
    assert own.status == ModerationStatus.SUBMITTED  # four eyes, even for an admin
    assert "1 entry published." in response.content.decode()
    assert ModerationEvent.objects.filter(object_id=submitted.pk, action="approve").exists()
