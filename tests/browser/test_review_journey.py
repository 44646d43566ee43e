"""A reviewer's journey through a full queue: pages, a filter, a sort, a review page as it will
be published, the missing-provenance warning, an approval and the next item, and a correction
previewed as it will read once approved.

Screenshots of the queue, a review page and a correction are kept in the system's temporary
directory, to look at the layout."""

import datetime
import re
import tempfile
from pathlib import Path

from django.utils import timezone

from tests.browser.helpers import assert_accessible, horizontal_overflow, login
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
from tracker.models import Claim, DatePrecision, Location, ModerationStatus, Revision, Statistic

S = ModerationStatus
SHOTS = Path(tempfile.gettempdir())
COMPLETE = "Man detained in March 2022 died at Izalco prison"
OWN = "Transfers to CECOT without notice to families"
UNSOURCED = "Woman held for 14 months without a hearing"


def fill_review_queue(reviewer, contributor) -> list:
    """Thirty items awaiting review, oldest first: claims, figures and corrections, some the
    reviewer's own, some missing a source the public could trace."""
    izalco = LocationFactory(
        name="Izalco prison", slug="izalco-prison", kind=Location.Kind.FACILITY, country="SV"
    )
    death = CategoryFactory(name="Death in custody", name_es="Muerte bajo custodia")
    detention = CategoryFactory(name="Arbitrary detention", name_es="Detención arbitraria")
    socorro = OrganizationFactory(name="Socorro Jurídico Humanitario")
    cristosal = OrganizationFactory(name="Cristosal")
    deaths = IndicatorFactory(name="Deaths in state custody", category=death)
    detained = IndicatorFactory(name="People detained under the state of exception")
    items = []

    def claim(title, by, *, cited=True, country="SV", categories=(detention,), **extra):
        entry = ClaimFactory(
            status=S.SUBMITTED,
            created_by=by,
            last_edited_by=by,
            title=title,
            country=country,
            categories=list(categories),
            **extra,
        )
        if cited:
            CitationFactory(
                claim=entry,
                source=SourceFactory(organization=socorro, title=f"Socorro report on {title}"),
                quote="The family was not told of the death for two weeks.",
                locator="p. 14",
            )
        items.append(entry)

    def figure(value, by, *, indicator=deaths, traceable=True):
        url = f"https://example.org/cristosal/{value}" if traceable else ""
        source = SourceFactory(organization=cristosal, url=url, title=f"Cristosal bulletin {value}")
        items.append(
            StatisticFactory(
                status=S.SUBMITTED,
                created_by=by,
                last_edited_by=by,
                indicator=indicator,
                source=source,
                organization=cristosal,
                value=value,
                country="SV",
            )
        )

    def correction(title, by):
        published = ClaimFactory(title=title, created_by=contributor, cited=True)
        items.append(
            workflow.propose_revision(
                published,
                by=by,
                expected_version=published.version,
                data={"fields": {"title": f"{title} (corrected)"}},
            )
        )

    claim(
        COMPLETE,
        contributor,
        categories=(death,),
        location=izalco,
        place_details="Izalco Fase III",
        event_start=datetime.date(2022, 3, 27),
        date_precision=DatePrecision.MONTH,
        victim_count=1,
        victim_description="a 43-year-old man",
    )
    claim(OWN, reviewer)
    claim(UNSOURCED, contributor, cited=False, ongoing=True)
    claim("Detainees denied medicine for chronic illness", contributor, country="GT")
    figure(261, contributor)
    claim("Guards beat detainees during a search", contributor, origin=Claim.Origin.PUBLIC_TIP)
    correction("Deaths in custody reported in Mariona", contributor)
    claim("Minors held with adults at a police post", contributor, country="HN")
    figure(83000, contributor, indicator=detained)
    claim("Lawyer denied access to her client", reviewer)
    claim("Mass hearing of 500 detainees at once", contributor, origin=Claim.Origin.IMPORT)
    figure(480, reviewer)
    claim("Detainee's body returned without an autopsy", contributor, cited=False)
    correction("Families wait outside the prison for news", reviewer)
    claim("Teacher detained after an anonymous call", contributor, country="GT")
    figure(100, contributor, traceable=False)
    claim("Man with a disability detained for 'looking nervous'", contributor)
    correction("Prison overcrowding above 150 percent", contributor)
    claim("Journalist held overnight without charge", contributor, country="HN")
    figure(7000, contributor, indicator=detained)
    claim("Detainees kept in cells with no daylight", reviewer)
    claim("Brothers detained together, one released", contributor)
    correction("Hunger strike reported at a women's prison", contributor)
    claim("Detainee died days after transfer", contributor, categories=(death,))
    figure(153, contributor)
    claim("Street vendor detained near a market", contributor, cited=False)
    claim("Family not told of a relative's death", contributor, categories=(death,))
    figure(12, contributor)
    claim("Union leader detained at his home", contributor)
    claim("Detainee held past the end of his sentence", contributor)
    assert len(items) == 30

    now = timezone.now()
    for age, item in enumerate(items):
        since = now - datetime.timedelta(days=40 - age, hours=3)
        if isinstance(item, Revision):
            Revision.objects.filter(pk=item.pk).update(created_at=since)
        else:
            type(item).objects.filter(pk=item.pk).update(updated_at=since)
    return items


