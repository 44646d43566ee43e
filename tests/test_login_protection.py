import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tracker.middleware import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def log_in(client, username: str, password: str, *, ip: str = "203.0.113.5", url=None):
    return client.post(
        url or reverse("login"),
        # An explicit destination, so that the test does not depend on the staff home page.
        {"username": username, "password": password, "next": "/en/"},
        REMOTE_ADDR=ip,
    )


def fail(client, username: str, times: int, **kwargs) -> None:
    for _ in range(times):
        response = log_in(client, username, "wrong password", **kwargs)
        assert response.status_code in (200, 429)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_login_works_with_the_right_password(client, contributor):
    response = log_in(client, contributor.username, PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_login_allows_four_failures_before_the_right_password(client, contributor):
    fail(client, contributor.username, 4)
    log_in(client, contributor.username, PASSWORD)
    assert is_logged_in(client)


def test_login_locks_out_after_five_failures_even_with_the_right_password(client, contributor):
    fail(client, contributor.username, 5)
    response = log_in(client, contributor.username, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_login_lockout_page_says_what_happened(client, contributor):
    fail(client, contributor.username, 5)
    response = log_in(client, contributor.username, PASSWORD)
    body = response.content.decode()
    assert "Too many failed log-in attempts" in body
    assert "Try again in an hour" in body


def test_login_lockout_is_per_username_and_address(client, contributor):
    fail(client, contributor.username, 5, ip="203.0.113.5")
    log_in(client, contributor.username, PASSWORD, ip="198.51.100.7")
    assert is_logged_in(client)


def test_login_lockout_spares_other_users_on_the_same_address(client, contributor, reviewer):
    fail(client, contributor.username, 5)
    log_in(client, reviewer.username, PASSWORD)
    assert is_logged_in(client)


def test_login_success_resets_the_failure_count(client, contributor):
    fail(client, contributor.username, 4)
    log_in(client, contributor.username, PASSWORD)
    client.logout()
    fail(client, contributor.username, 4)
    log_in(client, contributor.username, PASSWORD)
    assert is_logged_in(client)


def test_login_lockout_ends_after_an_hour(client, contributor):
    fail(client, contributor.username, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=61))
    log_in(client, contributor.username, PASSWORD)
    assert is_logged_in(client)


def test_login_admin_login_page_sends_to_the_staff_log_in(client, admin_user):
    response = log_in(client, admin_user.username, PASSWORD, url=reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not is_logged_in(client)


def test_login_lockout_is_visible_to_admins(client, contributor, admin_user):
    fail(client, contributor.username, 5)
    client.force_login(admin_user)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert contributor.username in response.content.decode()


def test_login_lockout_can_be_lifted_by_an_admin(client, contributor, admin_user):
    fail(client, contributor.username, 5)
    attempt = AccessAttempt.objects.get(username=contributor.username)
    client.force_login(admin_user)
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    client.logout()
    log_in(client, contributor.username, PASSWORD)
    assert is_logged_in(client)


def test_login_lockout_list_is_hidden_from_non_admins(client, contributor):
    client.force_login(make_user("reviewer"))
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302


def test_force_login_is_not_affected_by_a_lockout(client, contributor):
    fail(client, contributor.username, 5)
    client.force_login(contributor)
    assert is_logged_in(client)


@pytest.mark.parametrize(
    "password", ["short-pass1", "password1234", "123456789012", "contributor-x"]
)
def test_password_validation_refuses_weak_passwords(password):
    user = make_user("contributor", username="contributor-x")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_password_validation_accepts_a_long_passphrase():
    assert validate_password("pale violet harbour lantern") is None


def test_client_ip_is_the_remote_address_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "10.0.0.2"


def test_client_ip_behind_one_proxy_ignores_addresses_the_client_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    assert client_ip(request) == "198.51.100.7"
