import pytest

from tests.browser.helpers import assert_accessible
from tests.browser.pages import PUBLIC_PAGES, page_path


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
