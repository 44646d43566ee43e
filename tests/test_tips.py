import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import ClaimFactory, make_user
from tests.processes import child_env
from tracker import workflow
from tracker.models import Claim, ModerationStatus, Tip
from tracker.selectors import awaiting_review_count
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


def test_tip_stays_a_private_tip_and_never_becomes_a_claim(client):
    response = client.post(reverse("tips:report"), TIP)
    assert response.status_code == 302
    assert response["Location"] == reverse("tips:thanks")
    tip = Tip.objects.get()
    assert (tip.status, tip.claim) == (Tip.Status.NEW, None)
    assert not Claim.objects.exists()
    assert awaiting_review_count(make_user("reviewer")) == 0


def test_tip_is_not_in_the_review_queue(client):
    client.post(reverse("tips:report"), TIP)
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("review:queue")).content.decode()
    assert "Guards beat detainees" not in page


def test_tip_is_not_public_and_contact_never_shown(client):
    client.post(reverse("tips:report"), TIP)
    assert not Claim.objects.public().exists()
    thanks = client.get(reverse("tips:thanks")).content.decode()
    assert "secret-sender" not in thanks
    assert "Mariona" not in thanks


def test_tip_thanks_page_says_what_happens_next_and_links_back(client):
    page = client.get(reverse("tips:thanks")).content.decode()
    assert "What happens next" in page
    assert f'href="{reverse("public:claim_list")}"' in page
    assert f'href="{reverse("public:home")}"' in page


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


