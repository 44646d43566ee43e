import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import workflow
from tracker.models import Claim, ModerationStatus, Revision, Withdrawal

pytestmark = pytest.mark.django_db
S = ModerationStatus


@pytest.fixture
def queue(contributor):
    claim = ClaimFactory(
        status=S.SUBMITTED, created_by=contributor, title="Submitted claim", cited=True
    )
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor)
    published = ClaimFactory(created_by=contributor, title="Published claim", cited=True)
    revision = workflow.propose_revision(
        published,
        by=contributor,
        expected_version=published.version,
        data={"fields": {"title": "Corrected claim"}},
    )
    return {"claim": claim, "statistic": statistic, "published": published, "revision": revision}


def review_urls(queue):
    return [
        reverse("review:queue"),
        reverse("review:claim", args=[queue["claim"].pk]),
        reverse("review:statistic", args=[queue["statistic"].pk]),
        reverse("review:revision", args=[queue["revision"].pk]),
    ]


def test_review_pages_send_anonymous_users_to_login(client, queue):
    for url in review_urls(queue):
        assert reverse("login") in client.get(url)["Location"], url


def test_review_pages_refuse_contributors(client, contributor, queue):
    client.force_login(contributor)
    for url in review_urls(queue):
        assert client.get(url).status_code == 403, url


def test_review_pages_open_for_reviewers(client, reviewer, queue):
    client.force_login(reviewer)
    for url in review_urls(queue):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_review_decisions_refuse_contributors(client, contributor, queue):
    client.force_login(contributor)
    url = reverse("review:claim", args=[queue["claim"].pk])
    response = client.post(url, {"action": "approve", "version": queue["claim"].version})
    assert response.status_code == 403
    queue["claim"].refresh_from_db()
    assert queue["claim"].status == S.SUBMITTED


def test_queue_lists_submissions_and_revisions_oldest_first(client, reviewer, queue):
    client.force_login(reviewer)
    items = client.get(reverse("review:queue")).context["items"]
    assert [row.kind for row in items] == ["claim", "statistic", "revision"]


def test_queue_filters_by_type(client, reviewer, queue):
    client.force_login(reviewer)
    items = client.get(reverse("review:queue"), {"type": "revision"}).context["items"]
    assert [row.item for row in items] == [queue["revision"]]


def test_queue_filters_by_organization(client, reviewer, queue):
    organization = OrganizationFactory()
    CitationFactory(claim=queue["claim"], source=SourceFactory(organization=organization))
    client.force_login(reviewer)
    items = client.get(reverse("review:queue"), {"organization": organization.pk}).context["items"]
    assert [row.item for row in items] == [queue["claim"]]


def test_queue_filters_by_age(client, reviewer, queue):
    client.force_login(reviewer)
    items = client.get(reverse("review:queue"), {"age": "7"}).context["items"]
    assert items == []


def test_navigation_shows_review_count_to_reviewers_only(client, reviewer, contributor, queue):
    client.force_login(reviewer)
    assert 'href="/en/review/">Review <span class="count"' in client.get("/en/").content.decode()
    client.force_login(contributor)
    page = client.get("/en/").content.decode()
    assert "/en/review/" not in page
    assert "/en/workspace/" in page


def test_navigation_hides_workspace_from_the_public(client):
    assert "/en/workspace/" not in client.get("/en/").content.decode()


def test_review_page_shows_sources_and_history(client, reviewer, queue):
    CitationFactory(claim=queue["claim"], source=SourceFactory(title="Autopsy file"))
    client.force_login(reviewer)
    response = client.get(reverse("review:claim", args=[queue["claim"].pk]))
    assert "Autopsy file" in response.content.decode()


def test_reviewer_requests_changes_then_approves_through_pages(
    client, reviewer, contributor, queue, django_capture_on_commit_callbacks
):
    claim = queue["claim"]
    url = reverse("review:claim", args=[claim.pk])
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "request_changes", "comment": "Add a source.", "version": 1})
    claim.refresh_from_db()
    assert claim.status == S.CHANGES_REQUESTED
    assert mail.outbox[-1].to == [contributor.email]
    assert "Add a source." in mail.outbox[-1].body
    workflow.submit(claim, by=contributor)
    claim.refresh_from_db()
    client.post(url, {"action": "approve", "comment": "", "version": claim.version})
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED


def test_review_decision_without_comment_is_refused_with_message(client, reviewer, queue):
    client.force_login(reviewer)
    url = reverse("review:claim", args=[queue["claim"].pk])
    response = client.post(url, {"action": "reject", "comment": "", "version": 1})
    assert "A comment is required" in response.content.decode()
    queue["claim"].refresh_from_db()
    assert queue["claim"].status == S.SUBMITTED


def test_review_decision_on_stale_page_is_refused(client, reviewer, queue):
    client.force_login(reviewer)
    url = reverse("review:claim", args=[queue["claim"].pk])
    response = client.post(url, {"action": "approve", "version": 0})
    assert "Someone else" in response.content.decode()
    queue["claim"].refresh_from_db()
    assert queue["claim"].status == S.SUBMITTED


