"""A real Celery worker for tests/test_outbox_worker.py that stops at one point of its
first committee report or its first e-mail, so that the test can kill it right there.

Run as ``python -m tests.pausing_worker -A ombudsman worker ...``. The first time a pool
process reaches a point it writes its pid to ``$PAUSE_MARKERS/<point>`` and sleeps (the
test kills it with SIGKILL); every later pass goes straight through. The points:
"render" while a report's pages are laid out, "accepted" just after the mail system
accepted a message, before the worker could mark it sent.
"""

import os
import sys
import time
from pathlib import Path

import django


def _pause_the_first_time(point: str) -> None:
    marker = Path(os.environ["PAUSE_MARKERS"]) / point
    if marker.exists():
        return
    marker.write_text(str(os.getpid()))
    time.sleep(300)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombudsman.settings")
    django.setup()
    from celery.bin.celery import main as celery

    from decisions.reports import services
    from ombudsman.mail import FileBackend

    real_pdf = services.report_pdf
    real_send = FileBackend.send_messages

    def report_pdf(html):
        _pause_the_first_time("render")
        return real_pdf(html)

    def send_messages(self, messages):
        sent = real_send(self, messages)
        _pause_the_first_time("accepted")
        return sent

    services.report_pdf = report_pdf
    FileBackend.send_messages = send_messages
    sys.argv = ["celery", *sys.argv[1:]]
    celery()


if __name__ == "__main__":
    main()
