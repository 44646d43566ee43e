"""The import pages in a real browser: upload, the dry run, the progress bar of a running job.

The live server runs tasks at once (test settings), so an upload comes back checked. The
progress bar is driven by moving a job along in the database, as the worker would, while the
page's script (static/js/import-progress.js) polls its status.
"""

import io

from playwright.sync_api import expect

from tests.browser.helpers import assert_accessible
from tests.factories import CategoryFactory, LocationFactory
from tests.test_import import good_row, sheet
from tracker.models import Claim, ImportJob

State = ImportJob.State


def test_contributor_uploads_checks_and_imports_a_file(page, demo_users, log_in_as, axe_source):
    CategoryFactory(name="Torture", slug="torture")
    LocationFactory(name="CECOT", slug="cecot")
    log_in_as(page, demo_users["contributor"])
    page.goto("/en/workspace/")
    page.get_by_role("link", name="Import a spreadsheet").click()
    assert_accessible(page, axe_source)
    page.locator("#id_file").set_input_files(
        {"name": "claims.csv", "mimeType": "text/csv", "buffer": sheet(good_row(1), good_row(2))}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/workspace/import/*/")
    assert "The file is ready: 2 claims will be created as your drafts" in page.content()
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Import these claims").click()
    page.wait_for_load_state()
    assert "2 claims were imported as your drafts" in page.content()
    assert Claim.objects.filter(created_by=demo_users["contributor"]).count() == 2


def test_running_job_page_follows_progress_and_shows_the_result(
    page, demo_users, log_in_as, axe_source
):
    owner = demo_users["contributor"]
    job = ImportJob.objects.create(
        owner=owner,
        file_name="big.csv",
        sha256="0" * 64,
        state=State.CHECKING,
        rows_done=1000,
        rows_total=4000,
    )
    log_in_as(page, owner)
    page.goto(f"/en/workspace/import/{job.pk}/")
    bar = page.locator("progress#import-progress")
    assert bar.get_attribute("value") == "1000"
    assert_accessible(page, axe_source)

    ImportJob.objects.filter(pk=job.pk).update(rows_done=3000)
    expect(bar).to_have_attribute("value", "3000", timeout=10_000)
    expect(page.locator("#import-progress-text")).to_have_text("3,000 of 4,000 rows")

    report = {"rows": 4000, "citations": 4000, "new_sources": 10, "error_count": 0}
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.CHECKED, rows_done=4000, stored_path="imports/x.csv", report=report
    )
    page.get_by_role("button", name="Import these claims").wait_for()
    assert "The file is ready: 4000 claims will be created" in page.content()


def test_upload_page_downloads_the_template(page, demo_users, log_in_as):
    log_in_as(page, demo_users["contributor"])
    page.goto("/en/workspace/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a template (CSV)").click()
    content = io.BytesIO()
    with open(download.value.path(), "rb") as file:
        content.write(file.read())
    assert content.getvalue().startswith(b"title,summary,categories,country,place")
