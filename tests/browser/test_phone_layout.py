"""List pages on a phone: the results come first, the menu and the filters one tap away."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import PHONE

WIDE = {"width": 1366, "height": 900}
# Each list page with the first result it shows.
LISTS = {
    "public:claim_list": ".list-main .card",
    "public:statistic_list": ".list-main tbody tr",
    "public:organization_list": ".list-main .card",
}


def list_path(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", LISTS)
def test_phone_list_shows_first_result_above_the_fold(phone_page, demo_data, name, language):
    phone_page.goto(list_path(name, language))

    first = phone_page.locator(LISTS[name]).first.bounding_box()

    assert first is not None
    assert first["y"] + 40 < PHONE["height"]
    assert not phone_page.locator(".filter-form").is_visible()
    assert not phone_page.locator(".site-header nav").is_visible()


@pytest.mark.parametrize("name", LISTS)
def test_phone_filters_open_with_one_tap_and_apply(phone_page, demo_data, name):
    phone_page.goto(list_path(name, "en"))

    assert not phone_page.locator("#id_q").is_visible()
    phone_page.locator(".filter-panel-toggle").tap()
    assert phone_page.locator("#id_q").is_visible()
    phone_page.locator("#id_q").fill("CECOT")
    phone_page.locator(".filter-form button[type=submit]").tap()

    phone_page.wait_for_url("**q=CECOT**")
    # The search is applied: shown as an active filter, and what was typed is kept.
    assert phone_page.locator(".chip").filter(has_text="CECOT").count() == 1
    assert phone_page.locator("#id_q").input_value() == "CECOT"


def test_phone_filters_work_without_javascript(new_page, demo_data):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page.goto(list_path("public:claim_list", "en"))

    page.locator(".filter-panel-toggle").tap()

    assert page.locator("#id_q").is_visible()


@pytest.mark.parametrize("name", LISTS)
def test_wide_list_shows_menu_and_filters_without_a_tap(new_page, demo_data, name):
    page = new_page(viewport=WIDE)
    page.goto(list_path(name, "en"))

    assert page.locator(".filter-form #id_q").is_visible()
    assert page.locator(".filter-form button[type=submit]").is_visible()
    assert not page.locator(".filter-panel-toggle").is_visible()
    assert not page.locator(".site-menu-toggle").is_visible()
    assert page.locator(".site-header nav a").first.is_visible()
    assert page.locator("#language-select").is_visible()
