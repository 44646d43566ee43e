"""The leak crawler: private material carries unique markers, then every public URL is fetched.

Public URLs are found three ways, so that a new page cannot be forgotten: every pattern of the
URL resolver (filled with every pk and slug in the database, public or not), every link found in
any response (HTML, CSV, JSON, XML), and searches and filters for each marker.
"""

import csv
import io
import re
from collections import deque
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, TextField, URLField
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    IndicatorFactory,
    LocationFactory,
    OrganizationFactory,
    PersonFactory,
    PersonSourceFactory,
    SourceFactory,
    StatisticFactory,
    make_user,
)
from tracker import workflow
from tracker.lists import LISTS
from tracker.models import (
    Citation,
    Claim,
    Location,
    ModerationStatus,
    Organization,
    Person,
    Privacy,
    Revision,
    Source,
    Statistic,
    Tip,
)

pytestmark = pytest.mark.django_db

MARK = "LEAKMARK"
MAX_FETCHES = 3000
# Facet toggles make filtered links without end: follow a few query variants of each path.
QUERY_VARIANTS_PER_PATH = 3
SKIP_PREFIXES = ("/static/", "/admin/jsi18n/")
LINK_PATTERN = re.compile(
    r"""(?:(?:href|src|action)=["']|https?://testserver|":\s*")(/[^\s"'<>\\]*)"""
)


def marker(place: str) -> str:
    return f"{MARK}{place.upper().replace(' ', '')}"


@pytest.fixture
def private_material(db):
    """Put a unique marker in every private place, beside public entries that use the same
    categories, places and organisations, so that counts and facets have something to leak."""
    author = make_user(
        "contributor", username=marker("username"), email=f"{marker('email')}@example.org"
    )
    reviewer = make_user("reviewer", username=marker("reviewername"))
    public_place = LocationFactory(slug="public-place")
    category = CategoryFactory(slug="public-category")
    organization = OrganizationFactory(slug="public-org", private_notes=marker("org notes"))

    public_claim = ClaimFactory(
        title="A published claim",
        location=public_place,
        created_by=author,
        last_edited_by=author,
        victim_identities=marker("victim identities"),
        private_notes=marker("claim notes"),
        categories=[category],
    )
    public_source = SourceFactory(organization=organization, private_notes=marker("source notes"))
    CitationFactory(claim=public_claim, source=public_source)

    hidden_org = OrganizationFactory(name=marker("confidential org"), slug="hidden-org")
    confidential = SourceFactory(
        organization=hidden_org,
        confidential=True,
        title=marker("confidential title"),
        url="https://example.org/" + marker("confidential url"),
        archived_url="https://archive.example.org/" + marker("confidential archive"),
        author=marker("confidential author"),
        summary=marker("confidential summary"),
    )
    CitationFactory(
        claim=public_claim,
        source=confidential,
        quote=marker("confidential quote"),
        locator=marker("confidential locator"),
    )

    indicator = IndicatorFactory(slug="public-indicator")
    StatisticFactory(
        indicator=indicator,
        source=public_source,
        organization=organization,
        location=public_place,
        private_notes=marker("statistic notes"),
    )
    StatisticFactory(
        indicator=indicator,
        source=confidential,
        organization=organization,
        quote=marker("confidential figure quote"),
        locator=marker("confidential figure locator"),
    )

    for state in ModerationStatus.values:
        if state == ModerationStatus.PUBLISHED:
            continue
        place = LocationFactory(name=marker(f"place {state}"), slug=f"hidden-place-{state}")
        org = OrganizationFactory(name=marker(f"org {state}"), slug=f"hidden-org-{state}")
        source = SourceFactory(
            organization=org, title=marker(f"source {state}"), url=f"https://x.example/{state}"
        )
        hidden = ClaimFactory(
            title=marker(f"claim {state}"),
            summary=marker(f"summary {state}"),
            # The Spanish of an unpublished claim is as private as its English.
            title_es=marker(f"claim es {state}"),
            summary_es=marker(f"summary es {state}"),
            place_details_es=marker(f"place details es {state}"),
            victim_description_es=marker(f"victims es {state}"),
            alleged_perpetrator_es=marker(f"perpetrator es {state}"),
            status=state,
            location=place,
            country="TD",
            categories=[category],
            created_by=author,
        )
        CitationFactory(claim=hidden, source=source, quote=marker(f"quote {state}"))
        StatisticFactory(
            indicator=indicator,
            source=source,
            organization=org,
            status=state,
            note=marker(f"figure {state}"),
            note_es=marker(f"figure es {state}"),
            location=place,
        )

    # Published, corrected and withdrawn through the workflow: versions, correction notes,
    # withdrawal notices and the corrections feed must carry none of the private material.
    corrected = ClaimFactory(
        status=ModerationStatus.SUBMITTED,
        title="A corrected claim",
        created_by=author,
        victim_identities=marker("corrected victim identities"),
        private_notes=marker("corrected claim notes"),
    )
    CitationFactory(
        claim=corrected, source=confidential, quote=marker("corrected confidential quote")
    )
    CitationFactory(claim=corrected, source=public_source)
    workflow.approve(corrected, by=reviewer)
    correction = workflow.propose_revision(
        corrected,
        by=author,
        expected_version=corrected.version,
        data={"fields": {"title": "A corrected claim, second version"}},
        comment=marker("correction proposal comment"),
    )
    workflow.approve_revision(
        correction,
        by=reviewer,
        correction_note="The title was too vague.",
        comment=marker("correction internal comment"),
    )
    gone = ClaimFactory(
        status=ModerationStatus.SUBMITTED,
        title="A claim withdrawn in the open",
        created_by=author,
        private_notes=marker("withdrawn claim notes"),
    )
    CitationFactory(claim=gone, source=public_source)
    workflow.approve(gone, by=reviewer)
    workflow.withdraw(
        gone,
        by=reviewer,
        comment=marker("withdrawal internal comment"),
        public_note="The source retracted its report.",
    )

    Revision.objects.create(
        content_type=ContentType.objects.get_for_model(Claim),
        object_id=public_claim.pk,
        data={
            "fields": {
                "title": marker("pending revision title"),
                # A translation waiting for review is not public either.
                "title_es": marker("pending translation title"),
                "summary_es": marker("pending translation summary"),
            }
        },
        base_version=public_claim.version,
        created_by=author,
        comment=marker("revision comment"),
    )
    workflow.record_event(
        public_claim,
        kind="moderation",
        action="request_changes",
        by=reviewer,
        comment=marker("internal review comment"),
        comment_es=marker("internal review comment es"),
    )
    # The register of people: an anonymous record is described but never named; a counted-only
    # one is neither; an unpublished one is nothing at all.
    anonymous = PersonFactory(
        name=marker("anonymous person name"),
        other_names=marker("anonymous person alias"),
        place=public_place,
        private_notes=marker("person notes"),
        reported=False,
    )
    PersonSourceFactory(
        person=anonymous, source=public_source, case_number=marker("anonymous case number")
    )
    PersonFactory(
        name=marker("counted person name"),
        description=marker("counted person description"),
        privacy=Privacy.COUNTED,
        place=public_place,
    )
    for state in ModerationStatus.values:
        if state != ModerationStatus.PUBLISHED:
            PersonFactory(name=marker(f"person {state}"), privacy=Privacy.NAMED, status=state)
    Tip.objects.create(
        what=marker("tip what"),
        where=marker("tip where"),
        contact=marker("tip contact"),
        link="https://example.org/" + marker("tip link"),
    )
    markers = [
        "username",
        "email",
        "reviewername",
        "org notes",
        "victim identities",
        "claim notes",
        "source notes",
        "confidential org",
        "confidential title",
        "confidential url",
        "confidential archive",
        "confidential author",
        "confidential summary",
        "confidential quote",
        "confidential locator",
        "confidential figure quote",
        "confidential figure locator",
        "statistic notes",
        "pending revision title",
        "pending translation title",
        "pending translation summary",
        "revision comment",
        "internal review comment",
        "internal review comment es",
        "tip what",
        "tip where",
        "tip contact",
        "tip link",
        "corrected victim identities",
        "corrected claim notes",
        "corrected confidential quote",
        "correction proposal comment",
        "correction internal comment",
        "withdrawn claim notes",
        "withdrawal internal comment",
        "anonymous person name",
        "anonymous person alias",
        "anonymous case number",
        "person notes",
        "counted person name",
        "counted person description",
    ]
    for state in ModerationStatus.values:
        if state != ModerationStatus.PUBLISHED:
            markers += [f"{kind} {state}" for kind in ("place", "org", "source", "claim")]
            markers += [f"summary {state}", f"quote {state}", f"figure {state}"]
            markers += [f"person {state}"]
            markers += [
                f"{kind} es {state}"
                for kind in (
                    "claim",
                    "summary",
                    "place details",
                    "victims",
                    "perpetrator",
                    "figure",
                )
            ]
    return [marker(name) for name in markers]


