"""The Django admin works in a real Chromium under the production Content-Security-Policy."""

import pytest

from tests.browser.helpers import enter_second_factor
from tests.factories import CitationFactory, LocationFactory, make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture
def claim_citation(transactional_db):
    """An admin, a claim with a citation, and a place within another."""
    make_user("admin", username="csp-admin")
    citation = CitationFactory(quote="An excerpt to read")
    citation.claim.location = LocationFactory(name="Izalco prison", parent=LocationFactory())
    citation.claim.save()
    return citation


@pytest.fixture
def page(new_page):
    """A page that keeps its console messages, to find Content-Security-Policy reports."""
    page = new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    page.on("pageerror", lambda error: page.console_messages.append(str(error)))
    return page


def csp_violations(page) -> list[str]:
    return [text for text in page.console_messages if "Content Security Policy" in text]


def test_admin_logs_in_and_opens_a_change_form_without_csp_violations(claim_citation, page):
    citation = claim_citation
    # The admin's log-in page sends staff to theirs: password, then the second step.
    page.goto("/admin/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    enter_second_factor(page, "csp-admin")
    page.wait_for_url("**/admin/")
    place = citation.claim.location
    response = page.goto(f"/admin/tracker/location/{place.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The admin's own scripts ran: the autocomplete widget of the place's parent exists.
    assert page.locator(".select2-container").count() > 0
    assert page.input_value("input[name=name]") == "Izalco prison"
    # Claims are read-only in the admin, with links to the pages where the workflow changes them.
    page.goto(f"/admin/tracker/claim/{citation.claim.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert "An excerpt to read" in page.content()
    assert page.locator(f"a[href='/en/review/claims/{citation.claim.pk}/']").count() == 1
    assert csp_violations(page) == []
