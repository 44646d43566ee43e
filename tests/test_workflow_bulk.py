"""The workflow in bulk records what the transitions record, entry by entry."""

import pytest

from tests.factories import CitationFactory, ClaimFactory, SourceFactory
from tracker import workflow
from tracker.models import Claim, ModerationStatus, VerificationGrade
from tracker.workflow import bulk

pytestmark = pytest.mark.django_db
S = ModerationStatus


def recorded(entry) -> list[tuple]:
    return [(e.kind, e.action, e.from_value, e.to_value) for e in workflow.history(entry)]


def planned(steps) -> list[tuple]:
    return [(s.kind, s.action, s.from_value, s.to_value) for s in steps]


def imported(contributor) -> Claim:
    claim = ClaimFactory.build(status=S.DRAFT)
    workflow.import_draft(claim, by=contributor, comment="From a spreadsheet.")
    CitationFactory(claim=claim)
    return claim


def test_trail_of_an_imported_draft_is_what_import_draft_records(contributor):
    claim = imported(contributor)
    assert planned(bulk.trail(S.DRAFT, start=bulk.IMPORT)) == recorded(claim)


def test_trail_of_a_submitted_entry_is_what_submit_records(contributor):
    claim = imported(contributor)
    workflow.submit(claim, by=contributor)
    assert planned(bulk.trail(S.SUBMITTED, start=bulk.IMPORT)) == recorded(claim)


def test_trail_of_a_rejected_entry_is_what_reject_records(contributor, reviewer):
    claim = imported(contributor)
    workflow.submit(claim, by=contributor)
    workflow.reject(claim, by=reviewer, comment="No source.")
    assert planned(bulk.trail(S.REJECTED, start=bulk.IMPORT)) == recorded(claim)


@pytest.mark.parametrize("grade", [VerificationGrade.UNVERIFIED, VerificationGrade.VERIFIED])
def test_trail_of_a_published_entry_is_what_a_trusted_publication_records(grade):
    claim = ClaimFactory.build(status=S.DRAFT)
    source = SourceFactory(url="https://example.org/report")

    def with_citation(entry):
        CitationFactory(claim=entry, source=source)

    workflow.load_draft(claim, comment="x")
    with_citation(claim)
    workflow.publish_from_trusted_source(claim, grade=grade, rationale="Checked.", comment="x")
    assert planned(bulk.trail(S.PUBLISHED, grade)) == recorded(claim)


def test_trail_of_a_withdrawn_entry_is_what_withdraw_records(reviewer):
    claim = ClaimFactory.build(status=S.DRAFT)
    workflow.load_draft(claim, comment="x")
    CitationFactory(claim=claim)
    workflow.publish_from_trusted_source(
        claim, grade=VerificationGrade.DISPUTED, rationale="Denied.", comment="x"
    )
    workflow.withdraw(claim, by=reviewer, comment="Retracted.", public_note="Retracted.")
    assert planned(bulk.trail(S.WITHDRAWN, VerificationGrade.DISPUTED)) == recorded(claim)


def test_imported_draft_values_check_the_permission_once(contributor):
    from tests.factories import make_user

    with pytest.raises(workflow.TransitionRefused):
        bulk.imported_draft_values(Claim, make_user("none"))
    assert bulk.imported_draft_values(Claim, contributor)["status"] == S.DRAFT
