"""Hostile input: whatever arrives in a query string or a form, the answer is never a server error.

Property-based (hypothesis, pinned in constraints.txt): SQL metacharacters, huge strings, NUL
bytes, invalid UTF-8 (percent-encoded), random text, wrong content types and garbage bodies, over
the query strings of every list and every form. A list answers 200 (perhaps with a notice) or a
400 that says why; a form either accepts the input (a redirect) or shows a message.
"""

import io
import json
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CategoryFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import filters
from tracker.models import ModerationStatus, Revision

pytestmark = pytest.mark.django_db

S = ModerationStatus

# Bounded and reproducible: the same examples on every run, a few seconds per test.
BOUNDED = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY_TEXT = [
    "' OR 1=1 --",
    '"; DROP TABLE tracker_claim; --',
    "%",
    "_",
    "\\",
    "' UNION SELECT password FROM auth_user --",
    "x" * 20_000,
    "a\x00b",
    "\x00",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "2024-02-30",
    "99999-01-01",
    "ü" * 300,
    "\u202e\ufeff",
    " ",
    "",
]
# Raw, already percent-encoded query values: invalid UTF-8 and encoded NUL.
RAW_VALUES = ["%FF%FE", "%C0%AF", "%ED%A0%80", "%00", "%E2%82", "%25%00", "%", "%%%"]

hostile_text = st.one_of(
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=60),
    st.text(alphabet="'\";%_\\()-*=<>&|#\x00", max_size=30),
)
raw_value = st.one_of(
    st.sampled_from(RAW_VALUES), hostile_text.map(lambda value: quote(value, safe=""))
)

FILTER_NAMES = sorted(
    {
        name
        for filterset in (
            filters.ClaimFilter,
            filters.StatisticFilter,
            filters.SourceFilter,
            filters.OrganizationFilter,
            filters.LocationFilter,
            filters.ReviewQueueFilter,
        )
        for name in filterset.base_filters
    }
    | {"page", "q", "sort", "ordering", "format", "limit", "offset", "cursor", "page_size"}
)
query_string = st.lists(
    st.tuples(st.one_of(st.sampled_from(FILTER_NAMES), raw_value), raw_value),
    min_size=1,
    max_size=4,
).map(lambda pairs: "&".join(f"{name}={value}" for name, value in pairs))


@pytest.fixture
def world(db):
    """A few published and unpublished entries, so that filters and facets have rows to work on."""
    category = CategoryFactory(slug="detention")
    location = LocationFactory()
    organization = OrganizationFactory()
    source = SourceFactory(organization=organization)
    indicator = IndicatorFactory(slug="detained")
    claim = ClaimFactory(categories=[category], location=location)
    ClaimFactory(status=S.DRAFT)
    statistic = StatisticFactory(indicator=indicator, source=source)
    statistic.refresh_from_db()
    return {
        "category": category,
        "location": location,
        "organization": organization,
        "source": source,
        "indicator": indicator,
        "claim": claim,
        "statistic": statistic,
    }


def assert_clear_list_answer(response) -> None:
    """A list answers its page (a notice if the filters were wrong) or a 400 that says why."""
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.content.strip(), "a 400 must say what was wrong"


def fetch(client, path: str, query: str):
    return client.get(f"{path}?{query}")


HTML_LISTS = [
    ("public:home", None),
    ("public:claim_list", None),
    ("public:statistic_list", None),
    ("public:location_list", None),
    ("public:organization_list", None),
    ("public:source_list", None),
    ("public:indicator_detail", "detained"),
]
EXPORTS = [
    f"opendata:{name}_{suffix}"
    for name in ("claims", "statistics", "sources", "organizations", "places")
    for suffix in ("csv", "json")
]
API_LISTS = [
    f"api:{name}-list"
    for name in ("claim", "statistic", "indicator", "source", "organization", "place")
]


def url_of(name: str, arg: str | None = None) -> str:
    return reverse(name, args=[arg] if arg else None)


@BOUNDED
@given(target=st.sampled_from(HTML_LISTS), query=query_string)
def test_html_lists_survive_hostile_query_strings(client, world, target, query):
    assert_clear_list_answer(fetch(client, url_of(*target), query))


@BOUNDED
@given(name=st.sampled_from(EXPORTS), query=query_string)
def test_exports_survive_hostile_query_strings(client, world, name, query):
    response = fetch(client, url_of(name), query)
    assert_clear_list_answer(response)
    if response.status_code == 200 and hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)  # an error while streaming would raise here


@BOUNDED
@given(name=st.sampled_from(API_LISTS), query=query_string)
def test_api_lists_survive_hostile_query_strings(client, world, name, query):
    response = fetch(client, url_of(name), query)
    assert response.status_code in (200, 400, 404), response.status_code
    if response.status_code != 200:
        assert response.json(), "an API error must say what was wrong"


