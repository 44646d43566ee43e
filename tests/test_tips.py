import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import make_user
from tests.processes import child_env
from tracker.models import Claim, ModerationStatus, Tip
from tracker.views.tips import sender_fingerprint

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

TIP = {
    "what": "Guards beat detainees in cellblock 3 of the Mariona prison.",
    "where": "Mariona prison",
    "when": "last week",
    "link": "https://example.org/video",
    "contact": "secret-sender@example.org",
}


def test_tip_lands_in_review_queue_as_public_tip(client):
    response = client.post(reverse("tips:report"), TIP)
    assert response.status_code == 302
    assert response["Location"] == reverse("tips:thanks")
    claim = Claim.objects.get()
    assert claim.status == ModerationStatus.SUBMITTED
    assert claim.origin == Claim.Origin.PUBLIC_TIP
    assert Tip.objects.get().claim == claim


def test_tip_is_not_public_and_contact_never_shown(client):
    client.post(reverse("tips:report"), TIP)
    assert not Claim.objects.public().exists()
    thanks = client.get(reverse("tips:thanks")).content.decode()
    assert "secret-sender" not in thanks
    assert "Mariona" not in thanks


def test_tip_contact_is_stored_only_on_the_tip(client):
    client.post(reverse("tips:report"), TIP)
    claim = Claim.objects.get()
    assert "secret-sender" not in claim.summary + claim.private_notes + claim.search_text
    assert Tip.objects.get().contact == "secret-sender@example.org"


def test_tip_honeypot_keeps_nothing(client):
    response = client.post(reverse("tips:report"), {**TIP, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Tip.objects.exists()
    assert not Claim.objects.exists()


def test_tip_rate_limit_per_address(client, settings):
    settings.TIPS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(reverse("tips:report"), TIP).status_code == 302
    response = client.post(reverse("tips:report"), TIP)
    assert response.status_code == 429
    assert Tip.objects.count() == 2
    assert "Guards beat detainees" in response.content.decode()


def test_tip_rate_limit_counts_each_address_apart(client, settings):
    settings.TIPS_PER_HOUR = 1
    client.post(reverse("tips:report"), TIP, REMOTE_ADDR="10.0.0.1")
    response = client.post(reverse("tips:report"), TIP, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    assert Tip.objects.count() == 2


def test_tip_fingerprint_is_not_the_address(client):
    client.post(reverse("tips:report"), TIP, REMOTE_ADDR="10.0.0.7")
    fingerprint = Tip.objects.get().sender_fingerprint
    assert len(fingerprint) == 64
    assert "10.0.0.7" not in fingerprint


def test_tip_too_long_is_refused_and_kept_in_form(client):
    response = client.post(reverse("tips:report"), {**TIP, "what": "x" * 5001})
    assert response.status_code == 200
    assert not Tip.objects.exists()


def test_tip_too_short_is_refused(client):
    response = client.post(reverse("tips:report"), {**TIP, "what": "help"})
    assert response.status_code == 200
    assert not Tip.objects.exists()


def test_tip_emails_reviewers(client, django_capture_on_commit_callbacks):
    reviewer = make_user("reviewer")
    make_user("contributor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tips:report"), TIP)
    assert [message.to for message in mail.outbox] == [[reviewer.email]]


def test_tip_form_page_renders_hidden_honeypot(client):
    page = client.get(reverse("tips:report")).content.decode()
    assert 'class="honeypot" aria-hidden="true"' in page


def test_tip_rate_limit_uses_proxy_header_when_configured(client, settings):
    settings.TIPS_PER_HOUR = 1
    settings.TIPS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    client.post(reverse("tips:report"), TIP, HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.1")
    response = client.post(reverse("tips:report"), TIP, HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert response.status_code == 302
    assert Tip.objects.count() == 2


def test_tip_review_page_shows_contact_to_reviewers(client):
    client.post(reverse("tips:report"), TIP)
    client.force_login(make_user("reviewer"))
    response = client.get(reverse("review:claim", args=[Claim.objects.get().pk]))
    assert response.status_code == 200
    assert "secret-sender@example.org" in response.content.decode()


def fingerprint(address: str) -> str:
    return sender_fingerprint(RequestFactory().post("/", REMOTE_ADDR=address))


def test_tip_fingerprint_changes_with_the_secret_key(settings):
    before = fingerprint("203.0.113.5")
    settings.SECRET_KEY = "another-long-secret-key-for-another-deployment"
    assert fingerprint("203.0.113.5") != before


def test_tip_fingerprint_is_no_plain_hash_of_the_address():
    address = "203.0.113.5"
    plain_hashes = {
        hashlib.new(name, address.encode()).hexdigest()
        for name in hashlib.algorithms_guaranteed
        if not name.startswith("shake")
    }
    assert fingerprint(address) not in plain_hashes


# A public form that took more than this many tips an hour from one address would be a flood.
TIPS_PER_HOUR_CEILING = 20


@pytest.fixture(scope="module")
def shipped_tips_per_hour() -> int:
    """TIPS_PER_HOUR as tracker.settings sets it with the variable unset (tests override it)."""
    env = {key: value for key, value in child_env().items() if key != "TIPS_PER_HOUR"}
    env.update(SECRET_KEY="a-long-random-production-key", DJANGO_SETTINGS_MODULE="tracker.settings")
    result = subprocess.run(
        [sys.executable, "-c", "from tracker import settings; print(settings.TIPS_PER_HOUR)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_tip_rate_limit_shipped_default_is_the_documented_small_one(shipped_tips_per_hour):
    readme = (ROOT / "README.md").read_text()
    documented = re.search(r"^\| `TIPS_PER_HOUR` \| `(\d+)` \|", readme, re.MULTILINE)
    assert shipped_tips_per_hour == int(documented.group(1))
    assert 1 <= shipped_tips_per_hour <= TIPS_PER_HOUR_CEILING


def test_tip_rate_limit_shipped_default_refuses_the_next_tip(
    client, settings, shipped_tips_per_hour
):
    assert shipped_tips_per_hour <= TIPS_PER_HOUR_CEILING  # or this test would post all day
    settings.TIPS_PER_HOUR = shipped_tips_per_hour
    statuses = [
        client.post(reverse("tips:report"), TIP, REMOTE_ADDR="198.51.100.20").status_code
        for _ in range(shipped_tips_per_hour + 1)
    ]
    assert statuses == [302] * shipped_tips_per_hour + [429]
    assert Tip.objects.count() == shipped_tips_per_hour
