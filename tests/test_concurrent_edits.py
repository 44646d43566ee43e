"""No lost update across processes: two gunicorn workers, two people saving the same entry at once.

This is a property of PostgreSQL's row locks (``SELECT ... FOR UPDATE`` in the workflow), so it
runs in the PostgreSQL pass only. gunicorn serves the test database itself: the test's rows are
committed (transactional test) so that the workers see them.
"""

import html
import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from tests.factories import ClaimFactory, make_user, totp_code
from tests.processes import child_env
from tests.test_workspace import edit_post
from tracker import twofactor
from tracker.models import Claim, ModerationStatus
from tracker.roles import sync_groups

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One person's session: a cookie jar over http.client, nothing more."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            connection.close()

    def log_in(self, username: str) -> None:
        login = reverse("login")
        _, page = self.request("GET", login)
        token = CSRF_FIELD.search(page).group(1)
        status, _ = self.request(
            "POST",
            login,
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status == 302, f"{username} could not log in"
        # Reviewers log in with two factors: the code their authenticator app shows now.
        user = get_user_model().objects.get(username=username)
        if twofactor.has_primary_device(user):
            verify = reverse("two_factor_verify")
            _, page = self.request("GET", verify)
            token = CSRF_FIELD.search(page).group(1)
            status, _ = self.request(
                "POST", verify, {"code": totp_code(user), "csrfmiddlewaretoken": token}
            )
            assert status == 302, f"{username} could not pass the second step"


@pytest.fixture
def gunicorn_on_test_database(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks across processes are a PostgreSQL property (run with DATABASE_URL)")
    # A transactional test's flush empties the role groups of the data migration: recreate them.
    from django.db.migrations.loader import MigrationLoader

    apps = MigrationLoader(connection).project_state().apps
    sync_groups(apps)
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}"
        f"@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    port = free_port()
    env = {
        key: value
        for key, value in child_env().items()
        if not key.startswith(("GUNICORN_", "WEB_CONCURRENCY", "DJANGO_SETTINGS_MODULE", "DEBUG"))
    }
    env.update(
        DATABASE_URL=database_url,
        # The test settings: production settings with the test suite's secret and password hasher.
        DJANGO_SETTINGS_MODULE="tracker.settings_test",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="WARNING",
    )
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)
        # The server's own account of an error answer, in the test's report.
        print(log.read_text(errors="replace")[-5000:], file=sys.stderr)


def test_concurrent_edits_in_two_processes_lose_nothing(gunicorn_on_test_database):
    port = gunicorn_on_test_database
    author = make_user("contributor", username="edit-author", password=PASSWORD)
    make_user("reviewer", username="edit-reviewer", password=PASSWORD)
    claim = ClaimFactory(status=ModerationStatus.DRAFT, created_by=author, title="First wording")
    edit_url = reverse("workspace:claim_edit", args=[claim.pk])

    people = {"edit-author": Browser(port), "edit-reviewer": Browser(port)}
    forms = {}
    for username, browser in people.items():
        browser.log_in(username)
        status, page = browser.request("GET", edit_url)
        assert status == 200
        forms[username] = {
            "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),
            "version": VERSION_FIELD.search(page).group(1),
        }
    titles = {"edit-author": "The author's wording", "edit-reviewer": "The reviewer's wording"}

    results = {}
    start = threading.Barrier(len(people))

    def save(username):
        data = edit_post(claim, title=titles[username], **forms[username])
        start.wait()
        results[username] = people[username].request("POST", edit_url, data)

    threads = [threading.Thread(target=save, args=[username]) for username in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [name for name, (status, _) in results.items() if status == 302]
    losers = [name for name, (status, _) in results.items() if status != 302]
    assert len(winners) == 1 and len(losers) == 1, {
        name: (status, page[:2000]) for name, (status, page) in results.items()
    }
    loser_status, loser_page = results[losers[0]]
    assert loser_status == 200
    assert "Someone else saved this entry while you were editing it" in html.unescape(loser_page)
    assert f'value="{html.escape(titles[losers[0]])}"' in loser_page  # what they typed is kept
    assert Claim.objects.get(pk=claim.pk).title == titles[winners[0]]
