import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker import workflow
from tracker.demo import data
from tracker.demo import people as demo_people
from tracker.demo.two_factor import DEMO_DEVICE_NAME, DEMO_TOTP_KEY
from tracker.models import (
    Category,
    Citation,
    Claim,
    Indicator,
    Location,
    ModerationStatus,
    Organization,
    Person,
    Source,
    Statistic,
    VerificationGrade,
)
from tracker.workflow import bulk

pytestmark = pytest.mark.django_db

ALL_MODELS = [Category, Organization, Location, Indicator, Source, Statistic, Claim, Citation]


def counts():
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_demo_loader_loads_every_row(demo_data):
    assert counts() == {
        "Category": len(data.CATEGORIES),
        # The true organisations and sources, and the synthetic ones of the demo's person
        # records (tracker/demo/people.py).
        "Organization": len(data.ORGANIZATIONS) + 1,
        "Location": len(data.LOCATIONS),
        "Indicator": len(data.INDICATORS),
        "Source": len(data.SOURCES) + len(demo_people.SOURCES),
        "Statistic": len(data.STATISTICS),
        "Claim": len(data.CLAIMS),
        "Citation": sum(len(claim["citations"]) for claim in data.CLAIMS),
    }
    assert Claim.objects.public().count() == len(data.CLAIMS)
    assert Statistic.objects.public().count() == len(data.STATISTICS)


def test_demo_entries_record_what_the_workflow_records_for_a_loaded_entry(demo_data):
    entries = [*Claim.objects.all(), *Statistic.objects.all(), *Person.objects.all()]
    assert {entry.status for entry in entries} == {
        ModerationStatus.PUBLISHED,
        ModerationStatus.DRAFT,
    }
    for entry in entries:
        recorded = [
            (event.kind, event.action, event.from_value, event.to_value)
            for event in workflow.history(entry)
        ]
        planned = [
            (step.kind, step.action, step.from_value, step.to_value)
            for step in bulk.trail(entry.status, entry.verification)
        ]
        assert recorded == planned, entry


def test_demo_loader_is_idempotent(demo_data):
    before = counts()
    stamps = list(Claim.objects.values_list("pk", "updated_at", "version"))
    call_command("load_demo", verbosity=0)
    assert counts() == before
    assert list(Claim.objects.values_list("pk", "updated_at", "version")) == stamps


def test_demo_deaths_indicator_has_sjh_four_figures_and_cristosal_one(demo_data):
    figures = Statistic.objects.public().filter(
        indicator__slug="deaths-in-state-custody-el-salvador-state-of-exception"
    )
    by_org = {}
    for figure in figures.select_related("organization"):
        by_org.setdefault(figure.organization.name, []).append(
            (figure.qualifier, int(figure.value))
        )
    assert by_org == {
        "Cristosal": [("exact", 261)],
        "Socorro Jurídico Humanitario": [
            ("at_least", 301),
            ("more_than", 430),
            ("at_least", 480),
        ],
    }


def test_demo_dates_keep_their_precision(demo_data):
    cristosal = Statistic.objects.get(organization__slug="cristosal")
    assert cristosal.as_of_display == "April 2024"
    deportations = Claim.objects.get(slug="venezuelans-deported-by-the-united-states-held-at-cecot")
    assert deportations.date_display == "2025"


def test_demo_grades_and_stances(demo_data):
    torture = Claim.objects.get(slug="torture-and-ill-treatment-in-salvadoran-prisons")
    assert torture.verification == VerificationGrade.DISPUTED
    assert torture.verification_rationale
    stances = dict(torture.citations.values_list("source__organization__slug", "stance"))
    assert stances["presidential-commissioner-for-human-rights-el-salvador"] == "contradicts"
    assert stances["cristosal"] == "supports"
    assert (
        Claim.objects.get(slug="limited-due-process-under-the-state-of-exception").verification
        == VerificationGrade.UNVERIFIED
    )
    assert set(Claim.objects.values_list("status", flat=True)) == {ModerationStatus.PUBLISHED}


def test_demo_cecot_has_capacity_range_and_cellblocks(demo_data):
    cecot = Location.objects.get(slug="cecot")
    assert cecot.opened_year == 2023
    displays = {s.indicator.slug: s.value_display for s in cecot.statistics.all()}
    assert displays["prison-capacity"] == "at most 40,000"
    assert displays["prison-cellblocks"] == "8"
    assert displays["prisoners-per-cell"] == "65–70"


def test_demo_seed_article_file_is_on_file_with_its_hash(demo_data):
    source = Source.objects.get(organization__slug="unnamed-english-language-news-outlet")
    assert len(source.sha256) == 64
    assert source.file.read().startswith(b"Chile's president-elect")


def test_demo_users_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", "--with-users", verbosity=0)
    assert not get_user_model().objects.exists()


def test_demo_users_have_their_roles(settings):
    settings.DEBUG = True
    call_command("load_demo", "--with-users", verbosity=0)
    User = get_user_model()
    assert User.objects.get(username="contributor").groups.filter(name="Contributors").exists()
    assert User.objects.get(username="reviewer").has_perm("tracker.review_entries")
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="reviewer").check_password("reviewer-demo-2026")


def test_demo_reviewer_and_admin_get_the_demo_authenticator(settings):
    settings.DEBUG = True
    call_command("load_demo", "--with-users", verbosity=0)
    devices = TOTPDevice.objects.filter(name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == ["admin", "reviewer"]


def test_demo_authenticator_is_added_once(settings):
    settings.DEBUG = True
    call_command("load_demo", "--with-users", verbosity=0)
    call_command("load_demo", "--with-users", verbosity=0)
    assert TOTPDevice.objects.count() == 2


def test_demo_code_logs_the_demo_reviewer_in(client, settings):
    settings.DEBUG = True
    call_command("load_demo", "--with-users", verbosity=0)
    out = io.StringIO()
    call_command("demo_code", "reviewer", stdout=out, stderr=io.StringIO())
    client.post(reverse("login"), {"username": "reviewer", "password": "reviewer-demo-2026"})
    client.post(reverse("two_factor_verify"), {"code": out.getvalue().strip()})
    assert client.get(reverse("review:queue")).status_code == 200


def test_demo_code_is_refused_without_debug(settings):
    settings.DEBUG = True
    call_command("load_demo", "--with-users", verbosity=0)
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", "reviewer", stdout=io.StringIO())


def test_demo_code_is_refused_for_a_device_that_is_not_the_demo_one(reviewer, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("demo_code", reviewer.username, stdout=io.StringIO())
