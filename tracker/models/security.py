"""The security log: two-factor changes, wrong codes and password-reset requests."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One thing that happened to an account's security, for admins to read.

    Log-ins and failed passwords are django-axes' access logs and access failure logs; this
    records what axes does not see. Written by ``tracker.twofactor.record_security_event`` only.
    """

    class Kind(models.TextChoices):
        LOGIN_VERIFIED = "login_verified", _("Two-factor log-in completed")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong two-factor code")
        DEVICE_ADDED = "device_added", _("Two-factor device added")
        DEVICE_REMOVED = "device_removed", _("Two-factor device removed")
        RECOVERY_CODES_GENERATED = "recovery_codes_generated", _("Recovery codes generated")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
        help_text=_("Whose account it concerns (empty when no account matched)."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who did it, when not the account's owner (an admin, for example)."),
    )
    kind = models.CharField(_("what happened"), max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "created_at"], name="security_event_kind_time")]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"
