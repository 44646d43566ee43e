import csv
from pathlib import Path

import pytest

from tests.browser.helpers import horizontal_overflow
from tests.browser.pages import DEPORTATION_CLAIM, PUBLIC_PAGES, page_path
from tracker.models import Claim, Location

DEATHS_CLAIM = "deaths-in-state-custody-during-the-state-of-exception"


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_journey_from_home_to_indicator(page, demo_data, language):
    claim = Claim.objects.get(slug=DEPORTATION_CLAIM)
    cecot = Location.objects.get(slug="cecot")
    page.goto(f"/{language}/")

    page.locator(f".site-header nav a[href='/{language}/claims/']").click()
    page.wait_for_url(f"**/{language}/claims/")
    # The demo claims are in both languages: each page shows its own.
    page.get_by_role("link", name=claim.texts("title")[language]).click()
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
    phone_page.locator(".site-menu-toggle").tap()
    controls = phone_page.locator(".site-header a, .site-header select, .site-header button")

    boxes = [controls.nth(i).bounding_box() for i in range(controls.count())]
    phone_page.locator(f".site-header nav a[href='/{language}/claims/']").tap()

    assert all(box and box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)
    phone_page.wait_for_url(f"**/{language}/claims/")


def test_phone_touch_targets_are_large_enough(phone_page, demo_data):
    phone_page.goto(page_path("home", "en"))
    phone_page.locator(".site-menu-toggle").tap()
    controls = phone_page.locator(
        ".site-header a, .site-header select, .site-header button, .site-header summary, "
        "main button, main input"
    )

    small = [
        controls.nth(i).evaluate("e => e.outerHTML.slice(0, 80)")
        for i in range(controls.count())
        if controls.nth(i).bounding_box()["height"] < 24
    ]

    assert small == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_search_filter_and_download_csv(page, demo_data, language):
    page.goto(f"/{language}/")
    page.locator("#home-search").fill("juridico")
    page.locator("#home-search").press("Enter")
    page.wait_for_url("**/claims/?q=juridico")
    assert "Jurídico" in page.locator(".list-main").text_content()

    page.locator(".chip-clear").click()
    page.locator("a.facet-link[href*='grade=corroborated']").click()
    page.wait_for_url("**grade=corroborated**")
    page.locator("a.facet-link[href*='place=cecot']").click()
    page.wait_for_url("**place=cecot**")
    shown = page.locator(".list-main .card-title a").all_text_contents()
    with page.expect_download() as download_info:
        page.locator(".downloads a[type='text/csv']").click()
    rows = list(csv.DictReader(Path(download_info.value.path()).read_text("utf-8").splitlines()))
    page.get_by_role("link", name=shown[0]).click()

    expected = Claim.objects.public().filter(verification="corroborated", location__slug="cecot")
    assert Claim.objects.public().count() > len(rows) > 0
    assert sorted(int(row["id"]) for row in rows) == sorted(claim.pk for claim in expected)
    assert {(row["verification"], row["place"]) for row in rows} == {("corroborated", "cecot")}
    # The CSV holds both languages; the page shows its own.
    title_column = "title" if language == "en" else f"title_{language}"
    assert sorted(row[title_column] for row in rows) == sorted(shown)
    page.wait_for_url(f"**/{language}/claims/*/")
    assert page.locator("h1").text_content() == shown[0]


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_claim_to_indicator_chart(page, demo_data, language):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    claim = Claim.objects.get(slug=DEATHS_CLAIM)
    page.goto(f"/{language}/claims/{claim.pk}/")

    page.locator("#related-heading ~ * a[href*='/indicators/']").first.click()
    page.wait_for_url(f"**/{language}/indicators/*/")
    page.wait_for_function("!document.getElementById('indicator-chart').hidden")
    page.wait_for_timeout(300)  # the chart's entry animation

    painted = page.eval_on_selector(
        "#indicator-chart-canvas",
        """canvas => {
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          return pixels.data.filter((value, index) => index % 4 === 3 && value > 0).length;
        }""",
    )
    assert painted > 1000
    assert problems == []


def test_phone_stacked_table_labels_stay_in_their_cells(phone_page, demo_data):
    phone_page.goto(page_path("indicator", "es"))

    overflowing = phone_page.eval_on_selector_all(
        ".stack-table td, .stack-table th[scope=row]",
        "cells => cells.filter(c => c.scrollHeight > c.clientHeight + 1).map(c => c.dataset.label)",
    )

    assert overflowing == []
