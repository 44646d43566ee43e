"""Pages read in Spanish with Spanish content, and pages mixing the two languages, pass the axe
checks: every text in another language than the page's is marked with its own ``lang``."""

import pytest
from django.utils import translation

from tests.browser.helpers import assert_accessible
from tests.factories import CitationFactory, ClaimFactory
from tracker.models import Claim

KAST = "kast-toured-cecot-30-january-2026"
DEATHS = "deaths-in-state-custody-during-the-state-of-exception"


def claim_path(claim: Claim, language: str) -> str:
    with translation.override(language):
        return claim.get_absolute_url()


@pytest.mark.parametrize("slug", [DEATHS, KAST])
def test_a_spanish_claim_page_with_spanish_content_passes_axe(page, demo_data, axe_source, slug):
    claim = Claim.objects.get(slug=slug)
    page.goto(claim_path(claim, "es"))

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == claim.title_es
    assert page.locator("h1").get_attribute("lang") is None
    assert_accessible(page, axe_source)


def test_an_english_page_of_a_claim_written_in_spanish_links_to_its_original(
    page, demo_data, axe_source
):
    claim = Claim.objects.get(slug=KAST)
    page.goto(claim_path(claim, "en"))

    notice = page.locator(".language-notice").first
    assert "Translated from Spanish" in notice.inner_text()
    notice.get_by_role("link", name="see the original").click()
    page.wait_for_load_state()
    assert page.url.endswith(claim_path(claim, "es"))
    assert_accessible(page, axe_source)


def test_a_spanish_page_of_an_english_only_claim_marks_its_language(page, demo_data, axe_source):
    claim = ClaimFactory(title="Only in English here", summary="English words only.")
    CitationFactory(claim=claim)
    page.goto(claim_path(claim, "es"))

    assert page.locator("h1").get_attribute("lang") == "en"
    assert "Solo en inglés" in page.locator(".language-notice").first.inner_text()
    assert_accessible(page, axe_source)


def test_the_spanish_claim_list_with_spanish_content_passes_axe(page, demo_data, axe_source):
    page.goto("/es/claims/?q=detenidos")

    assert page.locator(".card").count() >= 1
    assert_accessible(page, axe_source)
