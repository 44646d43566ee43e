"""Print the current code of a demo user's authenticator app (development only)."""

import time
from binascii import unhexlify

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.demo.two_factor import DEMO_DEVICE_NAME, DEMO_TOTP_KEY, DEMO_TWO_FACTOR_USERS


class Command(BaseCommand):
    help = (
        "Print the code that the demo reviewer's or admin's authenticator app shows now "
        "(refused unless DEBUG is on and the user has the demo authenticator)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=f"one of: {', '.join(DEMO_TWO_FACTOR_USERS)}")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("The demo authenticator is for development only: set DEBUG=1.")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True
        ).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo authenticator. Demo users with one: "
                f"{', '.join(DEMO_TWO_FACTOR_USERS)} (make demo-code USER=reviewer)."
            )
        now = time.time()
        current = int((now - device.t0) // device.step) + device.drift
        # A code is accepted once: if this one was used already, the next one (accepted too).
        step = max(current, device.last_t + 1)
        code = str(hotp(unhexlify(device.key), step, digits=device.digits)).zfill(device.digits)
        seconds = int(device.t0 + (step - device.drift + 1) * device.step - now)
        self.stdout.write(code)
        self.stderr.write(f"Code for {username}, valid for about {seconds} more seconds.")
