"""Two-factor log-in in a real browser: a code from the authenticator app, and a passkey made
and used with Chromium's virtual WebAuthn authenticator, under the Content-Security-Policy."""

from binascii import unhexlify

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.browser.helpers import assert_accessible
from tracker.models import SecurityEvent


def log_in_with_password(page, username: str, password: str) -> None:
    page.goto("/en/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/accounts/two-factor/verify/?next=*")


def watch_console(page) -> list[str]:
    """Collect the page's console errors (a Content-Security-Policy refusal is one)."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    return errors


def test_totp_log_in_lands_on_the_workspace(page, demo_users, axe_source):
    reviewer = demo_users["reviewer"]
    log_in_with_password(page, "reviewer", "reviewer-demo-2026")
    assert page.get_by_role("heading", name="Confirm it is you").is_visible()
    assert_accessible(page, axe_source)
    # The staff pages are closed until the second step.
    page.goto("/en/review/")
    assert "/en/accounts/two-factor/verify/" in page.url

    device = TOTPDevice.objects.get(user=reviewer)
    code = str(totp(unhexlify(device.key))).zfill(6)
    page.locator("#id_code").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/en/review/")
    page.goto("/en/workspace/")
    assert page.get_by_role("heading", name="Workspace", exact=True).is_visible()


def test_passkey_is_registered_then_used_as_the_second_factor(page, demo_users, log_in_as):
    errors = watch_console(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    reviewer = demo_users["reviewer"]
    log_in_as(page, reviewer)

    page.goto("/en/accounts/two-factor/")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_role("cell", name="Passkey 1").wait_for()  # the page reloads with it listed
    assert WebAuthnCredential.objects.filter(user=reviewer, confirmed=True).count() == 1

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/en/")
    log_in_with_password(page, "reviewer", "reviewer-demo-2026")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/en/workspace/")
    assert page.get_by_role("heading", name="Workspace", exact=True).is_visible()
    assert SecurityEvent.objects.filter(
        user=reviewer, kind=SecurityEvent.Kind.LOGIN_VERIFIED, detail="Passkey: Passkey 1"
    ).exists()
    assert SecurityEvent.objects.filter(
        user=reviewer, kind=SecurityEvent.Kind.DEVICE_ADDED, detail="Passkey: Passkey 1"
    ).exists()
    assert [error for error in errors if "Content Security Policy" in error] == []
    assert errors == []


def test_two_factor_page_has_no_serious_axe_violations(page, demo_users, log_in_as, axe_source):
    log_in_as(page, demo_users["reviewer"])
    page.goto("/en/accounts/two-factor/")
    page.get_by_role("button", name="Add a passkey").wait_for()
    assert_accessible(page, axe_source)
    page.goto("/en/accounts/two-factor/authenticator/")
    assert page.locator("img.qr-code").evaluate("img => img.naturalWidth") > 0
    assert_accessible(page, axe_source)
