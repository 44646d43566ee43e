"""The Django admin works in a real Chromium under the production Content-Security-Policy."""

import pytest

from tests.browser.helpers import enter_second_factor
from tests.factories import CitationFactory, make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture
def claim_citation(roles):
    """An admin and a claim with a citation."""
    make_user("admin", username="csp-admin")
    return CitationFactory(quote="An excerpt to edit")


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
    response = page.goto(f"/admin/tracker/claim/{citation.claim.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The admin's own scripts ran: autocomplete widgets and the inline's "add" link exist.
    assert page.locator(".select2-container").count() > 0
    assert page.locator(".add-row a").count() == 1
    assert page.input_value("textarea[name=citations-0-quote]") == "An excerpt to edit"
    assert csp_violations(page) == []
