"""The Monday digest: who gets one, what it says, exactly once a week."""

import threading
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.message import EmailMessage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remedies.digest import Scope, digest_content, weekly_digest_send, weekly_digests_record
from remedies.models import AgreedAction, WeeklyDigest
from remedies.tasks import send_weekly_digests

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2025, 6, 2)
MONDAY_8AM = datetime(2025, 6, 2, 8, 0, tzinfo=LONDON)
TUESDAY_8AM = MONDAY_8AM + timedelta(days=1)
NEXT_MONDAY_8AM = MONDAY_8AM + timedelta(days=7)


def _complaint(reference, area):
    organisation = OrganisationFactory(name="Peterborough City Council")
    complaint = ComplaintFactory(
        reference=reference, service_area=area, organisations=[organisation]
    )
    return DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))


@pytest.fixture
def council(db):
    """Four service areas, the people around them and actions in every state.

    Hand-computed for Monday 2 June 2025 (due soon: 2 to 16 June):
    - Adults (led by Lea): overdue a1 (1 May, 32 days), a9 (20 May, 13 days, area from its
      complaint), a2 (30 May, 3 days); due soon a3 (today), a8 (extended to 10 June),
      a4 (16 June); not reported a5 (17 June), a6 (done), a7 (undated).
    - Children (led by Bo, who is also a manager): overdue c1 (26 May, 7 days).
    - Planning (its lead has left): overdue p1 (31 May, 2 days).
    - Waste (led by Ida): nothing due.
    - No service area at all: due soon n1 (5 June); w1 withdrawn.
    """
    owner = UserFactory(username="owner", first_name="Olu", last_name="Owner")
    people = {
        "owner": owner,
        "manager": UserFactory(
            username="manager", first_name="Claire", last_name="Donovan", role="Managers"
        ),
        "both": UserFactory(username="both", first_name="Bo", last_name="Both", role="Managers"),
        "lead": UserFactory(username="lead", first_name="Lea", last_name="Lead"),
        "idle": UserFactory(username="idle", first_name="Ida", last_name="Idle"),
        "gone": UserFactory(username="gone", is_active=False),
        "no_email": UserFactory(username="noemail", email="", role="Managers"),
    }
    adults = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=people["lead"])
    children = ServiceAreaFactory(directorate="Children", service="Education", lead=people["both"])
    planning = ServiceAreaFactory(directorate="Place", service="Planning", lead=people["gone"])
    ServiceAreaFactory(directorate="Place", service="Waste", lead=people["idle"])
    d_adults = _complaint("24 005 859a", adults)
    d_children = _complaint("24 010 001", children)
    d_planning = _complaint("24 010 002", planning)
    d_none = _complaint("24 010 003", None)

    def action(decision, due, area, **kwargs):
        return AgreedActionFactory(
            **{
                "decision": decision, "due_date": due, "service_area": area, "owner": owner,
                "kind": AgreedAction.Kind.APOLOGY, "amount": None, "payee_label": "Mr X",
                **kwargs,
            }
        )  # fmt: skip

    actions = {
        "a1": action(d_adults, date(2025, 5, 1), adults),
        "a2": action(d_adults, date(2025, 5, 30), adults, owner=None),
        "a3": action(d_adults, MONDAY, adults),
        "a4": action(d_adults, date(2025, 6, 16), adults),
        "a5": action(d_adults, date(2025, 6, 17), adults),
        "a6": action(
            d_adults, date(2025, 5, 1), adults, status="done", completed_on=date(2025, 5, 2)
        ),
        "a7": action(d_adults, None, adults, deadline_phrase="as soon as possible"),
        "a8": action(d_adults, date(2025, 5, 1), adults, extended_due_date=date(2025, 6, 10)),
        "a9": action(d_adults, date(2025, 5, 20), None),
        "c1": action(d_children, date(2025, 5, 26), children),
        "p1": action(d_planning, date(2025, 5, 31), planning),
        "n1": action(d_none, date(2025, 6, 5), None),
        "w1": action(d_none, date(2025, 5, 1), None, status="withdrawn"),
    }
    return {**people, "areas": {"adults": adults, "children": children}, **actions}


