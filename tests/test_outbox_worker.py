"""The outbox against a real Celery worker and a real Redis (issue 13): a pool process
killed with SIGKILL while it renders a report or just after the mail server accepted a
reminder, and Redis stopped while a report is asked for and a sweep is run.

Each test starts its own redis-server on a free port (never the shared one on 6379), so
stopping it disturbs nobody. Where a lease of five minutes would pass, the test moves the
claim's time back by the lease instead of waiting, then sends the requeue task to the
worker as beat does every minute.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from decisions.models import CommitteeReport
from decisions.reports.services import REPORTS
from ombudsman.mail import message_id
from remedies.models import Reminder, ReminderEmail
from remedies.reminders import REMINDER_EMAILS
from remedies.sweep import overdue_sweep

from .factories import AgreedActionFactory, ComplaintFactory, DecisionFactory, UserFactory
from .test_outbox import overdue_report

BASE_DIR = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, on a free port, that can be stopped and started."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server).")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _until(lambda: _answers(self.url), "redis-server to answer", timeout=10)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def _answers(url) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


def _until(condition, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Waited {timeout:.0f} s for {what}.")


def _env(redis_url, tmp_path) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "PAUSE_MARKERS": str(tmp_path),
        "PYTHONPATH": str(BASE_DIR),
    }


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(redis_server, tmp_path):
    """A real worker with one pool process, which pauses the first time it renders a
    report or has an e-mail accepted (tests/pausing_worker.py)."""
    (tmp_path / "mail").mkdir()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "tests.pausing_worker", "-A", "ombudsman", "worker",
         "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=_env(redis_server.url, tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield Celery(broker=redis_server.url)
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output[-4000:])


def _kill_at(tmp_path, point) -> None:
    """Wait for the pool process to reach ``point``, then SIGKILL it there."""
    marker = tmp_path / point
    _until(lambda: marker.exists() and marker.read_text(), f"the worker to reach {point!r}")
    os.kill(int(marker.read_text()), signal.SIGKILL)


def _lease_passes(outbox, pk) -> None:
    """As if the lease had run out: the claim's time moved back by it."""
    outbox.rows.filter(pk=pk).update(claimed_at=F("claimed_at") - outbox.lease)


def test_a_report_whose_worker_is_killed_while_rendering_is_made_after_all(worker, tmp_path):
    # No roles here: the flush after a transactional test removes the groups.
    report = overdue_report(UserFactory(username="monitoring"))
    worker.send_task("decisions.render_committee_report", [report.pk])
    _kill_at(tmp_path, "render")
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.RENDERING  # held by a dead worker
    _lease_passes(REPORTS, report.pk)
    worker.send_task("decisions.requeue_committee_reports")  # beat, every minute
    _until(lambda: CommitteeReport.objects.get(pk=report.pk).is_finished, "the report")
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.READY, report.last_error
    assert report.attempts == 2 and report.sha256


def test_a_reminder_whose_worker_is_killed_after_the_mail_was_accepted_is_sent_once(
    worker, tmp_path
):
    today = timezone.localdate()  # the worker runs in real time
    owner = UserFactory(username="owner", email="owner@example.org")
    decision = DecisionFactory(
        complaint=ComplaintFactory(reference="26 009 002"), decision_date=today - timedelta(60)
    )
    AgreedActionFactory(
        decision=decision, kind="apology", amount=None, payee_label="Mr X", owner=owner,
        due_date=today,
    )  # fmt: skip
    overdue_sweep(today=today)
    reminder = Reminder.objects.get()
    email = ReminderEmail.objects.get()  # the owner's e-mail of the day
    worker.send_task("remedies.send_reminder_email", [email.pk])
    _kill_at(tmp_path, "accepted")
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.SENDING
    _lease_passes(REMINDER_EMAILS, email.pk)
    worker.send_task("remedies.requeue_reminders_and_digests")
    _until(lambda: ReminderEmail.objects.get().status == ReminderEmail.Status.SENT, "the e-mail")
    assert ReminderEmail.objects.get().attempts == 2
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    needle = f"Message-ID: {message_id(f'reminder-email-{email.pk}')}".encode()
    mail = [path.read_bytes() for path in (tmp_path / "mail").iterdir()]
    assert sum(m.count(needle) for m in mail) == 1  # sent once
    assert b"Subject: 1 action due today" in b"".join(mail)
    assert b"Apologise to Mr X, 26 009 002" in b"".join(mail)


# What a web process does, in a process of its own configured from the environment as on
# the real stack: make a report's PDF, then run the sweep from the admin.
WEB = """
import json, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
users = get_user_model().objects
result = {}
client = Client(HTTP_HOST="localhost")
root = users.get(username="root")
client.force_login(root)
# An administrator, past their second factor (ombudsman/two_factor.py), as after a code.
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
session = client.session
device = TOTPDevice.objects.create(user=root, name="App", confirmed=True)
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
form = {
    "kind": "overdue", "meeting_title": "Audit and Standards Committee",
    "meeting_date": "2026-12-15", "subject": "Overdue remedies",
    "report_by": "Monitoring Officer", "wards_affected": "All", "for_information": "on",
    "purpose": "P.", "background": "B.", "conclusion": "C.", "action": "generate",
}
start = time.monotonic()
response = client.post("/reports/new/", form, follow=True)
result["report"] = [response.status_code, time.monotonic() - start, response.content.decode()]
start = time.monotonic()
response = client.post("/admin/remedies/reminder/run-sweep/", follow=True)
result["sweep"] = [response.status_code, time.monotonic() - start, response.content.decode()]
print(json.dumps(result))
"""


def test_with_redis_down_make_the_pdf_is_queued_and_made_when_redis_is_back(
    worker, redis_server, tmp_path
):
    for point in ("render", "accepted"):
        (tmp_path / point).write_text("")  # this worker does not pause
    today = timezone.localdate()
    UserFactory(username="root", is_staff=True, is_superuser=True)
    owner = UserFactory(username="owner", email="owner@example.org")
    decision = DecisionFactory(decision_date=today - timedelta(60))
    AgreedActionFactory(decision=decision, owner=owner, due_date=today - timedelta(1))
    redis_server.stop()

    web = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-c", WEB], cwd=BASE_DIR, env=_env(redis_server.url, tmp_path),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert web.returncode == 0, web.stderr[-3000:]
    result = json.loads(web.stdout.strip().splitlines()[-1])
    status, seconds, page = result["report"]
    assert status == 200 and seconds < 5, (status, seconds)
    assert "The report is queued. The job queue is not running at the moment" in page
    report = CommitteeReport.objects.get()
    assert report.status == CommitteeReport.Status.QUEUED
    status, seconds, page = result["sweep"]
    assert status == 200 and seconds < 5, (status, seconds)
    assert "The job queue is not running, so the sweep was run here" in page
    reminder = Reminder.objects.get()  # recorded, waiting for the queue
    assert reminder.status == Reminder.Status.PENDING

    redis_server.start()  # Redis is back; beat's next requeue:
    worker.send_task("decisions.requeue_committee_reports")
    worker.send_task("remedies.requeue_reminders_and_digests")
    _until(lambda: CommitteeReport.objects.get().is_finished, "the report", timeout=90)
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.READY, report.last_error
    _until(lambda: Reminder.objects.get().status == Reminder.Status.SENT, "the reminder")
