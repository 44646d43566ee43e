"""Logged-in sessions end after STAFF_IDLE_TIMEOUT seconds without a request."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tracker.middleware import StaffIdleTimeoutMiddleware

pytestmark = pytest.mark.django_db

MARK = StaffIdleTimeoutMiddleware.SESSION_KEY


def set_last_activity(client, seconds_ago: int) -> None:
    session = client.session
    session[MARK] = int(time.time()) - seconds_ago
    session.save()


def stored_session(client) -> str:
    return Session.objects.get(session_key=client.session.session_key).session_data


def test_idle_session_is_logged_out_with_a_message(client, reviewer, settings):
    settings.STAFF_IDLE_TIMEOUT = 1800
    client.force_login(reviewer)
    set_last_activity(client, 1801)
    response = client.get("/en/review/", follow=True)
    assert response.redirect_chain[0] == (f"{reverse('login')}?next=/en/review/", 302)
    assert "_auth_user_id" not in client.session
    assert "logged out after 30 minutes without activity" in response.content.decode()


def test_idle_timeout_spares_a_session_used_within_it(client, reviewer, settings):
    settings.STAFF_IDLE_TIMEOUT = 1800
    client.force_login(reviewer)
    set_last_activity(client, 1700)
    assert client.get("/en/review/").status_code == 200


def test_idle_timeout_mark_is_written_at_most_once_a_minute(client, reviewer):
    client.force_login(reviewer)
    assert MARK in client.session  # set at log-in
    before = stored_session(client)
    client.get("/en/review/")
    client.get("/en/workspace/")
    assert stored_session(client) == before
    set_last_activity(client, 61)
    client.get("/en/review/")
    assert client.session[MARK] >= int(time.time()) - 1


def test_idle_timeout_counts_from_the_log_in_form(client, contributor):
    client.post(
        reverse("login"),
        {"username": contributor.username, "password": "correct horse battery staple"},
    )
    assert abs(client.session[MARK] - time.time()) < 5
