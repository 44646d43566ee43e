"""E-mail about decisions: sent after commit, subjects free of user text, failures logged."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import CitationFactory, ClaimFactory
from tests.test_workflow import draft_by, propose
from tracker import workflow
from tracker.models import Claim, ModerationStatus

pytestmark = pytest.mark.django_db
S = ModerationStatus


def test_submit_emails_reviewers_after_commit(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    claim = draft_by(contributor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.submit(claim, by=contributor)
    assert len(callbacks) == 1
    assert mail.outbox[0].to == [reviewer.email]


@pytest.mark.parametrize("action", ["approve", "request_changes", "reject", "withdraw"])
def test_decision_emails_the_author(
    contributor, reviewer, action, django_capture_on_commit_callbacks
):
    state = S.PUBLISHED if action == "withdraw" else S.SUBMITTED
    claim = ClaimFactory(status=state, created_by=contributor, cited=True)
    with django_capture_on_commit_callbacks(execute=True):
        public_note = {"public_note": "Withdrawn."} if action == "withdraw" else {}
        getattr(workflow, action)(claim, by=reviewer, comment="See the notes.", **public_note)
    assert mail.outbox[-1].to == [contributor.email]
    assert "See the notes." in mail.outbox[-1].body


def test_refused_transition_sends_no_email(contributor, django_capture_on_commit_callbacks):
    claim = ClaimFactory(status=S.PUBLISHED, created_by=contributor)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(workflow.TransitionRefused),
    ):
        workflow.submit(claim, by=contributor)
    assert mail.outbox == []


def test_revision_decision_emails_the_proposer(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    revision = propose(ClaimFactory(), contributor, title="T")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reject_revision(revision, by=reviewer, comment="Unsupported.")
    assert mail.outbox[-1].to == [contributor.email]
    assert "revision rejected" in mail.outbox[-1].body


HOSTILE_TITLE = "Deaths reported\nBcc: everyone@example.org\r\nSubject: spoofed"


def test_submit_with_a_newline_in_the_title_emails_reviewers_without_error(
    transactional_db, client, contributor, reviewer
):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, title=HOSTILE_TITLE)
    client.force_login(contributor)
    response = client.post(reverse("workspace:claim_submit", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Bcc" not in message.subject
    assert message.bcc == []


def test_approve_with_a_newline_in_the_title_emails_the_author_without_error(
    transactional_db, client, contributor, reviewer
):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, title=HOSTILE_TITLE)
    CitationFactory(claim=claim)
    client.force_login(reviewer)
    response = client.post(
        reverse("review:claim", args=[claim.pk]),
        {"action": "approve", "comment": "", "version": claim.version},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED
    [message] = mail.outbox
    assert message.subject == f"Decision on claim #{claim.pk}"


def test_a_failing_mail_server_never_hides_a_committed_decision(
    transactional_db, client, contributor, reviewer, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("tracker.workflow.notify.send_mail", refuse)
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    CitationFactory(claim=claim)
    client.force_login(reviewer)
    response = client.post(
        reverse("review:claim", args=[claim.pk]),
        {"action": "approve", "comment": "", "version": claim.version},
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == S.PUBLISHED
    assert "no mail server" in caplog.text


def test_email_subjects_carry_no_user_text(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    claim = draft_by(contributor)
    claim.title = "A title nobody should see in a subject"
    claim.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(claim, by=contributor)
        workflow.request_changes(claim, by=reviewer, comment="Add a source.")
    assert [m.subject for m in mail.outbox] == [
        f"New in the review queue: claim #{claim.pk}",
        f"Decision on claim #{claim.pk}",
    ]
