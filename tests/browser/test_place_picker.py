"""Staff set a place's coordinates in the admin by clicking a small map, or by typing them."""

from decimal import Decimal

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_map import STRICT_CSP
from tests.factories import LocationFactory, make_user


@pytest.fixture
def admin_page(new_page, log_in_as, transactional_db):
    page = new_page()
    page.problems = []
    page.on("console", lambda message: page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))

    def with_csp(route):
        try:
            response = route.fetch()
            headers = {**response.headers, "content-security-policy": STRICT_CSP}
            route.fulfill(response=response, headers=headers)
        except PlaywrightError:  # the page closed while a request was under way
            pass

    page.route("**/*", with_csp)
    log_in_as(page, make_user("admin"))
    return page


def test_a_click_on_the_map_fills_the_coordinates(admin_page):
    place = LocationFactory(name="Izalco prison", country="SV")
    page = admin_page
    page.goto(f"/admin/tracker/location/{place.pk}/change/")
    picker = page.locator("#place-picker")
    picker.wait_for()
    assert page.input_value("#id_latitude") == ""
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2 + 30, "y": box["height"] / 2 - 20})
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    # The map opens over El Salvador; the click was just east and north of its middle.
    assert 13.7 < latitude < 15 and -88.9 < longitude < -87
    assert page.locator("#place-picker path.leaflet-interactive").count() == 1
    page.locator("input[name=_save]").click()
    page.locator(".messagelist .success").wait_for()
    place.refresh_from_db()
    assert place.latitude == Decimal(f"{latitude:.5f}")
    assert place.longitude == Decimal(f"{longitude:.5f}")
    assert [text for text in page.problems if "Content Security Policy" in text] == []


def test_typed_coordinates_out_of_range_are_refused(admin_page):
    place = LocationFactory(name="Somewhere", country="SV")
    page = admin_page
    page.goto(f"/admin/tracker/location/{place.pk}/change/")
    page.fill("#id_latitude", "95")
    page.fill("#id_longitude", "-88.8")
    page.locator("input[name=_save]").click()
    page.locator(".errornote").wait_for()
    assert "90" in page.locator(".field-latitude .errorlist").inner_text()
    place.refresh_from_db()
    assert place.latitude is None