def _run(when, django_capture_on_commit_callbacks):
    with time_machine.travel(when, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            return send_weekly_digests()


def _sent():
    return {m.to[0]: m for m in mail.outbox}


def _pks(rows):
    return [row.pk for row in rows]


@pytest.mark.django_db
def test_each_manager_and_lead_with_something_to_report_gets_one_digest(
    council, django_capture_on_commit_callbacks
):
    summary = _run(MONDAY_8AM, django_capture_on_commit_callbacks)

    assert summary == {"week_starting": "2025-06-02", "digests_recorded": 3, "digests_to_send": 3}
    # Not the idle lead (nothing due), the lead who has left, the manager without an
    # e-mail address, nor the owner (neither manager nor lead).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "both@example.org", "lead@example.org", "manager@example.org",
    ]  # fmt: skip
    counts = {
        d.recipient.username: (d.overdue_count, d.due_soon_count, d.status)
        for d in WeeklyDigest.objects.select_related("recipient")
    }
    assert counts == {
        # The whole council: a1, a9, c1, a2, p1 overdue; a3, n1, a8, a4 due soon.
        "manager": (5, 4, "sent"),
        # Manager and lead of Children: one e-mail covering everything.
        "both": (5, 4, "sent"),
        # Adults only.
        "lead": (3, 3, "sent"),
    }
    assert WeeklyDigest.objects.filter(week_starting=MONDAY).count() == 3


@pytest.mark.django_db
def test_a_lead_hears_only_about_their_own_areas_overdue_first(council):
    scope = Scope(area_ids=frozenset({council["areas"]["adults"].pk}))
    content = digest_content(scope=scope, today=MONDAY)

    c = council
    assert _pks(content.overdue) == [c["a1"].pk, c["a9"].pk, c["a2"].pk]
    assert [row.days_overdue for row in content.overdue] == [32, 13, 3]
    assert _pks(content.due_soon) == [c["a3"].pk, c["a8"].pk, c["a4"].pk]
    assert [row.days_left for row in content.due_soon] == [0, 8, 14]
    assert content.due_soon[1].due == date(2025, 6, 10)  # the extension, not 1 May
    assert content.covers == "Adults: Mental health"
    a9 = content.overdue[1]
    assert a9.service_area == "Adults: Mental health"  # from its complaint
    assert (a9.reference, a9.what, a9.organisation, a9.owner) == (
        "24 005 859a", "apologise to Mr X", "Peterborough City Council", "Olu Owner",
    )  # fmt: skip
    assert content.overdue[2].owner == "Not assigned"


@pytest.mark.django_db
def test_a_manager_hears_about_the_whole_council(council):
    content = digest_content(scope=Scope(whole_council=True), today=MONDAY)

    c = council
    assert _pks(content.overdue) == [c["a1"].pk, c["a9"].pk, c["c1"].pk, c["a2"].pk, c["p1"].pk]
    assert _pks(content.due_soon) == [c["a3"].pk, c["n1"].pk, c["a8"].pk, c["a4"].pk]
    assert content.covers == "the whole council"
    assert content.due_soon[1].service_area == "No service area"


