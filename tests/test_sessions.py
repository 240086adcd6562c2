"""Sessions end after SESSION_IDLE_MINUTES without a request, written only when a request
moves their end on by over a minute (ombudsman/sessions.py)."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import UserFactory

pytestmark = pytest.mark.django_db
START = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
PAGE = "/decisions/"


@pytest.fixture
def signed_in(client):
    """A complaints officer signed in at START (the session written then)."""
    with time_machine.travel(START, tick=False):
        client.force_login(UserFactory(username="officer", role="Complaints officers"))
    return client


def _at(seconds: float):
    return time_machine.travel(START + timedelta(seconds=seconds), tick=False)


def _get(client, seconds: float):
    """The page at START + seconds, and whether the request wrote the session."""
    with _at(seconds), CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE)
    wrote = any(
        q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]
        for q in ctx.captured_queries
    )
    return response, wrote


def _ends() -> datetime:
    return Session.objects.get().expire_date


def _idle_seconds(response) -> int:
    return int(re.search(r'data-idle-seconds="(\d+)"', response.content.decode())[1])


def test_a_request_within_a_minute_of_the_last_write_does_not_write(signed_in):
    response, wrote = _get(signed_in, 30)
    assert response.status_code == 200 and not wrote
    assert _ends() == START + timedelta(hours=1)
    # The page's sign-out warning counts to the end the server keeps, not a whole hour.
    assert _idle_seconds(response) == 3600 - 30
    assert 'data-session-seconds="3600"' in response.content.decode()


def test_a_request_over_a_minute_after_the_last_write_moves_the_end_on(signed_in):
    response, wrote = _get(signed_in, 61)
    assert response.status_code == 200 and wrote
    assert _ends() == START + timedelta(seconds=61, hours=1)
    assert _idle_seconds(response) == 3600


def test_the_session_ends_an_hour_after_the_last_write_never_later(signed_in):
    # Requests 30 seconds apart write the session once a minute at most: the last one,
    # not written, leaves the end an hour after the write before it.
    for seconds in (30, 60, 90):
        assert _get(signed_in, seconds)[0].status_code == 200
    ends = _ends()
    assert ends == START + timedelta(seconds=60, hours=1)
    # Between a minute before and an hour after the last request (at 90 seconds).
    last = START + timedelta(seconds=90)
    assert last + timedelta(minutes=59) <= ends <= last + timedelta(hours=1)
    # A second past that end, 59 minutes and 31 seconds after the last request: gone.
    with _at(3600 + 60 + 1):
        response = signed_in.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_end_is_exactly_when_the_server_said(signed_in):
    response, _ = _get(signed_in, 45)
    left = _idle_seconds(response)
    with _at(45 + left - 1):
        assert signed_in.get(PAGE).status_code == 200  # written: the end moves on
    response, _ = _get(signed_in, 45 + left - 1 + 3600 + 1)
    assert response.status_code == 302


def test_requests_every_thirty_seconds_keep_the_session_for_hours(signed_in):
    writes = 0
    for n in range(1, 2 * 120 + 1):  # two hours
        response, wrote = _get(signed_in, n * 30)
        assert response.status_code == 200, n
        writes += wrote
    assert 115 <= writes <= 121  # about once a minute, not once a request


def test_stay_signed_in_always_writes(signed_in):
    with _at(10), CaptureQueriesContext(connection) as ctx:
        assert signed_in.post("/session/extend/").status_code == 204
    assert any(q["sql"].startswith("UPDATE") for q in ctx.captured_queries)
    assert _ends() == START + timedelta(seconds=10, hours=1)


def test_signing_out_still_ends_the_session_at_once(signed_in):
    with _at(20):
        signed_in.post("/logout/")
    assert not Session.objects.exists()
    assert _get(signed_in, 21)[0].status_code == 302