def queue_rows(page):
    return page.locator("table.queue-table tbody tr")


def test_reviewer_walks_a_full_queue_approves_and_goes_to_the_next(page, demo_users, axe_source):
    reviewer, contributor = demo_users["reviewer"], demo_users["contributor"]
    items = fill_review_queue(reviewer, contributor)
    login(page, "reviewer", "reviewer-demo-2026")
    assert "/accounts/two-factor/" not in page.url

    page.goto("/en/review/")
    assert "30 items await review · page 1 of 2" in page.locator("caption").inner_text()
    assert queue_rows(page).count() == 25
    assert page.locator(".own-mark").count() == 5
    assert_accessible(page, axe_source)
    page.screenshot(path=SHOTS / "review-queue.png", full_page=True)

    page.locator(".pagination").get_by_role("link", name="Next").click()
    page.wait_for_url("**/en/review/?page=2")
    assert queue_rows(page).count() == 5

    page.locator("#id_country").select_option("GT")
    page.locator(".queue-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r".*country=GT.*"))
    assert queue_rows(page).count() == 2
    titles = queue_rows(page).locator("td:nth-child(3) a").all_inner_texts()
    assert titles == [
        "Detainees denied medicine for chronic illness",
        "Teacher detained after an anonymous call",
    ]
    page.locator("#id_sort").select_option("newest")
    page.locator(".queue-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r".*sort=newest.*"))
    assert queue_rows(page).locator("td:nth-child(3) a").all_inner_texts() == titles[::-1]
    assert page.locator("#id_country").input_value() == "GT"

    page.goto("/en/review/")
    page.get_by_role("link", name=UNSOURCED).click()
    page.wait_for_url(f"**/en/review/claims/{items[2].pk}/")
    warning = page.locator(".provenance-warning")
    assert "It cites no source." in warning.inner_text()
    assert page.locator("input[name=action][value=approve]").count() == 0
    assert "cannot be published yet" in page.locator(".refused-decision").inner_text()

    page.goto("/en/review/")
    page.get_by_role("link", name=COMPLETE).click()
    page.wait_for_url(f"**/en/review/claims/{items[0].pk}/")
    preview = page.locator("article.preview")
    assert preview.locator(".preview-label").text_content() == "As it will be published"
    assert preview.locator("h1").inner_text() == COMPLETE
    assert preview.locator(".tag").first.inner_text() == "Death in custody"
    facts = preview.locator("dl.facts").inner_text()
    assert "March 2022" in facts
    assert "Izalco prison, El Salvador (Izalco Fase III)" in facts
    assert page.locator(".provenance-warning").count() == 0
    assert "p. 14" in page.locator(".review-side").inner_text()
    assert_accessible(page, axe_source)
    page.screenshot(path=SHOTS / "review-entry.png", full_page=True)

    page.locator("input[name=action][value=approve]").check()
    page.locator(".decision-form button[type=submit]").click()
    page.wait_for_url(f"**/en/review/claims/{items[0].pk}/decided/")
    assert "is now: Published." in page.locator("main").inner_text()
    public_link = page.get_by_role("link", name="See it on the public site")
    assert public_link.get_attribute("href") == f"/en/claims/{items[0].pk}/"
    items[0].refresh_from_db()
    assert items[0].status == S.PUBLISHED

    page.get_by_role("link", name="Next in queue").click()
    # The reviewer's own claim (second oldest) is skipped: the unsourced one comes next.
    page.wait_for_url(f"**/en/review/claims/{items[2].pk}/")
    assert page.locator(".provenance-warning").count() == 1

    # A correction: the diff, and the claim as it will read once the correction is approved.
    revision = next(item for item in items if isinstance(item, Revision))
    page.goto(f"/en/review/revisions/{revision.pk}/")
    preview = page.locator("article.preview")
    assert preview.locator(".preview-label").text_content() == (
        "As it will be published once this correction is approved"
    )
    assert preview.locator("h1").inner_text().endswith("(corrected)")
    assert "(corrected)" in page.locator("table.diff ins").first.inner_text()
    assert_accessible(page, axe_source)
    page.screenshot(path=SHOTS / "review-correction.png", full_page=True)


def test_full_queue_and_review_page_fit_a_phone(new_page, demo_users):
    from tests.browser.conftest import PHONE

    items = fill_review_queue(demo_users["reviewer"], demo_users["contributor"])
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(phone, "reviewer", "reviewer-demo-2026")
    claim = next(item for item in items if isinstance(item, Claim))
    statistic = next(item for item in items if isinstance(item, Statistic))
    revision = next(item for item in items if isinstance(item, Revision))
    for path in (
        "/en/review/",
        "/es/review/?sort=type",
        f"/en/review/claims/{claim.pk}/",
        f"/es/review/statistics/{statistic.pk}/",
        f"/en/review/revisions/{revision.pk}/",
    ):
        phone.goto(path)
        assert horizontal_overflow(phone) == 0, path