def test_tip_emails_reviewers_without_a_word_of_the_tip(client, django_capture_on_commit_callbacks):
    reviewer = make_user("reviewer")
    make_user("contributor")
    hostile = {**TIP, "what": "Guards beat detainees.\nBcc: everyone@example.org\nSubject: x"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tips:report"), hostile)
    [message] = mail.outbox
    tip = Tip.objects.get()
    assert message.to == [reviewer.email]
    assert message.subject == f"A tip from the public arrived: tip from the public #{tip.pk}"
    assert "Guards" not in message.body and "secret-sender" not in message.body
    assert message.bcc == []


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


# --- The tip inbox ---------------------------------------------------------------------------


@pytest.fixture
def tip(db):
    return workflow.receive_tip(Tip(**TIP))


@pytest.mark.parametrize("url_name", ["workspace:tip_inbox", "workspace:tip_detail"])
def test_tip_inbox_permission_ladder(client, tip, url_name):
    url = reverse(url_name, args=[tip.pk] if url_name.endswith("detail") else [])
    assert reverse("login") in client.get(url)["Location"]
    client.force_login(make_user("none"))
    assert client.get(url).status_code == 403
    for role in ("contributor", "reviewer"):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 200


def test_tip_inbox_lists_new_tips_for_contributors(client, contributor, tip):
    client.force_login(contributor)
    page = client.get(reverse("workspace:tip_inbox")).content.decode()
    assert f"Tip #{tip.pk}" in page
    assert "Guards beat detainees" in page


def test_tip_detail_shows_the_private_contact_to_staff(client, contributor, tip):
    client.force_login(contributor)
    page = client.get(reverse("workspace:tip_detail", args=[tip.pk])).content.decode()
    assert "secret-sender@example.org" in page
    assert f"{reverse('workspace:claim_create')}?tip={tip.pk}" in page


def claim_post(**extra) -> dict:
    return {
        "title": "Beatings reported in cellblock 3 of La Esperanza prison",
        "summary": "Two former detainees describe beatings by guards.",
        "country": "SV",
        "date_precision": "month",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "50",
        "citations-0-new_source_title": "Interview with two former detainees",
        "citations-0-new_source_url": "https://example.org/interview",
        "citations-0-new_source_kind": "testimony",
        "citations-0-stance": "supports",
        **extra,
    }


def test_staff_writes_a_draft_of_their_own_from_a_tip(client, contributor, tip):
    client.force_login(contributor)
    url = f"{reverse('workspace:claim_create')}?tip={tip.pk}"
    assert "Guards beat detainees" in client.get(url).content.decode()
    response = client.post(url, claim_post(tip=str(tip.pk)))
    assert response.status_code == 302
    claim = Claim.objects.get()
    tip.refresh_from_db()
    assert (claim.status, claim.created_by, claim.origin) == (
        ModerationStatus.DRAFT,
        contributor,
        Claim.Origin.PUBLIC_TIP,
    )
    assert claim.summary == "Two former detainees describe beatings by guards."
    assert (tip.status, tip.claim, tip.handled_by) == (Tip.Status.CONVERTED, claim, contributor)
    assert [e.action for e in workflow.history(claim)] == ["create", "from_tip"]


def test_a_tip_is_made_into_a_draft_only_once(client, contributor, tip):
    client.force_login(contributor)
    url = f"{reverse('workspace:claim_create')}?tip={tip.pk}"
    client.post(url, claim_post(tip=str(tip.pk)))
    assert client.get(url).status_code == 404
    assert client.post(url, claim_post(tip=str(tip.pk))).status_code == 404
    assert Claim.objects.count() == 1


def test_a_draft_from_a_tip_cannot_be_published_by_its_writer(client, contributor, tip):
    claim = workflow.start_claim_from_tip(
        tip, Claim(title="From a tip", summary="Checked.", country="SV"), by=contributor
    )
    workflow.submit(claim, by=contributor)
    with pytest.raises(workflow.TransitionRefused):
        workflow.approve(claim, by=contributor)


def test_archiving_a_tip_needs_a_reason(client, contributor, tip):
    client.force_login(contributor)
    url = reverse("workspace:tip_detail", args=[tip.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    tip.refresh_from_db()
    assert tip.status == Tip.Status.NEW
    response = client.post(url, {"reason": "A duplicate of tip #1."})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert (tip.status, tip.archive_reason, tip.handled_by) == (
        Tip.Status.ARCHIVED,
        "A duplicate of tip #1.",
        contributor,
    )


def test_an_archived_tip_cannot_be_made_into_a_claim(contributor, reviewer, tip):
    workflow.archive_tip(tip, by=reviewer, reason="Out of scope.")
    with pytest.raises(workflow.TransitionRefused, match="already handled"):
        workflow.start_claim_from_tip(
            tip, Claim(title="Late", summary="Late.", country="SV"), by=contributor
        )
    assert not Claim.objects.exists()


def test_users_without_the_tip_permission_cannot_write_from_a_tip(client, tip):
    user = make_user("none")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_claim", "change_claim"])
    )
    client.force_login(user)
    response = client.get(f"{reverse('workspace:claim_create')}?tip={tip.pk}")
    assert response.status_code == 404


# --- The migration that took tips out of the review queue ---------------------------------------


def test_migration_sets_aside_queued_tip_claims_and_keeps_every_word(migrated_apps):
    from importlib import import_module

    step = import_module("tracker.migrations.0010_tips_inbox").keep_tips_apart
    queued = ClaimFactory(status=ModerationStatus.SUBMITTED, origin=Claim.Origin.PUBLIC_TIP)
    published = ClaimFactory(origin=Claim.Origin.PUBLIC_TIP, cited=True)
    rejected = ClaimFactory(status=ModerationStatus.REJECTED, origin=Claim.Origin.PUBLIC_TIP)
    tips = {
        "queued": Tip.objects.create(what="Beatings in cellblock 3.", claim=queued),
        "published": Tip.objects.create(what="Deaths in Izalco.", claim=published),
        "rejected": Tip.objects.create(what="A rumour.", claim=rejected),
    }
    step(migrated_apps, None)
    for tip in tips.values():
        tip.refresh_from_db()
    assert (tips["queued"].status, tips["queued"].claim) == (Tip.Status.NEW, None)
    assert tips["queued"].what == "Beatings in cellblock 3."
    queued.refresh_from_db()
    assert queued.status == ModerationStatus.REJECTED
    assert workflow.history(queued).last().action == "tips_kept_apart"
    assert (tips["published"].status, tips["published"].claim) == (Tip.Status.CONVERTED, published)
    assert tips["rejected"].status == Tip.Status.ARCHIVED
    assert Claim.objects.get(pk=published.pk).status == ModerationStatus.PUBLISHED
    assert awaiting_review_count(make_user("reviewer")) == 0
