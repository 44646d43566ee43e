"""Forms of the two-factor pages: the second log-in step and adding an authenticator app."""

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from tracker import twofactor


class SecondStepForm(forms.Form):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code your authenticator app shows, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None
        self.wrong_code = False  # a code was checked and refused (not merely throttled)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.device, throttled = twofactor.verify_code(self.user, code)
        if self.device is None:
            self.wrong_code = not throttled
            if throttled:
                raise forms.ValidationError(
                    _("Too many wrong codes in a row: wait a few seconds, then try again."),
                    code="throttled",
                )
            raise forms.ValidationError(
                _("That code is not right. Check it, or wait for the next one and try again."),
                code="wrong",
            )
        return code


class AddAuthenticatorForm(forms.Form):
    """Name the new authenticator app and prove it works with one of its codes."""

    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        initial=_("Authenticator app"),
        help_text=_("To tell your devices apart, e.g. “Phone”."),
    )
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
