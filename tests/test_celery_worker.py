"""A real Celery worker against the local Redis runs the sweep and sends the e-mail."""

import os
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
from django.utils import timezone

from remedies.models import Reminder

from .factories import AgreedActionFactory, ComplaintFactory, DecisionFactory, UserFactory

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BASE_DIR = Path(settings.BASE_DIR)


def _redis_or_fail():
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS} ({exc}). Start it: redis-server --daemonize "
            'yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
        )


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sweep_and_sends_the_reminder(tmp_path):
    _redis_or_fail()
    today = timezone.localdate()  # the worker runs in real time, not frozen time
    owner = UserFactory(username="owner", email="owner@example.org")
    decision = DecisionFactory(
        complaint=ComplaintFactory(reference="26 009 001"),
        decision_date=today - timedelta(days=60),
    )
    action = AgreedActionFactory(
        decision=decision, kind="apology", amount=None, payee_label="Mr X", owner=owner,
        due_date=today - timedelta(days=3),
    )  # fmt: skip

    db = connection.settings_dict
    # Redis database 15 is kept for this test; nothing else should be waiting there.
    redis.Redis.from_url(REDIS).flushdb()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    worker = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "celery", "-A", "ombudsman", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    client = Celery(broker=REDIS, backend=REDIS)
    try:
        summary = client.send_task("remedies.run_overdue_sweep").get(timeout=60)
        assert summary["reminders_recorded"] == 1
        # The sweep queued the owner's e-mail task; the worker picks it up next.
        deadline = time.monotonic() + 60
        reminder = Reminder.objects.get(action=action)
        while reminder.status != Reminder.Status.SENT and time.monotonic() < deadline:
            time.sleep(0.5)
            reminder.refresh_from_db()
        assert reminder.status == Reminder.Status.SENT
        [sent] = list(tmp_path.iterdir())
        content = sent.read_text()
        assert "Subject: 1 overdue action" in content
        assert "Apologise to Mr X, 26 009 001" in content
        assert "owner@example.org" in content
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output[-4000:])
