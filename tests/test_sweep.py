"""The overdue sweep: what it flags, which reminders it records and sends, exactly once."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Enquiry
from remedies.models import AgreedAction, Reminder, ReminderEmail
from remedies.reminders import email_content, reminder_email_send
from remedies.services import action_extend
from remedies.sweep import overdue_sweep
from remedies.tasks import run_overdue_sweep

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)

TODAY = date(2025, 6, 2)


@pytest.fixture
def people(db):
    owner = UserFactory(username="owner", first_name="Olu", last_name="Owner")
    lead = UserFactory(username="lead", first_name="Lea", last_name="Lead")
    officer = UserFactory(username="officer", first_name="Ona", last_name="Officer")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    return {"owner": owner, "lead": lead, "officer": officer, "area": area}


@pytest.fixture
def decision(people):
    complaint = ComplaintFactory(
        reference="24 005 859a",
        officer=people["officer"],
        service_area=people["area"],
        organisations=[OrganisationFactory(name="Peterborough City Council")],
    )
    return DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))


def _action(decision, people, due, **kwargs):
    defaults = {
        "decision": decision,
        "due_date": due,
        "owner": people["owner"],
        "service_area": people["area"],
        "kind": AgreedAction.Kind.APOLOGY,
        "amount": None,
        "payee_label": "Mr X",
    }
    return AgreedActionFactory(**{**defaults, **kwargs})


def _reminders():
    return {
        (r.action_id or f"enquiry {r.enquiry_id}", r.kind, r.recipient.username)
        for r in Reminder.objects.select_related("recipient")
    }


@pytest.mark.django_db
def test_sweep_flags_overdue_and_records_each_reminder_due(decision, people):
    soon = _action(decision, people, date(2025, 6, 5))
    today = _action(decision, people, TODAY)
    late = _action(decision, people, date(2025, 5, 30))
    very_late = _action(decision, people, date(2025, 5, 1))
    later = _action(decision, people, date(2025, 7, 1))
    undated = _action(decision, people, None, deadline_phrase="as soon as possible")
    done = _action(decision, people, date(2025, 5, 1), status="done", completed_on=date(2025, 5, 2))
    extended = _action(decision, people, date(2025, 5, 1), extended_due_date=date(2025, 6, 20))
    unowned = _action(decision, people, date(2025, 5, 30), owner=None)
    enquiry = Enquiry.objects.create(
        complaint=decision.complaint, kind="further", sent_on=date(2025, 5, 1),
        due_on=date(2025, 5, 20),
    )  # fmt: skip
    Enquiry.objects.create(
        complaint=decision.complaint, kind="initial", sent_on=date(2025, 1, 1),
        due_on=date(2025, 1, 20), answered_on=date(2025, 1, 15),
    )  # fmt: skip

    result = overdue_sweep(today=TODAY)

    assert result.newly_overdue_actions == 3  # late, very late, unowned
    assert result.newly_overdue_enquiries == 1
    flagged = set(AgreedAction.objects.filter(overdue_since=TODAY).values_list("id", flat=True))
    assert flagged == {late.pk, very_late.pk, unowned.pk}
    assert _reminders() == {
        (soon.pk, "upcoming", "owner"),
        (today.pk, "due_today", "owner"),
        (late.pk, "overdue", "owner"),
        (very_late.pk, "overdue", "owner"),
        (very_late.pk, "escalation", "lead"),  # 32 days overdue: to the service's lead
        (unowned.pk, "overdue", "lead"),  # no owner: the service's lead is told
        (f"enquiry {enquiry.pk}", "overdue", "officer"),  # 13 days: not yet escalated
    }
    assert result.reminders_recorded == 7
    assert sorted(result.pending_reminder_ids) == sorted(
        Reminder.objects.values_list("id", flat=True)
    )
    for untouched in (later, undated, done, extended):
        assert not Reminder.objects.filter(action=untouched).exists()
        untouched.refresh_from_db()
        assert untouched.overdue_since is None


@pytest.mark.django_db
def test_enquiry_escalates_to_the_lead_after_the_escalation_period(decision, people):
    enquiry = Enquiry.objects.create(
        complaint=decision.complaint, kind="initial", sent_on=date(2025, 4, 1),
        due_on=date(2025, 5, 19),
    )  # fmt: skip
    overdue_sweep(today=TODAY)  # 14 days after 19 May
    assert _reminders() == {
        (f"enquiry {enquiry.pk}", "overdue", "officer"),
        (f"enquiry {enquiry.pk}", "escalation", "lead"),
    }


@pytest.mark.django_db
def test_running_the_sweep_twice_a_day_sends_nothing_twice(
    decision, people, django_capture_on_commit_callbacks
):
    _action(decision, people, date(2025, 3, 13))
    with time_machine.travel(TODAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = run_overdue_sweep()
        with django_capture_on_commit_callbacks(execute=True):
            second = run_overdue_sweep()
    assert first["reminders_recorded"] == 2  # overdue, escalation
    assert second["reminders_recorded"] == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(status="sent").count() == 2


@pytest.mark.django_db
def test_a_day_the_sweep_did_not_run_is_caught_up_the_next(decision, people):
    action = _action(decision, people, date(2025, 6, 1))
    # No sweep ran on 1 June (the due date); the 2 June sweep still reminds.
    overdue_sweep(today=TODAY)
    assert _reminders() == {(action.pk, "overdue", "owner")}


@pytest.mark.django_db
def test_an_extension_stops_an_action_counting_as_overdue(decision, people):
    action = _action(decision, people, date(2025, 5, 30))
    overdue_sweep(today=TODAY)
    action.refresh_from_db()
    assert action.overdue_since == TODAY
    action_extend(
        action=action, user=people["owner"], new_due_date=date(2025, 6, 30),
        reason="Awaiting the payee's bank details", agreed_in_writing=True,
    )  # fmt: skip
    action.refresh_from_db()
    assert action.overdue_since is None
    assert action.due_date == date(2025, 5, 30)  # the original date stays
    overdue_sweep(today=TODAY + timedelta(days=1))
    action.refresh_from_db()
    assert action.overdue_since is None
    # A new date in force brings its own reminders when they fall due.
    overdue_sweep(today=date(2025, 6, 25))
    assert (action.pk, "upcoming", "owner") in _reminders()


@pytest.mark.django_db
def test_reminder_email_has_a_clear_subject_text_html_and_link(
    decision, people, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example.gov.uk"
    action = _action(decision, people, date(2025, 3, 13))
    with time_machine.travel(date(2025, 3, 20), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_overdue_sweep()
    [message] = mail.outbox
    # One e-mail a day per person: the subject counts what it lists.
    assert message.subject == "1 overdue action"
    assert message.to == [people["owner"].email]
    assert "Apologise to Mr X, 24 005 859a" in message.body
    assert "Due 13 March 2025, 7 days overdue" in message.body
    link = f"https://tracker.example.gov.uk/actions/{action.pk}/"
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Peterborough City Council" in message.body


@pytest.mark.django_db
def test_payment_subject_names_payee_and_amount(decision, people):
    action = _action(
        decision, people, date(2025, 4, 13), kind=AgreedAction.Kind.FINANCIAL,
        amount=Decimal("200.00"), payee_label="Mr Y",
    )  # fmt: skip
    reminder = Reminder(action=action, kind="upcoming", due_date=action.due_date,
                        recipient=people["owner"])  # fmt: skip
    content = email_content([reminder], today=date(2025, 4, 10))
    [section] = content.sections
    [item] = section.items
    assert (item.what, item.reference, item.when) == ("pay Mr Y £200", "24 005 859a", "in 3 days")
    assert content.summary == "1 action due soon"


@pytest.mark.django_db
def test_a_failed_email_leaves_the_reminder_pending_for_the_next_try(
    decision, people, monkeypatch, django_capture_on_commit_callbacks
):
    _action(decision, people, date(2025, 5, 30))
    from django.core.mail.message import EmailMessage

    real_send = EmailMessage.send

    def down(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr(EmailMessage, "send", down)
    with time_machine.travel(TODAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_overdue_sweep()
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.PENDING
    email = ReminderEmail.objects.get()  # the owner's e-mail of the day
    assert email.status == ReminderEmail.Status.PENDING
    assert "SMTP server down" in email.last_error
    assert email.attempts == 1

    monkeypatch.setattr(EmailMessage, "send", real_send)
    with time_machine.travel(TODAY + timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_overdue_sweep()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    email.refresh_from_db()
    assert email.status == ReminderEmail.Status.SENT
    assert email.attempts == 2
    assert ReminderEmail.objects.count() == 1  # retried, not recorded again
    assert len(mail.outbox) == 1


def _fill(decision, people, n):
    overdue = date(2025, 5, 1)
    organisation = decision.complaint.organisations.first()
    AgreedAction.objects.bulk_create(
        AgreedAction(
            decision=decision, decision_date=decision.decision_date, kind="apology",
            organisation=organisation, owner=people["owner"],
            service_area=people["area"], due_date=overdue - timedelta(days=i % 60),
        )
        for i in range(n)
    )  # fmt: skip


def _sweep_queries():
    with CaptureQueriesContext(connection) as ctx:
        overdue_sweep(today=TODAY)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_sweep_costs_the_same_queries_for_10_and_100000_actions(decision, people):
    _fill(decision, people, 10)
    few = _sweep_queries()
    AgreedAction.objects.all().delete()
    Reminder.objects.all().delete()
    _fill(decision, people, 100_000)
    many = _sweep_queries()
    assert few == many
    assert Reminder.objects.filter(kind="overdue").count() == 100_000


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_exactly_once(people, settings):
    complaint = ComplaintFactory(reference="24 005 859b", officer=people["officer"],
                                 service_area=people["area"])  # fmt: skip
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    for day in range(20):
        _action(decision, people, date(2025, 5, 1) + timedelta(days=day))
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(TODAY, tick=False):
                run_overdue_sweep()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    reminders = Reminder.objects.count()
    # 20 overdue; escalations for those due on or before 19 May (14 days before 2 June).
    assert reminders == 20 + 19
    # One e-mail a person: the owner's lists the 20 overdue, the lead's the 19 escalated.
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == [
        ("lead@example.org", "19 overdue actions escalated to you"),
        ("owner@example.org", "20 overdue actions"),
    ]
    assert Reminder.objects.exclude(status="sent").count() == 0


@pytest.mark.django_db
def test_a_reminder_not_yet_sent_is_dropped_when_the_action_is_finished(
    decision, people, django_capture_on_commit_callbacks, monkeypatch
):
    action = _action(decision, people, date(2025, 5, 30))
    with time_machine.travel(TODAY, tick=False):
        overdue_sweep(today=TODAY)  # recorded, but the worker has not sent it yet
    AgreedAction.objects.filter(pk=action.pk).update(status="done", completed_on=TODAY)
    with time_machine.travel(TODAY + timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_overdue_sweep()
    assert mail.outbox == []
    assert Reminder.objects.get().status == Reminder.Status.OBSOLETE


@pytest.mark.django_db
def test_a_reminder_already_queued_is_not_sent_for_an_extended_action(decision, people):
    action = _action(decision, people, date(2025, 5, 30))
    overdue_sweep(today=TODAY)
    AgreedAction.objects.filter(pk=action.pk).update(extended_due_date=date(2025, 7, 1))
    assert reminder_email_send(email_id=ReminderEmail.objects.get().pk) is False
    assert mail.outbox == []
    assert Reminder.objects.get().status == Reminder.Status.OBSOLETE
    assert ReminderEmail.objects.get().status == ReminderEmail.Status.OBSOLETE


@pytest.mark.django_db
def test_a_description_over_several_lines_is_listed_on_one_line(decision, people):
    action = _action(
        decision, people, date(2025, 5, 30), kind="service_improvement",
        description="Review the policy\r\nand train staff.\n\nReport back.",
    )  # fmt: skip
    reminder = Reminder(action=action, kind="overdue", due_date=action.due_date,
                        recipient=people["owner"])  # fmt: skip
    [section] = email_content([reminder], today=TODAY).sections
    [item] = section.items
    assert "\n" not in item.what and "\r" not in item.what
    assert item.what == "review the policy and train staff"


@pytest.mark.django_db
def test_reminders_skip_people_who_cannot_be_emailed(decision, people):
    people["owner"].is_active = False
    people["owner"].save()
    action = _action(decision, people, date(2025, 5, 30))
    overdue_sweep(today=TODAY)
    assert _reminders() == {(action.pk, "overdue", "lead")}


@pytest.mark.django_db
def test_an_action_with_nobody_named_is_reminded_to_the_complaints_team(people):
    team = UserFactory(username="team", role="Complaints officers")
    complaint = ComplaintFactory(reference="26 001 999")  # no officer, no service area
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    action = AgreedActionFactory(decision=decision, due_date=date(2025, 5, 30), owner=None)
    overdue_sweep(today=TODAY)
    assert _reminders() == {(action.pk, "overdue", team.username)}


@pytest.mark.django_db
def test_an_escalation_without_a_service_area_goes_to_the_complaints_lead(decision, people):
    # The escalation skips the owner; with no area on the action, the lead of the
    # complaint's service area is next.
    action = _action(decision, people, date(2025, 5, 1), service_area=None)
    overdue_sweep(today=TODAY)
    assert _reminders() == {
        (action.pk, "overdue", "owner"),
        (action.pk, "escalation", "lead"),
    }


@pytest.mark.django_db
def test_an_action_nobody_at_all_can_be_told_of_is_flagged_with_no_reminder(people):
    # No owner, no service area, no officer and no complaints officer to fall back on.
    complaint = ComplaintFactory(reference="26 001 998")
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    action = AgreedActionFactory(decision=decision, due_date=date(2025, 5, 30), owner=None)
    result = overdue_sweep(today=TODAY)
    action.refresh_from_db()
    assert action.overdue_since == TODAY
    assert result.reminders_recorded == 0
    assert not Reminder.objects.exists()
