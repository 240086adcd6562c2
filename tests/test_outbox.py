"""The outbox shared by reminders, weekly digests and committee reports: nothing stuck
when a worker dies, nothing lost or failing loudly when the job queue is down, work that
keeps failing shown with its error and a way to try again, an e-mail accepted before a
crash not sent again where the mail system can say so.

In-process and fast; tests/test_outbox_worker.py does the same against a real worker and
a real Redis that is stopped and started."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from celery.app.task import Task
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from decisions.models import CommitteeReport
from decisions.reports.services import REPORTS
from decisions.tasks import requeue_committee_reports
from ombudsman.celery import app
from ombudsman.mail import message_id
from ombudsman.outbox import Outbox
from remedies.digest import DIGESTS
from remedies.models import AgreedAction, Reminder, ReminderEmail, WeeklyDigest
from remedies.reminders import REMINDER_EMAILS, reminder_email_send
from remedies.sweep import overdue_sweep
from remedies.tasks import requeue_reminders_and_digests

from .factories import AgreedActionFactory, ComplaintFactory, DecisionFactory, UserFactory

NOW = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(60))
TODAY = date(2025, 6, 2)
MEETING = "Audit and Standards Committee"


@pytest.fixture
def owner(db):
    return UserFactory(username="owner", email="owner@example.org", role="Service managers")


@pytest.fixture
def reminder(owner):
    decision = DecisionFactory(
        complaint=ComplaintFactory(reference="24 005 859a"), decision_date=date(2025, 2, 13)
    )
    AgreedActionFactory(
        decision=decision, kind=AgreedAction.Kind.APOLOGY, amount=None, payee_label="Mr X",
        owner=owner, due_date=TODAY,
    )  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        overdue_sweep(today=TODAY)
    return Reminder.objects.get(kind=Reminder.Kind.DUE_TODAY)


@pytest.fixture
def email(reminder):
    """The owner's reminder e-mail of the day, which carries the reminder."""
    return ReminderEmail.objects.get(recipient=reminder.recipient, day=TODAY)


def overdue_report(user) -> CommitteeReport:
    """A requested report as the builder records it (overdue remedies, nothing overdue)."""
    return CommitteeReport.objects.create(
        kind="overdue",
        parameters={
            "kind": "overdue", "period_start": None, "period_end": None, "as_of": "2025-06-02",
            "service_area_ids": [], "service_areas": [], "decision_id": None, "decision": "",
            "organisation_id": None, "organisation": "", "unreported_only": False,
            "meeting_date": "2025-06-20", "meeting_title": MEETING, "subject": "Overdue",
            "report_by": "Monitoring Officer", "wards_affected": "All", "for_information": True,
            "recommendations": "", "purpose": "P.", "background": "B.", "conclusion": "C.",
        },
        meeting_title=MEETING,
        meeting_date=date(2025, 6, 20),
        subject="Overdue",
        created_by=user,
    )  # fmt: skip


