"""The overdue sweep's schedule and on-demand runs, the database's one-reminder rule, the
configurable reminder windows, and the statutory duty templates administrators edit."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions.models import Enquiry
from remedies.models import AgreedAction, Reminder, StatutoryDutyTemplate
from remedies.sweep import overdue_sweep

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .journey import log_decision

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
RUN_SWEEP_URL = "/admin/remedies/reminder/run-sweep/"


@pytest.fixture
def people(db):
    owner = UserFactory(username="owner", first_name="Olu", last_name="Owner")
    lead = UserFactory(username="lead", first_name="Lea", last_name="Lead")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    return {"owner": owner, "lead": lead, "area": area}


@pytest.fixture
def decision(people):
    complaint = ComplaintFactory(
        reference="24 005 859a",
        service_area=people["area"],
        organisations=[OrganisationFactory(name="Peterborough City Council")],
    )
    return DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))


def _action(decision, people, due):
    return AgreedActionFactory(
        decision=decision, due_date=due, owner=people["owner"], service_area=people["area"],
        kind=AgreedAction.Kind.APOLOGY, amount=None, payee_label="Mr X",
    )  # fmt: skip


def _reminders():
    return {
        (r.action_id, r.kind, r.recipient.username)
        for r in Reminder.objects.select_related("recipient")
    }


# The schedule -----------------------------------------------------------------------------


def test_beat_runs_the_overdue_sweep_every_morning_at_seven_london_time(settings):
    from ombudsman.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["overdue-sweep"]
    assert entry["task"] == "remedies.run_overdue_sweep"
    assert entry["schedule"] == crontab(hour=7, minute=0)
    assert settings.CELERY_TIMEZONE == "Europe/London"
    # A beat that was down does not fire it late in the day: it expires at noon.
    expires = timedelta(seconds=entry["options"]["expires"])
    london = ZoneInfo("Europe/London")
    seven, noon = (datetime(2025, 6, 2, hour, 0, tzinfo=london) for hour in (7, 12))
    assert seven + expires == noon
    # Celery itself reads the schedule, and the task it names exists.
    assert app.conf.beat_schedule["overdue-sweep"]["task"] == "remedies.run_overdue_sweep"
    assert app.conf.timezone == "Europe/London"
    app.loader.import_default_modules()
    assert "remedies.run_overdue_sweep" in app.tasks


# On-demand runs ---------------------------------------------------------------------------


def test_run_sweep_command_records_and_sends_the_reminders_due(
    decision, people, django_capture_on_commit_callbacks
):
    action = _action(decision, people, date(2025, 5, 1))  # 32 days overdue
    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("run_sweep", stdout=out)
    assert out.getvalue().strip() == (
        "Overdue sweep: 1 actions and 0 enquiries newly overdue; 2 reminders recorded; "
        "2 reminders sent or queued in 2 e-mail(s)."
    )
    assert _reminders() == {(action.pk, "overdue", "owner"), (action.pk, "escalation", "lead")}
    action.refresh_from_db()
    assert action.overdue_since == TODAY
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("lead@example.org", "1 overdue action escalated to you"),
        ("owner@example.org", "1 overdue action"),
    ]
    assert all("Apologise to Mr X, 24 005 859a" in m.body for m in mail.outbox)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_the_admin_button_runs_the_sweep_now(
    client, decision, people, django_capture_on_commit_callbacks
):
    action = _action(decision, people, date(2025, 5, 30))
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    changelist = client.get("/admin/remedies/reminder/")
    assert "Run the overdue sweep now" in changelist.content.decode()
    assert client.get(RUN_SWEEP_URL).status_code == 405  # a button, not a link
    with time_machine.travel(TODAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(RUN_SWEEP_URL, follow=True)
    assert response.redirect_chain == [("/admin/remedies/reminder/", 302)]
    assert (
        "Overdue sweep run: 1 actions and 0 enquiries newly overdue, 1 reminders recorded, "
        "1 sent or queued in 1 e-mail." in response.content.decode()
    )
    assert _reminders() == {(action.pk, "overdue", "owner")}
    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    assert message.subject == "1 overdue action"
    assert "Apologise to Mr X, 24 005 859a" in message.body


def test_the_admin_button_does_nothing_for_staff_who_may_only_view_reminders(
    client, decision, people
):
    _action(decision, people, date(2025, 5, 30))
    client.force_login(UserFactory(username="viewer", is_staff=True, role="Complaints officers"))
    with time_machine.travel(TODAY, tick=False):
        response = client.post(RUN_SWEEP_URL, follow=True)
    assert "You may not run the sweep." in response.content.decode()
    assert not Reminder.objects.exists()
    assert mail.outbox == []


# The database's one-reminder rule ---------------------------------------------------------


def test_the_database_refuses_a_second_reminder_of_a_kind_for_the_same_date(decision, people):
    action = _action(decision, people, date(2025, 5, 30))
    now = timezone.now()

    def remind(**kwargs):
        fields = {"action": action, "kind": "overdue", "due_date": date(2025, 5, 30),
                  "recipient": people["owner"], "created_at": now}  # fmt: skip
        return Reminder.objects.create(**{**fields, **kwargs})

    remind()
    with pytest.raises(IntegrityError), transaction.atomic():
        remind()
    with pytest.raises(IntegrityError), transaction.atomic():
        remind(recipient=people["lead"])  # not even to someone else
    # Another kind, or a new date in force (an extension), is a reminder of its own.
    remind(kind="escalation", recipient=people["lead"])
    remind(due_date=date(2025, 6, 30))
    assert Reminder.objects.filter(action=action).count() == 3

    enquiry = Enquiry.objects.create(
        complaint=decision.complaint, kind="initial", sent_on=date(2025, 4, 1),
        due_on=date(2025, 5, 19),
    )  # fmt: skip
    remind(action=None, enquiry=enquiry, due_date=date(2025, 5, 19))
    with pytest.raises(IntegrityError), transaction.atomic():
        remind(action=None, enquiry=enquiry, due_date=date(2025, 5, 19))
    with pytest.raises(IntegrityError), transaction.atomic():
        remind(enquiry=enquiry, due_date=date(2025, 5, 1))  # about both at once
    assert Reminder.objects.count() == 4


# Configurable reminder windows ------------------------------------------------------------

DAYS_AWAY = (3, 5, 9, 12)  # due in this many days
DAYS_LATE = (4, 6, 20, 30)  # overdue by this many days


@pytest.mark.parametrize(
    ("upcoming_days", "escalation_days", "due_soon", "escalated"),
    [
        (7, 14, {3, 5}, {20, 30}),  # the defaults
        (3, 30, {3}, {30}),
        (10, 5, {3, 5, 9}, {6, 20, 30}),
    ],
)
def test_the_due_soon_and_escalation_windows_follow_the_settings(
    decision, people, settings, upcoming_days, escalation_days, due_soon, escalated
):
    settings.REMINDER_UPCOMING_DAYS = upcoming_days
    settings.REMINDER_ESCALATION_DAYS = escalation_days
    away = {_action(decision, people, TODAY + timedelta(days=n)).pk: n for n in DAYS_AWAY}
    late = {_action(decision, people, TODAY - timedelta(days=n)).pk: n for n in DAYS_LATE}

    overdue_sweep(today=TODAY)

    def days(kind, who, table):
        return {table[pk] for pk, k, username in _reminders() if k == kind and username == who}

    assert days("upcoming", "owner", away) == due_soon
    assert days("overdue", "owner", late) == set(DAYS_LATE)  # overdue is overdue
    assert days("escalation", "lead", late) == escalated


def test_the_reminder_windows_are_read_from_the_environment():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("REMINDER_")}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.conf import settings as s; "
         "print(s.REMINDER_UPCOMING_DAYS, s.REMINDER_ESCALATION_DAYS)"],
        env={**env, "DJANGO_SETTINGS_MODULE": "ombudsman.settings",
             "REMINDER_UPCOMING_DAYS": "3", "REMINDER_ESCALATION_DAYS": "30"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "30"]


# Statutory duty templates -----------------------------------------------------------------


def _log_report(client, reference):
    response = log_decision(
        client,
        {
            "complaint-reference": reference,
            "complaint-complainant_label": "Mrs Y",
            "complaint-organisations": [
                str(OrganisationFactory(name="Cambridgeshire County Council").pk)
            ],
            "decision-decision_date": "2023-07-28", "decision-kind": "report",
            "decision-outcome": "upheld",
            "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0",
            "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    return AgreedAction.objects.filter(
        kind="statutory_duty", decision__complaint__reference=reference
    ).order_by("id")


def _admin_save(client, template, **changes):
    fields = {
        "title": template.title, "description": template.description,
        "legal_basis": template.legal_basis, "deadline_phrase": template.deadline_phrase,
        "active": "on" if template.active else "", "order": template.order,
        **changes,
    }  # fmt: skip
    data = {k: v for k, v in fields.items() if v != ""}
    response = client.post(f"/admin/remedies/statutorydutytemplate/{template.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()


@pytest.mark.parametrize("kind", ["edit", "deactivate"])
def test_templates_an_administrator_edits_shape_the_next_reports_duties(client, officer, kind):
    notice, laid, monitoring = StatutoryDutyTemplate.objects.order_by("order")
    with time_machine.travel(TODAY, tick=False):
        client.force_login(officer)
        before = _log_report(client, "22 010 218")
        assert [d.due_date for d in before] == [
            date(2023, 8, 11), date(2023, 10, 28), date(2023, 10, 28),
        ]  # fmt: skip

        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        if kind == "edit":
            _admin_save(
                client, notice, title="Publish a notice of the report",
                deadline_phrase="within four weeks of receiving the report",
                legal_basis="Local Government Act 1974, section 30(1)",
            )  # fmt: skip
        else:
            _admin_save(client, monitoring, active="")

        client.force_login(officer)
        after = _log_report(client, "22 010 219")

    if kind == "edit":
        assert [(d.deadline_phrase, d.due_date) for d in after] == [
            ("within four weeks of receiving the report", date(2023, 8, 25)),
            ("within three months of receiving the report", date(2023, 10, 28)),
            ("within three months of receiving the report", date(2023, 10, 28)),
        ]
        assert after[0].description.startswith("Publish a notice of the report.")
        assert after[0].description.endswith("(Local Government Act 1974, section 30(1))")
    else:
        assert [d.description.split(".")[0] for d in after] == [
            notice.title,
            laid.title,
        ]  # the monitoring officer's report is no longer created
    # The report logged before the change keeps the duties it was given.
    assert [(d.deadline_phrase, d.due_date) for d in before.all()] == [
        ("within two weeks of receiving the report", date(2023, 8, 11)),
        ("within three months of receiving the report", date(2023, 10, 28)),
        ("within three months of receiving the report", date(2023, 10, 28)),
    ]