@BOUNDED
@given(
    target=st.sampled_from(
        [("opendata:claims_feed", None), ("opendata:indicator_feed", "detained")]
    ),
    query=query_string,
)
def test_feeds_survive_hostile_query_strings(client, world, target, query):
    assert_clear_list_answer(fetch(client, url_of(*target), query))


@BOUNDED
@given(
    target=st.sampled_from(
        [
            ("review:queue", "reviewer"),
            ("workspace:source_list", "contributor"),
            ("workspace:organization_list", "contributor"),
            ("workspace:home", "contributor"),
        ]
    ),
    query=query_string,
)
def test_staff_lists_survive_hostile_query_strings(client, world, staff, target, query):
    name, role = target
    client.force_login(staff[role])
    assert_clear_list_answer(fetch(client, url_of(name), query))


@BOUNDED
@given(path_part=st.one_of(st.sampled_from(RAW_VALUES), raw_value))
def test_hostile_paths_get_a_clear_answer(client, world, path_part):
    response = client.get(f"/en/claims/{path_part}/")
    assert response.status_code in (400, 404), response.status_code


# --- Forms ----------------------------------------------------------------------------------

FORM_ERROR_MARKERS = ('class="errorlist', 'role="alert"', "form-errors")


def assert_clear_form_answer(response) -> None:
    """Accepted (a redirect), or refused with a message the sender can read."""
    assert response.status_code < 500, response.status_code
    if response.status_code in (301, 302, 303):
        return
    body = response.content.decode("utf-8", errors="replace")
    if response.status_code == 400 and "text/plain" in response.get("Content-Type", ""):
        assert body.strip()
        return
    assert response.status_code in (200, 400, 403, 429), response.status_code
    assert any(marker in body for marker in FORM_ERROR_MARKERS), body[:500]


@pytest.fixture
def staff(db):
    return {
        "contributor": make_user("contributor", username="hostile-contributor"),
        "reviewer": make_user("reviewer", username="hostile-reviewer"),
    }


def hostile_form(names: list[str]):
    return st.fixed_dictionaries(dict.fromkeys(names, hostile_text))


@BOUNDED
@given(data=hostile_form(["what", "where", "when", "link", "contact"]))
def test_tip_form_survives_hostile_input(client, world, data):
    assert_clear_form_answer(client.post(reverse("tips:report"), data))


@BOUNDED
@given(data=hostile_form(["username", "password"]))
def test_login_form_survives_hostile_input(client, world, data):
    assert_clear_form_answer(client.post(reverse("login"), data))


CLAIM_FIELDS = [
    "title",
    "summary",
    "categories",
    "country",
    "location",
    "place_details",
    "event_start",
    "event_end",
    "date_precision",
    "victim_count",
    "victim_description",
    "victim_identities",
    "alleged_perpetrator",
    "tags",
    "private_notes",
    "version",
    "citations-TOTAL_FORMS",
    "citations-INITIAL_FORMS",
    "citations-0-source",
    "citations-0-quote",
    "citations-0-locator",
    "citations-0-stance",
    "source_query",
]
STATISTIC_FIELDS = [
    "indicator",
    "organization",
    "source",
    "qualifier",
    "value",
    "value_high",
    "as_of",
    "as_of_precision",
    "period_start",
    "country",
    "note",
    "quote",
    "locator",
    "private_notes",
    "version",
]
SOURCE_FIELDS = ["title", "kind", "organization", "url", "author", "published_on", "summary"]
ORGANIZATION_FIELDS = ["name", "slug", "kind", "url", "description", "country"]


@BOUNDED
@given(data=hostile_form(CLAIM_FIELDS), search=st.booleans())
def test_claim_form_survives_hostile_input(client, world, staff, data, search):
    client.force_login(staff["contributor"])
    if search:
        data["search_sources"] = "1"
    assert_clear_form_answer(client.post(reverse("workspace:claim_create"), data))


@BOUNDED
@given(data=hostile_form(CLAIM_FIELDS))
def test_claim_edit_form_survives_hostile_input(client, world, staff, data):
    client.force_login(staff["reviewer"])
    url = reverse("workspace:claim_edit", args=[world["claim"].pk])
    assert_clear_form_answer(client.post(url, data))


@BOUNDED
@given(data=hostile_form(STATISTIC_FIELDS))
def test_statistic_form_survives_hostile_input(client, world, staff, data):
    client.force_login(staff["contributor"])
    assert_clear_form_answer(client.post(reverse("workspace:statistic_create"), data))


@BOUNDED
@given(data=hostile_form(SOURCE_FIELDS))
def test_source_form_survives_hostile_input(client, world, staff, data):
    client.force_login(staff["contributor"])
    assert_clear_form_answer(client.post(reverse("workspace:source_create"), data))


@BOUNDED
@given(data=hostile_form(ORGANIZATION_FIELDS))
def test_organization_form_survives_hostile_input(client, world, staff, data):
    client.force_login(staff["contributor"])
    assert_clear_form_answer(client.post(reverse("workspace:organization_create"), data))


@BOUNDED
@given(
    data=hostile_form(["action", "comment", "version", "grade", "rationale"]),
    grade=st.booleans(),
)
def test_review_decision_forms_survive_hostile_input(client, world, staff, data, grade):
    claim = ClaimFactory(status=S.SUBMITTED)
    if not grade:
        data.pop("grade")
    client.force_login(staff["reviewer"])
    assert_clear_form_answer(client.post(reverse("review:claim", args=[claim.pk]), data))


@BOUNDED
@given(data=hostile_form(["action", "comment"]))
def test_revision_decision_form_survives_hostile_input(client, world, staff, data):
    claim = world["claim"]
    revision = Revision.objects.create(
        entry=claim,
        data={"fields": {"title": "Proposed"}},
        base_version=claim.version,
        created_by=staff["contributor"],
    )
    client.force_login(staff["reviewer"])
    assert_clear_form_answer(client.post(reverse("review:revision", args=[revision.pk]), data))


@BOUNDED
@given(data=hostile_form(["history_id", "version", "comment"]))
def test_restore_form_survives_hostile_input(client, world, staff, data):
    client.force_login(staff["reviewer"])
    url = reverse("review:claim_history", args=[world["claim"].pk])
    assert_clear_form_answer(client.post(url, data))


csv_cell = hostile_text.map(lambda value: '"' + value.replace('"', '""') + '"')


@BOUNDED
@given(
    cells=st.lists(csv_cell, min_size=3, max_size=8),
    garbage=st.one_of(st.just(b""), st.binary(max_size=200), st.just(b"\xff\xfe\x00\x00")),
    name=st.sampled_from(["claims.csv", "claims.xlsx", "", "a\x00.csv", "../../x.csv"]),
)
def test_import_upload_survives_hostile_files(client, world, staff, cells, garbage, name):
    header = ["title", "summary", "country", "categories", "place", "event_start", "tags", "x"]
    line = ",".join(cells)
    data = (",".join(header[: len(cells)]) + "\r\n" + line + "\r\n").encode() + garbage
    upload = io.BytesIO(data)
    upload.name = name or "upload"
    client.force_login(staff["contributor"])
    response = client.post(reverse("imports:upload"), {"file": upload})
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:  # a file with the right columns: its job's page
        response = client.get(response["Location"])
        assert response.status_code == 200
        assert "Import of" in response.content.decode()
        return
    body = response.content.decode()
    assert 'class="errorlist' in body or response.status_code == 400


FORM_URLS = [
    ("tips:report", None, None),
    ("login", None, None),
    ("workspace:claim_create", None, "contributor"),
    ("workspace:statistic_create", None, "contributor"),
    ("workspace:source_create", None, "contributor"),
    ("workspace:organization_create", None, "contributor"),
    ("imports:upload", None, "contributor"),
]
WRONG_BODIES = [
    ("application/json", b'{"title": "x", "what": "\\u0000"}'),
    ("application/json", b"[1, 2"),
    ("multipart/form-data; boundary=zzz", b"--zzz\r\ngarbage without headers\r\n--zzz--"),
    ("multipart/form-data", b"no boundary at all"),
    ("multipart/form-data; boundary=zzz", b"\xff\xfe\x00garbage"),
    ("application/x-www-form-urlencoded", b"title=%FF%FE&what=%00%00&%C0=1"),
    ("application/x-www-form-urlencoded", b"a" * 5000 + b"=" + b"%" * 100),
    ("text/xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"),
]


@BOUNDED
@given(form=st.sampled_from(FORM_URLS), body=st.sampled_from(WRONG_BODIES))
def test_forms_survive_wrong_content_types(client, world, staff, form, body):
    name, arg, role = form
    if role:
        client.force_login(staff[role])
    content_type, payload = body
    response = client.post(url_of(name, arg), data=payload, content_type=content_type)
    assert response.status_code < 500, response.status_code
    assert response.content.strip()


def test_json_body_to_the_tip_form_gets_form_errors(client, world):
    response = client.post(
        reverse("tips:report"), data=json.dumps({"what": "x" * 50}), content_type="application/json"
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()


def test_nul_in_a_search_gets_a_400_that_says_why(client, world):
    response = client.get(reverse("public:claim_list"), {"q": "detention\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_form_field_gets_a_400_that_says_why(client, world):
    response = client.post(reverse("tips:report"), {"what": "Something happened\x00 here"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
