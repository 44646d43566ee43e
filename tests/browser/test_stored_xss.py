"""Stored XSS: script payloads in every text field that reaches a page never run, on any page.

The Content-Security-Policy would stop inline scripts on its own, so it is switched off here:
these tests prove the first defence, escaping, on every public and staff page. Each payload sets
``window.__xss`` or opens a dialog if it runs; each page must show the payload as text instead.
"""

import pytest
from django.urls import reverse

from tests.browser.helpers import login
from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import workflow
from tracker.models import ModerationStatus, Revision, Tag, Tip

S = ModerationStatus
SCRIPT = "<script>window.__xss=1</script>"
ATTRIBUTE = '"><img src=x onerror=window.__xss=1>'
SVG = "'><svg onload=window.__xss=1>"
DIALOG = "<img src=x onerror=alert(1)>"
# A URL that validation accepts (no spaces), that breaks out of an unescaped href attribute.
URL = 'https://example.org/?"><img/src=x/onerror=window.__xss=1>'


def payload(field: str) -> str:
    return f"{field} {SCRIPT}{ATTRIBUTE}{SVG}{DIALOG}"


def short_payload(field: str) -> str:
    """For names of at most 80 characters."""
    return f"{field} {SCRIPT}{ATTRIBUTE}"


@pytest.fixture
def hostile_data(transactional_db, demo_users):
    """Payloads in every text field that reaches a page, public or staff."""
    reviewer, contributor = demo_users["reviewer"], demo_users["contributor"]
    category = CategoryFactory(name=short_payload("category"), description=payload("category text"))
    location = LocationFactory(name=payload("place"), description=payload("place text"))
    organization = OrganizationFactory(
        name=payload("organisation"), description=payload("organisation text"), website=URL
    )
    source = SourceFactory(
        organization=organization,
        title=payload("source title"),
        author=payload("source author"),
        summary=payload("source summary"),
        url=URL,
    )
    tag = Tag.objects.create(name=short_payload("tag"), slug="hostile-tag")
    claim = ClaimFactory(
        title=payload("claim title"),
        summary=payload("claim summary"),
        place_details=payload("place details"),
        victim_description=payload("victims"),
        alleged_perpetrator=payload("perpetrator"),
        location=location,
        categories=[category],
        created_by=contributor,
        verification_rationale=payload("rationale"),
    )
    claim.tags.set([tag])
    CitationFactory(
        claim=claim, source=source, quote=payload("quote"), locator=payload("locator")[:200]
    )
    indicator = IndicatorFactory(
        name=payload("indicator"), unit="people", description=payload("indicator text")
    )
    statistic = StatisticFactory(
        indicator=indicator,
        source=source,
        organization=organization,
        location=location,
        note=payload("statistic note"),
        quote=payload("statistic quote"),
        created_by=contributor,
    )
    # Staff-only material: a tip, review comments, a pending revision and its history.
    tip = Tip(
        what=payload("tip what"),
        where=payload("tip where"),
        when=payload("tip when")[:100],
        link=URL,
        contact=payload("tip contact"),
    )
    workflow.receive_tip(tip)
    submitted = ClaimFactory(status=S.DRAFT, title=payload("draft title"), created_by=contributor)
    workflow.submit(submitted, by=contributor, comment=payload("submit comment"))
    workflow.request_changes(submitted, by=reviewer, comment=payload("review comment"))
    workflow.set_verification(
        claim, by=reviewer, grade="corroborated", rationale=payload("grade rationale")
    )
    claim.refresh_from_db()
    revision = workflow.propose_revision(
        claim,
        by=contributor,
        expected_version=claim.version,
        data={"fields": {"title": payload("revised title"), "summary": payload("revised")}},
        comment=payload("revision comment"),
    )
    return {
        "claim": claim,
        "statistic": statistic,
        "submitted": submitted,
        "tip": tip,
        "revision": revision,
        "category": category,
        "location": location,
        "organization": organization,
        "source": source,
        "indicator": indicator,
    }


@pytest.fixture
def no_csp(settings):
    settings.CONTENT_SECURITY_POLICY = ""


