"""The morning sweep: flag what has gone past its date and record the reminders due, and
the day's reminder e-mail of each person who has some.

Set-based: a fixed number of SQL statements whatever the number of actions. Reminders are
inserted with INSERT ... SELECT ... ON CONFLICT DO NOTHING against unique constraints of
one reminder per (action or enquiry, kind, date in force), so a second sweep on the same
day, or two sweeps at once, record nothing twice; the e-mails the same way, one per person
per day (``remedies.reminders`` sends them). Conditions are ranges of dates, not "exactly
N days before", so a morning the sweep did not run is caught up the next one.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Case, F, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from decisions.models import Enquiry, past_due_q
from ombudsman.roles import COMPLAINTS_OFFICERS
from ombudsman.timing import in_force_expression

from .models import AgreedAction, Reminder, ReminderEmail
from .reminders import REMINDER_EMAILS

# Two sweeps at once take turns (PostgreSQL advisory lock, released at commit).
SWEEP_LOCK_ID = 7_140_001

_REMINDER_COLUMNS = (
    "action_id", "enquiry_id", "kind", "due_date", "recipient_id", "status", "created_at",
)  # fmt: skip
_EMAIL_COLUMNS = (
    "recipient_id", "day", "status", "subject", "items", "created_at", "attempts", "last_error",
)  # fmt: skip


@dataclass
class SweepResult:
    newly_overdue_actions: int
    newly_overdue_enquiries: int
    reminders_recorded: int
    pending_reminder_ids: list[int]  # every reminder waiting to be sent
    emails_recorded: int
    pending_email_ids: list[int]  # the reminder e-mails to send now, one per person


def _reachable(path: str):
    """The id of the user at ``path`` if they can be e-mailed (active, with an address)."""
    return Case(
        When(
            Q(**{f"{path}__is_active": True}) & ~Q(**{f"{path}__email": ""}),
            then=F(f"{path}_id"),
        ),
        default=None,
    )


# Who is told about an action, in order: its owner, else its service area's lead, else
# the lead of the complaint's service area, else the complaint's officer (the first of them
# who can be e-mailed), else the first complaints officer (``reminder_fallback``). An
# escalation skips the owner. ``remedies.selectors.reminder_recipient`` follows the same
# paths for one action in Python.
ACTION_REMINDER_PATHS = (
    "owner", "service_area__lead", "decision__complaint__service_area__lead",
    "decision__complaint__officer",
)  # fmt: skip
ACTION_ESCALATION_PATHS = ACTION_REMINDER_PATHS[1:]


def reminder_fallback():
    """The people told when nobody along the paths can be, first one first: the complaints
    officers who can be e-mailed."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=COMPLAINTS_OFFICERS)
        .exclude(email="")
        .order_by("id")
    )


def _recipient(*paths: str):
    """The first reachable person along ``paths``, else the first reachable complaints
    officer: a deadline is never left with nobody told."""
    fallback = Subquery(reminder_fallback().values("id")[:1])
    return Coalesce(*(_reachable(p) for p in paths), fallback)


def _insert_reminders(queryset, *, subject: str, due: str, recipient, kind: str, now) -> int:
    """INSERT the reminders a queryset selects; returns how many rows were new."""
    rows = (
        queryset.annotate(
            r_action=models.F("pk")
            if subject == "action"
            else Value(None, models.BigIntegerField()),
            r_enquiry=models.F("pk")
            if subject == "enquiry"
            else Value(None, models.BigIntegerField()),
            r_kind=Value(kind),
            r_due=models.F(due),
            r_recipient=recipient,
            r_status=Value(Reminder.Status.PENDING),
            r_created=Value(now, models.DateTimeField()),
        )
        .filter(r_recipient__isnull=False)
        .order_by()
        .values_list(
            "r_action",
            "r_enquiry",
            "r_kind",
            "r_due",
            "r_recipient",
            "r_status",
            "r_created",
        )  # fmt: skip
    )
    return _insert_select(Reminder, _REMINDER_COLUMNS, rows)


def _insert_select(model, columns_named, rows) -> int:
    """INSERT INTO ``model`` the rows a values_list query selects, skipping those a unique
    constraint already holds; returns how many rows were new."""
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in columns_named)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING",  # noqa: S608
            params,
        )
        return cursor.rowcount


def _insert_emails(*, today: date, now) -> int:
    """INSERT today's reminder e-mail of each person with reminders in no e-mail yet (one
    per person per day: a person whose e-mail of the day is already recorded gets
    nothing new, and what waits goes in the next day's)."""
    rows = (
        Reminder.objects.filter(status=Reminder.Status.PENDING, email__isnull=True)
        .annotate(
            e_day=Value(today, models.DateField()),
            e_status=Value(ReminderEmail.Status.PENDING),
            e_subject=Value(""),
            e_items=Value(0),
            e_created=Value(now, models.DateTimeField()),
            e_attempts=Value(0),
            e_error=Value(""),
        )
        .order_by()
        .values_list(
            "recipient_id",
            "e_day",
            "e_status",
            "e_subject",
            "e_items",
            "e_created",
            "e_attempts",
            "e_error",
        )  # fmt: skip
        .distinct()
    )
    return _insert_select(ReminderEmail, _EMAIL_COLUMNS, rows)


