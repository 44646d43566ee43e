import pytest

from tests.browser.pages import page_path
from tracker.models import Tip

FOCUS_STYLE = """e => {
  const style = getComputedStyle(e);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_until(page, selector: str, limit: int = 30) -> bool:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return True
    return False


@pytest.mark.parametrize("selector", ["#home-search", "#language-select"])
def test_tab_reaches_control_with_visible_focus(page, demo_data, selector):
    page.goto(page_path("home", "en"))

    assert tab_until(page, selector)
    assert page.locator(selector).evaluate(FOCUS_STYLE)


def test_skip_link_is_first_and_shown_on_focus(page, demo_data):
    page.goto(page_path("home", "en"))

    page.keyboard.press("Tab")

    skip_link = page.locator(".skip-link")
    assert skip_link.evaluate("e => e === document.activeElement")
    assert skip_link.bounding_box()["x"] >= 0
    assert skip_link.evaluate(FOCUS_STYLE)


def test_skip_link_moves_focus_to_main(page, demo_data):
    page.goto(page_path("home", "en"))
    page.keyboard.press("Tab")

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_keyboard_search_from_home(page, demo_data):
    page.goto(page_path("home", "en"))
    assert tab_until(page, "#home-search")

    page.keyboard.type("CECOT")
    page.keyboard.press("Enter")

    page.wait_for_url("**/en/claims/?q=CECOT")


def test_keyboard_language_switch(page, demo_data):
    page.goto(page_path("claim_list", "en"))
    assert tab_until(page, "#language-select")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    page.wait_for_url("**/es/claims/")


def test_keyboard_filter_form_reaches_results(page, demo_data):
    page.goto(page_path("claim_list", "en"))
    # Past the skip links, the menu, the search box and the filters before the sort order.
    assert tab_until(page, "#id_sort", limit=45)

    page.keyboard.press("End")  # the last sort order, chosen with the keyboard
    assert tab_until(page, ".filter-form button[type=submit]", limit=3)
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/claims/?*sort=relevance*")
    assert tab_until(page, ".list-main .card-title a", limit=60)

    page.keyboard.press("Enter")
    page.wait_for_url("**/en/claims/*/")


def test_keyboard_tip_form_sends_tip(page, demo_data):
    page.goto(page_path("tip_form", "es"))
    assert tab_until(page, "#id_what")

    page.keyboard.type("Detainees at CECOT have had no visits since March 2023.")
    page.keyboard.press("Tab")
    page.keyboard.type("CECOT")
    assert tab_until(page, "main form button[type=submit]", limit=6)
    page.keyboard.press("Enter")

    page.wait_for_url("**/es/report/thanks/")
    assert Tip.objects.get().where == "CECOT"
