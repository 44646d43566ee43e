"""Reviewers' page of an entry's versions, and restoring one through the workflow."""

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, ClaimFactory, StatisticFactory
from tracker import workflow
from tracker.models import Claim, ModerationStatus, Revision

pytestmark = pytest.mark.django_db

S = ModerationStatus


def history_url(entry) -> str:
    return reverse(f"review:{entry._meta.model_name}_history", args=[entry.pk])


def retitle(entry, title, by):
    """Edit a draft's title through the workflow, as the workspace form does."""
    workflow.save_edit(
        entry, by=by, expected_version=entry.version, data={"fields": {"title": title}}
    )
    entry.refresh_from_db()


def first_record(entry):
    return entry.history.order_by("history_date", "history_id").first()


def test_versions_page_shows_each_change_with_old_and_new_values(client, contributor, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, title="Original wording")
    retitle(claim, "Second wording", contributor)
    client.force_login(reviewer)
    response = client.get(history_url(claim))
    assert response.status_code == 200
    newest = response.context["versions"][0]
    title_change = next(change for change in newest.changes if change.field == "title")
    assert (title_change.old, title_change.new) == ("Original wording", "Second wording")


def test_versions_page_refuses_contributors(client, contributor):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor)
    client.force_login(contributor)
    assert client.get(history_url(claim)).status_code == 403


def test_versions_page_sends_anonymous_visitors_to_login(client):
    claim = ClaimFactory()
    response = client.get(history_url(claim))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_versions_page_runs_few_queries(client, reviewer, django_assert_max_num_queries):
    claim = ClaimFactory(status=S.DRAFT, created_by=reviewer, title="v0")
    claim.categories.set([CategoryFactory(), CategoryFactory()])
    for number in range(1, 6):
        retitle(claim, f"v{number}", reviewer)
    client.force_login(reviewer)
    # 14, plus the new-tips count of the navigation and the device of the two-factor session.
    with django_assert_max_num_queries(16):
        response = client.get(history_url(claim))
    assert len(response.context["versions"]) >= 6


def test_entry_review_page_links_to_the_versions(client, reviewer):
    claim = ClaimFactory(status=S.SUBMITTED)
    client.force_login(reviewer)
    response = client.get(reverse("review:claim", args=[claim.pk]))
    assert history_url(claim) in response.content.decode()


def test_restoring_a_draft_saves_the_old_values(client, contributor, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, title="Original wording")
    retitle(claim, "Vandalised", contributor)
    client.force_login(reviewer)
    response = client.post(
        history_url(claim),
        {"history_id": first_record(claim).history_id, "version": claim.version},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.title == "Original wording"
    assert claim.last_edited_by == reviewer


def test_restoring_a_draft_with_a_stale_version_is_refused(client, contributor, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, title="Original wording")
    stale = claim.version
    retitle(claim, "Newer wording", contributor)
    client.force_login(reviewer)
    response = client.post(
        history_url(claim), {"history_id": first_record(claim).history_id, "version": stale}
    )
    assert response.status_code == 400
    assert str(workflow.STALE_MESSAGE) in response.content.decode()
    claim.refresh_from_db()
    assert claim.title == "Newer wording"


def test_restoring_a_published_claim_proposes_a_pending_revision(client, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=reviewer, title="Original wording", cited=True)
    claim.categories.set([CategoryFactory()])
    original = first_record(claim)
    retitle(claim, "Published wording", reviewer)
    Claim.objects.filter(pk=claim.pk).update(status=S.PUBLISHED)
    claim.refresh_from_db()
    client.force_login(reviewer)
    response = client.post(
        history_url(claim),
        {"history_id": original.history_id, "version": claim.version, "comment": "Undo"},
    )
    revision = Revision.objects.get()
    assert response["Location"] == reverse("review:revision", args=[revision.pk])
    assert revision.data["fields"]["title"] == "Original wording"
    assert revision.created_by == reviewer
    claim.refresh_from_db()
    assert claim.title == "Published wording"


def test_restored_revision_needs_a_second_reviewer(client, reviewer, second_reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=reviewer, title="Original wording", cited=True)
    original = first_record(claim)
    retitle(claim, "Published wording", reviewer)
    Claim.objects.filter(pk=claim.pk).update(status=S.PUBLISHED)
    claim.refresh_from_db()
    revision = workflow.restore_version(
        claim,
        original,
        by=reviewer,
        expected_version=claim.version,
        fields=["title", "summary"],
    )
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve_revision(revision, by=reviewer, correction_note="Corrected as proposed.")
    workflow.approve_revision(
        revision, by=second_reviewer, correction_note="Corrected as proposed."
    )
    claim.refresh_from_db()
    assert claim.title == "Original wording"


def test_restoring_a_statistic_version_brings_back_its_value(client, reviewer):
    statistic = StatisticFactory(status=S.DRAFT, created_by=reviewer, value=100)
    workflow.save_edit(
        statistic, by=reviewer, expected_version=statistic.version, data={"fields": {"value": 250}}
    )
    statistic.refresh_from_db()
    client.force_login(reviewer)
    client.post(
        history_url(statistic),
        {"history_id": first_record(statistic).history_id, "version": statistic.version},
    )
    statistic.refresh_from_db()
    assert statistic.value == 100


def test_restoring_another_entrys_version_is_refused(client, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=reviewer, title="Mine")
    other = ClaimFactory(status=S.DRAFT, created_by=reviewer, title="Other")
    client.force_login(reviewer)
    response = client.post(
        history_url(claim), {"history_id": first_record(other).history_id, "version": claim.version}
    )
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.title == "Mine"


def test_restoring_a_submitted_entry_is_refused_with_a_message(client, reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, title="Under review")
    client.force_login(reviewer)
    response = client.post(
        history_url(claim), {"history_id": first_record(claim).history_id, "version": claim.version}
    )
    assert response.status_code == 400
    assert "cannot be edited now" in response.content.decode()