@transaction.atomic
def overdue_sweep(*, today: date) -> SweepResult:
    """Flag newly overdue actions and enquiries and record the reminders due today.

    Reminders: "due soon" within ``REMINDER_UPCOMING_DAYS`` of the date in force, "due
    today", "overdue" once past it, and an escalation to the service area's lead once
    ``REMINDER_ESCALATION_DAYS`` past it. Then records today's e-mail of each person
    with reminders waiting. Returns the ids of the e-mails to send now (one per person)
    and of the reminders waiting.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_ID])
    upcoming_until = today + timedelta(days=settings.REMINDER_UPCOMING_DAYS)
    escalate_on_or_before = today - timedelta(days=settings.REMINDER_ESCALATION_DAYS)
    now = timezone.now()

    # The flag records the first morning an action was found overdue (by the date in
    # force, as every page counts it).
    newly_overdue_actions = (
        AgreedAction.objects.overdue_on(today)
        .filter(overdue_since__isnull=True)
        .update(overdue_since=today)
    )
    # No longer overdue (extended, or done by another route): clear the flag.
    AgreedAction.objects.filter(overdue_since__isnull=False).not_overdue_on(today).update(
        overdue_since=None
    )

    open_enquiries = Enquiry.objects.unanswered().filter(due_on__isnull=False)
    past_due = Enquiry.objects.past_due_on(today)
    newly_overdue_enquiries = past_due.filter(overdue_since__isnull=True).update(
        overdue_since=today
    )
    Enquiry.objects.filter(overdue_since__isnull=False).exclude(past_due_q(today)).update(
        overdue_since=None
    )

    actions = AgreedAction.objects.open().with_in_force()
    owner = _recipient(*ACTION_REMINDER_PATHS)
    lead = _recipient(*ACTION_ESCALATION_PATHS)
    officer = _recipient("complaint__officer", "complaint__service_area__lead")
    enquiry_lead = _recipient("complaint__service_area__lead", "complaint__officer")
    K = Reminder.Kind
    in_force, due_on = "in_force", "due_on"
    plan = [
        # (what, subject, its date, who is told, kind)
        (actions.filter(in_force__gt=today, in_force__lte=upcoming_until),
         "action", in_force, owner, K.UPCOMING),
        (actions.filter(in_force=today), "action", in_force, owner, K.DUE_TODAY),
        (AgreedAction.objects.overdue_on(today), "action", in_force, owner, K.OVERDUE),
        (actions.filter(in_force__lte=escalate_on_or_before),
         "action", in_force, lead, K.ESCALATION),
        (open_enquiries.filter(due_on__gt=today, due_on__lte=upcoming_until),
         "enquiry", due_on, officer, K.UPCOMING),
        (open_enquiries.filter(due_on=today), "enquiry", due_on, officer, K.DUE_TODAY),
        (past_due, "enquiry", due_on, officer, K.OVERDUE),
        (open_enquiries.filter(due_on__lte=escalate_on_or_before),
         "enquiry", due_on, enquiry_lead, K.ESCALATION),
    ]  # fmt: skip
    recorded = 0
    for queryset, subject, due, recipient, kind in plan:
        recorded += _insert_reminders(
            queryset, subject=subject, due=due, recipient=recipient, kind=kind, now=now
        )

    # Reminders not yet sent whose action was finished, withdrawn or re-dated meanwhile
    # (or whose enquiry was answered or re-dated) are no longer sent.
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    pending.filter(action__isnull=False).alias(
        action_in_force=in_force_expression("action__")
    ).filter(
        ~Q(action__status=AgreedAction.Status.OPEN)
        | Q(action_in_force__isnull=True)
        | ~Q(due_date=F("action_in_force"))
    ).update(status=Reminder.Status.OBSOLETE)
    pending.filter(enquiry__isnull=False).filter(
        Q(enquiry__answered_on__isnull=False)
        | Q(enquiry__due_on__isnull=True)
        | ~Q(due_date=F("enquiry__due_on"))
    ).update(status=Reminder.Status.OBSOLETE)
    emails = _insert_emails(today=today, now=now)
    # The outbox's own rules: a claim held by a dead worker is given back, and what waits
    # (failed a while ago, or never queued because the broker was down) is sent again.
    REMINDER_EMAILS.release_stale(now=now)
    email_ids = REMINDER_EMAILS.due(now=now)
    pending_ids = list(pending.values_list("pk", flat=True))
    return SweepResult(
        newly_overdue_actions, newly_overdue_enquiries, recorded, pending_ids, emails, email_ids
    )
