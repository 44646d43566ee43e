import pytest

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    StatisticFactory,
    make_user,
)
from tracker import workflow
from tracker.models import (
    Claim,
    ModerationEvent,
    ModerationStatus,
    Revision,
    Source,
    Statistic,
    VerificationGrade,
)

pytestmark = pytest.mark.django_db
S = ModerationStatus


# What a withdrawal tells the public, beside the internal comment.
PUBLIC_NOTE = {"withdraw": {"public_note": "The source retracted its report."}}


def decide(action, entry, *, by, comment):
    """Take a reviewer's decision as the review page does, with a public note where one is due."""
    return getattr(workflow, action)(entry, by=by, comment=comment, **PUBLIC_NOTE.get(action, {}))


def draft_by(user, model=Claim):
    entry = ClaimFactory.build() if model is Claim else StatisticFactory.build()
    if model is Statistic:
        entry.indicator.save()
        entry.source.organization.save()
        entry.source.organization_id = entry.source.organization.pk
        entry.source.save()
        entry.source_id = entry.source.pk
        entry.indicator_id = entry.indicator.pk
        entry.organization_id = entry.source.organization.pk
    return workflow.create_draft(entry, by=user)


def test_create_draft_records_author_and_event(contributor):
    claim = draft_by(contributor)
    assert claim.status == S.DRAFT
    assert claim.created_by == contributor
    assert [e.action for e in workflow.history(claim)] == ["create"]


def test_full_path_submit_then_approve(contributor, reviewer):
    claim = draft_by(contributor)
    CitationFactory(claim=claim)
    workflow.submit(claim, by=contributor)
    workflow.approve(claim, by=reviewer, comment="Checked the sources.")
    claim.refresh_from_db()
    assert claim.status == S.PUBLISHED
    assert claim.published_at is not None
    events = list(workflow.history(claim))
    assert [(e.action, e.from_value, e.to_value) for e in events] == [
        ("create", "", S.DRAFT),
        ("submit", S.DRAFT, S.SUBMITTED),
        ("approve", S.SUBMITTED, S.PUBLISHED),
    ]
    assert events[-1].actor == reviewer
    assert events[-1].comment == "Checked the sources."


def test_statistic_goes_through_the_same_workflow(contributor, reviewer):
    statistic = draft_by(contributor, Statistic)
    workflow.submit(statistic, by=contributor)
    workflow.approve(statistic, by=reviewer)
    assert Statistic.objects.public().filter(pk=statistic.pk).exists()


def test_four_eyes_reviewer_cannot_approve_own_entry(reviewer):
    claim = draft_by(reviewer)
    workflow.submit(claim, by=reviewer)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(claim, by=reviewer)
    claim.refresh_from_db()
    assert claim.status == S.SUBMITTED


