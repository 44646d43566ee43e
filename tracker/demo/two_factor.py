"""The demo reviewer's and admin's authenticator app: development only, like their passwords.

The key is published in the README, so that a newcomer can add it to a phone app, or get the
current code without one: ``make demo-code USER=reviewer``.
"""

# b"claim-tracker-demo-1" in hex, as django-otp stores it; base32 for an authenticator app:
# MNWG C2LN FV2H EYLD NNSX ELLE MVWW 6LJR
DEMO_TOTP_KEY = "636c61696d2d747261636b65722d64656d6f2d31"
DEMO_DEVICE_NAME = "Demo authenticator (development only)"
# The demo users whose role requires two factors.
DEMO_TWO_FACTOR_USERS = ("reviewer", "admin")
