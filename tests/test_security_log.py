"""The security log (SecurityEvent) and django-axes' access log: written, read by admins only."""

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from tracker.models import SecurityEvent

Kind = SecurityEvent.Kind
CHANGELIST = "/admin/tracker/securityevent/"


@pytest.fixture
def event(db, reviewer):
    return SecurityEvent.objects.create(
        kind=Kind.SECOND_FACTOR_FAILED, user=reviewer, ip_address="203.0.113.4"
    )


@pytest.mark.django_db
def test_security_log_is_listed_for_admins(client, admin_user, event):
    client.force_login(admin_user)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wrong two-factor code" in body
    assert "203.0.113.4" in body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["contributor", "reviewer"])
def test_security_log_is_hidden_from_non_admins(client, event, role):
    client.force_login(make_user(role))
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_security_log_cannot_be_changed_or_deleted_in_the_admin(client, admin_user, event):
    client.force_login(admin_user)
    client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"})
    client.post(f"{CHANGELIST}{event.pk}/change/", {"detail": "edited"})
    event.refresh_from_db()
    assert event.detail == ""


@pytest.mark.django_db
def test_security_log_records_an_admin_removing_a_device(client, admin_user, reviewer):
    device = TOTPDevice.objects.get(user=reviewer)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.DEVICE_REMOVED)
    assert (event.user, event.actor, event.ip_address) == (reviewer, admin_user, "127.0.0.1")


@pytest.mark.django_db(transaction=True)
def test_security_log_survives_deleting_an_account_with_devices():
    # Committed, so that the foreign keys are checked: no event may point at the deleted account.
    admin = make_user("admin", username="leaving")
    with transaction.atomic():
        admin.delete()
    assert not get_user_model().objects.filter(username="leaving").exists()
    event = SecurityEvent.objects.get(kind=Kind.DEVICE_REMOVED)
    assert event.user is None
    assert "leaving, account deleted" in event.detail


@pytest.mark.django_db
def test_access_log_records_a_log_in_for_admins(client, contributor, admin_user):
    client.post(
        reverse("login"),
        {"username": contributor.username, "password": "correct horse battery staple"},
    )
    assert AccessLog.objects.filter(username=contributor.username).exists()
    client.force_login(admin_user)
    response = client.get(reverse("admin:axes_accesslog_changelist"))
    assert contributor.username in response.content.decode()


@pytest.mark.django_db
def test_failed_log_in_stays_on_record_after_a_successful_one(client, contributor, admin_user):
    """The attempts counter is reset by a success; the record of the failure is not."""
    client.post(reverse("login"), {"username": contributor.username, "password": "wrong guess"})
    client.post(
        reverse("login"),
        {"username": contributor.username, "password": "correct horse battery staple"},
    )
    assert AccessLog.objects.filter(username=contributor.username).exists()
    assert AccessFailureLog.objects.filter(username=contributor.username).count() == 1
    client.force_login(admin_user)
    response = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert contributor.username in response.content.decode()


@pytest.mark.django_db
def test_failed_log_in_record_is_for_admins_only(client, contributor):
    client.force_login(make_user("reviewer"))
    response = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_admin_sees_devices_but_never_their_secrets(client, admin_user, reviewer):
    device = TOTPDevice.objects.get(user=reviewer)
    recovery = StaticDevice.objects.create(user=reviewer, name="Recovery codes", confirmed=True)
    recovery.token_set.create(token="abcdefgh")
    client.force_login(admin_user)
    totp_page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    static_page = client.get(reverse("admin:otp_static_staticdevice_change", args=[recovery.pk]))
    assert totp_page.status_code == static_page.status_code == 200
    assert device.key not in totp_page.content.decode()
    assert "abcdefgh" not in static_page.content.decode()
