"""The review page: the entry as it will be published, beside its sources with their private
details, its pending revisions and history; provenance and four eyes known before the click;
the page after a decision."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import workflow
from tracker.models import (
    Citation,
    Claim,
    DatePrecision,
    Location,
    ModerationStatus,
    Qualifier,
    Revision,
    Source,
)

pytestmark = pytest.mark.django_db
S = ModerationStatus
FOUR_EYES = "You created or last edited this entry: a second reviewer must approve it."


def review_url(entry) -> str:
    return reverse(f"review:{entry._meta.model_name}", args=[entry.pk])


def main_of(response) -> str:
    body = response.content.decode()
    return body[body.index('<main id="main"') : body.index("</main>")]


def approve_radio(body: str) -> bool:
    return bool(re.search(r'<input type="radio" name="action" value="approve"', body))


@pytest.fixture
def claim(contributor):
    """A submitted claim with every part the public body shows, and private details."""
    claim = ClaimFactory(
        status=S.SUBMITTED,
        created_by=contributor,
        last_edited_by=contributor,
        title="Deaths in custody at Izalco",
        country="SV",
        location=LocationFactory(name="Izalco prison", kind=Location.Kind.FACILITY, country="SV"),
        place_details="Izalco Fase III",
        event_start=datetime.date(2022, 3, 27),
        date_precision=DatePrecision.MONTH,
        ongoing=True,
        victim_count=12,
        categories=[CategoryFactory(name="Death in custody")],
        private_notes="Call the family lawyer before publishing.",
        victim_identities="J. P., aged 43",
    )
    CitationFactory(
        claim=claim,
        source=SourceFactory(title="Autopsy report", url="https://example.org/autopsy"),
        quote="Signs of blunt trauma.",
        locator="p. 7",
    )
    CitationFactory(
        claim=claim,
        source=SourceFactory(title="Witness statement", url="", confidential=True),
        quote="I saw the guards beat him.",
        locator="minute 12",
    )
    return claim


def test_review_page_renders_the_claim_as_it_will_be_published(client, reviewer, claim):
    client.force_login(reviewer)
    response = client.get(review_url(claim))
    preview = main_of(response).split('class="preview claim"')[1].split('class="review-side"')[0]
    assert "As it will be published" in preview
    assert "<h1>Deaths in custody at Izalco</h1>" in preview
    assert '<span class="tag">Death in custody</span>' in preview
    assert "from March 2022 onwards" in preview
    assert "Izalco prison</a>, El Salvador (Izalco Fase III)" in preview
    assert "El Salvador El Salvador" not in main_of(response)
    assert "Confidential source on file" in preview
    # The public body never shows a confidential source's words or its private details.
    assert "I saw the guards beat him." not in preview
    assert "Witness statement" not in preview
    assert "Call the family lawyer" not in preview


def test_review_page_shows_a_claims_texts_in_both_languages(client, reviewer, claim):
    claim.title_es = "Muertes bajo custodia en Izalco"
    claim.summary_es = "Doce personas murieron."
    claim.save()
    client.force_login(reviewer)
    side = main_of(client.get(review_url(claim))).split('id="languages-heading"')[1]
    side = side.split("</section>")[0]
    assert '<dd lang="es">Muertes bajo custodia en Izalco</dd>' in side
    assert "Doce personas murieron." in side
    assert "El Salvador · Izalco prison · Izalco Fase III" in side
    # A claim's panel, not a figure's.
    assert "Indicator" not in side and "Reported by" not in side
    assert main_of(client.get(review_url(claim))).count("Call the family lawyer") == 1


def test_review_page_and_public_page_share_the_public_body(client, reviewer, claim):
    client.force_login(reviewer)
    review = client.get(review_url(claim))
    assert "tracker/includes/claim_body.html" in [t.name for t in review.templates]
    workflow.approve(claim, by=reviewer)
    public = client.get(claim.get_absolute_url())
    assert "tracker/includes/claim_body.html" in [t.name for t in public.templates]


def test_review_page_shows_sources_with_their_private_details(client, reviewer, claim):
    client.force_login(reviewer)
    side = main_of(client.get(review_url(claim))).split('class="review-side"')[1]
    assert "Witness statement" in side
    assert '<span class="badge badge-confidential">Confidential</span>' in side
    assert "I saw the guards beat him." in side
    assert "minute 12" in side
    assert "Signs of blunt trauma." in side
    assert "p. 7" in side
    assert 'href="https://example.org/autopsy"' in side
    assert "Call the family lawyer before publishing." in side
    assert "J. P., aged 43" in side


def test_review_page_lists_pending_revisions_and_history(client, reviewer, contributor):
    published = ClaimFactory(created_by=contributor, cited=True)
    revision = workflow.propose_revision(
        published, by=contributor, expected_version=1, data={"fields": {"title": "Better"}}
    )
    client.force_login(reviewer)
    body = main_of(client.get(review_url(published)))
    assert reverse("review:revision", args=[revision.pk]) in body
    assert "proposed a correction" in body
    assert "As published" in body


def test_review_page_renders_a_figure_as_it_will_be_published(client, reviewer, contributor):
    statistic = StatisticFactory(
        status=S.SUBMITTED,
        created_by=contributor,
        qualifier=Qualifier.AT_LEAST,
        value=480,
        as_of=datetime.date(2025, 5, 1),
        as_of_precision=DatePrecision.MONTH,
        quote="At least 480 deaths.",
        locator="p. 2",
    )
    client.force_login(reviewer)
    response = client.get(review_url(statistic))
    assert "tracker/includes/statistic_body.html" in [t.name for t in response.templates]
    body = main_of(response)
    assert "at least 480" in body
    assert "May 2025" in body
    assert statistic.source.title in body.split('class="review-side"')[1]


def test_missing_provenance_is_listed_before_the_decision(client, reviewer, contributor):
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor)
    CitationFactory(claim=claim, source=SourceFactory(title="Rumour", url=""))
    client.force_login(reviewer)
    body = main_of(client.get(review_url(claim)))
    warning = body.index('class="notice provenance-warning"')
    assert warning < body.index('id="decision-heading"')
    assert "None of its sources has an address" in body[warning:]
    assert not approve_radio(body)
    assert (
        "<strong>Approve and publish</strong><br>This entry cannot be published yet: None of its"
        in body
    )
    assert '<span class="badge badge-untraceable">Not traceable</span>' in body


def test_complete_entry_shows_no_provenance_warning_and_offers_approval(client, reviewer, claim):
    client.force_login(reviewer)
    body = main_of(client.get(review_url(claim)))
    assert "provenance-warning" not in body
    assert approve_radio(body)


def test_own_entry_replaces_the_approve_choice_with_the_reason(client, claim):
    editor = make_user("reviewer")
    claim.last_edited_by = editor
    claim.save()
    client.force_login(editor)
    body = main_of(client.get(review_url(claim)))
    assert not approve_radio(body)
    assert f"<strong>Approve and publish</strong><br>{FOUR_EYES}" in body
    assert 'value="request_changes"' in body


def test_own_revision_replaces_the_approve_choice_with_the_reason(client, reviewer):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=reviewer, expected_version=1, data={"fields": {"title": "X"}}
    )
    client.force_login(reviewer)
    body = main_of(client.get(reverse("review:revision", args=[revision.pk])))
    assert not approve_radio(body)
    assert "You proposed this revision: a second reviewer must approve it." in body


def test_revision_removing_every_source_shows_the_provenance_warning(client, reviewer, contributor):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=contributor, expected_version=1, data={"citations": []}
    )
    client.force_login(reviewer)
    body = main_of(client.get(reverse("review:revision", args=[revision.pk])))
    assert 'class="notice provenance-warning"' in body
    assert "It cites no source." in body


def test_revision_page_previews_the_entry_as_it_will_be_published(client, reviewer, contributor):
    """The correction applied, shown with the public body and the staff's view of its sources,
    then rolled back: nothing of it is kept until a second person approves it."""
    claim = ClaimFactory(title="Approved wording", cited=True)
    kept = claim.citations.get()
    revision = workflow.propose_revision(
        claim,
        by=contributor,
        expected_version=claim.version,
        data={
            "fields": {"title": "Proposed wording"},
            "citations": [
                {"source": kept.source_id, "quote": "", "locator": "", "stance": "supports"},
                {
                    "source": None,
                    "new_source": {"title": "Inquest record", "url": "https://example.org/i"},
                    "quote": "",
                    "locator": "p. 2",
                    "stance": "supports",
                },
            ],
        },
    )
    counts = (Source.objects.count(), Citation.objects.count(), Claim.history.count())
    client.force_login(reviewer)
    body = main_of(client.get(reverse("review:revision", args=[revision.pk])))
    preview = body.split('class="preview claim"')[1].split('class="review-side"')[0]
    assert "As it will be published once this correction is approved" in preview
    assert "<h1>Proposed wording</h1>" in preview
    assert "Inquest record" in preview
    side = body.split('class="review-side"')[1]
    assert "Inquest record" in side and "p. 2" in side
    claim.refresh_from_db()
    assert claim.title == "Approved wording"
    assert (Source.objects.count(), Citation.objects.count(), Claim.history.count()) == counts
    assert Revision.objects.pending().get() == revision


def test_decided_revision_offers_no_decision(client, reviewer, contributor):
    revision = workflow.propose_revision(
        ClaimFactory(cited=True), by=contributor, expected_version=1, data={"fields": {}}
    )
    workflow.reject_revision(revision, by=reviewer, comment="Nothing changes.")
    client.force_login(reviewer)
    body = main_of(client.get(reverse("review:revision", args=[revision.pk])))
    assert 'name="action"' not in body


def test_review_page_escapes_what_staff_typed(client, reviewer, contributor):
    claim = ClaimFactory(
        status=S.SUBMITTED, created_by=contributor, title="<script>x()</script>", cited=True
    )
    CitationFactory(claim=claim, quote="<img src=x onerror=y()>")
    client.force_login(reviewer)
    body = main_of(client.get(review_url(claim)))
    assert "<script>x()" not in body
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=y()&gt;" in body


def test_approval_leads_to_the_public_page_and_the_next_item(client, reviewer, claim):
    own = ClaimFactory(status=S.SUBMITTED, created_by=reviewer, title="Mine")
    following = ClaimFactory(status=S.SUBMITTED, title="Next one", cited=True)
    claim_type = type(claim)
    claim_type.objects.filter(pk=own.pk).update(updated_at=claim.updated_at)
    client.force_login(reviewer)
    response = client.post(review_url(claim), {"action": "approve", "version": claim.version})
    decided = reverse("review:claim_decided", args=[claim.pk])
    assert response["Location"] == decided
    body = main_of(client.get(decided))
    assert "is now: Published." in body
    assert f'href="{claim.get_absolute_url()}"' in body
    assert f'href="{review_url(following)}" rel="next">Next in queue</a>' in body
    assert review_url(own) not in body


def test_rejection_leads_to_no_public_page(client, reviewer, claim):
    client.force_login(reviewer)
    client.post(review_url(claim), {"action": "reject", "comment": "Off topic.", "version": 1})
    body = main_of(client.get(reverse("review:claim_decided", args=[claim.pk])))
    assert "is now: Rejected." in body
    assert claim.get_absolute_url() not in body
    assert "Nothing else in the queue awaits your decision." in body


def test_revision_decision_leads_to_the_decided_page(client, reviewer, contributor):
    published = ClaimFactory(cited=True)
    revision = workflow.propose_revision(
        published, by=contributor, expected_version=1, data={"fields": {"title": "Corrected"}}
    )
    client.force_login(reviewer)
    response = client.post(
        reverse("review:revision", args=[revision.pk]),
        {"action": "approve", "correction_note": "The title was wrong."},
    )
    decided = reverse("review:revision_decided", args=[revision.pk])
    assert response["Location"] == decided
    body = main_of(client.get(decided))
    assert "is now: Approved." in body
    assert f'href="{published.get_absolute_url()}"' in body
    assert Revision.objects.get(pk=revision.pk).status == Revision.Status.APPROVED


def test_grade_change_stays_on_the_review_page(client, reviewer, claim):
    client.force_login(reviewer)
    url = review_url(claim)
    response = client.post(url, {"grade": "corroborated", "rationale": "Two NGOs.", "version": 1})
    assert response["Location"] == url


@pytest.mark.parametrize("kind", ["claim", "statistic", "revision"])
def test_decided_page_is_for_reviewers_only(client, contributor, reviewer, kind):
    items = {
        "claim": lambda: ClaimFactory(status=S.REJECTED, created_by=contributor),
        "statistic": lambda: StatisticFactory(status=S.REJECTED, created_by=contributor),
        "revision": lambda: workflow.propose_revision(
            ClaimFactory(cited=True), by=contributor, expected_version=1, data={"fields": {}}
        ),
    }
    url = reverse(f"review:{kind}_decided", args=[items[kind]().pk])
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(contributor)
    assert client.get(url).status_code == 403
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
