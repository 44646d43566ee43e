from tests.browser.helpers import assert_accessible, login


def test_login_with_wrong_password_shows_alert(page, demo_users):
    login(page, "contributor", "not-the-password")

    assert page.locator("main [role=alert]").is_visible()
    assert "/en/accounts/login/" in page.url


def test_login_error_has_no_serious_axe_violations(page, demo_users, axe_source):
    login(page, "contributor", "not-the-password", language="es")

    assert_accessible(page, axe_source)
