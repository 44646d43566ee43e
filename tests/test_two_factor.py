"""Two-factor log-in: the second step, who must set it up, and the pages a half-logged-in
session may not see."""

import re
from binascii import unhexlify

import pytest
from django.urls import reverse
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.clients import TwoFactorClient
from tests.factories import ClaimFactory, make_user, totp_code
from tests.test_permission_matrix import (
    EXPECTED,
    admin_path,
    concrete,
    every_route,
    world,  # noqa: F401 - the fixture
)
from tracker.models import ModerationStatus, SecurityEvent
from tracker.twofactor import relying_party_id

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
VERIFY = "/en/accounts/two-factor/verify/"
SETUP = "/en/accounts/two-factor/"
Kind = SecurityEvent.Kind


def log_in_with_password(client, user, *, next_url: str = "/en/workspace/"):
    return client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url}
    )


def enter_code(client, code: str, *, next_url: str = "/en/workspace/"):
    return client.post(VERIFY, {"code": code, "next": next_url})


def is_verified(client) -> bool:
    return "otp_device_id" in client.session


# --- The second step -------------------------------------------------------------------


def test_second_step_follows_the_password_of_a_reviewer(client, reviewer):
    log_in_with_password(client, reviewer)
    response = client.get("/en/workspace/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fen%2Fworkspace%2F"


def test_second_step_accepts_the_authenticator_code(client, reviewer):
    log_in_with_password(client, reviewer)
    response = enter_code(client, totp_code(reviewer))
    assert response["Location"] == "/en/workspace/"
    assert is_verified(client)
    assert client.get("/en/review/").status_code == 200
    assert SecurityEvent.objects.filter(user=reviewer, kind=Kind.LOGIN_VERIFIED).count() == 1


def test_second_step_refuses_a_wrong_code_and_records_it(client, reviewer):
    log_in_with_password(client, reviewer)
    wrong = "000000" if totp_code(reviewer) != "000000" else "111111"
    response = enter_code(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not is_verified(client)
    event = SecurityEvent.objects.get(kind=Kind.SECOND_FACTOR_FAILED)
    assert (event.user, event.ip_address) == (reviewer, "127.0.0.1")


def test_second_step_throttles_the_next_code_after_a_wrong_one(client, reviewer):
    log_in_with_password(client, reviewer)
    enter_code(client, "000000" if totp_code(reviewer) != "000000" else "111111")
    response = enter_code(client, totp_code(reviewer))
    assert "wait a few seconds" in response.content.decode()
    assert not is_verified(client)


def test_second_step_locks_out_after_five_wrong_codes(client, reviewer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the lockout, without waiting out the back-off
    log_in_with_password(client, reviewer)
    wrong = "000000" if totp_code(reviewer) != "000000" else "111111"
    responses = [enter_code(client, wrong) for _ in range(5)]
    assert [response.status_code for response in responses] == [200, 200, 200, 200, 429]
    assert "Too many wrong codes" in responses[-1].content.decode()
    assert "_auth_user_id" not in client.session
    # The password again does not reopen the second step, even with the right code.
    log_in_with_password(client, reviewer)
    response = enter_code(client, totp_code(reviewer))
    assert response.status_code == 429
    assert not is_verified(client)


def test_second_step_sends_back_only_within_the_site(client, reviewer):
    log_in_with_password(client, reviewer)
    response = enter_code(client, totp_code(reviewer), next_url="https://evil.example/")
    assert response["Location"] == reverse("workspace:home")


def test_second_step_page_offers_a_passkey_only_to_those_who_have_one(client, reviewer):
    client.force_login(reviewer, verified=False)
    body = client.get(VERIFY).content.decode()
    assert 'name="code"' in body
    assert "passkey-verification-button" not in body


def test_second_step_of_a_verified_session_goes_on(client, reviewer):
    client.force_login(reviewer)
    response = client.get(f"{VERIFY}?next=/en/review/")
    assert response["Location"] == "/en/review/"


# --- Recovery codes ----------------------------------------------------------------------


def generate_codes(client) -> list[str]:
    response = client.post(reverse("two_factor_recovery_codes"))
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())


def test_recovery_codes_are_ten_and_shown_once(client, reviewer):
    client.force_login(reviewer)
    codes = generate_codes(client)
    assert len(set(codes)) == 10
    page = client.get(SETUP).content.decode()
    assert "10 unused codes left" in page
    assert codes[0] not in page
    assert SecurityEvent.objects.filter(user=reviewer, kind=Kind.RECOVERY_CODES_GENERATED).exists()


def test_recovery_code_works_once_only(client, reviewer):
    client.force_login(reviewer)
    code = generate_codes(client)[0]
    first, second = TwoFactorClient(), TwoFactorClient()
    log_in_with_password(first, reviewer)
    enter_code(first, code)
    log_in_with_password(second, reviewer)
    response = enter_code(second, code)
    assert is_verified(first)
    assert not is_verified(second)
    assert "That code is not right" in response.content.decode()
    used = SecurityEvent.objects.get(kind=Kind.RECOVERY_CODE_USED)
    assert used.detail == "9 left"


def test_recovery_codes_generated_again_replace_the_old_ones(client, reviewer):
    client.force_login(reviewer)
    old = generate_codes(client)
    new = generate_codes(client)
    assert not set(old) & set(new)
    assert StaticToken.objects.filter(device__user=reviewer).count() == 10
    other = TwoFactorClient()
    log_in_with_password(other, reviewer)
    enter_code(other, old[0])
    assert not is_verified(other)


def test_recovery_codes_need_an_authenticator_or_passkey_first(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("two_factor_recovery_codes"))
    assert response["Location"] == SETUP
    assert not StaticDevice.objects.exists()


# --- Who must set it up ------------------------------------------------------------------


def test_setup_is_forced_on_a_reviewer_without_a_device(client):
    reviewer = make_user("reviewer", two_factor=False)
    client.force_login(reviewer)
    response = client.get("/en/review/")
    assert response["Location"] == f"{SETUP}?next=%2Fen%2Freview%2F"
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Add a second factor to go on." in page.content.decode()


def test_setup_is_forced_on_an_admin_without_a_device(client):
    admin = make_user("admin", two_factor=False)
    client.force_login(admin)
    assert client.get("/admin/")["Location"] == f"{SETUP}?next=%2Fadmin%2F"


def test_setup_is_not_forced_on_a_contributor(client, contributor):
    client.force_login(contributor)
    assert client.get("/en/workspace/").status_code == 200


def test_setup_is_forced_on_a_contributor_when_the_setting_requires_it(
    client, contributor, settings
):
    settings.TWO_FACTOR_REQUIRED_FOR_CONTRIBUTORS = True
    client.force_login(contributor)
    assert client.get("/en/workspace/")["Location"].startswith(SETUP)


def test_setup_lets_a_user_log_out(client):
    client.force_login(make_user("reviewer", two_factor=False))
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("public:home")
    assert "_auth_user_id" not in client.session


def test_contributor_with_a_device_must_use_it(client):
    contributor = make_user("contributor", two_factor=True)
    log_in_with_password(client, contributor)
    assert client.get("/en/workspace/")["Location"].startswith(VERIFY)


# --- Adding an authenticator app ---------------------------------------------------------


def pending_code(user, *, offset: int = 0) -> str:
    import time

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    step = int((time.time() - device.t0) // device.step) + offset
    return str(hotp(unhexlify(device.key), step, digits=6)).zfill(6)


def test_authenticator_page_shows_a_qr_code_and_the_key(client):
    reviewer = make_user("reviewer", two_factor=False)
    client.force_login(reviewer)
    body = client.get(reverse("two_factor_totp")).content.decode()
    device = TOTPDevice.objects.get(user=reviewer)
    assert not device.confirmed
    assert re.search(r'<img class="qr-code" src="data:image/svg\+xml', body)
    assert re.search(r'<code class="totp-secret">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', body)


def test_authenticator_counts_only_once_confirmed_with_a_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code at once after the wrong one
    reviewer = make_user("reviewer", two_factor=False)
    client.force_login(reviewer)
    client.get(reverse("two_factor_totp"))
    wrong = client.post(
        reverse("two_factor_totp"), {"name": "Phone", "code": pending_code(reviewer, offset=5)}
    )
    assert wrong.status_code == 200
    assert client.get("/en/review/")["Location"].startswith(SETUP)
    right = client.post(
        reverse("two_factor_totp"), {"name": "Phone", "code": pending_code(reviewer)}
    )
    assert right["Location"] == SETUP
    device = TOTPDevice.objects.get(user=reviewer)
    assert (device.confirmed, device.name) == (True, "Phone")
    assert client.get("/en/review/").status_code == 200  # adding it verified the session
    event = SecurityEvent.objects.get(kind=Kind.DEVICE_ADDED)
    assert (event.user, event.detail) == (reviewer, "Authenticator app: Phone")


def test_authenticator_page_reuses_the_pending_device(client, contributor):
    client.force_login(contributor)
    client.get(reverse("two_factor_totp"))
    client.get(reverse("two_factor_totp"))
    assert TOTPDevice.objects.filter(user=contributor).count() == 1


# --- The two-factor page and removing devices ---------------------------------------------


def test_two_factor_page_lists_devices_with_their_last_use(client, reviewer):
    log_in_with_password(client, reviewer)
    enter_code(client, totp_code(reviewer))
    body = client.get(SETUP).content.decode()
    assert "Test phone" in body
    assert "Authenticator app" in body
    assert "never" not in body  # it was just used


def test_remove_device_refuses_the_last_one_when_two_factors_are_required(client, reviewer):
    client.force_login(reviewer)
    device = TOTPDevice.objects.get(user=reviewer)
    response = client.post(reverse("two_factor_remove"), {"device": device.persistent_id})
    assert response["Location"] == SETUP
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_remove_device_keeps_the_session_verified_with_another(client, reviewer):
    second = TOTPDevice.objects.create(user=reviewer, name="Tablet", confirmed=True)
    client.force_login(reviewer)  # verified with the first device
    first = TOTPDevice.objects.get(user=reviewer, name="Test phone")
    client.post(reverse("two_factor_remove"), {"device": first.persistent_id})
    assert not TOTPDevice.objects.filter(pk=first.pk).exists()
    assert client.session["otp_device_id"] == second.persistent_id
    assert client.get("/en/review/").status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.DEVICE_REMOVED)
    assert (event.user, event.actor, event.detail) == (
        reviewer,
        None,
        "Authenticator app: Test phone",
    )


def test_remove_last_device_of_a_contributor_turns_two_factors_off(client):
    contributor = make_user("contributor", two_factor=True)
    client.force_login(contributor)
    generate_codes(client)
    device = TOTPDevice.objects.get(user=contributor)
    client.post(reverse("two_factor_remove"), {"device": device.persistent_id})
    assert not StaticDevice.objects.filter(user=contributor).exists()
    assert client.get("/en/workspace/").status_code == 200


def test_remove_device_refuses_another_persons_device(client, reviewer, second_reviewer):
    TOTPDevice.objects.create(user=reviewer, name="Spare", confirmed=True)
    client.force_login(reviewer)
    theirs = TOTPDevice.objects.get(user=second_reviewer)
    client.post(reverse("two_factor_remove"), {"device": theirs.persistent_id})
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


# --- A half-logged-in session sees no page but the second step ----------------------------

# What a half-logged-in session may open (as GET); every other view sends it to the second step.
SECOND_STEP_ROUTES = {
    "en/accounts/two-factor/verify/",
    "en/accounts/logout/",
    "en/i18n/setlang/",
    "en/accounts/passkeys/authentication/begin/",
    "en/accounts/passkeys/authentication/complete/",
    "en/accounts/passkeys/jsi18n/",
}


@pytest.mark.parametrize("role", ["contributor", "reviewer", "admin"])
def test_half_logged_in_session_is_sent_to_the_second_step_everywhere(client, world, role):  # noqa: F811
    user = world["users"][role]
    if role == "contributor":
        TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    client.force_login(user, verified=False)
    wrong = []
    for name, route in every_route():
        if route in SECOND_STEP_ROUTES:
            continue
        path = admin_path(route, world) if name.startswith("admin:") else concrete(route, world)
        assert path is not None, route
        response = client.get(path)
        if response.status_code != 302 or not response["Location"].startswith(VERIFY):
            wrong.append(f"GET {path} ({name}): {response.status_code}")
    assert wrong == []
    assert len(EXPECTED) > 50  # the walk covered the project's URLs


def test_half_logged_in_session_cannot_post_a_staff_action(client, contributor):
    TOTPDevice.objects.create(user=contributor, name="Phone", confirmed=True)
    draft = ClaimFactory(status=ModerationStatus.DRAFT, created_by=contributor)
    client.force_login(contributor, verified=False)
    response = client.post(reverse("workspace:claim_submit", args=[draft.pk]))
    assert response["Location"].startswith(VERIFY)
    draft.refresh_from_db()
    assert draft.status == ModerationStatus.DRAFT


def test_half_logged_in_session_cannot_register_a_passkey(client, reviewer):
    client.force_login(reviewer, verified=False)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response["Location"].startswith(VERIFY)


def test_half_logged_in_admin_is_sent_to_the_second_step_by_the_admin(client, admin_user):
    client.force_login(admin_user, verified=False)
    response = client.get("/admin/tracker/claim/")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Ftracker%2Fclaim%2F"


def test_verified_admin_opens_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/tracker/claim/").status_code == 200


def test_admin_login_page_sends_to_the_staff_log_in(client):
    response = client.get("/admin/login/?next=/admin/tracker/claim/")
    assert response["Location"] == "/en/accounts/login/?next=/admin/tracker/claim/"


# --- Passkeys: the relying party ------------------------------------------------------------


def test_relying_party_id_is_the_request_host_without_its_port(rf):
    request = rf.get("/", HTTP_HOST="localhost:8031")
    assert relying_party_id(request) == "localhost"


def test_relying_party_id_comes_from_the_setting_when_set(rf, settings):
    settings.WEBAUTHN_RP_ID = "tracker.example.org"
    assert relying_party_id(rf.get("/", HTTP_HOST="localhost")) == "tracker.example.org"


def test_passwordless_passkey_log_in_is_refused(client):
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 403
