"""One reminder e-mail a day per person, listing everything due for them, grouped and
linked; each reminder recorded once and sent once, a failed e-mail retried alone."""

import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.message import EmailMessage
from django.db import connection

from decisions.models import Enquiry
from remedies.models import AgreedAction, Reminder, ReminderEmail
from remedies.reminders import email_content, reminder_email_send
from remedies.sweep import overdue_sweep
from remedies.tasks import requeue_reminders_and_digests, run_overdue_sweep

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)

TODAY = date(2025, 6, 2)
SITE = "https://tracker.example.gov.uk"


@pytest.fixture
def people(db):
    owner = UserFactory(username="owner", first_name="Olu", last_name="Owner")
    other = UserFactory(username="other", first_name="Ola", last_name="Other")
    lead = UserFactory(username="lead", first_name="Lea", last_name="Lead")
    officer = UserFactory(username="officer", first_name="Ona", last_name="Officer")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    return {"owner": owner, "other": other, "lead": lead, "officer": officer, "area": area}


@pytest.fixture
def decision(people):
    complaint = ComplaintFactory(
        reference="24 005 859a",
        complainant_label="Mrs B",
        officer=people["officer"],
        service_area=people["area"],
        organisations=[OrganisationFactory(name="Peterborough City Council")],
    )
    return DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _actions(decision, owner, dues, **kwargs):
    """Apologies to Mr X owned by ``owner``, one per due date, in one statement."""
    return AgreedAction.objects.bulk_create(
        AgreedAction(
            decision=decision, decision_date=decision.decision_date, kind="apology",
            payee_label="Mr X", organisation=decision.complaint.organisations.first(),
            owner=owner, service_area=decision.complaint.service_area, due_date=due, **kwargs,
        )
        for due in dues
    )  # fmt: skip


def _sweep_and_send(day=TODAY, capture=None):
    with time_machine.travel(day, tick=False):
        with capture(execute=True):
            return run_overdue_sweep()


def _by_recipient():
    return {m.to[0]: m for m in mail.outbox}


# --- One e-mail a person ---------------------------------------------------------------


@pytest.mark.django_db
def test_fifty_overdue_actions_for_one_owner_send_one_email_listing_all_fifty(
    decision, people, django_capture_on_commit_callbacks
):
    # Overdue by 1 to 10 days: none escalated yet (14 days).
    dues = [TODAY - timedelta(1 + i % 10) for i in range(50)]
    actions = _actions(decision, people["owner"], dues)
    summary = _sweep_and_send(capture=django_capture_on_commit_callbacks)
    assert summary["reminders_recorded"] == 50
    assert summary["emails_to_send"] == 1
    [message] = mail.outbox
    assert message.to == ["owner@example.org"]
    assert message.subject == "50 overdue actions"
    html, _ = message.alternatives[0]
    for action in actions:  # each listed, with its link, in both parts
        link = f"{SITE}/actions/{action.pk}/"
        assert message.body.count(link) == 1
        assert html.count(f'href="{link}"') == 1
    assert "OVERDUE (50)" in message.body
    assert "50. Apologise to Mr X, 24 005 859a (Mrs B)" in message.body
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    email = ReminderEmail.objects.get()
    assert (email.status, email.items, email.subject) == ("sent", 50, "50 overdue actions")
    assert set(Reminder.objects.values_list("email", flat=True)) == {email.pk}


@pytest.mark.django_db
def test_two_people_get_one_email_each_with_only_their_own(
    decision, people, django_capture_on_commit_callbacks
):
    mine = _actions(decision, people["owner"], [TODAY - timedelta(3)] * 3)
    theirs = _actions(decision, people["other"], [TODAY, TODAY + timedelta(5)])
    _sweep_and_send(capture=django_capture_on_commit_callbacks)
    sent = _by_recipient()
    assert set(sent) == {"owner@example.org", "other@example.org"}
    assert sent["owner@example.org"].subject == "3 overdue actions"
    assert sent["other@example.org"].subject == "1 action due today and 1 action due soon"
    for action in mine:
        assert f"/actions/{action.pk}/" in sent["owner@example.org"].body
        assert f"/actions/{action.pk}/" not in sent["other@example.org"].body
    for action in theirs:
        assert f"/actions/{action.pk}/" in sent["other@example.org"].body