def resolver_paths(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every route of the project as a template such as '/en/claims/<int:pk>/'."""
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("^") or route == "":
                route = route.lstrip("^")
            paths += resolver_paths(entry, prefix + route)
        elif isinstance(entry, URLPattern):
            paths.append(prefix + route)
    return paths


def fill(template: str, values: dict[str, list[str]]) -> list[str]:
    """Instantiate a route template with every value known for each of its parameters."""
    template = template.replace("^", "").replace("$", "").replace("\\Z", "")
    results = ["/" + template]
    for match in set(re.findall(r"<(?:\w+:)?(\w+)>", template)):
        expanded = []
        for url in results:
            for value in values.get(match, ["1"]):
                expanded.append(re.sub(rf"<(?:\w+:)?{match}>", value, url))
        results = expanded
    return [url for url in results if "(?" not in url and "<" not in url]


def language_prefix_templates() -> list[str]:
    templates = []
    for path in resolver_paths():
        if path.startswith("en/"):
            templates += [path, "es/" + path[3:]]
        else:
            templates.append(path)
    return templates


SEARCHED = (
    "victim identities",
    "claim notes",
    "confidential title",
    "confidential org",
    "claim draft",
    "summary submitted",
    "quote rejected",
    "figure withdrawn",
    "source changes_requested",
    "pending revision title",
    "pending translation title",
    "claim es draft",
    "summary es submitted",
    "figure es withdrawn",
    "tip what",
    "username",
    "anonymous person name",
    "anonymous person alias",
    "counted person description",
    "person draft",
)


def search_probes(markers: list[str]) -> list[str]:
    wanted = {marker(name) for name in SEARCHED}
    return [name for name in markers if name in wanted]


def seed_urls(markers: list[str]) -> list[str]:
    pks = sorted(
        {
            str(pk)
            for model in (Claim, Statistic, Source, Person)
            for pk in model.objects.values_list("pk", flat=True)
        }
    )
    slugs = sorted(
        {
            slug
            for model in (Claim, Location, Organization)
            for slug in model.objects.values_list("slug", flat=True)
        }
        | {"public-indicator", "public-category"}
    )
    values = {"pk": pks, "slug": slugs, "id": pks, "object_id": pks}
    urls = ["/", "/en/", "/es/", "/en/does-not-exist/", "/does-not-exist.json"]
    for template in language_prefix_templates():
        if template.startswith(("admin/", "i18n/")):
            continue
        for url in fill(template, values):
            urls.append(url)
            if "<" not in template and "?" not in url:
                # Searched in lower case: the search is case-insensitive, so a hit would show
                # the stored upper-case marker, while the echo of the query does not.
                urls += [f"{url}?q={quote(m.lower())}" for m in search_probes(markers)]
                urls += [
                    f"{url}?country=TD",
                    f"{url}?category=public-category&grade=unverified",
                    f"{url}?place=hidden-place-draft&organization=hidden-org",
                ]
    return urls


def crawl(client, start: list[str], limit: int = MAX_FETCHES) -> dict[str, tuple[int, str]]:
    """Fetch ``start`` and follow the links found, with a few query variants per path."""
    seen: dict[str, tuple[int, str]] = {}
    variants: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        headers = " ".join(f"{key}: {value}" for key, value in response.items())
        seen[url] = (response.status_code, text + "\n" + headers)
        for link in LINK_PATTERN.findall(text.replace("&amp;", "&")):
            link = link.rstrip(".,;")
            parts = urlsplit(link)
            if parts.path.startswith(("/admin/", "/static/", "//")) or link in seen:
                continue
            if parts.query:
                if variants.get(parts.path, 0) >= QUERY_VARIANTS_PER_PATH:
                    continue
                variants[parts.path] = variants.get(parts.path, 0) + 1
            queue.append(link)
        if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
            queue.append(response["Location"])
    return seen


def test_leak_crawler_finds_no_private_marker_in_any_public_output(client, private_material):
    fetched = crawl(client, seed_urls(private_material))
    leaks = [
        (url, name)
        for url, (_status, text) in fetched.items()
        for name in private_material
        if name in text
    ]
    assert not leaks, f"private markers leaked: {leaks[:20]}"
    assert not [url for url, (status, _) in fetched.items() if status >= 500]
    # The crawl must have reached real public content, or it proves nothing.
    reached = {url for url, (status, text) in fetched.items() if "A published claim" in text}
    assert len(reached) >= 3
    # ... and the record of corrections and withdrawals.
    assert any("/v/1/" in url and status == 200 for url, (status, _) in fetched.items())
    assert any(
        status == 410 and "The source retracted" in text for status, text in fetched.values()
    )
    assert len(fetched) > 50


def test_leak_crawler_detects_a_planted_leak(client, private_material):
    """The crawler itself works: a published entry carrying a marker is found."""
    ClaimFactory(title=f"{MARK}PLANTED")
    fetched = crawl(client, ["/en/claims/"], limit=30)
    assert any(f"{MARK}PLANTED" in text for _status, text in fetched.values())


# Private text must never make an entry findable. The crawler above looks for private text in
# responses; a search hit leaks it without showing it ("the claim about X's death" is listed).
# Every staff-only field (its help text says "Staff only") of every public model, and every text
# field of a confidential source, is searched for on every public output that takes a search.
SEARCHABLE_OUTPUTS = {
    name: [f"/en/{name}/", f"/{name}.json", f"/{name}.csv", f"/api/{name}/"] for name in LISTS
}
SEARCHABLE_OUTPUTS["claims"].append("/feeds/claims.atom")
TITLE_WORDS = {
    "claims": "claimword",
    "statistics": "figureword",
    "sources": "sourceword",
    "organizations": "orgword",
    "places": "placeword",
    "people": "personword",
}
PUBLIC_MODELS = {public_list.model for public_list in LISTS.values()}


def staff_only_fields() -> list[tuple[type, str]]:
    """Every field of a public model whose help text says it is for staff only."""
    with translation.override("en"):
        return sorted(
            (
                (model, field.name)
                for model in PUBLIC_MODELS
                for field in model._meta.get_fields()
                if str(getattr(field, "help_text", "")).startswith("Staff only")
            ),
            key=lambda pair: (pair[0].__name__, pair[1]),
        )


def confidential_source_fields() -> list[str]:
    """Every free-text field of a source: a confidential source's details never leave staff."""
    return [
        field.name
        for field in Source._meta.get_fields()
        if isinstance(field, CharField | TextField)
        and not field.choices
        and field.editable
        and field.name not in {"slug"}
    ]


# What is quoted from a confidential source, and where in it: a witness's words or a page can
# identify them, so the public never reads nor finds them.
CONFIDENTIAL_CITING = [
    (model, name, True) for model in (Citation, Statistic) for name in ("quote", "locator")
]

PRIVATE_CASES = (
    [(model, name, False) for model, name in staff_only_fields()]
    + [(Source, name, True) for name in confidential_source_fields()]
    + CONFIDENTIAL_CITING
)


def case_id(case) -> str:
    model, name, confidential = case
    return f"{'confidential-' if confidential else ''}{model.__name__}.{name}"


def private_value(model: type, name: str) -> tuple[str, str]:
    """A value for the field, and what a member of the public would search to find it."""
    word = f"zqprivate{model.__name__.lower()}{name.replace('_', '')}"
    if isinstance(model._meta.get_field(name), URLField):
        # Without the scheme: PostgreSQL's web search reads "https:" as a word of its own.
        return f"https://example.org/{word}", f"example.org/{word}"
    return f"Secret {word} words", word


def build_world(private: dict[tuple[type, str, bool], str] | None = None) -> None:
    """One published entry of each public list, citing or using a confidential source too."""
    private = private or {}

    def given(model, *, confidential=False) -> dict:
        return {
            name: value
            for (owner, name, secret), value in private.items()
            if owner is model and secret == confidential
        }

    organization = OrganizationFactory(name="Orgword Monitor", **given(Organization))
    source = SourceFactory(title="Sourceword report", organization=organization, **given(Source))
    confidential = SourceFactory(
        **{
            "title": "Confidential document",
            "organization": OrganizationFactory(name="Behind a confidential source"),
            **given(Source, confidential=True),
            "confidential": True,
        }
    )
    place = LocationFactory(name="Placeword prison")
    claim = ClaimFactory(title="Claimword happened", location=place, **given(Claim))
    CitationFactory(claim=claim, source=source)
    CitationFactory(claim=claim, source=confidential, **given(Citation, confidential=True))
    claim.save()  # its search text again, now that it cites its sources
    StatisticFactory(
        source=source,
        organization=organization,
        location=place,
        note="Figureword note",
        **given(Statistic),
    )
    StatisticFactory(
        source=confidential,
        organization=organization,
        note="Second figure",
        **given(Statistic, confidential=True),
    )
    person = PersonFactory(
        description="Personword description", place=place, reported=False, **given(Person)
    )
    PersonSourceFactory(person=person, source=source)
    PersonSourceFactory(person=person, source=confidential)


def hits(client, path: str, query: str) -> int:
    """How many entries ``path`` lists for the search ``query``."""
    response = client.get(path, {"q": query})
    assert response.status_code == 200, (path, response.status_code)
    if path.startswith("/api/") or path.endswith(".json"):
        return response.json()["count"]
    if path.endswith(".csv"):
        body = b"".join(response.streaming_content).decode()
        return len(list(csv.reader(io.StringIO(body)))) - 1
    if path.endswith(".atom"):
        return response.content.decode().count("<entry>")
    return response.context["paginator"].count


def test_private_fields_cover_every_staff_only_field_known():
    covered = {(model.__name__, name) for model, name, _confidential in PRIVATE_CASES}
    assert {
        ("Claim", "victim_identities"),
        ("Claim", "private_notes"),
        ("Statistic", "private_notes"),
        ("Source", "private_notes"),
        ("Organization", "private_notes"),
        ("Statistic", "quote"),
        ("Citation", "quote"),
    } <= covered
    assert {"title", "url", "archived_url", "author", "summary"} <= set(
        confidential_source_fields()
    )


@pytest.mark.parametrize("resource", SEARCHABLE_OUTPUTS)
def test_private_fields_control_a_public_word_finds_its_entry(client, resource):
    build_world()
    found = {
        path: hits(client, path, TITLE_WORDS[resource]) for path in SEARCHABLE_OUTPUTS[resource]
    }
    assert found == dict.fromkeys(SEARCHABLE_OUTPUTS[resource], 1)


@pytest.mark.parametrize("case", PRIVATE_CASES, ids=case_id)
def test_private_field_text_finds_nothing_in_any_public_search(client, case):
    model, name, _confidential = case
    value, query = private_value(model, name)
    build_world({case: value})
    found = {
        path: count
        for paths in SEARCHABLE_OUTPUTS.values()
        for path in paths
        if (count := hits(client, path, query))
    }
    assert not found, f"{case_id(case)} is searchable: {found}"
