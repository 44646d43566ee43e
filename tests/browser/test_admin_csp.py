"""The Django admin works in a real Chromium under the production Content-Security-Policy."""

import os

import pytest

from tests.factories import CitationFactory, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def claim_citation(transactional_db):
    """An admin and a claim with a citation, created before the browser starts.

    While Playwright's event loop runs, the ORM would open a connection of its own that nothing
    closes, and the test database could not be dropped at the end.
    """
    make_user("admin", username="csp-admin")
    return CitationFactory(quote="An excerpt to edit")


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context()
        page = context.new_page()
        page.console_messages = []
        page.on("console", lambda message: page.console_messages.append(message.text))
        page.on("pageerror", lambda error: page.console_messages.append(str(error)))
        yield page
        context.close()
        browser.close()


def csp_violations(page) -> list[str]:
    return [text for text in page.console_messages if "Content Security Policy" in text]


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs Debian's chromium")
def test_admin_logs_in_and_opens_a_change_form_without_csp_violations(
    live_server, claim_citation, page
):
    citation = claim_citation
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    response = page.goto(f"{live_server.url}/admin/tracker/claim/{citation.claim.pk}/change/")
    page.wait_for_load_state("networkidle")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The admin's own scripts ran: autocomplete widgets and the inline's "add" link exist.
    assert page.locator(".select2-container").count() > 0
    assert page.locator(".add-row a").count() == 1
    assert page.input_value("textarea[name=citations-0-quote]") == "An excerpt to edit"
    assert csp_violations(page) == []
