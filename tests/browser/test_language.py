import datetime

import pytest
from django.utils import translation

from tests.browser.pages import page_path
from tests.factories import ClaimFactory
from tracker.models.base import DatePrecision


def test_language_switcher_opens_same_page_in_spanish(page, demo_data):
    page.goto(page_path("claim_list", "en"))

    page.locator("#language-select").select_option("es")
    page.locator(".language-switcher button[type=submit]").click()

    page.wait_for_url("**/es/claims/")
    assert page.locator("html").get_attribute("lang") == "es"


def test_language_switcher_returns_to_english(page, demo_data):
    page.goto(page_path("place", "es"))

    page.locator("#language-select").select_option("en")
    page.locator(".language-switcher button[type=submit]").click()

    page.wait_for_url("**/en/places/cecot/")
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize(
    ("browser_locale", "language"), [("es-SV", "es"), ("es-CL", "es"), ("en-US", "en")]
)
def test_root_follows_browser_language(new_page, demo_data, browser_locale, language):
    page = new_page(locale=browser_locale)

    page.goto("/")

    assert page.url.endswith(f"/{language}/")
    assert page.locator("html").get_attribute("lang") == language


def test_url_prefix_wins_over_browser_language(new_page, demo_data):
    page = new_page(locale="es-ES")

    page.goto(page_path("home", "en"))

    assert page.locator("html").get_attribute("lang") == "en"


def test_language_select_shows_each_language_in_its_own_language(page, demo_data):
    page.goto(page_path("home", "en"))

    options = page.locator("#language-select option")

    assert options.evaluate_all("options => options.map(o => o.lang)") == ["en", "es"]


@pytest.mark.parametrize(
    ("language", "capacity"), [("en", "40,000"), ("es", "40\N{NO-BREAK SPACE}000")]
)
def test_figures_grouped_in_reader_locale(page, demo_data, language, capacity):
    page.goto(page_path("place", language))

    assert capacity in page.locator("table").first.text_content()


@pytest.mark.parametrize(
    ("language", "date"), [("en", "Jan. 30, 2026"), ("es", "30 de enero de 2026")]
)
def test_dates_in_reader_locale(page, demo_data, language, date):
    page.goto(page_path("place", language))

    assert date in page.locator("main").text_content()


def test_approximate_date_in_spanish(page, transactional_db):
    claim = ClaimFactory(
        event_start=datetime.date(2022, 1, 1), date_precision=DatePrecision.APPROXIMATE
    )

    with translation.override("es"):
        page.goto(claim.get_absolute_url())

    assert "hacia 2022" in page.locator(".facts").text_content()


@pytest.mark.parametrize("language", ["en", "es"])
def test_header_keeps_the_language_switcher_beside_the_sites_name_on_a_laptop(
    new_page, demo_data, language
):
    """At 1366 px the site's name and the language switcher share the first row and the menu
    the second, in either language: longer Spanish words never push the switcher further."""
    page = new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"/{language}/")
    brand = page.locator(".brand").bounding_box()
    switcher = page.locator(".language-switcher").bounding_box()
    menu = page.get_by_role("navigation", name="Main" if language == "en" else "Principal")
    first_link = menu.get_by_role("link").first.bounding_box()
    assert abs((switcher["y"] + switcher["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 8
    assert first_link["y"] >= brand["y"] + brand["height"]
    assert page.locator(".site-header").bounding_box()["height"] < 110
