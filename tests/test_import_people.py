"""Case lists: one source's list of people checked in a dry run, then imported as drafts, all
rows or none, each reported by the source with its case number."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import (
    LocationFactory,
    PersonFactory,
    PersonSourceFactory,
    SourceFactory,
    make_user,
)
from tracker.imports.people import CaseListRefused, check_case_list, import_case_list
from tracker.models import ModerationEvent, ModerationStatus, Person, Privacy

pytestmark = pytest.mark.django_db

HEADER = "case_number,name,sex,age,situation,country,place,died_on,died_precision,privacy\n"


def case_list(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def source():
    LocationFactory(slug="izalco-prison", name="Izalco prison")
    return SourceFactory(url="https://example.org/case-list")


GOOD = case_list(
    "SJH-1,Persona Sintética Uno,male,41,died_in_custody,SV,izalco-prison,2023-05-14,day,",
    "SJH-2,Persona Sintética Dos,female,,died_in_custody,SV,,2023-06-01,month,anonymous",
)


def test_case_list_dry_run_counts_and_writes_nothing(source):
    plan = check_case_list(GOOD, source=source)
    assert plan.is_valid
    assert plan.row_count == 2
    assert plan.by_privacy() == {Privacy.NAMED: 0, Privacy.ANONYMOUS: 1, Privacy.COUNTED: 1}
    assert Person.objects.count() == 0


def test_case_list_import_makes_drafts_reported_by_the_source(source):
    contributor = make_user("contributor")
    import_case_list(GOOD, source=source, by=contributor, file_name="list.csv")
    records = Person.objects.order_by("pk")
    assert [(p.status, p.created_by, p.privacy) for p in records] == [
        (ModerationStatus.DRAFT, contributor, Privacy.COUNTED),
        (ModerationStatus.DRAFT, contributor, Privacy.ANONYMOUS),
    ]
    assert records[0].place.slug == "izalco-prison"
    assert str(records[1].died_on) == "2023-06-01"
    assert [list(p.reports.values_list("source", "case_number")) for p in records] == [
        [(source.pk, "SJH-1")],
        [(source.pk, "SJH-2")],
    ]
    assert ModerationEvent.objects.filter(action="import").count() == 2


def test_case_list_with_errors_imports_nothing_and_names_each_problem(source):
    PersonSourceFactory(person=PersonFactory(reported=False), source=source, case_number="SJH-9")
    data = case_list(
        "SJH-1,A,male,41,died_in_custody,SV,izalco-prison,2023-05-14,day,",
        "SJH-1,B,male,41,died_in_custody,SV,,2023-05-14,day,",
        "SJH-9,C,male,41,died_in_custody,SV,,2023-05-14,day,",
        "SJH-3,D,male,old,died_in_custody,XX,nowhere,14/05/2023,day,public",
        ",E,,,,,,,,",
    )
    before = Person.objects.count()
    with pytest.raises(CaseListRefused) as refused:
        import_case_list(data, source=source, by=make_user("contributor"))
    assert Person.objects.count() == before
    errors = refused.value.plan.errors()
    assert errors == [
        "Row 3, column “case_number”: Case “SJH-1” is already in row 2.",
        "Row 4, column “case_number”: Case “SJH-9” of this source is already in the register.",
        "Row 5, column “privacy”: “public” is not one of: named, anonymous, counted.",
        "Row 5, column “age”: “old” is not an age in years.",
        "Row 5, column “died_on”: “14/05/2023” is not a date as YYYY-MM-DD.",
        "Row 5, column “country”: Unknown country code “XX”.",
        "Row 5, column “place”: Unknown place “nowhere”.",
        "Row 6, column “case_number”: A case number is required.",
    ]


def test_case_list_refuses_unknown_and_missing_columns(source):
    plan = check_case_list(b"name,birthday\nA,2000-01-01\n", source=source)
    assert not plan.is_valid
    assert plan.file_errors[0].startswith("Unknown columns: birthday.")
    assert plan.file_errors[1] == "Missing required columns: case_number."


def test_case_list_imported_twice_is_refused_the_second_time(source):
    contributor = make_user("contributor")
    import_case_list(GOOD, source=source, by=contributor)
    with pytest.raises(CaseListRefused):
        import_case_list(GOOD, source=source, by=contributor)
    assert Person.objects.count() == 2


def test_import_people_command_dry_run_then_import(source, tmp_path):
    make_user("contributor", username="maria")
    path = tmp_path / "list.csv"
    path.write_bytes(GOOD)
    out = io.StringIO()
    call_command("import_people", str(path), source=source.url, dry_run=True, stdout=out)
    assert (
        "2 person record(s) would be imported (0 named, 1 anonymous, 1 counted)" in out.getvalue()
    )
    assert "Sintética" not in out.getvalue()
    assert Person.objects.count() == 0
    call_command("import_people", str(path), source=str(source.pk), user="maria", stdout=out)
    assert Person.objects.filter(created_by__username="maria").count() == 2


def test_import_people_command_refuses_errors_with_their_rows(source, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(case_list("SJH-1,A,male,41,died_in_custody,SV,,2023-13-01,day,"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_people", str(path), source=source.url, dry_run=True, stderr=err)
    assert "Row 2, column “died_on”" in err.getvalue()


def upload(data: bytes, name: str = "list.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_case_list_page_checks_then_imports(client, source):
    contributor = make_user("contributor")
    client.force_login(contributor)
    url = reverse("workspace:case_list_import")
    checked = client.post(url, {"source": source.pk, "file": upload(GOOD), "check": "1"})
    html = checked.content.decode()
    assert "The file can be imported" in html
    assert "1 anonymous, 1 counted only" in html
    assert Person.objects.count() == 0
    imported = client.post(url, {"source": source.pk, "file": upload(GOOD), "import": "1"})
    assert imported.status_code == 302
    assert Person.objects.filter(created_by=contributor, status=ModerationStatus.DRAFT).count() == 2


def test_case_list_page_shows_errors_and_saves_nothing(client, source):
    client.force_login(make_user("contributor"))
    bad = case_list("SJH-1,A,male,41,died_in_custody,SV,,2023-13-01,day,")
    response = client.post(
        reverse("workspace:case_list_import"),
        {"source": source.pk, "file": upload(bad), "import": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing would be imported" in html
    assert "Row 2, column “died_on”" in html
    assert f'<option value="{source.pk}" selected>' in html
    assert Person.objects.count() == 0
