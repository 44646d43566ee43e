"""The claim map, a place's small map and the timeline, in a real Chromium under the production
Content-Security-Policy."""

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import LAYOUT_SHIFT, assert_accessible, horizontal_overflow

# The policy production sends (tracker.settings with DEBUG off), whatever the test settings say.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
MARKER = ".leaflet-marker-icon[data-feature]"


@pytest.fixture
def strict_page(new_page, demo_data):
    """A page that is served the strict policy and keeps its console messages and errors."""

    def open_page(**options):
        page = new_page(**options)
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
        return page

    return open_page


def csp_violations(page) -> list[str]:
    return [text for text in page.problems if "Content Security Policy" in text]


def script_errors(page) -> list[str]:
    # The site has no favicon: the browser's request for one is not the page's doing.
    return [text for text in page.problems if "favicon" not in text and "404" not in text]


def shown_claim_counts(page) -> dict[str, int]:
    """Each marker or group on the map: its label (a number of claims)."""
    page.wait_for_selector(".leaflet-marker-icon.map-marker")
    labels = page.locator(".leaflet-marker-icon.map-marker").all_inner_texts()
    return sorted(int(label.replace(",", "")) for label in labels)


def test_map_shows_the_demos_markers_at_their_places(strict_page):
    page = strict_page()
    page.goto("/en/claims/map/")
    page.wait_for_selector(".map-box.map-ready")
    page.wait_for_function("document.querySelector('.map-box').dataset.outlinesDrawn")
    # Every claim is on the map, in a marker or a group of close ones.
    assert sum(shown_claim_counts(page)) == 8
    page.goto("/en/claims/map/?place=cecot")
    marker = page.locator(MARKER)
    marker.wait_for()
    assert marker.get_attribute("data-feature") == "place:cecot"
    assert (marker.get_attribute("data-lat"), marker.get_attribute("data-lng")) == (
        "13.534",
        "-88.805",
    )
    assert marker.inner_text() == "3"
    # The marker is inside the map, where Leaflet put the point.
    box = page.locator(".map-box").bounding_box()
    point = marker.bounding_box()
    assert box["x"] < point["x"] < box["x"] + box["width"]
    assert box["y"] < point["y"] < box["y"] + box["height"]
    assert csp_violations(page) == []
    assert script_errors(page) == []


def test_a_filter_changes_the_markers(strict_page):
    page = strict_page()
    page.goto("/en/claims/map/")
    assert sum(shown_claim_counts(page)) == 8
    page.locator("#facet-category ~ ul a", has_text="Inhumane conditions").click()
    page.wait_for_url("**/claims/map/?category=inhumane-conditions")
    marker = page.locator(MARKER)
    marker.wait_for()
    assert marker.get_attribute("data-feature") == "place:cecot"
    assert shown_claim_counts(page) == [1]
    assert page.locator("#map-table tbody tr").count() == 1
    assert csp_violations(page) == []


def test_a_popup_link_opens_the_list_filtered_to_its_place(strict_page):
    page = strict_page()
    page.goto("/en/claims/map/?grade=unverified&country=SV")
    marker = page.locator('.leaflet-marker-icon[data-feature="place:cecot"]')
    marker.click()
    popup = page.locator(".leaflet-popup")
    popup.wait_for()
    assert "CECOT" in popup.inner_text()
    popup.get_by_role("link", name="List these claims").click()
    page.wait_for_url("**/en/claims/?grade=unverified&country=SV&place=cecot")
    assert page.locator(".result-count").inner_text() == "2 published claims match"
    assert page.locator("article.card").count() == 2


def test_the_timelines_bars_match_the_counts_and_filter(strict_page):
    page = strict_page()
    page.goto("/en/claims/")
    bars = page.locator(".timeline-link")
    counts = {
        bars.nth(index).get_attribute("data-period"): int(
            bars.nth(index).get_attribute("data-count")
        )
        for index in range(bars.count())
    }
    # The demo's dates span more than three years: a bar per year.
    assert counts == {"2022": 3, "2023": 0, "2024": 0, "2025": 1, "2026": 1}
    undated = int(page.locator(".timeline-undated a").get_attribute("data-count"))
    assert sum(counts.values()) + undated == 8
    page.locator('.timeline-link[data-period="2022"]').click()
    page.wait_for_url("**/en/claims/?year=2022")
    assert page.locator(".result-count").inner_text() == "3 published claims match"
    # Within one year, the bars are its months: the drill-down goes on.
    march = page.locator('.timeline-link[data-period="2022-03"]')
    assert march.get_attribute("data-count") == "3"
    march.click()
    page.wait_for_url("**/en/claims/?month=2022-03")
    assert page.locator(".result-count").inner_text() == "3 published claims match"
    assert march.get_attribute("aria-current") == "true"
    page.locator(".chip-clear").click()
    page.locator(".timeline-undated a").click()
    page.wait_for_url("**/en/claims/?year=none")
    assert page.locator("article.card").count() == undated
    assert csp_violations(page) == []


def test_place_page_draws_its_small_map(strict_page):
    page = strict_page()
    page.goto("/es/places/el-salvador/")
    marker = page.locator(MARKER)
    marker.wait_for()
    # El Salvador has no coordinates of its own: the country's centre.
    assert (marker.get_attribute("data-lat"), marker.get_attribute("data-lng")) == (
        "13.833",
        "-88.917",
    )
    assert marker.inner_text() == "6"
    assert csp_violations(page) == []
    assert script_errors(page) == []


def test_map_page_without_script_shows_the_table(new_page, demo_data):
    page = new_page(java_script_enabled=False)
    page.goto("/en/claims/map/")
    assert page.locator(".map-figure").is_hidden()
    assert page.locator("#map-table tbody tr").count() == 4
    page.locator("#map-table a", has_text="3 claims").first.click()
    assert page.locator(".result-count").inner_text() == "3 published claims match"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "path", ["/{language}/claims/map/", "/{language}/claims/", "/{language}/places/cecot/"]
)
def test_map_and_timeline_pages_pass_axe(strict_page, axe_source, language, path):
    page = strict_page()
    page.goto(path.format(language=language))
    if "claims/" not in path or "map" in path:
        page.wait_for_selector(".map-box.map-ready")
        # The attribution's links are told from its text by more than colour (axe's
        # link-in-text-block), whenever axe happens to meet them.
        links = page.locator(".leaflet-control-attribution a")
        assert links.count() >= 1
        decorations = links.evaluate_all(
            "links => links.map(a => getComputedStyle(a).textDecorationLine)"
        )
        assert all("underline" in decoration for decoration in decorations), decorations
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("language", ["en", "es"])
def test_map_works_at_phone_width(strict_page, axe_source, language):
    from tests.browser.conftest import PHONE

    page = strict_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"/{language}/claims/map/")
    page.wait_for_selector(".map-box.map-ready")
    assert sum(shown_claim_counts(page)) == 8
    box = page.locator(".map-box").bounding_box()
    assert box["width"] <= PHONE["width"]
    assert box["height"] >= 250
    assert horizontal_overflow(page) == 0
    assert_accessible(page, axe_source)
    assert csp_violations(page) == []


def test_the_test_policy_is_the_production_one():
    """The strict policy above must not drift from what production sends."""
    if settings.CONTENT_SECURITY_POLICY:
        assert settings.CONTENT_SECURITY_POLICY == STRICT_CSP


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]
)
def test_map_appears_without_moving_the_page(strict_page, viewport):
    page = strict_page(viewport=viewport)
    page.goto("/en/claims/map/")
    page.wait_for_function("!document.getElementById('claim-map-figure').hidden")
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
