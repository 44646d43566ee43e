"""The public organisations of each published claim, kept by the workflow, are exact after any
sequence of workflow operations: never a row naming the organisation behind a confidential
source, never a row for an unpublished claim, never a missing one. So are the counts of
published claims by facet value that triggers keep (``PublicClaimCount``)."""

import contextlib
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CategoryFactory,
    CitationFactory,
    ClaimFactory,
    LocationFactory,
    OrganizationFactory,
    SourceFactory,
    make_user,
)
from tracker import workflow
from tracker.facets import compute_facets
from tracker.lists import CLAIMS
from tracker.models import (
    Citation,
    Claim,
    ModerationStatus,
    PublicClaimOrganization,
    Revision,
    Source,
)
from tracker.public_counts import kept_counts
from tracker.workflow.public_organizations import refresh_public_organizations

pytestmark = pytest.mark.django_db

S = ModerationStatus

REPLAY = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ORGANIZATIONS = 3
SOURCES = 5


def fresh_computation() -> set[tuple[int, int]]:
    """(claim, organisation) pairs read from every published claim's citations, in Python."""
    pairs = set()
    for claim in Claim.objects.filter(status=S.PUBLISHED).prefetch_related("citations__source"):
        for citation in claim.citations.all():
            source = citation.source
            if not source.confidential and source.organization_id is not None:
                pairs.add((claim.pk, source.organization_id))
    return pairs


def maintained() -> set[tuple[int, int]]:
    return set(PublicClaimOrganization.objects.values_list("claim_id", "organization_id"))


def arrays_on_claims() -> tuple[dict, dict]:
    """PostgreSQL: each claim's arrays of its category and public organisation ids and its
    number of citations, as its row holds them (kept by triggers) and as its links say."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, category_ids, organization_ids, citation_count FROM tracker_claim "
            "ORDER BY id"
        )
        held = {
            pk: (list(categories), list(organizations), cited)
            for pk, categories, organizations, cited in cursor.fetchall()
        }
    cited = Counter(Citation.objects.values_list("claim_id", flat=True))
    links = {pk: ([], [], cited[pk]) for pk in held}
    for claim, category in Claim.categories.through.objects.order_by("category_id").values_list(
        "claim_id", "category_id"
    ):
        links[claim][0].append(category)
    for claim, organization in sorted(fresh_computation(), key=lambda pair: pair[1]):
        links[claim][1].append(organization)
    return held, links


def counts_in_python() -> dict[tuple[str, str, str, str], int]:
    """The counts of published claims by facet value, from the claims, their categories and
    their citations' sources, in Python."""
    counts: Counter = Counter()
    published = Claim.objects.filter(status=S.PUBLISHED)
    for claim in published.values(
        "id", "country", "location_id", "verification", "event_start", "date_precision"
    ):
        for facet, value in (
            ("country", claim["country"]),
            ("place", claim["location_id"]),
            ("grade", claim["verification"]),
        ):
            if value is not None:
                counts[(facet, str(value), "", "")] += 1
        start = claim["event_start"]
        year, month = (str(start.year), str(start.month)) if start else ("", "")
        counts[("tally", year, month, claim["date_precision"] or "")] += 1
    links = Claim.categories.through.objects.filter(claim__status=S.PUBLISHED)
    for category in links.values_list("category_id", flat=True):
        counts[("category", str(category), "", "")] += 1
    for _claim, organization in fresh_computation():
        counts[("organization", str(organization), "", "")] += 1
    return dict(counts)


def assert_counts_exact(*context) -> None:
    assert kept_counts() == counts_in_python(), context


def assert_arrays_exact(*context) -> None:
    if connection.vendor == "postgresql":
        held, links = arrays_on_claims()
        assert held == links, context


