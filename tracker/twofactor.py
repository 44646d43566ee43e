"""Two-factor log-in: who needs it, a user's devices, recovery codes and the security log.

The password step is Django's own log-in view; the second step is a TOTP code (an authenticator
app), a passkey (WebAuthn, django-otp-webauthn) or a single-use recovery code. A session passes
the second step when django-otp records the device that verified it (``user.is_verified()``);
``tracker.middleware.TwoFactorMiddleware`` holds every other session at that step.
"""

from __future__ import annotations

import contextvars
import datetime
import ipaddress
from base64 import b32encode
from enum import Enum

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, pre_delete
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.helpers import WebAuthnHelper as BaseWebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from simple_history.models import HistoricalRecords

from tracker import workflow
from tracker.middleware import client_ip
from tracker.models import SecurityEvent

Kind = SecurityEvent.Kind

# Devices that count as a second factor; recovery codes only stand in for a lost one.
PRIMARY_DEVICE_MODELS: tuple[type[Device], ...] = (TOTPDevice, WebAuthnCredential)
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_CODE_LENGTH = 6


class Step(Enum):
    """What an authenticated session still has to do before it may see staff pages."""

    VERIFY = "verify"  # has a device: enter a code or use a passkey
    SETUP = "setup"  # must use two factors and has no device yet: add one


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether ``user`` must have a second factor: reviewers and admins, or everyone."""
    if not user.is_authenticated:
        return False
    if settings.TWO_FACTOR_REQUIRED_FOR_CONTRIBUTORS:
        return True
    return user.is_staff or user.is_superuser or workflow.can_review(user)


def has_primary_device(user: AbstractBaseUser) -> bool:
    """Whether ``user`` has a confirmed authenticator app or passkey."""
    owned = Q()
    for model in PRIMARY_DEVICE_MODELS:
        owned |= Q(Exists(model.objects.filter(user=OuterRef("pk"), confirmed=True)))
    return get_user_model().objects.filter(owned, pk=user.pk).exists()


def pending_step(user: AbstractBaseUser) -> Step | None:
    """The second step an authenticated, unverified session owes, if any."""
    if not user.is_authenticated or user.is_verified():
        return None
    if has_primary_device(user):
        return Step.VERIFY
    if two_factor_required(user):
        return Step.SETUP
    return None


def primary_devices(user: AbstractBaseUser) -> list[Device]:
    """The user's confirmed authenticator apps and passkeys, oldest first."""
    devices = [
        device
        for model in PRIMARY_DEVICE_MODELS
        for device in model.objects.filter(user=user, confirmed=True)
    ]
    return sorted(devices, key=lambda device: (device.created_at or timezone.now(), device.pk))


def device_kind(device: Device) -> str:
    return str(_("Passkey") if isinstance(device, WebAuthnCredential) else _("Authenticator app"))


def device_label(device: Device) -> str:
    """The name a person gave the device, else its kind."""
    return device.name or device_kind(device)


# --- The security log --------------------------------------------------------------------


def request_address(request: HttpRequest | None) -> str | None:
    """The client's address when it is a valid IP address (PostgreSQL stores it as ``inet``)."""
    address = client_ip(request) if request is not None else None
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def record_security_event(
    kind: str,
    *,
    user: AbstractBaseUser | None,
    request: HttpRequest | None = None,
    actor: AbstractBaseUser | None = None,
    detail: str = "",
) -> SecurityEvent:
    """Write one event of the security log; ``actor``: the request's user when not ``user``."""
    request_user = getattr(request, "user", None)
    if actor is None and request_user is not None and request_user.is_authenticated:
        actor = request_user
    if actor is not None and user is not None and actor.pk == user.pk:
        actor = None
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        ip_address=request_address(request),
        detail=detail[:255],
    )


def second_factor_locked(user: AbstractBaseUser) -> bool:
    """Whether wrong codes since the last two-factor log-in reached the limit, in the cool-off."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    last_success = (
        SecurityEvent.objects.filter(user=user, kind=Kind.LOGIN_VERIFIED, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    failures = SecurityEvent.objects.filter(
        user=user, kind=Kind.SECOND_FACTOR_FAILED, created_at__gte=last_success or since
    )
    return failures.count() >= settings.TWO_FACTOR_FAILURE_LIMIT


def password_resets_exhausted(*, email: str, address: str | None) -> bool:
    """Whether the hour's password-reset requests for this address or from this client are used up.

    Counted in the database, so that the limit holds across every app process.
    """
    recent = SecurityEvent.objects.filter(
        kind=Kind.PASSWORD_RESET_REQUESTED,
        created_at__gte=timezone.now() - datetime.timedelta(hours=1),
    )
    limit = settings.PASSWORD_RESETS_PER_HOUR
    if recent.filter(detail=email).count() >= limit:
        return True
    return address is not None and recent.filter(ip_address=address).count() >= limit


# --- Devices -----------------------------------------------------------------------------


def pending_totp_device(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being added: unconfirmed until the person enters a code from it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(
        user=user, name=str(_("Authenticator app")), confirmed=False
    )


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as an authenticator app asks for it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_code(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as a QR code, a ``data:`` URI for an ``<img>``."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


@transaction.atomic
def confirm_totp_device(device: TOTPDevice, *, request: HttpRequest, name: str, token: str) -> bool:
    """Confirm a pending authenticator app with a code from it; the session counts as verified."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.name = name or str(_("Authenticator app"))
    device.save(update_fields=["confirmed", "name"])
    record_security_event(
        Kind.DEVICE_ADDED, user=device.user, request=request, detail=device_summary(device)
    )
    if not request.user.is_verified():
        otp_login(request, device)
    return True


