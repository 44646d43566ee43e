"""Whatever the dry run accepts, the import writes; whatever it refuses, it names row and column.

Hostile cells in every column, as a table and as hypothesis examples, run on SQLite and on
PostgreSQL (which refuses NUL characters, lone surrogates and integers past 2**31 - 1): no cell
may pass the dry run and then fail in the database, and no cell may raise anywhere.
"""

import csv
import io
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import CategoryFactory, LocationFactory, OrganizationFactory, SourceFactory
from tracker.imports import apply_import, read_claims_csv
from tracker.models import Citation, Claim, ModerationEvent, Source, Tag

pytestmark = pytest.mark.django_db

HEADER = [
    "title", "summary", "categories", "country", "place", "place_details", "event_start",
    "event_end", "ongoing", "date_precision", "victim_count", "victim_description",
    "alleged_perpetrator", "tags", "source_titles", "source_urls", "citations",
]  # fmt: skip


@pytest.fixture
def vocabulary(db):
    CategoryFactory(name="Torture", slug="torture")
    LocationFactory(name="CECOT", slug="cecot")
    OrganizationFactory(name="Cristosal", slug="cristosal")
    Tag.objects.create(name="deportation", slug="deportation")
    SourceFactory(title="Existing", url="https://example.org/existing")


def full_row(**overrides) -> dict:
    row = {
        "title": "A claim",
        "summary": "What happened.",
        "categories": "torture",
        "country": "SV",
        "place": "cecot",
        "place_details": "Block 3",
        "event_start": "2024-03-01",
        "event_end": "2024-04-01",
        "ongoing": "false",
        "date_precision": "day",
        "victim_count": "3",
        "victim_description": "detainees",
        "alleged_perpetrator": "guards",
        "tags": "deportation",
        "source_titles": "",
        "source_urls": "",
        "citations": json.dumps(
            [
                {
                    "source_title": "New report",
                    "source_url": "https://example.org/new",
                    "source_archived_url": "https://archive.example/new",
                    "source_kind": "report",
                    "source_organization": "cristosal",
                    "source_author": "Someone",
                    "source_published_on": "2024-03-02",
                    "source_published_precision": "day",
                    "source_language": "es",
                    "quote": "A quote",
                    "locator": "p. 3",
                    "stance": "supports",
                }
            ]
        ),
    }
    row.update(overrides)
    return row


