"""Password reset: at most PASSWORD_RESETS_PER_HOUR requests per address and per client, counted
in the database, with the same answer whether or not an account has the address."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from tracker.models import SecurityEvent

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind


def ask(client, email: str, *, ip: str = "203.0.113.9"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_sends_at_most_three_mails_for_ten_requests(client, contributor):
    responses = [ask(client, contributor.email) for _ in range(10)]
    assert len(mail.outbox) == 3
    assert [response.status_code for response in responses] == [302] * 3 + [429] * 7


def test_password_reset_limit_holds_from_many_addresses(client, contributor):
    for number in range(10):
        ask(client, contributor.email, ip=f"198.51.100.{number}")
    assert len(mail.outbox) == 3


def test_password_reset_limit_counts_each_address_case_blind(client, contributor):
    for email in (contributor.email, contributor.email.upper(), f" {contributor.email} ") * 2:
        ask(client, email, ip="198.51.100.1" if "@" in email else "198.51.100.2")
    assert len(mail.outbox) == 3


def test_password_reset_limit_per_client_address(client):
    responses = [ask(client, f"person{n}@example.org") for n in range(4)]
    assert [response.status_code for response in responses] == [302, 302, 302, 429]


def test_password_reset_limit_follows_the_setting(client, contributor, settings):
    settings.PASSWORD_RESETS_PER_HOUR = 1
    ask(client, contributor.email)
    ask(client, contributor.email)
    assert len(mail.outbox) == 1


def test_password_reset_limit_lifts_after_an_hour(client, contributor):
    for _ in range(3):
        ask(client, contributor.email)
    SecurityEvent.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert ask(client, contributor.email).status_code == 302
    assert len(mail.outbox) == 4


def test_password_reset_answers_the_same_for_an_unknown_address(client, contributor):
    known = [ask(client, contributor.email, ip="198.51.100.1") for _ in range(4)]
    unknown = [ask(client, "nobody@example.org", ip="198.51.100.2") for _ in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.get("Location") for r in known] == [r.get("Location") for r in unknown]
    assert page_text(known[-1], contributor.email) == page_text(unknown[-1], "nobody@example.org")


def page_text(response, email: str) -> str:
    """The page, less what differs between any two requests: the address and the CSRF token."""
    body = response.content.decode().replace(email, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_password_reset_request_is_recorded(client, contributor):
    ask(client, contributor.email.upper())
    ask(client, "nobody@example.org")
    events = SecurityEvent.objects.filter(kind=Kind.PASSWORD_RESET_REQUESTED).order_by("pk")
    assert [(e.user, e.detail, e.ip_address) for e in events] == [
        (contributor, contributor.email, "203.0.113.9"),
        (None, "nobody@example.org", "203.0.113.9"),
    ]
