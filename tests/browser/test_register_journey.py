"""The register of people in a browser: a reviewer confirms one proposed link between person
records and rejects another, then the public reads the deaths-in-custody indicator with the
register's documented count beside the figures reported (the demo's synthetic records)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.helpers import assert_accessible, horizontal_overflow
from tests.factories import SourceFactory
from tracker.demo import people as demo_people
from tracker.models import Indicator, LinkProposal

# Where the journey leaves its screenshots to look at (not test artifacts: kept on success).
SHOTS = Path(os.environ.get("REGISTER_SHOTS", "/tmp"))


@pytest.fixture
def demo_register(transactional_db):
    call_command("load_demo", verbosity=0)
    return Indicator.objects.get(slug=demo_people.INDICATOR)


def decide(page, name: str, action: str, comment: str) -> None:
    row = page.locator("tbody tr", has_text=name)
    row.locator("select[name=action]").select_option(action)
    row.locator("input[name=comment]").fill(comment)
    row.get_by_role("button", name="Decide").click()
    page.wait_for_load_state()
    assert page.locator(".message", has_text="Decision recorded.").count() == 1


def test_register_reviewer_decides_links_and_public_sees_documented_count(
    new_page, demo_users, demo_register, log_in_as, axe_source
):
    reviewer = new_page(viewport={"width": 1366, "height": 900})
    log_in_as(reviewer, demo_users["reviewer"])
    reviewer.goto("/en/review/")
    reviewer.get_by_role("link", name="Person records to review").click()
    reviewer.wait_for_load_state()
    assert reviewer.url.endswith("/en/review/people/")
    assert reviewer.locator("tbody tr").count() == 2
    assert_accessible(reviewer, axe_source)
    reviewer.screenshot(path=str(SHOTS / "register-review-links.png"), full_page=True)

    decide(reviewer, "Persona Sintetica Delta", "confirm_link", "Same case in both lists.")
    decide(reviewer, "Rho Flórez", "reject_link", "Namesakes: ages 23 and 67.")
    assert dict(LinkProposal.objects.values_list("left__name", "status")) == {
        "Persona Sintética Delta": "confirmed",
        "Persona Sintética Rho Flores": "rejected",
    }
    assert reviewer.locator("tbody tr", has_text="None.").count() == 1
    reviewer.goto("/en/review/people/?links=confirmed")
    assert reviewer.locator("tbody tr", has_text="Persona Sintética Delta").count() == 1
    reviewer.screenshot(path=str(SHOTS / "register-review-confirmed.png"), full_page=True)

    for width, height in ((1366, 900), (390, 844)):
        public = new_page(viewport={"width": width, "height": height}, is_mobile=width < 500)
        public.goto(demo_register.get_absolute_url())
        section = public.locator("#indicator-register")
        # Seven published records with a date of death, two of them one person.
        assert "documents 6 people" in " ".join(section.inner_text().split())
        assert "Persona Sint" not in public.content()  # numbers only, never a record
        assert public.locator("#indicator-chart").is_visible()
        assert horizontal_overflow(public) == 0
        assert_accessible(public, axe_source)
        public.screenshot(path=str(SHOTS / f"register-indicator-{width}.png"), full_page=True)


def test_register_contributor_pages_are_accessible_and_keep_what_was_typed(
    new_page, demo_users, log_in_as, axe_source
):
    source = SourceFactory(title="Synthetic case list for a browser test")
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    log_in_as(page, demo_users["contributor"])
    page.goto("/en/workspace/people/new/")
    assert_accessible(page, axe_source)
    page.locator("#id_name").fill("Persona Sintética Kappa")
    page.locator("#id_age").fill("50")
    page.locator("#id_age_high").fill("40")
    page.locator("#id_reports-0-source").select_option(str(source.pk))
    page.locator("#id_reports-0-case_number").fill("DEMO-K-1")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert page.locator("#id_name").input_value() == "Persona Sintética Kappa"
    assert page.locator("#id_reports-0-case_number").input_value() == "DEMO-K-1"
    assert page.get_by_text("The high end of an age range needs a lower age below it.").count()
    assert horizontal_overflow(page) == 0
    assert_accessible(page, axe_source)
    page.screenshot(path=str(SHOTS / "register-person-form-390.png"), full_page=True)
    page.goto("/en/workspace/people/import/")
    assert_accessible(page, axe_source)
