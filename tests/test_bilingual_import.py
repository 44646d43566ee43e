"""The claim import takes both languages' columns, and its dry run reports them."""

import csv
import io

import pytest

from tests.factories import make_user
from tracker.imports import TEMPLATE_COLUMNS, check_claims_csv, import_claims_csv
from tracker.models import Claim

pytestmark = pytest.mark.django_db


def sheet(header: list[str], *rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


BOTH = ["original_language", "title", "title_es", "summary", "summary_es", "country"]
BOTH += ["place_details_es", "victim_description_es", "alleged_perpetrator_es", "source_titles"]


def test_the_import_template_has_both_languages_columns():
    for name in ("original_language", "title_es", "summary_es", "alleged_perpetrator_es"):
        assert name in TEMPLATE_COLUMNS
    assert "verification_rationale_es" not in TEMPLATE_COLUMNS


def test_an_import_of_both_languages_keeps_both_and_the_original_one():
    user = make_user("contributor")
    data = sheet(
        BOTH,
        {
            "original_language": "es",
            "title": "Three deaths in Izalco",
            "title_es": "Tres muertes en Izalco",
            "summary": "Three detainees died.",
            "summary_es": "Murieron tres detenidos.",
            "country": "SV",
            "place_details_es": "penal de Izalco",
            "victim_description_es": "tres detenidos",
            "alleged_perpetrator_es": "autoridades penitenciarias",
            "source_titles": "Informe",
        },
    )
    import_claims_csv(data, by=user)
    claim = Claim.objects.get()
    assert claim.original_language == "es"
    assert (claim.title, claim.title_es) == ("Three deaths in Izalco", "Tres muertes en Izalco")
    assert claim.alleged_perpetrator_es == "autoridades penitenciarias"
    assert claim.slug == "tres-muertes-en-izalco"
    assert "muertes" in claim.search_text_es


def test_a_file_in_spanish_only_is_accepted():
    user = make_user("contributor")
    data = sheet(
        ["original_language", "title_es", "summary_es", "country"],
        {
            "original_language": "es",
            "title_es": "Detención",
            "summary_es": "Un caso.",
            "country": "SV",
        },
    )
    plan = check_claims_csv(data)
    assert plan.is_valid, plan.errors()
    import_claims_csv(data, by=user)
    claim = Claim.objects.get()
    assert (claim.title, claim.title_es, claim.original_language) == ("", "Detención", "es")


def test_the_title_is_required_in_the_language_a_row_is_written_in():
    data = sheet(
        BOTH[:6],
        {"original_language": "es", "title": "Only English", "summary_es": "Uno.", "country": "SV"},
    )
    plan = check_claims_csv(data)
    assert not plan.is_valid
    assert any("title_es" in message for message in plan.errors())


def test_a_file_without_a_title_in_any_language_is_refused_at_once():
    plan = check_claims_csv(sheet(["country", "summary"], {"country": "SV", "summary": "x"}))
    assert any("title, summary" in message for message in plan.file_errors)


def test_an_unknown_original_language_is_an_error_of_its_cell():
    data = sheet(
        BOTH[:6], {"original_language": "fr", "title": "A", "summary": "B", "country": "SV"}
    )
    plan = check_claims_csv(data)
    assert any("original_language" in message for message in plan.errors())


def test_the_dry_run_reports_the_languages_of_the_rows():
    rows = [
        {"original_language": "en", "title": "A", "summary": "B", "country": "SV"},
        {"original_language": "en", "title": "C", "title_es": "D", "summary": "E", "country": "SV"},
        {"original_language": "es", "title_es": "F", "summary_es": "G", "country": "SV"},
    ]
    report = check_claims_csv(sheet(BOTH[:6], *rows)).report()
    assert (report["written_in_english"], report["written_in_spanish"]) == (2, 1)
    assert report["translated"] == 1
    assert [row["language"] for row in report["sample"]] == ["en", "en", "es"]
    assert [row["translated"] for row in report["sample"]] == [False, True, False]