class World:
    """Organisations, sources, staff and claims that the operations act on."""

    def __init__(self):
        self.author = make_user("contributor")
        self.reviewer = make_user("reviewer")
        self.second = make_user("reviewer")
        self.organizations = [OrganizationFactory() for _ in range(ORGANIZATIONS)]
        self.sources = [
            SourceFactory(organization=self.organizations[n % ORGANIZATIONS], confidential=n == 4)
            for n in range(SOURCES)
        ]
        self.claims: list[int] = []
        self.categories = [CategoryFactory() for _ in range(3)]
        self.places = [LocationFactory(), LocationFactory()]

    def claim(self, index: int) -> Claim | None:
        if not self.claims:
            return None
        return Claim.objects.get(pk=self.claims[index % len(self.claims)])

    def source(self, index: int) -> Source:
        return Source.objects.get(pk=self.sources[index % SOURCES].pk)

    def citations(self, mask: int) -> list[dict]:
        chosen = [source for n, source in enumerate(self.sources) if mask & (1 << n)]
        return [
            {
                "source": source.pk,
                "new_source": None,
                "quote": "",
                "locator": "",
                "stance": "supports",
            }
            for source in chosen or self.sources[:1]
        ]

    def settle(self, outcome) -> None:
        """A change held for review is approved by a second reviewer."""
        if isinstance(outcome, Revision):
            workflow.approve_revision(outcome, by=self.second, correction_note="Corrected.")

    # -- the operations ---------------------------------------------------------------------

    def new_claim(self, index, mask):
        claim = Claim(title=f"Claim {len(self.claims)}", summary="What happened.", country="SV")
        workflow.create_entry(claim, by=self.author, relations={"citations": self.citations(mask)})
        self.claims.append(claim.pk)

    def categories_of(self, mask: int) -> list[int]:
        return [category.pk for n, category in enumerate(self.categories) if mask & (1 << n)]

    def edit_draft(self, index, mask):
        claim = self.claim(index)
        data = {"citations": self.citations(mask), "m2m": {"categories": self.categories_of(mask)}}
        workflow.save_edit(claim, by=self.author, expected_version=claim.version, data=data)

    def submit(self, index, mask):
        workflow.submit(self.claim(index), by=self.author)

    def retract(self, index, mask):
        workflow.retract_submission(self.claim(index), by=self.author)

    def approve(self, index, mask):
        claim = self.claim(index)
        if claim.is_draft:
            claim = workflow.submit(claim, by=self.author)
        workflow.approve(claim, by=self.reviewer)

    def request_changes(self, index, mask):
        workflow.request_changes(self.claim(index), by=self.reviewer, comment="Add a source.")

    def reject(self, index, mask):
        workflow.reject(self.claim(index), by=self.reviewer, comment="Out of scope.")

    def withdraw(self, index, mask):
        claim = self.claim(index)
        workflow.withdraw(claim, by=self.reviewer, comment="Wrong.", public_note="Withdrawn.")

    def publish_trusted(self, index, mask):
        claim = self.claim(index)
        workflow.publish_from_trusted_source(claim, grade="unverified", rationale="", comment="")

    def revise_citations(self, index, mask):
        claim = self.claim(index)
        data = {"citations": self.citations(mask)}
        self.settle(
            workflow.propose_revision(
                claim, by=self.author, expected_version=claim.version, data=data
            )
        )

    def revise_categories(self, index, mask):
        claim = self.claim(index)
        data = {"m2m": {"categories": self.categories_of(mask)}}
        self.settle(
            workflow.propose_revision(
                claim, by=self.author, expected_version=claim.version, data=data
            )
        )

    def mark_confidential(self, index, mask):
        source = self.source(index)
        data = {"fields": {"confidential": True}}
        workflow.edit_record(source, by=self.author, expected_version=source.version, data=data)

    def clear_confidential(self, index, mask):
        source = self.source(index)
        data = {"fields": {"confidential": False}}
        self.settle(
            workflow.edit_record(
                source,
                by=self.reviewer,
                expected_version=source.version,
                data=data,
                rationale="The witness agreed.",
            )
        )

    def grade(self, index, mask):
        claim = self.claim(index)
        grade = ["corroborated", "disputed", "unverified"][mask % 3]
        workflow.set_verification(claim, by=self.reviewer, grade=grade, rationale="Checked.")

    def revise_facts(self, index, mask):
        """Another country, place or date (or none), through a reviewed revision."""
        claim = self.claim(index)
        fields = {
            "country": ["SV", "HN", "GT"][mask % 3],
            "location": self.places[mask % len(self.places)].pk,
            "event_start": [None, "2022-03-27", "2019-12-01"][mask % 3],
            "date_precision": ["day", "month", "year"][(mask // 3) % 3],
        }
        self.settle(
            workflow.propose_revision(
                claim, by=self.author, expected_version=claim.version, data={"fields": fields}
            )
        )

    def move_source(self, index, mask):
        source = self.source(index)
        organization = self.organizations[mask % ORGANIZATIONS]
        data = {"fields": {"organization": organization.pk}}
        self.settle(
            workflow.edit_record(
                source, by=self.reviewer, expected_version=source.version, data=data
            )
        )


OPERATIONS = [
    "new_claim",
    "edit_draft",
    "revise_categories",
    "submit",
    "retract",
    "approve",
    "request_changes",
    "reject",
    "withdraw",
    "publish_trusted",
    "revise_citations",
    "mark_confidential",
    "clear_confidential",
    "move_source",
    "grade",
    "revise_facts",
]

steps = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 7), st.integers(0, 2**SOURCES - 1)),
    min_size=1,
    max_size=30,
)


