"""``workflow.allowed_actions``: which decisions a reviewer may take now, and why not the others.

The forms and pages read it; the decisions themselves still refuse what it refuses, whoever
calls them.
"""

import pytest

from tests.factories import (
    CitationFactory,
    ClaimFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import workflow
from tracker.forms import DecisionForm, RevisionDecisionForm
from tracker.models import ModerationStatus, Revision

pytestmark = pytest.mark.django_db
S = ModerationStatus
FOUR_EYES = "You created or last edited this entry: a second reviewer must approve it."


@pytest.fixture
def submitted(contributor):
    return ClaimFactory(status=S.SUBMITTED, created_by=contributor, cited=True)


def test_allowed_actions_of_a_submission_are_the_transition_tables(submitted, reviewer):
    actions = workflow.allowed_actions(submitted, reviewer)
    assert actions.names == ["approve", "request_changes", "reject"]
    assert actions.refused == ()
    assert [str(decision.label) for decision in actions.allowed] == [
        "Approve and publish",
        "Request changes",
        "Reject",
    ]


def test_allowed_actions_of_a_published_entry_is_withdraw(reviewer):
    assert workflow.allowed_actions(ClaimFactory(), reviewer).names == ["withdraw"]


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED, S.WITHDRAWN])
def test_allowed_actions_offer_nothing_where_no_decision_is_due(status, reviewer):
    actions = workflow.allowed_actions(ClaimFactory(status=status), reviewer)
    assert actions.allowed == ()
    assert not actions.any_due


@pytest.mark.parametrize("role", ["created_by", "last_edited_by"])
def test_allowed_actions_refuse_approving_ones_own_entry_with_the_reason(
    role, reviewer, contributor
):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, cited=True)
    setattr(claim, role, reviewer)
    claim.save()
    actions = workflow.allowed_actions(claim, reviewer)
    assert actions.names == ["request_changes", "reject"]
    assert "approve" not in actions
    assert actions.refusal("approve") == FOUR_EYES


def test_allowed_actions_refuse_approving_without_provenance_naming_what_is_missing(
    reviewer, contributor
):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    actions = workflow.allowed_actions(claim, reviewer)
    assert actions.names == ["request_changes", "reject"]
    assert actions.refusal("approve") == "This entry cannot be published yet: It cites no source."


def test_allowed_actions_refuse_a_figure_whose_source_cannot_be_traced(reviewer, contributor):
    source = SourceFactory(url="")
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor, source=source)
    assert "no archived copy" in workflow.allowed_actions(statistic, reviewer).refusal("approve")


def test_allowed_actions_give_four_eyes_first_when_both_refuse(reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=reviewer)
    assert workflow.allowed_actions(claim, reviewer).refusal("approve") == FOUR_EYES


def test_allowed_actions_refuse_everything_to_a_contributor(submitted, contributor):
    actions = workflow.allowed_actions(submitted, contributor)
    assert actions.allowed == ()
    assert {r.reason for r in actions.refused} == {"Only reviewers can make this decision."}
    assert actions.any_due


def test_allowed_actions_of_a_revision_refuse_its_proposer(reviewer, second_reviewer):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=reviewer, expected_version=1, data={"fields": {"title": "X"}}
    )
    own = workflow.allowed_actions(revision, reviewer)
    assert own.names == ["reject"]
    assert own.refusal("approve") == (
        "You proposed this revision: a second reviewer must approve it."
    )
    assert workflow.allowed_actions(revision, second_reviewer).names == ["approve", "reject"]


def test_allowed_actions_of_a_revision_whose_entry_changed_refuse_approval(reviewer, contributor):
    claim = ClaimFactory(cited=True)
    revision = workflow.propose_revision(
        claim, by=contributor, expected_version=1, data={"fields": {"title": "First"}}
    )
    workflow.set_verification(claim, by=reviewer, grade="corroborated", rationale="Two NGOs.")
    revision.refresh_from_db()
    assert "changed after this revision" in workflow.allowed_actions(revision, reviewer).refusal(
        "approve"
    )


def test_allowed_actions_of_a_revision_removing_every_source_refuse_approval(reviewer, contributor):
    claim = ClaimFactory(cited=True)
    revision = workflow.propose_revision(
        claim, by=contributor, expected_version=1, data={"citations": []}
    )
    refusal = workflow.allowed_actions(revision, reviewer).refusal("approve")
    assert refusal == "This entry cannot be published yet: It cites no source."


def test_allowed_actions_of_a_decided_revision_are_none(reviewer, contributor):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=contributor, expected_version=1, data={"fields": {}}
    )
    workflow.reject_revision(revision, by=reviewer, comment="No change.")
    revision.refresh_from_db()
    assert revision.status == Revision.Status.REJECTED
    assert not workflow.allowed_actions(revision, reviewer).any_due


def test_decision_form_offers_exactly_the_allowed_actions(reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=reviewer, cited=True)
    actions = workflow.allowed_actions(claim, reviewer)
    form = DecisionForm(initial={"version": 1}, actions=actions)
    offered = [value for value, _label in form.fields["action"].widget.choices]
    assert offered == actions.names == ["request_changes", "reject"]


def test_decision_form_answers_a_refused_action_with_the_workflows_reason(reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=reviewer, cited=True)
    form = DecisionForm(
        {"action": "approve", "comment": "", "version": 1},
        actions=workflow.allowed_actions(claim, reviewer),
    )
    assert not form.is_valid()
    assert form.errors["action"] == [FOUR_EYES]


def test_decision_form_refuses_an_action_the_state_does_not_allow(reviewer):
    form = DecisionForm(
        {"action": "withdraw", "comment": "x", "public_note": "y", "version": 1},
        actions=workflow.allowed_actions(ClaimFactory(status=S.SUBMITTED), reviewer),
    )
    assert not form.is_valid()
    assert form.errors["action"] == ["Choose one of the decisions offered."]


def test_revision_form_offers_the_revisions_allowed_actions(reviewer):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=reviewer, expected_version=1, data={"fields": {"title": "X"}}
    )
    form = RevisionDecisionForm(actions=workflow.allowed_actions(revision, reviewer))
    assert [value for value, _label in form.fields["action"].widget.choices] == ["reject"]


def test_approve_still_refuses_ones_own_entry_without_any_form(reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, last_edited_by=reviewer, cited=True)
    with pytest.raises(workflow.TransitionRefused, match="second reviewer"):
        workflow.approve(claim, by=reviewer)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_approve_still_refuses_a_claim_without_provenance_without_any_form(reviewer):
    claim = ClaimFactory(status=S.SUBMITTED)
    CitationFactory(claim=claim, source=SourceFactory(url=""))
    with pytest.raises(workflow.TransitionRefused, match="cannot be published yet"):
        workflow.approve(claim, by=reviewer)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_approve_revision_still_refuses_its_proposer_without_any_form(reviewer):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=reviewer, expected_version=1, data={"fields": {"title": "X"}}
    )
    with pytest.raises(workflow.TransitionRefused, match="second reviewer"):
        workflow.approve_revision(revision, by=reviewer, correction_note="Mine.")


def test_a_crafted_approval_of_ones_own_entry_is_refused_through_the_page(client, reviewer):
    from django.urls import reverse

    claim = ClaimFactory(status=S.SUBMITTED, created_by=reviewer, cited=True)
    client.force_login(reviewer)
    response = client.post(
        reverse("review:claim", args=[claim.pk]), {"action": "approve", "version": claim.version}
    )
    assert response.status_code == 200
    assert FOUR_EYES in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED
