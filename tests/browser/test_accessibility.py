import pytest

from tests.browser.helpers import assert_accessible
from tests.browser.pages import PUBLIC_PAGES, STAFF_PAGES, page_path, staff_page_path
from tests.factories import CitationFactory, ClaimFactory
from tracker.models import ModerationStatus, Source


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_page_has_no_serious_axe_violations(page, demo_data, axe_source, name, language):
    page.goto(page_path(name, language))

    assert_accessible(page, axe_source)


@pytest.mark.parametrize("language", ["en", "es"])
def test_phone_home_has_no_serious_axe_violations(phone_page, demo_data, axe_source, language):
    phone_page.goto(page_path("home", language))

    assert_accessible(phone_page, axe_source)


def test_axe_check_reports_a_serious_violation(page, demo_data, axe_source):
    page.goto(page_path("home", "en"))
    page.evaluate(
        """() => {
          const search = document.querySelector('#home-search');
          search.labels[0].remove();
          search.removeAttribute('placeholder');
        }"""
    )

    with pytest.raises(AssertionError, match=r"\[critical\] label"):
        assert_accessible(page, axe_source)


@pytest.fixture
def staff_claims(demo_data, demo_users):
    """The contributor's claims citing a demo source: one submitted, one sent back for changes."""
    source = Source.objects.filter(confidential=False).first()
    claims = {}
    for status in (ModerationStatus.SUBMITTED, ModerationStatus.CHANGES_REQUESTED):
        claims[status] = ClaimFactory(
            status=status,
            created_by=demo_users["contributor"],
            last_edited_by=demo_users["contributor"],
        )
        CitationFactory(claim=claims[status], source=source)
    return claims


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_page_has_no_serious_axe_violations(
    page, staff_claims, demo_users, log_in_as, axe_source, name, language
):
    reviewing = name in ("review_queue", "claim_review")
    log_in_as(page, demo_users["reviewer" if reviewing else "contributor"])
    claim = staff_claims[
        ModerationStatus.SUBMITTED if reviewing else ModerationStatus.CHANGES_REQUESTED
    ]

    response = page.goto(staff_page_path(name, language, claim=claim))

    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(page, axe_source)
