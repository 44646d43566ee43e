"""A test client whose ``force_login`` is a complete two-factor log-in."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tracker import twofactor


class TwoFactorClient(Client):
    """``force_login(user)`` logs in with the password and the user's own device, as staff do.

    ``force_login(user, verified=False)`` stops after the password: a half-logged-in session,
    for the tests of the second step itself. A user without a device stays unverified either way.
    """

    def force_login(self, user, backend=None, *, verified: bool = True):
        super().force_login(user, backend)
        devices = twofactor.primary_devices(user) if verified else []
        if devices:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = devices[0].persistent_id
            session.save()