@REPLAY
@given(steps=steps)
# Each change that alters the rows, on a published claim citing all but the confidential source.
@example(steps=[("approve", 0, 0), ("revise_citations", 0, 0b10100)])
@example(steps=[("approve", 1, 0), ("mark_confidential", 2, 0)])
@example(steps=[("approve", 1, 0), ("clear_confidential", 4, 0)])
@example(steps=[("approve", 0, 0), ("move_source", 0, 2)])
@example(steps=[("approve", 0, 0), ("withdraw", 0, 0)])
@example(steps=[("edit_draft", 0, 0b011), ("approve", 0, 0), ("revise_categories", 0, 0b110)])
# The counts: a decision, a claim's facts changed while published.
@example(steps=[("approve", 0, 0), ("grade", 0, 1), ("grade", 0, 2)])
@example(steps=[("approve", 0, 0), ("revise_facts", 0, 4), ("revise_facts", 0, 2)])
def test_public_organizations_equal_a_fresh_computation_after_any_workflow_operations(steps):
    with transaction.atomic():
        world = World()
        world.new_claim(0, 0b00011)
        world.new_claim(1, 0b10100)
        for name, index, mask in steps:
            # A refused operation changes nothing, and the rows must still be exact.
            with contextlib.suppress(workflow.TransitionRefused):
                getattr(world, name)(index, mask)
            assert maintained() == fresh_computation(), (name, index, mask)
            assert_arrays_exact(name, index, mask)
            assert_counts_exact(name, index, mask)
        transaction.set_rollback(True)


def test_organization_facet_and_filter_follow_a_source_made_confidential(client):
    reviewer = make_user("reviewer")
    author = make_user("contributor")
    secret_org = OrganizationFactory(slug="behind-the-witness")
    open_org = OrganizationFactory(slug="open-monitor")
    witness = SourceFactory(organization=secret_org)
    claim = ClaimFactory(status=S.SUBMITTED, created_by=author)
    CitationFactory(claim=claim, source=witness)
    CitationFactory(claim=claim, source=SourceFactory(organization=open_org))
    workflow.approve(claim, by=reviewer)
    url = reverse("public:claim_list")
    assert client.get(url, {"organization": "behind-the-witness"}).context["paginator"].count == 1

    workflow.edit_record(
        witness,
        by=author,
        expected_version=witness.version,
        data={"fields": {"confidential": True}},
    )

    facets = {facet.param: facet for facet in client.get(url).context["facets"]}
    assert [value.value for value in facets["organization"].values] == ["open-monitor"]
    # No longer a public organisation: the filter is refused like an unknown one.
    response = client.get(url, {"organization": "behind-the-witness"})
    assert response.context["notices"]
    assert "behind-the-witness" not in client.get("/claims.json").content.decode()


def test_refresh_of_one_claim_touches_only_its_rows():
    organization = OrganizationFactory()
    kept = CitationFactory(source=SourceFactory(organization=organization)).claim
    claim = CitationFactory(source=SourceFactory(organization=organization)).claim
    Claim.objects.filter(pk=claim.pk).update(status=S.WITHDRAWN)
    refresh_public_organizations(claims=[claim.pk])
    assert maintained() == {(kept.pk, organization.pk)}


def test_refresh_of_everything_rebuilds_every_row():
    citation = CitationFactory()
    PublicClaimOrganization.objects.all().delete()
    refresh_public_organizations()
    assert maintained() == {(citation.claim_id, citation.source.organization_id)}


def test_refresh_of_a_claim_is_a_fixed_number_of_statements():
    claim = ClaimFactory()
    for _ in range(4):
        CitationFactory(claim=claim)
    with CaptureQueriesContext(connection) as captured:
        refresh_public_organizations(claims=[claim.pk])
    # PostgreSQL: the claim locked, its sources share-locked; then delete and insert
    assert len(captured) == (4 if connection.vendor == "postgresql" else 2)


def test_unfiltered_organization_facet_counts_the_maintained_rows():
    organization = OrganizationFactory(slug="counted")
    for _ in range(3):
        CitationFactory(source=SourceFactory(organization=organization))
    CitationFactory(
        claim=ClaimFactory(status=S.DRAFT), source=SourceFactory(organization=organization)
    )
    filterset = CLAIMS.filterset({})
    [facet] = [
        f
        for f in compute_facets(filterset, filterset.data, CLAIMS.facets)
        if f.param == "organization"
    ]
    assert [(value.value, value.count) for value in facet.values] == [("counted", 3)]


# --- Two transactions at once (PostgreSQL: SQLite has one writer at a time) ---------------------


class InThread(threading.Thread):
    """``work`` in a transaction of its own connection, committed once ``hold`` is set;
    ``done`` is set when the work is done, before the commit."""

    def __init__(self, work, *, hold: threading.Event | None = None):
        super().__init__()
        self.work, self.hold, self.error = work, hold, None
        self.done = threading.Event()
        self.start()

    def run(self):
        try:
            with transaction.atomic():
                self.work()
                self.done.set()
                if self.hold is not None:
                    self.hold.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            self.done.set()
            connections.close_all()