def _refused(self, *args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def queue_down(monkeypatch, settings):
    """Celery as on the real stack (not eager), with the broker refusing connections."""

    monkeypatch.setattr(Task, "apply_async", _refused)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    settings.CELERY_TASK_ALWAYS_EAGER = False


# --- A worker that died ----------------------------------------------------------------


def test_a_reminder_left_sending_by_a_dead_worker_goes_out_within_minutes(reminder, email):
    with time_machine.travel(NOW, tick=False):
        assert REMINDER_EMAILS.claim(email.pk)  # ... and the worker is killed
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        requeue_reminders_and_digests()
    assert mail.outbox == []  # a live worker may still be sending: not yet
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.SENDING
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        requeue_reminders_and_digests()  # what beat runs every minute
    [message] = mail.outbox
    assert message.subject == "1 action due today"  # the same day
    assert "Apologise to Mr X, 24 005 859a" in message.body
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.SENT
    assert email.attempts == 2
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


def test_a_reminder_accepted_by_the_mail_system_before_the_worker_died_is_not_sent_again(
    reminder, email, settings, tmp_path, monkeypatch
):
    settings.EMAIL_BACKEND = "ombudsman.mail.FileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)

    # The worker sent it and was killed before it could mark it sent.
    def killed(*args, **kwargs):
        raise SystemExit(-9)

    with monkeypatch.context() as dying, time_machine.travel(NOW, tick=False):
        dying.setattr(Outbox, "finish", killed)
        with pytest.raises(SystemExit):
            reminder_email_send(email_id=email.pk)
    assert ReminderEmail.objects.get().status == ReminderEmail.Status.SENDING
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        requeue_reminders_and_digests()
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.SENT
    assert email.attempts == 2
    assert Reminder.objects.get().status == Reminder.Status.SENT
    mid = message_id(f"reminder-email-{email.pk}").encode()
    copies = sum(path.read_bytes().count(b"Message-ID: " + mid) for path in tmp_path.iterdir())
    assert copies == 1


def test_every_reminder_email_carries_its_id_as_the_message_id(email, settings):
    settings.SITE_URL = "https://tracker.example.gov.uk"
    with time_machine.travel(NOW, tick=False):
        assert reminder_email_send(email_id=email.pk) is True
    [message] = mail.outbox
    assert message.message()["Message-ID"] == f"<reminder-email-{email.pk}@tracker.example.gov.uk>"


def test_a_report_left_being_made_by_a_dead_worker_is_made_after_the_lease(monitoring_officer):
    report = overdue_report(monitoring_officer)
    with time_machine.travel(NOW, tick=False):
        assert REPORTS.claim(report.pk)  # ... and the worker is killed
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        summary = requeue_committee_reports()
    assert summary["released"] == 1
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.READY and report.sha256
    assert report.attempts == 2


def test_a_report_whose_worker_dies_every_time_fails_visibly_and_can_be_tried_again(
    client, monitoring_officer
):
    report = overdue_report(monitoring_officer)
    for minutes in (0, 6, 12):
        with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
            REPORTS.release_stale(now=timezone.now())
            assert REPORTS.claim(report.pk)  # ... and the worker is killed each time
    with time_machine.travel(NOW + timedelta(minutes=18), tick=False):
        requeue_committee_reports()
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.FAILED
    client.force_login(monitoring_officer)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "The report could not be made" in page
    assert "The worker stopped before it finished, 3 times." in page
    assert "Try again" in page and f"/reports/{report.pk}/try-again/" in page

    response = client.post(f"/reports/{report.pk}/try-again/")
    assert response["Location"] == f"/reports/{report.pk}/"
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.READY
    assert "Download the PDF" in client.get(f"/reports/{report.pk}/").content.decode()


def test_only_those_who_make_reports_may_try_one_again(client, monitoring_officer, manager):
    report = overdue_report(monitoring_officer)
    CommitteeReport.objects.filter(pk=report.pk).update(status="failed", last_error="Broken.")
    client.force_login(manager)  # may read reports, not make them
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Broken." in page and "Try again" not in page
    assert client.post(f"/reports/{report.pk}/try-again/").status_code == 403
    assert client.get(f"/reports/{report.pk}/try-again/").status_code in (403, 405)
    assert CommitteeReport.objects.get().status == "failed"


def test_an_email_that_keeps_failing_is_marked_failed_with_its_error_then_sent_from_the_admin(
    reminder, email, monkeypatch, client
):
    from django.core.mail.message import EmailMessage

    real_send = EmailMessage.send

    def down(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailMessage, "send", down)
    for attempt in range(5):
        with time_machine.travel(NOW + timedelta(minutes=6 * attempt), tick=False):
            requeue_reminders_and_digests()
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.FAILED
    assert email.attempts == 5
    assert email.last_error == "ConnectionRefusedError: SMTP server down"
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        requeue_reminders_and_digests()  # failed: left alone
    assert ReminderEmail.objects.get().attempts == 5
    assert Reminder.objects.get().status == Reminder.Status.PENDING

    monkeypatch.setattr(EmailMessage, "send", real_send)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = client.get("/admin/remedies/reminderemail/", {"status__exact": "failed"})
    assert "SMTP server down" in listing.content.decode()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.post(
            "/admin/remedies/reminderemail/",
            {"action": "try_again", "_selected_action": [email.pk]},
        )
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.SENT
    assert Reminder.objects.get().status == Reminder.Status.SENT
    assert len(mail.outbox) == 1


def test_a_digest_left_sending_by_a_dead_worker_goes_out_that_week(owner):
    UserFactory(username="manager", email="manager@example.org", role="Managers")
    decision = DecisionFactory(decision_date=date(2025, 2, 13))
    AgreedActionFactory(decision=decision, due_date=TODAY - timedelta(days=3))
    from remedies.digest import weekly_digests_record

    with time_machine.travel(NOW, tick=False):
        run = weekly_digests_record(today=TODAY)
        [digest_id] = run.pending_digest_ids
        assert DIGESTS.claim(digest_id)  # ... and the worker is killed
    with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
        requeue_reminders_and_digests()
    assert WeeklyDigest.objects.get().status == WeeklyDigest.Status.SENT
    [message] = mail.outbox
    assert message.message()["Message-ID"].startswith(f"<weekly-digest-{digest_id}@")


# --- The job queue is down -------------------------------------------------------------


def _front(client):
    draft = client.get("/reports/new/", {"kind": "overdue"})
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    front.update({"meeting_title": MEETING, "meeting_date": "2026-12-15", "for_information": "on"})
    return {"kind": "overdue", **front, "action": "generate"}


def test_make_the_pdf_with_the_queue_down_says_it_is_queued_and_it_is_made_later(
    client, monitoring_officer, monkeypatch
):
    client.force_login(monitoring_officer)
    form = _front(client)
    with monkeypatch.context() as down:
        down.setattr(Task, "apply_async", _refused)
        down.setitem(app.conf, "task_always_eager", False)
        response = client.post("/reports/new/", form, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The report is queued. The job queue is not running at the moment" in page
    report = CommitteeReport.objects.get()
    assert report.status == CommitteeReport.Status.QUEUED

    requeue_committee_reports()  # beat, once the queue is back
    report.refresh_from_db()
    assert report.status == CommitteeReport.Status.READY


def test_run_the_sweep_now_with_the_queue_down_runs_it_here_and_sends_later(
    client, reminder, queue_down
):
    Reminder.objects.all().delete()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    with time_machine.travel(NOW, tick=False):
        response = client.post("/admin/remedies/reminder/run-sweep/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The job queue is not running, so the sweep was run here" in page
    assert "1 reminders recorded" in page
    assert "will be e-mailed when the queue is back" in page
    assert Reminder.objects.get().status == Reminder.Status.PENDING
    assert ReminderEmail.objects.get().status == ReminderEmail.Status.PENDING
    assert mail.outbox == []


def test_beat_queues_waiting_work_again_every_minute(settings):
    tasks = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("remedies.requeue_reminders_and_digests", "decisions.requeue_committee_reports"):
        assert tasks[name]["schedule"] == 60.0
        # A run that waited for a worker is dropped before the next one is queued.
        assert tasks[name]["options"]["expires"] < 60
    # A live worker is killed at its task's hard time limit, before its lease runs out.
    from decisions.tasks import render_committee_report
    from remedies.tasks import send_reminder_email, send_weekly_digest

    for task, outbox in [
        (send_reminder_email, REMINDER_EMAILS), (send_weekly_digest, DIGESTS),
        (render_committee_report, REPORTS),
    ]:  # fmt: skip
        assert timedelta(seconds=task.time_limit) < outbox.lease