def test_four_eyes_last_editor_cannot_approve(contributor, reviewer):
    claim = draft_by(contributor)
    Claim.objects.filter(pk=claim.pk).update(last_edited_by=reviewer)
    claim.refresh_from_db()
    workflow.submit(claim, by=contributor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(claim, by=reviewer)


def test_contributor_cannot_approve(contributor):
    other = ClaimFactory(status=S.SUBMITTED)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(other, by=contributor)


@pytest.mark.parametrize("action", ["request_changes", "reject", "withdraw"])
def test_decisions_need_a_comment(reviewer, action):
    state = S.PUBLISHED if action == "withdraw" else S.SUBMITTED
    claim = ClaimFactory(status=state)
    with pytest.raises(workflow.TransitionRefused, match="comment"):
        decide(action, claim, by=reviewer, comment="  ")
    claim.refresh_from_db()
    assert claim.status == state


def test_transition_from_wrong_state_is_refused(reviewer):
    claim = ClaimFactory(status=S.DRAFT)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(claim, by=reviewer)
    assert not ModerationEvent.objects.exists()


def test_stale_copy_cannot_make_a_second_decision(reviewer, second_reviewer):
    claim = ClaimFactory(status=S.SUBMITTED)
    stale = Claim.objects.get(pk=claim.pk)
    workflow.reject(claim, by=reviewer, comment="No source.")
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(stale, by=second_reviewer)
    claim.refresh_from_db()
    assert claim.status == S.REJECTED


def test_set_verification_requires_rationale_and_records_it(reviewer):
    claim = ClaimFactory()
    with pytest.raises(workflow.TransitionRefused):
        workflow.set_verification(claim, by=reviewer, grade="verified", rationale="")
    workflow.set_verification(
        claim, by=reviewer, grade=VerificationGrade.DISPUTED, rationale="The ministry denies it."
    )
    claim.refresh_from_db()
    assert claim.verification == VerificationGrade.DISPUTED
    assert claim.verification_rationale == "The ministry denies it."
    event = workflow.history(claim).get()
    assert (event.kind, event.from_value, event.to_value) == (
        "verification",
        "unverified",
        "disputed",
    )


def test_contributor_cannot_set_verification(contributor):
    claim = ClaimFactory()
    with pytest.raises(workflow.TransitionRefused):
        workflow.set_verification(claim, by=contributor, grade="verified", rationale="Sure.")


# --- Every transition, allowed and refused, per role and state ---------------------------------

ALL_STATES = [s.value for s in S]
ALLOWED_FROM = {
    "submit": {S.DRAFT, S.CHANGES_REQUESTED},
    "retract_submission": {S.SUBMITTED},
    "approve": {S.SUBMITTED},
    "request_changes": {S.SUBMITTED},
    "reject": {S.SUBMITTED},
    "withdraw": {S.PUBLISHED},
}
TARGET = {
    "submit": S.SUBMITTED,
    "retract_submission": S.DRAFT,
    "approve": S.PUBLISHED,
    "request_changes": S.CHANGES_REQUESTED,
    "reject": S.REJECTED,
    "withdraw": S.WITHDRAWN,
}
AUTHOR_ACTIONS = {"submit", "retract_submission"}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", list(ALLOWED_FROM))
def test_transition_by_right_role_per_state(contributor, reviewer, action, state):
    claim = ClaimFactory(
        status=state, created_by=contributor, last_edited_by=contributor, cited=True
    )
    actor = contributor if action in AUTHOR_ACTIONS else reviewer
    if state in ALLOWED_FROM[action]:
        decide(action, claim, by=actor, comment="Because.")
        claim.refresh_from_db()
        assert claim.status == TARGET[action]
        event = workflow.history(claim).last()
        assert (event.action, event.from_value, event.to_value, event.actor) == (
            action,
            state,
            TARGET[action],
            actor,
        )
    else:
        with pytest.raises(workflow.TransitionRefused):
            decide(action, claim, by=actor, comment="Because.")
        claim.refresh_from_db()
        assert claim.status == state
        assert not workflow.history(claim).exists()


@pytest.mark.parametrize("action", ["approve", "request_changes", "reject", "withdraw"])
def test_reviewer_decisions_refused_for_contributors(contributor, action):
    state = S.PUBLISHED if action == "withdraw" else S.SUBMITTED
    claim = ClaimFactory(status=state)
    with pytest.raises(workflow.TransitionRefused, match="reviewers"):
        decide(action, claim, by=contributor, comment="Because.")
    claim.refresh_from_db()
    assert claim.status == state


def test_submit_refused_for_another_contributor(contributor):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.submit(claim, by=make_user("contributor"))


def test_retract_refused_for_reviewer_who_is_not_author(contributor, reviewer):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.retract_submission(claim, by=reviewer)


def test_create_draft_refused_without_permission():
    with pytest.raises(workflow.TransitionRefused):
        workflow.create_draft(ClaimFactory.build(), by=make_user("none"))


# --- Edits of drafts ---------------------------------------------------------------------------


def test_save_edit_by_owner_bumps_version_and_records_event(contributor):
    claim = draft_by(contributor)
    workflow.save_edit(
        claim, by=contributor, expected_version=1, data={"fields": {"title": "Sharper"}}
    )
    claim.refresh_from_db()
    assert (claim.title, claim.version, claim.last_edited_by) == ("Sharper", 2, contributor)
    assert workflow.history(claim).last().action == "edit"


def test_save_edit_by_reviewer_makes_them_last_editor_so_they_cannot_approve(contributor, reviewer):
    claim = draft_by(contributor)
    workflow.save_edit(claim, by=reviewer, expected_version=1, data={"fields": {"title": "X"}})
    workflow.submit(claim, by=contributor)
    with pytest.raises(workflow.TransitionRefused, match="second reviewer"):
        workflow.approve(claim, by=reviewer)


def test_save_edit_refuses_stale_version(contributor):
    claim = draft_by(contributor)
    workflow.save_edit(claim, by=contributor, expected_version=1, data={"fields": {"title": "A"}})
    with pytest.raises(workflow.TransitionRefused, match="Someone else saved"):
        workflow.save_edit(
            claim, by=contributor, expected_version=1, data={"fields": {"title": "B"}}
        )
    claim.refresh_from_db()
    assert claim.title == "A"


def test_save_edit_refused_for_another_contributor(contributor):
    claim = draft_by(contributor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.save_edit(
            claim, by=make_user("contributor"), expected_version=1, data={"fields": {}}
        )


@pytest.mark.parametrize("state", [S.SUBMITTED, S.REJECTED, S.WITHDRAWN, S.PUBLISHED])
def test_save_edit_refused_outside_draft_states(contributor, state):
    claim = ClaimFactory(status=state, created_by=contributor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.save_edit(
            claim, by=contributor, expected_version=1, data={"fields": {"title": "Z"}}
        )


# --- Pending revisions -------------------------------------------------------------------------


NOTE = "The title now says what the source says."


def propose(claim, by, **fields):
    return workflow.propose_revision(
        claim, by=by, expected_version=claim.version, data={"fields": fields}
    )


def test_pending_revision_is_invisible_until_approved(contributor, reviewer):
    claim = ClaimFactory(title="Approved wording", cited=True)
    revision = propose(claim, contributor, title="Proposed wording")
    assert Claim.objects.public().get(pk=claim.pk).title == "Approved wording"
    workflow.approve_revision(revision, by=reviewer, correction_note=NOTE)
    assert Claim.objects.public().get(pk=claim.pk).title == "Proposed wording"
    assert [e.action for e in workflow.history(claim)] == ["propose_revision", "approve_revision"]


def test_rejecting_revision_keeps_published_version(contributor, reviewer):
    claim = ClaimFactory(title="Approved wording")
    revision = propose(claim, contributor, title="Proposed wording")
    workflow.reject_revision(revision, by=reviewer, comment="Not supported by the source.")
    revision.refresh_from_db()
    assert revision.status == Revision.Status.REJECTED
    assert Claim.objects.public().get(pk=claim.pk).title == "Approved wording"


def test_revision_with_citations_and_m2m_is_applied_on_approval(contributor, reviewer):
    claim = ClaimFactory()
    CitationFactory(claim=claim)
    category = CategoryFactory()
    data = {
        "fields": {},
        "m2m": {"categories": [category.pk]},
        "citations": [
            {
                "source": None,
                "new_source": {
                    "title": "Brand-new report",
                    "url": "https://example.org/new",
                    "kind": "report",
                },
                "quote": "q",
                "locator": "p. 1",
                "stance": "supports",
            }
        ],
    }
    revision = workflow.propose_revision(
        claim, by=contributor, expected_version=claim.version, data=data
    )
    assert not Source.objects.filter(title="Brand-new report").exists()
    workflow.approve_revision(revision, by=reviewer, correction_note=NOTE)
    assert [c.source.title for c in claim.citations.all()] == ["Brand-new report"]
    assert list(claim.categories.all()) == [category]


def test_revision_proposer_cannot_approve_it(reviewer):
    claim = ClaimFactory()
    revision = propose(claim, reviewer, title="Mine")
    with pytest.raises(workflow.TransitionRefused, match="second reviewer"):
        workflow.approve_revision(revision, by=reviewer, correction_note=NOTE)


def test_revision_decisions_refused_for_contributors(contributor):
    claim = ClaimFactory()
    revision = propose(claim, make_user("contributor"), title="Theirs")
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve_revision(revision, by=contributor, correction_note=NOTE)
    with pytest.raises(workflow.TransitionRefused):
        workflow.reject_revision(revision, by=contributor, comment="No.")


def test_reject_revision_needs_a_comment(contributor, reviewer):
    revision = propose(ClaimFactory(), contributor, title="T")
    with pytest.raises(workflow.TransitionRefused, match="comment"):
        workflow.reject_revision(revision, by=reviewer, comment=" ")


def test_revision_cannot_be_decided_twice(contributor, reviewer, second_reviewer):
    revision = propose(ClaimFactory(cited=True), contributor, title="T")
    workflow.approve_revision(revision, by=reviewer, correction_note=NOTE)
    with pytest.raises(workflow.TransitionRefused):
        workflow.reject_revision(revision, by=second_reviewer, comment="Late.")


def test_stale_revision_is_refused_after_another_was_approved(contributor, reviewer):
    claim = ClaimFactory(cited=True)
    first = propose(claim, contributor, title="First")
    second = propose(claim, contributor, title="Second")
    workflow.approve_revision(first, by=reviewer, correction_note=NOTE)
    with pytest.raises(workflow.TransitionRefused, match="changed after"):
        workflow.approve_revision(second, by=reviewer, correction_note=NOTE)
    assert Claim.objects.get(pk=claim.pk).title == "First"


def test_propose_revision_refused_on_unpublished_entry(contributor):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor)
    with pytest.raises(workflow.TransitionRefused):
        propose(claim, contributor, title="X")


# A decision taken on an entry loaded before another change moved its version is refused, even
# when the status (or grade) it was loaded with is still the current one.
def bump_version_by_grading(entry, reviewer) -> None:
    fresh = type(entry).objects.get(pk=entry.pk)
    workflow.set_verification(
        fresh, by=reviewer, grade=VerificationGrade.CORROBORATED, rationale="Two NGOs report it."
    )


def row_and_events(entry) -> tuple:
    current = type(entry).objects.get(pk=entry.pk)
    return (current.status, current.verification, current.version), ModerationEvent.objects.count()


@pytest.mark.parametrize(
    ("status", "decide"),
    [
        (S.SUBMITTED, lambda entry, by: workflow.approve(entry, by=by)),
        (S.SUBMITTED, lambda entry, by: workflow.reject(entry, by=by, comment="No source.")),
        (S.SUBMITTED, lambda entry, by: workflow.request_changes(entry, by=by, comment="Dates?")),
        (
            S.PUBLISHED,
            lambda entry, by: workflow.withdraw(
                entry, by=by, comment="Retracted.", public_note="The source retracted it."
            ),
        ),
    ],
    ids=["approve", "reject", "request_changes", "withdraw"],
)
def test_stale_decision_after_a_version_bump_is_refused_and_changes_nothing(
    reviewer, second_reviewer, status, decide
):
    # Cited, so that only the moved version can refuse the approval.
    claim = ClaimFactory(status=status, cited=True)
    stale = Claim.objects.get(pk=claim.pk)
    bump_version_by_grading(claim, reviewer)
    before = row_and_events(claim)
    assert stale.status == before[0][0]  # only the version moved
    with pytest.raises(workflow.TransitionRefused):
        decide(stale, second_reviewer)
    assert row_and_events(claim) == before


def test_stale_grade_after_a_version_bump_is_refused_and_changes_nothing(contributor, reviewer):
    claim = ClaimFactory(status=S.DRAFT, created_by=contributor, last_edited_by=contributor)
    stale = Claim.objects.get(pk=claim.pk)
    workflow.submit(Claim.objects.get(pk=claim.pk), by=contributor)
    before = row_and_events(claim)
    assert stale.verification == before[0][1]  # only the version (and status) moved
    with pytest.raises(workflow.TransitionRefused):
        workflow.set_verification(
            stale, by=reviewer, grade=VerificationGrade.VERIFIED, rationale="Checked."
        )
    assert row_and_events(claim) == before
