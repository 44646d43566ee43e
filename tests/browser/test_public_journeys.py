import pytest

from tests.browser.helpers import horizontal_overflow
from tests.browser.pages import DEPORTATION_CLAIM, PUBLIC_PAGES, page_path
from tracker.models import Claim, Location


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_journey_from_home_to_indicator(page, demo_data, language):
    claim = Claim.objects.get(slug=DEPORTATION_CLAIM)
    cecot = Location.objects.get(slug="cecot")
    page.goto(f"/{language}/")

    page.locator(f".site-header nav a[href='/{language}/claims/']").click()
    page.wait_for_url(f"**/{language}/claims/")
    page.get_by_role("link", name=claim.title).click()
    page.wait_for_url(f"**/{language}/claims/{claim.pk}/")
    page.locator(".facts").get_by_role("link", name=cecot.name).click()
    page.wait_for_url(f"**/{language}/places/cecot/")
    page.locator("table tbody tr").first.locator("td a").first.click()
    page.wait_for_url(f"**/{language}/statistics/*/")
    page.locator("main a[href*='/indicators/']").first.click()

    page.wait_for_url(f"**/{language}/indicators/*/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("table tbody tr").count() >= 1


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_phone_page_has_no_horizontal_scrolling(phone_page, demo_data, name, language):
    phone_page.goto(page_path(name, language))

    assert horizontal_overflow(phone_page) == 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_phone_navigation_fits_and_works(phone_page, demo_data, language):
    phone_page.goto(page_path("home", language))
    width = phone_page.viewport_size["width"]
    controls = phone_page.locator(".site-header a, .site-header select, .site-header button")

    boxes = [controls.nth(i).bounding_box() for i in range(controls.count())]
    phone_page.locator(f".site-header nav a[href='/{language}/claims/']").tap()

    assert all(box and box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)
    phone_page.wait_for_url(f"**/{language}/claims/")


def test_phone_touch_targets_are_large_enough(phone_page, demo_data):
    phone_page.goto(page_path("home", "en"))
    controls = phone_page.locator(
        ".site-header a, .site-header select, .site-header button, main button, main input"
    )

    small = [
        controls.nth(i).evaluate("e => e.outerHTML.slice(0, 80)")
        for i in range(controls.count())
        if controls.nth(i).bounding_box()["height"] < 24
    ]

    assert small == []
