"""After a decision commits, the most visited public pages are computed again in the background,
so that their first reader is served from the cache."""

import contextlib
import importlib
import threading

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from tests.seeds import seed_claims
from tracker import refresh, workflow
from tracker.models import Claim

pytestmark = pytest.mark.django_db


def statements_of(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def facets(statements: list[str]) -> list[str]:
    """The facets' statement (one arm per facet), among a request's."""
    return [sql for sql in statements if " UNION ALL " in sql]


def test_refresh_paths_are_the_busiest_pages_in_every_language():
    assert refresh.paths() == [
        "/en/",
        "/en/claims/",
        "/en/statistics/",
        "/en/organizations/",
        "/es/",
        "/es/claims/",
        "/es/statistics/",
        "/es/organizations/",
    ]


@contextlib.contextmanager
def same_connection():
    """Requests through the site's WSGI handler keep the test's connection and transaction, as
    the test client's do: no closing of "old" connections at their start and end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_refresh_after_a_decision_leaves_the_first_reader_nothing_to_count(client, reviewer):
    seed_claims(6)
    workflow.set_verification(
        Claim.objects.first(), by=reviewer, grade="corroborated", rationale="Two NGOs."
    )
    # Without the refresh, the first reader after the decision computes the count and facets.
    first, again = statements_of(client, "/es/claims/"), statements_of(client, "/es/claims/")
    assert facets(first) and len(first) > len(again)

    workflow.set_verification(
        Claim.objects.last(), by=reviewer, grade="corroborated", rationale="Two NGOs."
    )
    with same_connection():
        statuses = refresh.refresh()
    assert set(statuses.values()) == {200}, statuses
    # With it, the first reader is served as the next ones are: from the cache.
    for path in refresh.paths():
        first, again = statements_of(client, path), statements_of(client, path)
        assert len(first) == len(again), path
        assert facets(first) == [], path


@pytest.fixture
def serving(monkeypatch):
    """This process serves pages, as gunicorn's workers do (``tracker.wsgi``)."""
    monkeypatch.setattr(refresh, "_serving", False)
    import tracker.wsgi  # noqa: F401

    importlib.reload(tracker.wsgi)
    assert refresh._serving


def test_refresh_is_scheduled_once_the_decision_commits(
    settings, serving, monkeypatch, reviewer, django_capture_on_commit_callbacks
):
    settings.REFRESH_AHEAD = True
    done = threading.Event()
    monkeypatch.setattr(refresh, "refresh", lambda: done.set() or {})
    claim = seed_claims(1) or Claim.objects.get()
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.set_verification(claim, by=reviewer, grade="corroborated", rationale="Two NGOs.")
        assert not done.is_set()  # not before the commit
    assert refresh.schedule in callbacks
    for callback in callbacks:
        callback()
    assert done.wait(10), "the refresh thread did not run"


def test_refresh_is_not_scheduled_when_turned_off(settings, serving, monkeypatch):
    settings.REFRESH_AHEAD = False
    started, wanted = [], threading.Event()
    monkeypatch.setattr(refresh, "_wanted", wanted)
    monkeypatch.setattr(refresh.threading, "Thread", lambda **kwargs: started.append(kwargs))
    refresh.schedule()
    assert started == [] and not wanted.is_set()


def test_refresh_is_not_scheduled_by_a_management_command(settings, monkeypatch):
    settings.REFRESH_AHEAD = True
    monkeypatch.setattr(refresh, "_serving", False)
    started, wanted = [], threading.Event()
    monkeypatch.setattr(refresh, "_wanted", wanted)
    monkeypatch.setattr(refresh.threading, "Thread", lambda **kwargs: started.append(kwargs))
    refresh.schedule()
    assert started == [] and not wanted.is_set()


def test_refresh_failure_is_logged_and_the_thread_goes_on(settings, serving, monkeypatch, caplog):
    settings.REFRESH_AHEAD = True
    calls = []
    second = threading.Event()

    def failing_then_fine():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")
        second.set()
        return {"/en/claims/": 200}

    monkeypatch.setattr(refresh, "refresh", failing_then_fine)
    refresh.schedule()
    for _ in range(200):
        if calls:
            break
        threading.Event().wait(0.05)
    refresh.schedule()
    assert second.wait(10), "the thread stopped after a failure"
    assert "Refreshing the public pages after a decision failed" in caplog.text
