import datetime
import os

import pytest

from tests.factories import IndicatorFactory, OrganizationFactory, SourceFactory, StatisticFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.fixture
def two_series():
    """Two organisations' figures for one indicator, created before the browser starts.

    Database calls made while Playwright's sync API runs its event loop would open a connection
    that the test database teardown cannot close.
    """
    indicator = IndicatorFactory(slug="deaths")
    for name, value, as_of in (("SJH", 301, (2024, 6, 10)), ("Cristosal", 261, (2024, 4, 1))):
        source = SourceFactory(organization=OrganizationFactory(name=name))
        StatisticFactory(
            indicator=indicator, source=source, value=value, as_of=datetime.date(*as_of)
        )
    return indicator


@pytest.fixture
def browser_page():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_indicator_chart_draws_under_a_strict_content_security_policy(
    two_series, live_server, browser_page
):
    problems = []
    browser_page.on("console", lambda message: problems.append(message.text))
    browser_page.on("pageerror", lambda error: problems.append(str(error)))

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    browser_page.route("**/*", with_csp)
    browser_page.goto(f"{live_server.url}/en/indicators/{two_series.slug}/")
    browser_page.wait_for_function("!document.getElementById('indicator-chart').hidden")
    width = browser_page.eval_on_selector("#indicator-chart-canvas", "canvas => canvas.width")
    assert width > 300
    assert problems == []
