"""Accounts beyond Django's own views: the second log-in step, the two-factor page, passkeys,
and the rate-limited password reset."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import PasswordResetView, redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_otp.models import Device
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from tracker import twofactor
from tracker.account_forms import AddAuthenticatorForm, SecondStepForm
from tracker.models import SecurityEvent

Kind = SecurityEvent.Kind


def safe_next(request, fallback: str | None = None) -> str:
    """The ``next`` address of the request if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL) if fallback is None else fallback


@method_decorator(never_cache, name="dispatch")
class SecondStepView(FormView):
    """The second log-in step: a code, a recovery code or a passkey."""

    template_name = "registration/two_factor_verify.html"
    form_class = SecondStepForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if twofactor.pending_step(user) is not twofactor.Step.VERIFY:
            return HttpResponseRedirect(safe_next(request))
        if twofactor.second_factor_locked(user):
            return self.locked_out()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            next=safe_next(self.request),
            has_passkey=WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
            **kwargs,
        )

    def form_valid(self, form):
        twofactor.complete_second_step(self.request, form.device)
        return HttpResponseRedirect(safe_next(self.request))

    def form_invalid(self, form):
        user = self.request.user
        if form.wrong_code:
            twofactor.record_security_event(
                Kind.SECOND_FACTOR_FAILED, user=user, request=self.request
            )
            if twofactor.second_factor_locked(user):
                return self.locked_out()
        return super().form_invalid(form)

    def locked_out(self):
        """End the half-logged-in session: the second step is locked for the cool-off time."""
        logout(self.request)
        context = {
            "failure_limit": settings.TWO_FACTOR_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        }
        return render(self.request, "registration/two_factor_locked_out.html", context, status=429)


@method_decorator(never_cache, name="dispatch")
class TwoFactorView(LoginRequiredMixin, TemplateView):
    """The person's own two-factor page: devices, adding one, recovery codes."""

    template_name = "registration/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        devices = twofactor.primary_devices(user)
        required = twofactor.two_factor_required(user)
        return super().get_context_data(
            devices=[
                {
                    "id": device.persistent_id,
                    "name": twofactor.device_label(device),
                    "kind": twofactor.device_kind(device),
                    "created_at": device.created_at,
                    "last_used_at": device.last_used_at,
                }
                for device in devices
            ],
            required=required,
            can_remove=len(devices) > 1 or not required,
            setup_needed=required and not devices,
            recovery_codes_left=twofactor.recovery_codes_left(user) if devices else 0,
            has_recovery_codes=twofactor.recovery_device(user) is not None,
            next=safe_next(self.request, fallback=""),
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class AddAuthenticatorView(LoginRequiredMixin, FormView):
    """Add an authenticator app: scan the code (or type the key), then enter one of its codes."""

    template_name = "registration/two_factor_totp.html"
    form_class = AddAuthenticatorForm

    def get_context_data(self, **kwargs):
        device = twofactor.pending_totp_device(self.request.user)
        return super().get_context_data(
            qr_code=twofactor.totp_qr_code(device),
            secret=twofactor.totp_secret(device),
            setup_needed=twofactor.pending_step(self.request.user) is twofactor.Step.SETUP,
            next=safe_next(self.request, fallback=""),
            **kwargs,
        )

    def form_valid(self, form):
        device = twofactor.pending_totp_device(self.request.user)
        confirmed = twofactor.confirm_totp_device(
            device,
            request=self.request,
            name=form.cleaned_data["name"],
            token=form.cleaned_data["code"],
        )
        if not confirmed:
            form.add_error(
                "code",
                _("That code is not right. Check the app's clock, or wait for the next code."),
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Authenticator app added. Now generate recovery codes, in case you lose it."),
        )
        return HttpResponseRedirect(two_factor_page(self.request))


def two_factor_page(request) -> str:
    """The two-factor page, keeping the address to go on to after setting up."""
    page = reverse("two_factor")
    target = safe_next(request, fallback="")
    return f"{page}?{urlencode({'next': target})}" if target else page


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, View):
    """Generate ten new recovery codes, replacing the old ones, and show them once."""

    http_method_names = ["post"]

    def post(self, request):
        if not twofactor.has_primary_device(request.user):
            messages.error(request, _("Add an authenticator app or a passkey first."))
            return redirect("two_factor")
        codes = twofactor.generate_recovery_codes(request.user, request=request)
        return render(
            request,
            "registration/two_factor_recovery_codes.html",
            {"codes": [twofactor.format_recovery_code(code) for code in codes]},
        )


class RemoveDeviceView(LoginRequiredMixin, View):
    """Remove one of the person's own authenticator apps or passkeys."""

    http_method_names = ["post"]

    def post(self, request):
        device = Device.from_persistent_id(request.POST.get("device", ""))
        if (
            device is None
            or device.user_id != request.user.pk
            or not device.confirmed
            or not isinstance(device, twofactor.PRIMARY_DEVICE_MODELS)
        ):
            messages.error(request, _("That device is not one of yours."))
            return redirect("two_factor")
        label = twofactor.device_label(device)
        try:
            twofactor.remove_device(device, request=request)
        except twofactor.RemovalRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("“%(name)s” was removed.") % {"name": label})
        return redirect("two_factor")


class PasskeyRegistrationCompleteView(CompleteCredentialRegistrationView):
    """django-otp-webauthn's registration, which also names the passkey and records it."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            user = self.request.user
            passkey = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
            count = WebAuthnCredential.objects.filter(user=user, confirmed=True).count()
            passkey.name = _("Passkey %(number)d") % {"number": count}
            passkey.save(update_fields=["name"])
            twofactor.record_security_event(
                Kind.DEVICE_ADDED,
                user=user,
                request=self.request,
                detail=twofactor.device_summary(passkey),
            )
        return response


class PasskeyAuthenticationCompleteView(CompleteCredentialAuthenticationView):
    """django-otp-webauthn's passkey check, as the second step only, recorded like a code."""

    def complete_auth(self, device):
        twofactor.complete_second_step(self.request, device)


class RateLimitedPasswordResetView(PasswordResetView):
    """Django's password reset, with at most ``PASSWORD_RESETS_PER_HOUR`` requests per target
    address and per client address.

    The answer never says whether an account has the address: a refused request is refused the
    same way for every address, and an accepted one always leads to the same "sent" page.
    """

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        address = twofactor.request_address(self.request)
        if twofactor.password_resets_exhausted(email=email, address=address):
            form.add_error(
                None,
                _(
                    "Too many password reset requests for this address or from your connection "
                    "in the last hour. Try again later."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        account = next(iter(form.get_users(email)), None)
        twofactor.record_security_event(
            Kind.PASSWORD_RESET_REQUESTED, user=account, request=self.request, detail=email
        )
        return super().form_valid(form)
