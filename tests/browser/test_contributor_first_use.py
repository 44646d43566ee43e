"""A new contributor's first visit, on a phone and on a desktop: the empty workspace says where
to start; a new claim starts in the default country, chosen by typing; it is saved and submitted
in one step; a spreadsheet's dry run shows what each row was read as, and links to the drafts.

Screenshots of the empty workspace and of the dry run are kept in the system's temporary
directory, to look at the layout."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_accessible, horizontal_overflow
from tests.factories import CategoryFactory, LocationFactory, SourceFactory
from tests.test_import import good_row, sheet
from tracker.models import Claim, ModerationStatus

LAPTOP = {"width": 1366, "height": 900}
SCREENS = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": LAPTOP},
}
SHOTS = Path(tempfile.gettempdir())
TITLE = "Families denied visits to detainees at CECOT"


def fits(page) -> None:
    assert horizontal_overflow(page) == 0, f"{page.url} is wider than the screen"


@pytest.mark.parametrize("screen", SCREENS)
def test_new_contributor_finds_the_way_from_an_empty_workspace(
    new_page, demo_users, log_in_as, axe_source, screen
):
    CategoryFactory(name="Torture", slug="torture")
    LocationFactory(name="CECOT", slug="cecot", country="SV")
    existing = SourceFactory(title="Report on CECOT")
    page = new_page(**SCREENS[screen])
    log_in_as(page, demo_users["contributor"])

    # An empty workspace says where to start, and nothing else.
    page.goto("/en/workspace/")
    expect(page.get_by_role("heading", name="Where to start")).to_be_visible()
    assert "None." not in page.locator("main").text_content()
    assert_accessible(page, axe_source)
    fits(page)
    page.screenshot(path=SHOTS / f"firstuse-workspace-empty-{screen}.png", full_page=True)

    # A new claim: the default country is there, and another is found by typing its name.
    page.locator(".empty-state").get_by_role("link", name="New claim").click()
    country = page.get_by_role("combobox", name="Country")
    expect(country).to_have_value("El Salvador")
    assert page.locator(f"datalist#{country.get_attribute('list')} option").count() > 200
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Families say they have not been allowed to visit since 2023.")
    country.fill("guatemala")
    page.locator("#id_citations-0-source").select_option(str(existing.pk))
    page.get_by_role("button", name="Add another citation").click()
    expect(page.locator("#citation-3")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    page.locator("#id_citations-2-new_source_title").fill("Interview with a detainee's mother")
    page.locator("#id_citations-2-new_source_url").fill("https://example.org/interview")
    assert_accessible(page, axe_source)
    fits(page)

    # Saved and submitted in one step; the next step is the main action, not "Take back".
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_url("**/en/workspace/claims/*/")
    expect(page.get_by_text("Saved and submitted: a reviewer will look at it.")).to_be_visible()
    claim = Claim.objects.get(title=TITLE)
    assert (claim.status, claim.country.code) == (ModerationStatus.SUBMITTED, "GT")
    assert claim.citations.count() == 2
    assert page.get_by_role("link", name="New claim").get_attribute("class") == "button"
    assert "button-secondary" in page.get_by_role("button", name="Take back").get_attribute("class")
    assert_accessible(page, axe_source)
    fits(page)

    # The workspace now lists the submission, its title a link to it.
    page.goto("/en/workspace/")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/en/workspace/claims/{claim.pk}/")

    # A spreadsheet: its dry run shows what each row was read as.
    page.goto("/en/workspace/import/")
    page.locator("#id_file").set_input_files(
        {
            "name": "claims.csv",
            "mimeType": "text/csv",
            "buffer": sheet(good_row(1, country="EL SALVADOR"), good_row(2)),
        }
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/workspace/import/*/")
    table = page.locator("table.import-preview")
    expect(table).to_contain_text("CECOT, El Salvador (SV)")
    expect(table).to_contain_text("Torture")
    expect(page.locator("main")).to_contain_text("with 2 citations (2 new sources)")
    assert_accessible(page, axe_source)
    fits(page)
    page.screenshot(path=SHOTS / f"firstuse-import-dry-run-{screen}.png", full_page=True)

    # Once imported, the new drafts are a click away.
    page.get_by_role("button", name="Import these claims").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Imported claim 2").click()
    draft = Claim.objects.get(title="Imported claim 2")
    page.wait_for_url(f"**/en/workspace/claims/{draft.pk}/edit/")
    assert draft.status == ModerationStatus.DRAFT


def test_enter_saves_the_claim_and_enter_in_the_source_search_searches(page, demo_users, log_in_as):
    """Enter in a text box saves the draft (never the source search or "Add another citation",
    which come first in the form); Enter in the source search box runs the search."""
    cecot = SourceFactory(title="Report on CECOT")
    SourceFactory(title="Annual review of prisons")
    log_in_as(page, demo_users["contributor"])
    page.goto("/en/workspace/claims/new/")
    page.locator("#source-query").fill("CECOT")
    page.locator("#source-query").press("Enter")
    expect(page.get_by_text("The source lists below now show matches only.")).to_be_visible()
    options = page.locator("#id_citations-0-source option").all_text_contents()
    assert any("Report on CECOT" in text for text in options)
    assert not any("Annual review" in text for text in options)
    assert not Claim.objects.exists()

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("Families say they have not been allowed to visit since 2023.")
    page.locator("#id_citations-0-source").select_option(str(cecot.pk))
    page.locator("#id_title").press("Enter")
    expect(page.get_by_text("Draft saved. Submit it for review when ready.")).to_be_visible()
    claim = Claim.objects.get()
    assert claim.title == TITLE
    assert claim.status == ModerationStatus.DRAFT