@pytest.mark.django_db
def test_digest_email_has_counts_in_the_subject_and_links_in_text_and_html(
    council, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example.gov.uk"
    _run(MONDAY_8AM, django_capture_on_commit_callbacks)

    message = _sent()["lead@example.org"]
    assert message.subject == "Weekly remedies summary: 3 overdue, 3 due in the next 14 days"
    assert _sent()["manager@example.org"].subject == (
        "Weekly remedies summary: 5 overdue, 4 due in the next 14 days"
    )
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    c = council
    for key in ("a1", "a9", "a2", "a3", "a8", "a4"):
        link = f"https://tracker.example.gov.uk/actions/{c[key].pk}/"
        assert link in message.body
        assert f'href="{link}"' in html
    for key in ("a5", "a6", "a7", "c1", "p1", "n1"):
        assert f"/actions/{c[key].pk}/" not in message.body + html
    mine = "https://tracker.example.gov.uk/actions/mine/"
    assert mine in message.body
    assert f'href="{mine}"' in html

    body = message.body
    assert body.startswith("Dear Lea Lead,")
    assert "remedies agreed with the Ombudsman in Adults: Mental health" in body
    assert "Overdue: 3\n  Due in the next 14 days: 3\n" in body
    assert (
        "1. Apologise to Mr X, 24 005 859a\n"
        "   Organisation: Peterborough City Council\n"
        "   Owner: Olu Owner\n"
        "   Service area: Adults: Mental health\n"
        "   Due: 1 May 2025, 32 days overdue\n"
    ) in body
    assert "Due: 2 June 2025, today\n" in body
    assert "Due: 10 June 2025, in 8 days\n" in body
    assert body.index("OVERDUE") < body.index("DUE IN THE NEXT 14 DAYS")
    assert "Owner: Not assigned" in body
    assert "<caption" in html and "Overdue (3)" in html and "Due in the next 14 days (3)" in html
    assert "<td" in html and "32</td>" in html


@pytest.mark.django_db
def test_nothing_to_report_sends_nothing(db, django_capture_on_commit_callbacks):
    lead = UserFactory(username="lead")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    UserFactory(username="manager", role="Managers")
    decision = _complaint("24 005 859a", area)
    AgreedActionFactory(decision=decision, service_area=area, due_date=date(2025, 7, 1))

    summary = _run(MONDAY_8AM, django_capture_on_commit_callbacks)

    assert summary["digests_recorded"] == 0
    assert mail.outbox == []
    assert not WeeklyDigest.objects.exists()


@pytest.mark.django_db
def test_an_inactive_lead_gets_nothing_but_their_area_still_reaches_the_managers(
    council, django_capture_on_commit_callbacks
):
    _run(MONDAY_8AM, django_capture_on_commit_callbacks)

    assert not WeeklyDigest.objects.filter(recipient=council["gone"]).exists()
    assert "gone@example.org" not in _sent()
    assert f"/actions/{council['p1'].pk}/" in _sent()["manager@example.org"].body


@pytest.mark.django_db
def test_running_it_twice_in_a_week_sends_nothing_twice(
    council, django_capture_on_commit_callbacks
):
    _run(MONDAY_8AM, django_capture_on_commit_callbacks)
    again = _run(MONDAY_8AM + timedelta(minutes=5), django_capture_on_commit_callbacks)
    later = _run(MONDAY_8AM + timedelta(days=3), django_capture_on_commit_callbacks)

    assert again == {"week_starting": "2025-06-02", "digests_recorded": 0, "digests_to_send": 0}
    assert later["digests_recorded"] == 0
    assert len(mail.outbox) == 3
    assert WeeklyDigest.objects.count() == 3


@pytest.mark.django_db
def test_a_failed_email_stays_pending_and_is_retried_that_week_and_a_new_week_sends_again(
    council, monkeypatch, django_capture_on_commit_callbacks
):
    real_send = EmailMessage.send

    def lead_mailbox_down(self, fail_silently=False):
        if self.to == ["lead@example.org"]:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", lead_mailbox_down)
    _run(MONDAY_8AM, django_capture_on_commit_callbacks)

    failed = WeeklyDigest.objects.get(recipient=council["lead"])
    assert failed.status == WeeklyDigest.Status.PENDING
    assert failed.last_error == "ConnectionRefusedError: SMTP server down"
    assert failed.attempts == 1
    assert failed.sent_at is None
    assert sorted(_sent()) == ["both@example.org", "manager@example.org"]

    monkeypatch.setattr(EmailMessage, "send", real_send)
    tuesday = _run(TUESDAY_8AM, django_capture_on_commit_callbacks)

    assert tuesday == {"week_starting": "2025-06-02", "digests_recorded": 0, "digests_to_send": 1}
    failed.refresh_from_db()
    assert failed.status == WeeklyDigest.Status.SENT
    assert failed.attempts == 2
    assert failed.last_error == ""
    assert failed.week_starting == MONDAY
    assert len(mail.outbox) == 3  # only the lead's went out again
    # Worked out on Tuesday: a3 (due Monday) is now a day overdue, and a5 (17 June) is
    # now within 14 days.
    assert mail.outbox[-1].subject == (
        "Weekly remedies summary: 4 overdue, 3 due in the next 14 days"
    )

    next_week = _run(NEXT_MONDAY_8AM, django_capture_on_commit_callbacks)

    assert next_week["week_starting"] == "2025-06-09"
    assert next_week["digests_recorded"] == 3
    assert len(mail.outbox) == 6
    assert WeeklyDigest.objects.filter(week_starting=date(2025, 6, 9), status="sent").count() == 3


@pytest.mark.django_db
def test_a_digest_left_pending_from_an_earlier_week_is_never_sent(council):
    stale = WeeklyDigest.objects.create(
        recipient=council["lead"], week_starting=date(2025, 5, 26), overdue_count=1
    )
    with time_machine.travel(MONDAY_8AM, tick=False):
        result = weekly_digests_record(today=MONDAY)
        assert stale.pk not in result.pending_digest_ids
        assert weekly_digest_send(digest_id=stale.pk) is False
    stale.refresh_from_db()
    assert stale.status == WeeklyDigest.Status.PENDING
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_digest_whose_actions_were_all_finished_before_sending_is_dropped(db):
    lead = UserFactory(username="lead")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    decision = _complaint("24 005 859a", area)
    action = AgreedActionFactory(decision=decision, service_area=area, due_date=date(2025, 5, 1))
    with time_machine.travel(MONDAY_8AM, tick=False):
        [digest_id] = weekly_digests_record(today=MONDAY).pending_digest_ids
        AgreedAction.objects.filter(pk=action.pk).update(status="done", completed_on=MONDAY)
        assert weekly_digest_send(digest_id=digest_id) is False
    assert mail.outbox == []
    # Nothing was sent, so nothing stands in the way of one later in the week.
    assert not WeeklyDigest.objects.exists()


@pytest.mark.django_db
def test_a_digest_already_claimed_is_not_sent_again(council):
    with time_machine.travel(MONDAY_8AM, tick=False):
        ids = weekly_digests_record(today=MONDAY).pending_digest_ids
        assert weekly_digest_send(digest_id=ids[0]) is True
        assert weekly_digest_send(digest_id=ids[0]) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_exactly_once(db):
    # Transactional tests may run after another has emptied the tables the migrations
    # filled, so the group is made here if need be.
    managers, _ = Group.objects.get_or_create(name="Managers")
    for i in range(5):
        lead = UserFactory(username=f"lead{i}")
        if i == 0:
            lead.groups.add(managers)
        area = ServiceAreaFactory(directorate="Adults", service=f"Service {i}", lead=lead)
        AgreedActionFactory(
            decision=_complaint(f"24 020 00{i}", area), service_area=area,
            due_date=date(2025, 5, 1),
        )  # fmt: skip
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(MONDAY_8AM, tick=False):
                send_weekly_digests()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(m.to[0] for m in mail.outbox) == [f"lead{i}@example.org" for i in range(5)]
    assert WeeklyDigest.objects.filter(status="sent").count() == 5


def _fill(decision, area, owner, n):
    organisation = decision.complaint.organisations.first()
    AgreedAction.objects.bulk_create(
        AgreedAction(
            decision=decision, decision_date=decision.decision_date, kind="apology",
            organisation=organisation, owner=owner, service_area=area,
            due_date=date(2025, 5, 1) + timedelta(days=i % 45),
        )
        for i in range(n)
    )  # fmt: skip


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_working_out_who_gets_what_costs_the_same_queries_for_10_and_2000_actions(db):
    lead = UserFactory(username="lead")
    UserFactory(username="manager", role="Managers")
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=lead)
    decision = _complaint("24 005 859a", area)
    scope = Scope(area_ids=frozenset({area.pk}))

    def record():
        weekly_digests_record(today=MONDAY)

    def content():
        digest_content(scope=scope, today=MONDAY)

    _fill(decision, area, lead, 10)
    few = (_queries(record), _queries(content))
    WeeklyDigest.objects.all().delete()
    _fill(decision, area, lead, 1990)
    for i in range(20):  # more leads of more areas, too
        more = ServiceAreaFactory(directorate="More", lead=UserFactory(username=f"lead{i}"))
        _fill(decision, more, lead, 1)
    many = (_queries(record), _queries(content))

    assert few == many
    assert WeeklyDigest.objects.count() == 22


@pytest.mark.django_db
def test_the_management_command_sends_it_now(council, django_capture_on_commit_callbacks):
    out = StringIO()
    with time_machine.travel(MONDAY_8AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_weekly_digest", stdout=out)
    assert out.getvalue().strip() == (
        "Weekly digest for the week starting 2025-06-02: 3 recorded; 3 sent or queued."
    )
    assert len(mail.outbox) == 3


def test_the_digest_runs_every_monday_at_eight_and_expires(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == "remedies.send_weekly_digests"
    assert entry["schedule"] == crontab(hour=8, minute=0, day_of_week="mon")
    assert entry["options"]["expires"] > 0
    assert settings.CELERY_TIMEZONE == "Europe/London"