def sheet(row: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerow(row)
    # A lone surrogate in a cell becomes bytes that are not UTF-8: the file is refused whole.
    return out.getvalue().encode("utf-8", "surrogatepass")


def citation(**fields) -> str:
    return json.dumps([{"source_title": "New report", "source_url": "https://e.org/n", **fields}])


def assert_refused_or_written(row: dict, user) -> bool:
    """Refused with messages naming row 2, or written whole: never an exception."""
    plan = read_claims_csv(sheet(row))
    json.dumps(plan.report())  # what a job keeps must be storable
    assert "\x00" not in json.dumps(plan.report(), ensure_ascii=False)
    if not plan.is_valid:
        errors = plan.errors()
        assert errors and all(e.startswith("Row 2") or e in plan.file_errors for e in errors)
        return False
    with transaction.atomic():
        result = apply_import(plan, by=user)
        assert result.claims == 1
        assert Claim.objects.count() == 1
        assert ModerationEvent.objects.count() == 1
        transaction.set_rollback(True)
    return True


LONG_URL = "https://example.org/" + "a" * 980  # 1,000 characters, the field's limit
HOSTILE_CELLS = [
    # (column, value, accepted?)
    ("title", "a\x00b", False),
    ("summary", "\x00", False),
    ("title", "x" * 300, True),
    ("title", "x" * 301, False),
    ("title", "   ", False),
    ("title", "!!!", True),  # slugifies to nothing: the slug is "entry"
    ("title", "=cmd|' /C calc'!A0", True),
    ("title", "'=1+1", True),
    ("title", "ü" * 300, True),
    ("title", "\u202e\ufeff🙂", True),
    ("place_details", "p" * 501, False),
    ("victim_description", "v" * 301, False),
    ("alleged_perpetrator", "a" * 301, False),
    ("country", "sv", True),
    ("country", "ZZ", False),
    ("country", "S\x00", False),
    ("categories", "torture; torture", True),
    ("categories", "; ;", True),
    ("categories", "Torture\x00", False),
    ("place", "atlantis", False),
    ("tags", "nope", False),
    ("ongoing", "maybe", False),
    ("date_precision", "week", False),
    ("victim_count", "-1", False),
    ("victim_count", "1.5", False),
    ("victim_count", "１２", False),
    ("victim_count", "0x10", False),
    ("victim_count", "1e3", False),
    ("victim_count", "9" * 40, False),
    ("victim_count", "2147483647", True),
    ("victim_count", "0", True),
    ("event_start", "2024-02-30", False),
    ("event_start", "2024-13-01", False),
    ("event_start", "20240301", False),
    ("event_start", "2024-W10-1", False),
    ("event_start", "99999-01-01", False),
    ("event_start", "0001-01-01", True),
    ("event_end", "2024-02-01", False),  # before the start
    ("citations", "[" * 5000, False),
    ("citations", "{" * 5000 + "}" * 5000, False),
    ("citations", "[" * 5000 + "]" * 5000, False),
    ("citations", '[{"quote": ' + "[" * 3000 + "]" * 3000 + "}]", False),
    ("citations", "[[[]]]", False),
    ("citations", '{"a": 1}', False),
    ("citations", '"text"', False),
    ("citations", "[1, 2]", False),
    ("citations", '[{"quote": {"a": 1}}]', False),
    ("citations", '[{"quote": "abc]', False),
    ("citations", "[]", True),
    ("citations", '[{"unknown": 1}]', False),
    ("citations", '[{"confidential": "yes"}]', False),
    ("citations", '[{"confidential": true, "quote": "q"}]', True),
    ("citations", citation(quote="a\u0000b"), False),
    ("citations", citation(quote="\ud800"), False),
    ("citations", citation(**{"source_title": "\udfff"}), False),
    ("citations", citation(locator="l" * 201), False),
    ("citations", citation(locator="l" * 200), True),
    ("citations", citation(locator=12), True),
    ("citations", citation(locator=True), False),
    ("citations", citation(quote=None), True),
    ("citations", '[{"source_title": "x", "quote": NaN}]', True),
    ("citations", '[{"source_title": "x", "locator": 1e999}]', True),
    ("citations", citation(source_title="t" * 501), False),
    ("citations", citation(source_author="a" * 251), False),
    ("citations", citation(source_url=LONG_URL), True),
    ("citations", citation(source_url=LONG_URL + "aaaaaaaaaaaa"), False),
    ("citations", citation(source_url="javascript:alert(1)"), False),
    ("citations", citation(source_archived_url="not a url"), False),
    ("citations", citation(source_published_on="2024-02-30"), False),
    ("citations", citation(source_kind="rumour"), False),
    ("citations", citation(stance="loves"), False),
    ("citations", citation(source_organization="nobody"), False),
    ("citations", json.dumps([{"source_url": "https://e.org/n", "source_title": "N"}] * 2), False),
    ("citations", json.dumps([{"quote": "no source"}]), False),
    ("citations", json.dumps([{"source_url": "https://example.org/existing"}]), True),
    ("citations", json.dumps([{"source_url": "https://e.org/untitled"}]), False),
]


@pytest.mark.parametrize(("column", "value", "accepted"), HOSTILE_CELLS)
def test_import_hostile_cell_is_refused_or_written(
    contributor, vocabulary, column, value, accepted
):
    assert assert_refused_or_written(full_row(**{column: value}), contributor) is accepted


def test_import_hostile_cell_in_the_source_lines_is_refused(contributor, vocabulary):
    row = full_row(citations="", source_titles="Report\x00", source_urls="https://e.org/x")
    assert assert_refused_or_written(row, contributor) is False


def test_import_categories_given_twice_link_once(contributor, vocabulary):
    apply_import(read_claims_csv(sheet(full_row(categories="torture; Torture"))), by=contributor)
    assert Claim.objects.get().categories.count() == 1


def test_import_deep_nesting_is_refused_before_parsing(vocabulary, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("json.loads called on a nested cell")

    monkeypatch.setattr("tracker.imports.checks.json.loads", refuse)
    plan = read_claims_csv(sheet(full_row(citations="[" * 100_000)))
    assert plan.errors() == [
        "Row 2, column “citations”: This cell is not the JSON list that the export writes."
    ]


def test_import_new_source_url_and_archive_are_checked_as_fields(contributor, vocabulary):
    row = full_row(citations=citation(source_archived_url="https://archive.example/x"))
    assert assert_refused_or_written(row, contributor) is True


def test_import_writes_what_the_new_source_and_citation_said(contributor, vocabulary):
    apply_import(read_claims_csv(sheet(full_row())), by=contributor)
    source = Source.objects.get(url="https://example.org/new")
    assert (source.title, source.author, source.language, source.organization.slug) == (
        "New report", "Someone", "es", "cristosal"
    )  # fmt: skip
    assert list(Citation.objects.values_list("quote", "locator", "stance")) == [
        ("A quote", "p. 3", "supports")
    ]


text_cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["\x00", "x" * 1001, "2024-02-30", "-1", "9" * 20, "[" * 50, "\ud800"]),
)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(column=st.sampled_from(HEADER), value=text_cells)
def test_import_any_cell_is_refused_or_written(contributor, vocabulary, column, value):
    row = full_row(**{column: value})
    if column in ("source_titles", "source_urls"):
        row["citations"] = ""
    assert_refused_or_written(row, contributor)


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    key=st.sampled_from(
        [
            "quote",
            "locator",
            "stance",
            "source_title",
            "source_url",
            "source_author",
            "source_archived_url",
            "source_published_on",
            "source_kind",
            "source_language",
        ]
    ),  # fmt: skip
    value=st.one_of(text_cells, st.integers(), st.floats(), st.booleans(), st.none(), st.just([1])),
)
def test_import_any_citation_value_is_refused_or_written(contributor, vocabulary, key, value):
    assert_refused_or_written(full_row(citations=citation(**{key: value})), contributor)
