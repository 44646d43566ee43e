import datetime

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import LAYOUT_SHIFT
from tests.factories import IndicatorFactory, OrganizationFactory, SourceFactory, StatisticFactory

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.fixture
def two_series(transactional_db):
    """Two organisations' figures for one indicator."""
    indicator = IndicatorFactory(slug="deaths")
    for name, value, as_of in (("SJH", 301, (2024, 6, 10)), ("Cristosal", 261, (2024, 4, 1))):
        source = SourceFactory(organization=OrganizationFactory(name=name))
        StatisticFactory(
            indicator=indicator, source=source, value=value, as_of=datetime.date(*as_of)
        )
    return indicator


def test_indicator_chart_draws_under_a_strict_content_security_policy(two_series, page):
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    def with_csp(route):
        try:
            response = route.fetch()
            headers = {**response.headers, "content-security-policy": STRICT_CSP}
            route.fulfill(response=response, headers=headers)
        except PlaywrightError:  # the page closed while a request was under way
            pass

    page.route("**/*", with_csp)
    page.goto(f"/en/indicators/{two_series.slug}/")
    page.wait_for_function("!document.getElementById('indicator-chart').hidden")
    width = page.eval_on_selector("#indicator-chart-canvas", "canvas => canvas.width")
    page.unroute_all(behavior="ignoreErrors")  # no request of a later test goes through it
    assert width > 300
    assert problems == []


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]
)
def test_indicator_chart_appears_without_moving_the_page(two_series, new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto(f"/en/indicators/{two_series.slug}/")

    page.wait_for_function("!document.getElementById('indicator-chart').hidden")

    assert page.evaluate(LAYOUT_SHIFT) < 0.01
