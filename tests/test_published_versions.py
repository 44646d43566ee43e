"""Corrections in the open: versions at their own address, correction notes, withdrawal notices
answering 410, and the corrections feed."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)
from tracker import workflow
from tracker.models import Claim, ModerationStatus, PublishedVersion

pytestmark = pytest.mark.django_db

S = ModerationStatus
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def citation_row(source, quote: str) -> dict:
    return {
        "source": source.pk,
        "new_source": None,
        "quote": quote,
        "locator": "",
        "stance": "supports",
    }


def correct(entry, *, by, reviewer, note: str, fields=None, citations=None):
    """Propose a revision of a published entry and have a second person approve it."""
    entry.refresh_from_db()
    data = {"fields": fields or {}}
    if citations is not None:
        data["citations"] = citations
    revision = workflow.propose_revision(entry, by=by, expected_version=entry.version, data=data)
    workflow.approve_revision(revision, by=reviewer, correction_note=note)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def three_versions(contributor, reviewer):
    """A claim published, then corrected twice, each version with its own title and source."""
    sources = [SourceFactory(title=f"Report {n}") for n in (1, 2, 3)]
    claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, title="Title one")
    CitationFactory(claim=claim, source=sources[0], quote="Quote one")
    workflow.approve(claim, by=reviewer)
    correct(
        claim,
        by=contributor,
        reviewer=reviewer,
        note="Note two: the second report gives the count.",
        fields={"title": "Title two"},
        citations=[citation_row(sources[1], "Quote two")],
    )
    correct(
        claim,
        by=contributor,
        reviewer=reviewer,
        note="Note three: the place was wrong.",
        fields={"title": "Title three"},
        citations=[citation_row(sources[2], "Quote three")],
    )
    return claim


def version_url(entry, number: int) -> str:
    return reverse(f"public:{entry._meta.model_name}_version", args=[entry.pk, number])


def body_of(response) -> str:
    return response.content.decode()


# --- Each version at its own address ------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_version_page_shows_exactly_what_was_published_then(client, three_versions, number):
    words = {1: "one", 2: "two", 3: "three"}
    response = client.get(version_url(three_versions, number))
    body = body_of(response)
    assert response.status_code == 200
    assert f"<h1>Title {words[number]}</h1>" in body
    assert f"Report {number}" in body
    assert f"Quote {words[number]}" in body
    for other in {1, 2, 3} - {number}:
        assert f"Title {words[other]}" not in body
        assert f"Report {other}" not in body
        assert f"Quote {words[other]}" not in body


def test_live_page_shows_the_latest_version(client, three_versions):
    body = body_of(client.get(three_versions.get_absolute_url()))
    assert "<h1>Title three</h1>" in body
    assert "Quote three" in body
    assert "Quote one" not in body


def test_version_banner_links_an_old_version_to_the_current_one(client, three_versions):
    body = body_of(client.get(version_url(three_versions, 1)))
    assert "This is version 1 of" in body
    assert "the current version is" in body
    assert f'href="{three_versions.get_absolute_url()}">version 3 of' in body


def test_version_banner_says_the_latest_is_current(client, three_versions):
    body = body_of(client.get(version_url(three_versions, 3)))
    assert "This is version 3 of" in body
    assert "this is the current version" in body


def test_version_page_shows_the_corrections_published_with_it(client, three_versions):
    body = body_of(client.get(version_url(three_versions, 2)))
    assert "Corrected on" in body
    assert "Note two" in body
    assert "Note three: the place was wrong." not in body.split('id="versions-heading"')[0]


def test_version_page_cites_its_own_address_and_the_permanent_one(client, three_versions):
    body = body_of(client.get(version_url(three_versions, 2)))
    assert f"http://testserver/claims/{three_versions.pk}/v/2/" in body
    assert f'http://testserver/claims/{three_versions.pk}/"' in body
    canonical = f"http://testserver/en/claims/{three_versions.pk}/v/2/"
    assert f'<link rel="canonical" href="{canonical}">' in body


def test_version_permanent_link_redirects_to_the_readers_language(client, three_versions):
    response = client.get(f"/claims/{three_versions.pk}/v/2/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    assert response["Location"] == f"/es/claims/{three_versions.pk}/v/2/"


def test_version_page_in_spanish(client, three_versions):
    body = body_of(client.get(f"/es/claims/{three_versions.pk}/v/1/"))
    assert "Esta es la versión 1 del" in body
    assert "Title one" in body


def test_missing_version_is_not_found(client, three_versions):
    assert client.get(version_url(three_versions, 4)).status_code == 404
    assert client.get(version_url(three_versions, 0)).status_code == 404


@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.REJECTED])
def test_version_of_an_unpublished_entry_is_not_found(client, state):
    claim = ClaimFactory(status=state)
    assert client.get(version_url(claim, 1)).status_code == 404


def test_version_page_query_count_is_pinned(
    client, three_versions, contributor, reviewer, django_assert_num_queries
):
    claim = Claim.objects.get(pk=three_versions.pk)
    claim.categories.set([CategoryFactory(), CategoryFactory()])
    CitationFactory.create_batch(3, claim=claim)
    Claim.objects.filter(pk=claim.pk).update(location=LocationFactory())
    correct(claim, by=contributor, reviewer=reviewer, note="Four.", fields={})
    # published entry, its versions, categories and place named by the snapshot
    with django_assert_num_queries(4):
        response = client.get(version_url(claim, 4))
    assert response.status_code == 200


def test_live_claim_page_lists_its_versions_and_cites_the_current_one(client, three_versions):
    body = body_of(client.get(three_versions.get_absolute_url()))
    for number in (1, 2, 3):
        assert f'href="{version_url(three_versions, number)}">Version {number}</a>' in body
    assert f'This version: <a href="http://testserver/claims/{three_versions.pk}/v/3/"' in body


def test_live_page_shows_every_correction_newest_first(client, three_versions):
    body = body_of(client.get(three_versions.get_absolute_url()))
    header = body.split('class="claim-header"')[1].split("</header>")[0]
    assert header.count("Corrected on") == 2
    assert header.index("Note three") < header.index("Note two")


def test_claim_list_marks_corrected_claims(client, three_versions):
    ClaimFactory(title="Never corrected")
    body = body_of(client.get(reverse("public:claim_list")))
    cards = {
        card.split("</a>")[0].rsplit(">", 1)[-1]: card for card in body.split('class="card"')[1:]
    }
    assert 'class="corrected"' in cards["Title three"]
    assert 'class="corrected"' not in cards["Never corrected"]


# --- No private field in a version page ----------------------------------------------------------


def test_version_page_shows_no_private_field(client, contributor, reviewer):
    claim = ClaimFactory(
        status=S.SUBMITTED,
        created_by=contributor,
        victim_identities="PRIVATE-VICTIM",
        private_notes="PRIVATE-NOTE",
    )
    secret = SourceFactory(
        confidential=True,
        title="SECRET-TITLE",
        url="https://secret.example/x",
        organization=OrganizationFactory(name="SECRET-ORG"),
    )
    CitationFactory(claim=claim, source=secret, quote="SECRET-QUOTE", locator="SECRET-PAGE")
    CitationFactory(claim=claim, source=SourceFactory(title="Open report"), quote="Open quote")
    workflow.approve(claim, by=reviewer)
    correct(claim, by=contributor, reviewer=reviewer, note="Retitled.", fields={"title": "New"})
    for number in (1, 2):
        body = body_of(client.get(version_url(claim, number)))
        assert "Open quote" in body
        assert "Confidential source on file" in body
        for marker in ("PRIVATE", "SECRET", "secret.example", contributor.username):
            assert marker not in body, (number, marker)


# --- Figures ----------------------------------------------------------------------------------


@pytest.fixture
def corrected_figure(contributor, reviewer):
    statistic = StatisticFactory(
        status=S.SUBMITTED, created_by=contributor, value=301, note="Before the correction"
    )
    workflow.approve(statistic, by=reviewer)
    correct(
        statistic,
        by=contributor,
        reviewer=reviewer,
        note="The report's annex gives 320.",
        fields={"value": "320", "note": "After the correction"},
    )
    return statistic


def test_figure_versions_show_their_own_values(client, corrected_figure):
    first = body_of(client.get(version_url(corrected_figure, 1)))
    second = body_of(client.get(version_url(corrected_figure, 2)))
    live = body_of(client.get(corrected_figure.get_absolute_url()))
    assert "<h1>301 " in first and "Before the correction" in first
    assert "<h1>320 " in second and "After the correction" in second
    assert "<h1>320 " in live and "After the correction" in live
    assert "Before the correction" not in second


def test_figure_page_shows_its_correction_and_versions(client, corrected_figure):
    body = body_of(client.get(corrected_figure.get_absolute_url()))
    assert "Corrected on" in body
    assert "The report&#x27;s annex gives 320." in body
    assert f'href="{version_url(corrected_figure, 1)}">Version 1</a>' in body


def test_figure_list_marks_corrected_figures(client, corrected_figure):
    plain = StatisticFactory(value=555)
    rows = body_of(client.get(reverse("public:statistic_list"))).split("<tr>")

    def row_of(statistic) -> str:
        # By the figure's own link: a value's digits may also be in another row's names.
        [row] = [row for row in rows if f'href="{statistic.get_absolute_url()}"' in row]
        return row

    assert 'class="corrected"' in row_of(corrected_figure)
    assert 'class="corrected"' not in row_of(plain)


def test_figure_version_shows_no_private_field(client, contributor, reviewer):
    secret = SourceFactory(confidential=True, title="SECRET-TITLE", url="https://secret.example")
    statistic = StatisticFactory(
        status=S.SUBMITTED,
        created_by=contributor,
        source=secret,
        quote="SECRET-QUOTE",
        locator="SECRET-PAGE",
        private_notes="PRIVATE-NOTE",
    )
    workflow.approve(statistic, by=reviewer)
    body = body_of(client.get(version_url(statistic, 1)))
    assert "Confidential source on file" in body
    for marker in ("PRIVATE", "SECRET", "secret.example"):
        assert marker not in body


# --- Withdrawal: 410 Gone with a public notice, and out of every output --------------------------


@pytest.fixture
def withdrawn(contributor, reviewer):
    """A corrected claim and a figure, both withdrawn, beside entries that stay published."""
    claim = ClaimFactory(
        status=S.SUBMITTED, created_by=contributor, title="Withdrawn allegation", country="HN"
    )
    CitationFactory(claim=claim)
    workflow.approve(claim, by=reviewer)
    correct(
        claim,
        by=contributor,
        reviewer=reviewer,
        note="Renamed.",
        fields={"title": "Withdrawn allegation, corrected"},
    )
    statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor, value=4321)
    workflow.approve(statistic, by=reviewer)
    for entry in (claim, statistic):
        entry.refresh_from_db()
        workflow.withdraw(
            entry,
            by=reviewer,
            comment="INTERNAL-COMMENT: the witness is at risk.",
            public_note="The source retracted its report.",
        )
    ClaimFactory(title="Still published", country="SV")
    StatisticFactory(value=1111)
    return {"claim": claim, "statistic": statistic}


@pytest.mark.parametrize("kind", ["claim", "statistic"])
def test_withdrawn_entry_answers_gone_with_its_notice(client, withdrawn, kind):
    entry = withdrawn[kind]
    response = client.get(entry.get_absolute_url())
    body = body_of(response)
    assert response.status_code == 410
    assert "Withdrawn on" in body
    assert "The source retracted its report." in body
    assert "INTERNAL-COMMENT" not in body
    assert '<meta name="robots" content="noindex">' in body


def test_withdrawal_notice_names_the_title_last_published(client, withdrawn):
    body = body_of(client.get(withdrawn["claim"].get_absolute_url()))
    assert "<h1>Withdrawn allegation, corrected</h1>" in body


def test_withdrawal_notice_names_a_figure_by_its_value(client, withdrawn):
    body = body_of(client.get(withdrawn["statistic"].get_absolute_url()))
    assert "4,321" in body


@pytest.mark.parametrize(("kind", "number"), [("claim", 1), ("claim", 2), ("statistic", 1)])
def test_versions_of_a_withdrawn_entry_answer_gone(client, withdrawn, kind, number):
    response = client.get(version_url(withdrawn[kind], number))
    assert response.status_code == 410
    assert "The source retracted its report." in body_of(response)


def test_withdrawn_entry_without_a_notice_still_answers_gone(client):
    claim = ClaimFactory(status=S.WITHDRAWN, title="PRIVATE-TITLE never snapshotted")
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 410
    assert "PRIVATE-TITLE" not in body_of(response)


def test_withdrawal_notice_in_spanish(client, withdrawn):
    response = client.get(f"/es/claims/{withdrawn['claim'].pk}/")
    assert response.status_code == 410
    assert "Retirada el" in body_of(response)


WITHDRAWN_MARKERS = ("Withdrawn allegation", "4,321", "4321")


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/claims/",
        "/en/claims/?country=HN",
        "/en/statistics/",
        "/claims.csv",
        "/claims.json",
        "/statistics.csv",
        "/statistics.json",
        "/api/claims/",
        "/api/statistics/",
        "/feeds/claims.atom",
        "/sitemap.xml",
    ],
)
def test_withdrawn_entries_leave_every_public_output(client, withdrawn, url):
    response = client.get(url)
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert response.status_code == 200
    for marker in WITHDRAWN_MARKERS:
        assert marker not in body, (url, marker)
    assert f"/claims/{withdrawn['claim'].pk}/" not in body
    assert f"/statistics/{withdrawn['statistic'].pk}/" not in body


def test_withdrawn_entries_leave_counts_and_facets(client, withdrawn):
    response = client.get(reverse("public:claim_list"))
    assert response.context["paginator"].count == 1
    country_facet = next(f for f in response.context["facets"] if f.param == "country")
    assert [value.value for value in country_facet.values] == ["SV"]
    assert client.get(reverse("public:statistic_list")).context["paginator"].count == 1


@pytest.mark.parametrize("kind", ["claims", "statistics"])
def test_withdrawn_entries_are_not_found_in_the_api(client, withdrawn, kind):
    entry = withdrawn[kind.rstrip("s") if kind == "claims" else "statistic"]
    assert client.get(f"/api/{kind}/{entry.pk}/").status_code == 404


# --- The corrections feed ---------------------------------------------------------------------


def atom(client) -> ET.Element:
    response = client.get(reverse("opendata:corrections_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_corrections_feed_is_valid_atom(client, withdrawn):
    feed = atom(client)
    assert feed.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{element}")
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for element in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{element}"), element
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/en/")


def test_corrections_feed_lists_corrections_and_withdrawals_of_both_kinds(
    client, withdrawn, corrected_figure
):
    entries = {
        entry.findtext(f"{ATOM}title"): (
            entry.find(f"{ATOM}link").get("href"),
            entry.findtext(f"{ATOM}summary"),
        )
        for entry in atom(client).findall(f"{ATOM}entry")
    }
    claim, statistic = withdrawn["claim"], withdrawn["statistic"]
    assert entries["Corrected: Withdrawn allegation, corrected"] == (
        f"http://testserver/en/claims/{claim.pk}/v/2/",
        "Renamed.",
    )
    assert entries["Withdrawn: Withdrawn allegation, corrected"] == (
        f"http://testserver/en/claims/{claim.pk}/",
        "The source retracted its report.",
    )
    withdrawn_figure = next(title for title in entries if "4,321" in title)
    assert withdrawn_figure.startswith("Withdrawn: ")
    assert entries[withdrawn_figure][0] == f"http://testserver/en/statistics/{statistic.pk}/"
    corrected = next(title for title in entries if "320" in title)
    assert entries[corrected] == (
        f"http://testserver/en/statistics/{corrected_figure.pk}/v/2/",
        "The report's annex gives 320.",
    )


def test_corrections_feed_lists_newest_first(client, withdrawn):
    dates = [entry.findtext(f"{ATOM}updated") for entry in atom(client).findall(f"{ATOM}entry")]
    assert dates == sorted(dates, reverse=True)


def test_corrections_feed_keeps_internal_comments_out(client, withdrawn):
    body = client.get(reverse("opendata:corrections_feed")).content.decode()
    assert "INTERNAL-COMMENT" not in body


def test_corrections_feed_leaves_out_first_publications(client, contributor, reviewer):
    claim = ClaimFactory(
        status=S.SUBMITTED, created_by=contributor, title="Just published", cited=True
    )
    workflow.approve(claim, by=reviewer)
    assert atom(client).findall(f"{ATOM}entry") == []


def test_claim_list_links_the_corrections_feed(client):
    body = body_of(client.get(reverse("public:claim_list")))
    assert (
        '<link rel="alternate" type="application/atom+xml" href="/feeds/corrections.atom"' in body
    )


@pytest.mark.parametrize("rounds", [1, 3])
def test_corrections_feed_query_count_is_pinned(
    client, contributor, reviewer, django_assert_num_queries, rounds
):
    place = LocationFactory()
    for _ in range(rounds):
        claim = ClaimFactory(status=S.SUBMITTED, created_by=contributor, location=place, cited=True)
        claim.categories.set([CategoryFactory()])
        statistic = StatisticFactory(status=S.SUBMITTED, created_by=contributor, location=place)
        for entry in (claim, statistic):
            workflow.approve(entry, by=reviewer)
            correct(entry, by=contributor, reviewer=reviewer, note="Fixed.", fields={})
            workflow.withdraw(entry, by=reviewer, comment="x", public_note="Retracted.")
    assert PublishedVersion.objects.corrections().count() == 2 * rounds
    # corrections, withdrawals with their versions, then the categories, places and indicators
    # that the snapshots name
    with django_assert_num_queries(5):
        feed = atom(client)
    assert len(feed.findall(f"{ATOM}entry")) == 4 * rounds


# --- The correction date in every data output -----------------------------------------------------


def test_correction_date_is_in_every_data_output(client, three_versions):
    import csv
    import io

    never = ClaimFactory(title="Never corrected")
    corrected_at = three_versions.corrected_at
    assert corrected_at is not None

    by_id = {row["id"]: row for row in client.get("/claims.json").json()["results"]}
    assert by_id[three_versions.pk]["corrected_at"] == corrected_at.isoformat().replace(
        "+00:00", "Z"
    )
    assert by_id[never.pk]["corrected_at"] is None

    api = client.get(f"/api/claims/{three_versions.pk}/").json()
    assert api["corrected_at"] == by_id[three_versions.pk]["corrected_at"]

    body = b"".join(client.get("/claims.csv").streaming_content).decode("utf-8-sig")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(body))}
    fieldnames = list(csv.DictReader(io.StringIO(body)).fieldnames)
    assert fieldnames[fieldnames.index("citations") + 1] == "corrected_at"
    assert rows[str(three_versions.pk)]["corrected_at"].startswith(corrected_at.date().isoformat())
    assert rows[str(never.pk)]["corrected_at"] == ""