@pytest.mark.django_db
def test_the_email_groups_what_is_due_under_headings_and_counts_it_in_the_subject(
    decision, people, django_capture_on_commit_callbacks
):
    officer = people["officer"]
    _actions(decision, officer, [TODAY - timedelta(2), TODAY - timedelta(5), TODAY - timedelta(9)])
    enquiry = Enquiry.objects.create(
        complaint=decision.complaint, kind="further", sent_on=date(2025, 5, 1), due_on=TODAY
    )
    _actions(decision, officer, [TODAY + timedelta(4)])
    _sweep_and_send(capture=django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.subject == ("3 overdue actions, 1 enquiry due today and 1 action due soon")
    body = message.body
    assert (
        body.index("OVERDUE (3)")
        < body.index("DUE TODAY (1)")
        < body.index("DUE IN THE NEXT 7 DAYS (1)")
    )
    # Oldest first; each line says when it was due, in words.
    assert body.index("Due 24 May 2025, 9 days overdue") < body.index(
        "Due 31 May 2025, 2 days overdue"
    )
    assert "Answer the Ombudsman's further enquiries, 24 005 859a (Mrs B)" in body
    assert "Apologise to Mr X, 24 005 859a (Mrs B)" in body  # the complainant's label
    payee = AgreedAction.objects.filter(owner=officer).first()
    AgreedAction.objects.filter(pk=payee.pk).update(payee_label="Mrs B")
    payee.refresh_from_db()
    reminder = Reminder.objects.get(action=payee)
    [item] = email_content([reminder], today=TODAY).sections[0].items
    assert (item.what, item.complainant) == ("apologise to Mrs B", "")  # said once
    assert f"{SITE}/complaints/{decision.complaint.slug}/" in body
    assert "Due 2 June 2025, today" in body
    assert "Due 6 June 2025, in 4 days" in body
    assert "Today, 2 June 2025, you have 3 overdue actions, 1 enquiry due today and 1 action " \
        "due soon" in body  # fmt: skip
    html, _ = message.alternatives[0]
    assert "<h2" in html and "Due today (1)</h2>" in html
    assert Reminder.objects.get(enquiry=enquiry).status == "sent"


@pytest.mark.django_db
def test_an_action_both_overdue_and_escalated_to_the_same_person_is_listed_once(
    decision, people, django_capture_on_commit_callbacks
):
    [action] = _actions(decision, people["lead"], [TODAY - timedelta(20)])  # the lead owns it
    AgreedAction.objects.filter(pk=action.pk).update(service_area=None)
    _sweep_and_send(capture=django_capture_on_commit_callbacks)
    kinds = set(Reminder.objects.values_list("kind", "recipient__username"))
    assert kinds == {("overdue", "lead"), ("escalation", "lead")}
    [message] = mail.outbox
    assert message.subject == "1 overdue action escalated to you"
    assert message.body.count(f"/actions/{action.pk}/") == 1
    assert "Owner: Lea Lead" in message.body
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_singular_and_plural_in_the_subject(decision, people, django_capture_on_commit_callbacks):
    _actions(decision, people["owner"], [TODAY - timedelta(1)])
    for day in (TODAY, TODAY + timedelta(2)):
        Enquiry.objects.create(
            complaint=decision.complaint, kind="initial", sent_on=date(2025, 5, 1), due_on=day
        )
    Enquiry.objects.create(
        complaint=decision.complaint, kind="draft", sent_on=date(2025, 5, 1),
        due_on=TODAY + timedelta(3),
    )  # fmt: skip
    _sweep_and_send(capture=django_capture_on_commit_callbacks)
    sent = _by_recipient()
    assert sent["owner@example.org"].subject == "1 overdue action"
    assert sent["officer@example.org"].subject == "1 enquiry due today and 2 enquiries due soon"


# --- Never twice ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_sweep_the_same_day_sends_no_new_email(
    decision, people, django_capture_on_commit_callbacks
):
    _actions(decision, people["owner"], [TODAY - timedelta(2)] * 4)
    _sweep_and_send(capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    # Later that day a new action already overdue is logged, and the sweep runs again.
    [late] = _actions(decision, people["owner"], [TODAY - timedelta(1)])
    second = _sweep_and_send(capture=django_capture_on_commit_callbacks)
    assert second["reminders_recorded"] == 1
    assert second["emails_to_send"] == 0
    with time_machine.travel(TODAY, tick=False):
        requeue_reminders_and_digests()
    assert len(mail.outbox) == 1  # one e-mail a day
    assert ReminderEmail.objects.count() == 1
    waiting = Reminder.objects.get(action=late)
    assert (waiting.status, waiting.email) == ("pending", None)
    # It goes in the next morning's e-mail, with nothing already sent.
    _sweep_and_send(TODAY + timedelta(1), capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "1 overdue action"
    assert f"/actions/{late.pk}/" in mail.outbox[1].body
    assert Reminder.objects.exclude(status="sent").count() == 0


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_and_the_other_persons_email_is_not_resent(
    decision, people, django_capture_on_commit_callbacks, monkeypatch
):
    _actions(decision, people["owner"], [TODAY - timedelta(2)] * 2)
    _actions(decision, people["other"], [TODAY - timedelta(3)] * 3)
    real_send = EmailMessage.send

    def owner_unreachable(self, fail_silently=False):
        if self.to == ["owner@example.org"]:
            raise ConnectionRefusedError("Mailbox server down")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", owner_unreachable)
    _sweep_and_send(capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    owners = ReminderEmail.objects.get(recipient=people["owner"])
    assert (owners.status, owners.attempts) == ("pending", 1)
    assert owners.last_error == "ConnectionRefusedError: Mailbox server down"
    assert set(owners.reminders.values_list("status", flat=True)) == {"pending"}

    monkeypatch.setattr(EmailMessage, "send", real_send)
    failed_at = owners.claimed_at
    with time_machine.travel(failed_at + timedelta(minutes=3), tick=False):
        requeue_reminders_and_digests()  # too soon after the failure: waits
    assert len(mail.outbox) == 1
    with time_machine.travel(failed_at + timedelta(minutes=6), tick=False):
        requeue_reminders_and_digests()  # what beat runs every minute
    assert [m.to for m in mail.outbox] == [["other@example.org"], ["owner@example.org"]]
    assert mail.outbox[1].subject == "2 overdue actions"
    owners.refresh_from_db()
    assert (owners.status, owners.attempts) == ("sent", 2)
    assert ReminderEmail.objects.get(recipient=people["other"]).attempts == 1
    assert Reminder.objects.exclude(status="sent").count() == 0


@pytest.mark.django_db
def test_reminders_no_longer_needed_are_left_out_and_nothing_is_sent_when_none_is_left(
    decision, people
):
    done, extended, still_open = _actions(decision, people["owner"], [TODAY - timedelta(2)] * 3)
    with time_machine.travel(TODAY, tick=False):
        overdue_sweep(today=TODAY)  # recorded; the worker has not sent it yet
    AgreedAction.objects.filter(pk=done.pk).update(status="done", completed_on=TODAY)
    AgreedAction.objects.filter(pk=extended.pk).update(extended_due_date=TODAY + timedelta(30))
    email = ReminderEmail.objects.get()
    with time_machine.travel(TODAY, tick=False):
        assert reminder_email_send(email_id=email.pk) is True
    [message] = mail.outbox
    assert message.subject == "1 overdue action"
    assert f"/actions/{still_open.pk}/" in message.body
    assert f"/actions/{done.pk}/" not in message.body
    assert f"/actions/{extended.pk}/" not in message.body
    statuses = dict(Reminder.objects.values_list("action_id", "status"))
    assert statuses == {done.pk: "obsolete", extended.pk: "obsolete", still_open.pk: "sent"}

    # The next morning only that one is overdue... and it is finished before it is sent.
    [later] = _actions(decision, people["other"], [TODAY])
    with time_machine.travel(TODAY + timedelta(1), tick=False):
        overdue_sweep(today=TODAY + timedelta(1))
    AgreedAction.objects.filter(pk=later.pk).update(status="done", completed_on=TODAY)
    others = ReminderEmail.objects.get(recipient=people["other"], day=TODAY + timedelta(1))
    with time_machine.travel(TODAY + timedelta(1), tick=False):
        assert reminder_email_send(email_id=others.pk) is False
    assert len(mail.outbox) == 1  # nothing sent
    others.refresh_from_db()
    assert others.status == ReminderEmail.Status.OBSOLETE


@pytest.mark.django_db
def test_the_sweep_queues_one_task_per_person_not_per_reminder(
    decision, people, django_capture_on_commit_callbacks, monkeypatch
):
    _actions(decision, people["owner"], [TODAY - timedelta(2)] * 30)
    _actions(decision, people["other"], [TODAY + timedelta(1)] * 20)
    queued = []
    monkeypatch.setattr(
        "ombudsman.outbox.enqueue",
        lambda name, *args, expires=None: queued.append((name, *args)) or True,
    )
    with time_machine.travel(TODAY, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            run_overdue_sweep()
        assert queued == []  # nothing before the sweep's transaction commits
        for callback in callbacks:
            callback()
    emails = dict(ReminderEmail.objects.values_list("pk", "recipient__username"))
    assert sorted(queued) == sorted(("remedies.send_reminder_email", pk) for pk in emails)
    assert sorted(emails.values()) == ["other", "owner"]


@pytest.mark.django_db
def test_sending_costs_the_same_queries_for_one_reminder_or_two_hundred(
    decision, people, django_assert_num_queries
):
    _actions(decision, people["owner"], [TODAY - timedelta(2)])
    _actions(decision, people["other"], [TODAY - timedelta(1 + i % 12) for i in range(200)])
    Enquiry.objects.bulk_create(
        Enquiry(complaint=decision.complaint, kind="initial", sent_on=date(2025, 5, 1),
                due_on=TODAY - timedelta(1))
        for _ in range(3)
    )  # fmt: skip
    _actions(decision, people["other"], [TODAY - timedelta(2)] * 5)
    with time_machine.travel(TODAY, tick=False):
        overdue_sweep(today=TODAY)
    one = ReminderEmail.objects.get(recipient=people["owner"])
    many = ReminderEmail.objects.get(recipient=people["other"])
    # Five of the other's are finished before the send: left out (one more query).
    finished = list(
        AgreedAction.objects.filter(owner=people["other"])
        .order_by("-pk")[:5]
        .values_list("pk", flat=True)
    )
    AgreedAction.objects.filter(pk__in=finished).update(status="done", completed_on=TODAY)
    with time_machine.travel(TODAY, tick=False):
        with django_assert_num_queries(6):
            assert reminder_email_send(email_id=one.pk)
        with django_assert_num_queries(7):  # + marking the five left out
            assert reminder_email_send(email_id=many.pk)
    sent = _by_recipient()
    assert sent["owner@example.org"].subject == "1 overdue action"
    assert sent["other@example.org"].subject == "200 overdue actions"


# --- Concurrent senders -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_persons_email_once(people):
    complaint = ComplaintFactory(reference="24 005 859b", officer=people["officer"],
                                 service_area=people["area"])  # fmt: skip
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    for day in range(10):
        AgreedActionFactory(
            decision=decision, owner=people["owner"], service_area=people["area"],
            due_date=TODAY - timedelta(1 + day),
        )  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        overdue_sweep(today=TODAY)
    email = ReminderEmail.objects.get()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(TODAY, tick=False):
                results.append(reminder_email_send(email_id=email.pk))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(results) == [False, False, False, True]
    [message] = mail.outbox
    assert message.subject == "10 overdue actions"
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert Reminder.objects.exclude(status="sent").count() == 0
