from tests.browser.helpers import login
from tests.browser.pages import DEPORTATION_CLAIM
from tests.factories import SourceFactory
from tracker import workflow
from tracker.models import Claim, ModerationStatus, Source

TITLE = "Families denied visits to detainees at CECOT"


def create_claim(page, existing_source: Source) -> None:
    page.goto("/en/workspace/claims/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Families say they have not been allowed to visit since 2023.")
    page.locator("#id_country").fill("El Salvador")
    page.locator("#id_citations-0-source").select_option(str(existing_source.pk))
    page.locator("#id_citations-0-quote").fill("No visits are allowed.")
    page.locator("#id_citations-1-new_source_title").fill("Interview with a detainee's mother")
    page.locator("#id_citations-1-new_source_url").fill("https://example.org/interview")
    page.locator("button[name=save]").click()
    page.wait_for_url("**/workspace/claims/*/edit/")


def decide(page, claim: Claim, action: str, comment: str = "") -> None:
    page.goto("/en/review/")
    page.get_by_role("link", name=claim.title).click()
    page.locator(f"input[name=action][value={action}]").check()
    page.locator("#id_comment").fill(comment)
    page.locator("form:has(input[name=action]) button[type=submit]").click()
    page.wait_for_load_state()


def test_contributor_creates_claim_with_new_source_and_submits(page, demo_users):
    existing = SourceFactory(title="Report on CECOT")
    login(page, "contributor", "contributor-demo-2026")

    create_claim(page, existing)
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_url("**/en/workspace/claims/*/")

    claim = Claim.objects.get(title=TITLE)
    assert claim.status == ModerationStatus.SUBMITTED
    assert claim.created_by == demo_users["contributor"]
    sources = {citation.source.title for citation in claim.citations.all()}
    assert sources == {"Report on CECOT", "Interview with a detainee's mother"}
    assert Source.objects.get(title="Interview with a detainee's mother").url == (
        "https://example.org/interview"
    )


def test_claim_goes_from_review_with_changes_to_public(new_page, demo_users):
    existing = SourceFactory(title="Report on CECOT")
    contributor, reviewer, public = new_page(), new_page(), new_page()
    login(contributor, "contributor", "contributor-demo-2026")
    login(reviewer, "reviewer", "reviewer-demo-2026")
    create_claim(contributor, existing)
    contributor.get_by_role("button", name="Save and submit for review").click()
    contributor.wait_for_url("**/en/workspace/claims/*/")
    claim = Claim.objects.get(title=TITLE)

    decide(reviewer, claim, "request_changes", "Say which months the visits stopped.")
    contributor.goto(f"/en/workspace/claims/{claim.pk}/edit/")
    assert "Say which months the visits stopped." in contributor.locator("main").text_content()
    contributor.locator("#id_summary").fill("Families say visits stopped in March 2023.")
    contributor.get_by_role("button", name="Save and submit for review").click()
    contributor.wait_for_url(f"**/en/workspace/claims/{claim.pk}/")
    decide(reviewer, claim, "approve")

    public.goto("/en/claims/")
    public.get_by_role("link", name=TITLE).click()
    public.wait_for_url(f"**/en/claims/{claim.pk}/")
    assert "visits stopped in March 2023" in public.locator("main").text_content()
    claim.refresh_from_db()
    assert claim.status == ModerationStatus.PUBLISHED


def test_correction_and_withdrawal_happen_in_the_open(new_page, demo_users, demo_data, log_in_as):
    claim = Claim.objects.get(slug=DEPORTATION_CLAIM)
    first_title = claim.title
    revision = workflow.propose_revision(
        claim,
        by=demo_users["contributor"],
        expected_version=claim.version,
        data={"fields": {"title": "More than 200 Venezuelans deported and held at CECOT"}},
    )
    reviewer, public = new_page(), new_page()
    log_in_as(reviewer, demo_users["reviewer"])

    reviewer.goto(f"/en/review/revisions/{revision.pk}/")
    reviewer.locator("input[name=action][value=approve]").check()
    reviewer.locator("main form button[type=submit]").click()
    reviewer.wait_for_load_state()
    assert (
        "public correction note" in reviewer.locator(".form-errors, .errorlist").first.inner_text()
    )
    reviewer.locator("#id_correction_note").fill("The title now gives the number of people.")
    reviewer.locator("main form button[type=submit]").click()
    reviewer.wait_for_load_state()

    public.goto(f"/en/claims/{claim.pk}/")
    correction = public.locator(".claim-header .correction")
    assert "Corrected on" in correction.inner_text()
    assert "The title now gives the number of people." in correction.inner_text()
    public.locator(".versions").get_by_role("link", name="Version 1").click()
    public.wait_for_url(f"**/en/claims/{claim.pk}/v/1/")
    assert public.locator("h1").inner_text() == first_title
    assert "the current version is" in public.locator(".version-banner").inner_text()

    reviewer.goto(f"/en/review/claims/{claim.pk}/")
    reviewer.locator("input[name=action][value=withdraw]").check()
    reviewer.locator("#id_comment").fill("Internal: asked by the family's lawyer.")
    reviewer.locator("#id_public_note").fill("Withdrawn at the request of the people concerned.")
    reviewer.locator("form:has(input[name=action]) button[type=submit]").click()
    reviewer.wait_for_load_state()

    response = public.goto(f"/en/claims/{claim.pk}/")
    assert response.status == 410
    notice = public.locator("main").inner_text()
    assert "Withdrawn at the request of the people concerned." in notice
    assert "family's lawyer" not in notice