def waiting_for_a_lock(thread: InThread, timeout: float = 20) -> bool:
    """Whether another connection of this database waits for a lock while ``thread`` runs."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline and thread.is_alive():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.fixture
def racing(transactional_db):
    """A claim awaiting approval that cites one source, committed for other connections."""
    reviewer = make_user("reviewer")
    author = make_user("contributor")
    source = SourceFactory(organization=OrganizationFactory(slug="behind-the-witness"))
    claim = ClaimFactory(status=S.SUBMITTED, created_by=author)
    CitationFactory(claim=claim, source=source)
    return claim, source, reviewer


def mark_confidential(source, by):
    def work():
        fresh = Source.objects.get(pk=source.pk)
        workflow.edit_record(
            fresh,
            by=by,
            expected_version=fresh.version,
            data={"fields": {"confidential": True}},
        )

    return work


def approve(claim, reviewer):
    return lambda: workflow.approve(Claim.objects.get(pk=claim.pk), by=reviewer)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_publishing_waits_for_a_source_being_made_confidential(racing):
    claim, source, reviewer = racing
    commit = threading.Event()
    hiding = InThread(mark_confidential(source, reviewer), hold=commit)
    assert hiding.done.wait(20)  # the source's row is now held by the uncommitted change
    publishing = InThread(approve(claim, reviewer))
    assert waiting_for_a_lock(publishing)  # for the source
    commit.set()
    hiding.join(30)
    publishing.join(30)
    assert (hiding.error, publishing.error) == (None, None)
    assert Claim.objects.get(pk=claim.pk).status == S.PUBLISHED
    assert maintained() == fresh_computation() == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_making_a_source_confidential_waits_for_a_claim_being_published(racing):
    claim, source, reviewer = racing
    commit = threading.Event()
    publishing = InThread(approve(claim, reviewer), hold=commit)
    assert publishing.done.wait(20)  # the claim's refresh holds a share lock on its source
    hiding = InThread(mark_confidential(source, reviewer))
    assert waiting_for_a_lock(hiding)  # for the publication
    commit.set()
    publishing.join(30)
    hiding.join(30)
    assert (hiding.error, publishing.error) == (None, None)
    assert Source.objects.get(pk=source.pk).confidential
    assert maintained() == fresh_computation() == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_a_revision_citing_a_source_waits_for_it_to_be_made_confidential(racing):
    claim, cited, reviewer = racing
    workflow.approve(claim, by=reviewer)
    claim = Claim.objects.get(pk=claim.pk)
    witness = SourceFactory(organization=OrganizationFactory(slug="witness-org"))
    citations = [
        {"source": source.pk, "new_source": None, "quote": "", "locator": "", "stance": "supports"}
        for source in (cited, witness)
    ]
    revision = workflow.propose_revision(
        claim, by=claim.created_by, expected_version=claim.version, data={"citations": citations}
    )
    commit = threading.Event()
    second = make_user("reviewer")
    hiding = InThread(mark_confidential(witness, reviewer), hold=commit)
    assert hiding.done.wait(20)
    correcting = InThread(
        lambda: workflow.approve_revision(revision, by=second, correction_note="A witness.")
    )
    assert waiting_for_a_lock(correcting)  # its citations' sources are being changed
    commit.set()
    hiding.join(30)
    correcting.join(30)
    assert (hiding.error, correcting.error) == (None, None)
    organizations = {organization for _claim, organization in maintained()}
    assert organizations == {cited.organization_id}
    assert maintained() == fresh_computation()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept columns are PostgreSQL's")
def test_bulk_load_without_triggers_still_keeps_each_claims_arrays_and_count():
    """``generate_synthetic`` turns the triggers off while it loads: it stores what they keep."""
    from django.core.management import call_command

    call_command("generate_synthetic", claims=40, seed=5, verbosity=0)
    held, links = arrays_on_claims()
    assert held == links
    assert any(categories for categories, _organizations, _count in held.values())
    assert any(organizations for _categories, organizations, _count in held.values())
    assert any(count for _categories, _organizations, count in held.values())


def test_refreshing_the_kept_columns_writes_only_what_differs():
    from tracker.kept_columns import refresh_kept_columns

    claim = ClaimFactory()
    CitationFactory(claim=claim)
    refresh_public_organizations()
    assert refresh_kept_columns() == 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE tracker_claim SET citation_count = 7, category_ids = '{}'")
        assert refresh_kept_columns() == Claim.objects.count()
        held, links = arrays_on_claims()
        assert held == links