def test_review_page_sets_verification_grade(client, reviewer, queue):
    client.force_login(reviewer)
    url = reverse("review:claim", args=[queue["claim"].pk])
    client.post(url, {"grade": "corroborated", "rationale": "Two NGOs report it.", "version": 1})
    queue["claim"].refresh_from_db()
    assert queue["claim"].verification == "corroborated"


def test_revision_page_shows_field_diff_with_citations(client, reviewer, contributor):
    claim = ClaimFactory(title="Old title", created_by=contributor)
    old = CitationFactory(claim=claim, source=SourceFactory(title="Old source"))
    data = {
        "fields": {"title": "New title", "summary": claim.summary},
        "citations": [
            {
                "source": old.source_id,
                "new_source": None,
                "quote": "",
                "locator": "",
                "stance": "supports",
            },
            {
                "source": None,
                "new_source": {"title": "Fresh report", "url": "", "kind": "report"},
                "quote": "",
                "locator": "p. 4",
                "stance": "mentions",
            },
        ],
    }
    revision = workflow.propose_revision(
        claim, by=contributor, expected_version=claim.version, data=data
    )
    client.force_login(reviewer)
    diff = client.get(reverse("review:revision", args=[revision.pk])).context["diff"]
    labels = [str(change["label"]) for change in diff]
    assert labels == ["title", "citations"]
    assert "new source: Fresh report" in diff[1]["after"]


def test_revision_approval_through_page_publishes_the_edit(client, reviewer, queue):
    client.force_login(reviewer)
    client.post(
        reverse("review:revision", args=[queue["revision"].pk]),
        {"action": "approve", "correction_note": "The title named the wrong prison."},
    )
    published = Claim.objects.public().get(pk=queue["published"].pk)
    assert published.title == "Corrected claim"


def test_revision_approval_without_correction_note_is_refused_naming_it(client, reviewer, queue):
    client.force_login(reviewer)
    url = reverse("review:revision", args=[queue["revision"].pk])
    response = client.post(url, {"action": "approve", "correction_note": "  ", "comment": "Fine."})
    assert "public correction note" in response.content.decode()
    queue["revision"].refresh_from_db()
    assert queue["revision"].status == Revision.Status.PENDING


def test_revision_form_offers_an_empty_correction_note(client, reviewer, queue):
    client.force_login(reviewer)
    form = client.get(reverse("review:revision", args=[queue["revision"].pk])).context["form"]
    assert "correction_note" in form.fields
    assert not form["correction_note"].value()


def test_revision_rejection_needs_no_correction_note(client, reviewer, queue):
    client.force_login(reviewer)
    url = reverse("review:revision", args=[queue["revision"].pk])
    client.post(url, {"action": "reject", "comment": "Not what the source says."})
    queue["revision"].refresh_from_db()
    assert queue["revision"].status == Revision.Status.REJECTED


def test_withdrawal_through_page_keeps_comment_and_public_reason_apart(client, reviewer, queue):
    claim = queue["published"]
    client.force_login(reviewer)
    client.post(
        reverse("review:claim", args=[claim.pk]),
        {
            "action": "withdraw",
            "comment": "Internal: the witness asked us to.",
            "public_note": "The source retracted its report.",
            "version": claim.version,
        },
    )
    claim.refresh_from_db()
    assert claim.status == S.WITHDRAWN
    withdrawal = Withdrawal.objects.for_entry(claim).get()
    assert withdrawal.public_note == "The source retracted its report."
    assert workflow.history(claim).last().comment == "Internal: the witness asked us to."


def test_withdrawal_through_page_without_public_reason_is_refused_naming_it(
    client, reviewer, queue
):
    claim = queue["published"]
    client.force_login(reviewer)
    response = client.post(
        reverse("review:claim", args=[claim.pk]),
        {"action": "withdraw", "comment": "Retracted.", "public_note": "", "version": 1},
    )
    assert "public reason for the withdrawal" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED


def test_decision_form_asks_for_a_public_reason_only_where_withdrawal_is_allowed(
    client, reviewer, queue
):
    client.force_login(reviewer)
    submitted = client.get(reverse("review:claim", args=[queue["claim"].pk]))
    published = client.get(reverse("review:claim", args=[queue["published"].pk]))
    assert "public_note" not in submitted.context["decision_form"].fields
    assert "public_note" in published.context["decision_form"].fields


def test_revision_proposer_cannot_approve_it_through_page(client, queue):
    proposer_reviewer = make_user("reviewer")
    published = ClaimFactory()
    revision = workflow.propose_revision(
        published, by=proposer_reviewer, expected_version=1, data={"fields": {"title": "Mine"}}
    )
    client.force_login(proposer_reviewer)
    response = client.post(
        reverse("review:revision", args=[revision.pk]),
        {"action": "approve", "correction_note": "Mine is better."},
    )
    assert "second reviewer" in response.content.decode()
    revision.refresh_from_db()
    assert revision.status == Revision.Status.PENDING