def visit(page, path: str, dialogs: list[str]) -> list[str]:
    """Open a page; list what went wrong: a payload that ran, or markup made of a payload."""
    response = page.goto(path)
    page.wait_for_load_state("load")
    problems = []
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else '-'}")
    if page.evaluate("() => window.__xss !== undefined"):
        problems.append(f"{path}: a payload ran")
    # Data blocks (JSON-LD, json_script) are inert; a payload breaking out of one would make a
    # script element of its own and be counted.
    injected = page.evaluate(
        """() => document.querySelectorAll(
            'img[src="x"], svg[onload], script:not([src]):not([type*="json"])'
        ).length"""
    )
    if injected:
        problems.append(f"{path}: {injected} element(s) made from a payload")
    if page.locator("a[href^='javascript:' i]").count():
        problems.append(f"{path}: a javascript: link")
    problems.extend(f"{path}: dialog {message}" for message in dialogs)
    dialogs.clear()
    return problems


def watch_dialogs(page) -> list[str]:
    dialogs: list[str] = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return dialogs


def shows_as_text(page, text: str) -> bool:
    return text in page.evaluate("() => document.body.innerText")


def test_stored_xss_never_runs_on_public_pages(page, hostile_data, no_csp):
    data = hostile_data
    dialogs = watch_dialogs(page)
    paths = [
        reverse("public:home"),
        reverse("public:claim_list"),
        reverse("public:claim_list") + "?q=claim",
        reverse("public:claim_list") + f"?category={data['category'].slug}",
        data["claim"].get_absolute_url(),
        reverse("public:statistic_list"),
        reverse("public:statistic_detail", args=[data["statistic"].pk]),
        reverse("public:indicator_detail", args=[data["indicator"].slug]),
        reverse("public:location_list"),
        reverse("public:location_detail", args=[data["location"].slug]),
        reverse("public:organization_list"),
        reverse("public:organization_detail", args=[data["organization"].slug]),
        reverse("public:source_list"),
        reverse("public:source_detail", args=[data["source"].pk]),
        reverse("public:methodology"),
        # Reflected: a payload in the search box.
        reverse("public:claim_list") + "?q=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    ]
    problems = [problem for path in paths for problem in visit(page, path, dialogs)]
    assert problems == []
    page.goto(data["claim"].get_absolute_url())
    assert shows_as_text(page, payload("claim title"))
    assert shows_as_text(page, payload("quote"))


def test_stored_xss_never_runs_on_staff_pages(page, hostile_data, no_csp):
    data = hostile_data
    dialogs = watch_dialogs(page)
    login(page, "reviewer", "reviewer-demo-2026")
    claim, tip = data["claim"], data["tip"]
    paths = [
        reverse("workspace:home"),
        reverse("workspace:source_list"),
        reverse("workspace:organization_list"),
        reverse("workspace:claim_edit", args=[data["submitted"].pk]),
        reverse("workspace:claim_detail", args=[data["submitted"].pk]),
        reverse("workspace:statistic_edit", args=[data["statistic"].pk]),
        reverse("workspace:statistic_detail", args=[data["statistic"].pk]),
        reverse("workspace:source_edit", args=[data["source"].pk]),
        reverse("workspace:organization_edit", args=[data["organization"].pk]),
        reverse("review:queue"),
        reverse("review:claim", args=[claim.pk]),
        reverse("workspace:tip_inbox"),
        reverse("workspace:tip_detail", args=[tip.pk]),
        f"{reverse('workspace:claim_create')}?tip={tip.pk}",
        reverse("review:claim", args=[data["submitted"].pk]),
        reverse("review:statistic", args=[data["statistic"].pk]),
        reverse("review:revision", args=[data["revision"].pk]),
        reverse("review:claim_history", args=[claim.pk]),
        reverse("review:statistic_history", args=[data["statistic"].pk]),
    ]
    problems = [problem for path in paths for problem in visit(page, path, dialogs)]
    assert problems == []
    page.goto(reverse("review:revision", args=[data["revision"].pk]))
    assert shows_as_text(page, payload("revised title"))
    assert shows_as_text(page, payload("revision comment"))
    page.goto(reverse("workspace:tip_detail", args=[tip.pk]))
    assert shows_as_text(page, payload("tip contact"))
    assert shows_as_text(page, payload("tip what"))
    assert Revision.objects.filter(pk=data["revision"].pk).exists()