def device_summary(device: Device) -> str:
    return f"{device_kind(device)}: {device_label(device)}"


def recovery_device(user: AbstractBaseUser) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def generate_recovery_codes(user: AbstractBaseUser, *, request: HttpRequest) -> list[str]:
    """Replace the user's recovery codes with ten new single-use ones, and return them."""
    device = recovery_device(user) or StaticDevice.objects.create(
        user=user, name=RECOVERY_DEVICE_NAME, confirmed=True
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_security_event(
        Kind.RECOVERY_CODES_GENERATED,
        user=user,
        request=request,
        detail=f"{RECOVERY_CODE_COUNT} codes",
    )
    return codes


def format_recovery_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class RemovalRefused(Exception):
    """The device may not be removed; the message says why."""


@transaction.atomic
def remove_device(device: Device, *, request: HttpRequest) -> None:
    """Remove one of the requesting user's devices; never the last one where two are required.

    Without any authenticator app or passkey left, the recovery codes go too: they would
    otherwise keep asking for a second step the user turned off.
    """
    user = request.user
    remaining = [other for other in primary_devices(user) if other != device]
    if not remaining and two_factor_required(user):
        raise RemovalRefused(
            _("You need at least one authenticator app or passkey: add another one first.")
        )
    verified_this_session = getattr(user, "otp_device", None) == device
    device.delete()  # recorded by the post_delete receiver below
    if not remaining:
        StaticDevice.objects.filter(user=user).delete()
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
    elif verified_this_session:
        # The session stays verified: by another of the user's own devices.
        otp_login(request, remaining[0])


def verify_code(user: AbstractBaseUser, code: str) -> tuple[Device | None, bool]:
    """Check a TOTP code or a recovery code: (the device that took it, whether it was throttled).

    django-otp's throttle refuses a device for 1, 2, 4, 8... seconds after each wrong code; a
    throttled device is not checked at all, and a code that no device checked is not wrong.
    """
    token = "".join(code.split()).replace("-", "").lower()
    if len(token) == TOTP_CODE_LENGTH and token.isdigit():
        candidates = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    throttled = checked = False
    for candidate in candidates:
        with transaction.atomic():
            device = type(candidate).objects.select_for_update().get(pk=candidate.pk)
            if not device.verify_is_allowed()[0]:
                throttled = True
                continue
            checked = True
            if device.verify_token(token):
                return device, False
    return None, throttled and not checked


def complete_second_step(request: HttpRequest, device: Device) -> None:
    """Mark the session as verified by ``device`` and record it."""
    otp_login(request, device)
    user = request.user
    if isinstance(device, StaticDevice):
        record_security_event(
            Kind.RECOVERY_CODE_USED,
            user=user,
            request=request,
            detail=f"{recovery_codes_left(user)} left",
        )
    record_security_event(
        Kind.LOGIN_VERIFIED, user=user, request=request, detail=device_summary(device)
    )


# Accounts being deleted: their devices go with them, and the log must not point at them.
_users_being_deleted: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "users_being_deleted", default=frozenset()
)


def user_deleting(sender, instance: AbstractBaseUser, **kwargs) -> None:
    _users_being_deleted.set(_users_being_deleted.get() | {instance.pk})


def user_deleted(sender, instance: AbstractBaseUser, **kwargs) -> None:
    _users_being_deleted.set(_users_being_deleted.get() - {instance.pk})


def device_removed(sender, instance: Device, **kwargs) -> None:
    """Record every removal of a confirmed device, whether by its owner or in the admin."""
    if not instance.confirmed:
        return
    # The admin's request, kept by django-simple-history's middleware: who removed it, from where.
    request = getattr(HistoricalRecords.context, "request", None)
    summary = str(
        _("Recovery codes") if isinstance(instance, StaticDevice) else device_summary(instance)
    )
    user = instance.user
    if user.pk in _users_being_deleted.get():
        user, summary = None, f"{summary} ({user.get_username()}, account deleted)"
    record_security_event(Kind.DEVICE_REMOVED, user=user, request=request, detail=summary)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in

    from tracker.middleware import StaffIdleTimeoutMiddleware

    user_logged_in.connect(
        StaffIdleTimeoutMiddleware.mark_log_in, dispatch_uid="staff-idle-timeout-log-in"
    )
    User = get_user_model()
    pre_delete.connect(user_deleting, sender=User, dispatch_uid="security-user-deleting")
    post_delete.connect(user_deleted, sender=User, dispatch_uid="security-user-deleted")
    for model in (*PRIMARY_DEVICE_MODELS, StaticDevice):
        post_delete.connect(
            device_removed, sender=model, dispatch_uid=f"security-{model.__name__}-removed"
        )


# --- Passkeys: the relying party --------------------------------------------------------


def relying_party_id(request: HttpRequest) -> str:
    """``WEBAUTHN_RP_ID``, else the request's host name (checked against ALLOWED_HOSTS)."""
    if settings.WEBAUTHN_RP_ID:
        return settings.WEBAUTHN_RP_ID
    domain, _port = split_domain_port(request.get_host())
    return domain


def relying_party_name(request: HttpRequest) -> str:
    return settings.WEBAUTHN_RP_NAME


class WebAuthnHelper(BaseWebAuthnHelper):
    """django-otp-webauthn's helper, with origins from the settings or the request."""

    def get_allowed_origins(self) -> list[str]:
        if settings.WEBAUTHN_ALLOWED_ORIGINS:
            return settings.WEBAUTHN_ALLOWED_ORIGINS
        return [f"{self.request.scheme}://{self.request.get_host()}"]
