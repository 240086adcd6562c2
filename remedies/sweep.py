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
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from decisions.models import Enquiry, past_due_q
from ombudsman.roles import COMPLAINTS_OFFICERS
from ombudsman.timing import in_force_expression

from .models import AgreedAction, Reminder, ReminderEmail, overdue_q
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


def _recipient(model: type[models.Model], first: str, *others: str):
    """The first reachable person along the paths (``first``, then ``others``) from a row
    of ``model``, else the first reachable complaints officer: a deadline is never left
    with nobody told.

    The first path is joined to the rows selected; the others are looked up in a subquery
    on the same row, which the database runs only for a row whose first path found nobody
    (COALESCE stops at its first value): the sweep does not join every action to its
    decision and complaint to find the few without a reachable owner."""
    reachable = [_reachable(path) for path in others]
    row = model._default_manager.filter(pk=OuterRef("pk"))
    others_first = row.values(r=Coalesce(*reachable) if len(reachable) > 1 else reachable[0])
    everyone_else = reminder_fallback().values("id")[:1]
    return Coalesce(_reachable(first), Subquery(others_first), Subquery(everyone_else))


# A NULL of the ids' type: selected through a subquery (``_insert_select``), a bare NULL
# would be taken for text.
_NO_ID = Cast(Value(None), models.BigIntegerField())


def _kind_on(today: date, *, overdue: Q, due: str) -> Case:
    """The reminder a row due within ``today``'s reminder window gets: overdue
    (``overdue``, the rule of its model), due today (its date ``due`` is today), else due
    soon."""
    K = Reminder.Kind
    return Case(
        When(overdue, then=Value(K.OVERDUE)),
        When(**{due: today}, then=Value(K.DUE_TODAY)),
        default=Value(K.UPCOMING),
    )


def _insert_reminders(queryset, *, subject: str, due: str, kind, recipient, now) -> int:
    """INSERT the reminders a queryset selects, of ``kind`` (an expression over its rows);
    returns how many rows were new."""
    rows = (
        queryset.annotate(
            r_action=models.F("pk") if subject == "action" else _NO_ID,
            r_enquiry=models.F("pk") if subject == "enquiry" else _NO_ID,
            r_kind=kind,
            r_due=models.F(due),
            r_recipient=recipient,
            r_status=Value(Reminder.Status.PENDING),
            r_created=Value(now, models.DateTimeField()),
        )
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
    # Nobody to tell only when there is no complaints officer either: no reminder.
    return _insert_select(Reminder, _REMINDER_COLUMNS, rows, present="r_recipient")


def _insert_select(model, columns_named, rows, *, present: str | None = None) -> int:
    """INSERT INTO ``model`` the rows a values_list query selects, skipping those a unique
    constraint already holds, and those whose column ``present`` (if given) is NULL;
    returns how many rows were new.

    ``present`` is tested on the rows selected rather than as a filter of the query,
    which would write its expression (the recipient's, with its subqueries) out twice."""
    select_sql, params = rows.query.sql_with_params()
    if present is not None:
        column = connection.ops.quote_name(present)
        select_sql = f"SELECT * FROM ({select_sql}) AS selected WHERE {column} IS NOT NULL"  # noqa: S608
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

    # No longer overdue (extended, or done by another route): clear the flag. Before the
    # newly overdue are flagged, so that this looks only at the flags of earlier mornings.
    AgreedAction.objects.filter(overdue_since__isnull=False).not_overdue_on(today).update(
        overdue_since=None
    )
    # The flag records the first morning an action was found overdue (by the date in
    # force, as every page counts it).
    newly_overdue_actions = (
        AgreedAction.objects.overdue_on(today)
        .filter(overdue_since__isnull=True)
        .update(overdue_since=today)
    )

    open_enquiries = Enquiry.objects.unanswered().filter(due_on__isnull=False)
    past_due = Enquiry.objects.past_due_on(today)
    Enquiry.objects.filter(overdue_since__isnull=False).exclude(past_due_q(today)).update(
        overdue_since=None
    )
    newly_overdue_enquiries = past_due.filter(overdue_since__isnull=True).update(
        overdue_since=today
    )

    # Reminders not yet sent whose action was finished, withdrawn or re-dated meanwhile
    # (or whose enquiry was answered or re-dated) are no longer sent. Before today's are
    # recorded, which are for open actions at their date in force: only earlier ones are
    # looked at.
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

    actions = AgreedAction.objects.open().with_in_force()
    owner = _recipient(AgreedAction, *ACTION_REMINDER_PATHS)
    lead = _recipient(AgreedAction, *ACTION_ESCALATION_PATHS)
    officer = _recipient(Enquiry, "complaint__officer", "complaint__service_area__lead")
    enquiry_lead = _recipient(Enquiry, "complaint__service_area__lead", "complaint__officer")
    K = Reminder.Kind
    in_force, due_on = "in_force", "due_on"
    # Overdue, due today or due soon: one statement for the three, each row's kind by its
    # date; escalations (some of the overdue, to someone else) in another.
    plan = [
        # (what, subject, its date, kind, who is told)
        (actions.filter(in_force__lte=upcoming_until), "action", in_force,
         _kind_on(today, overdue=overdue_q(today), due=in_force), owner),
        (actions.filter(in_force__lte=escalate_on_or_before), "action", in_force,
         Value(K.ESCALATION), lead),
        (open_enquiries.filter(due_on__lte=upcoming_until), "enquiry", due_on,
         _kind_on(today, overdue=past_due_q(today), due=due_on), officer),
        (open_enquiries.filter(due_on__lte=escalate_on_or_before), "enquiry", due_on,
         Value(K.ESCALATION), enquiry_lead),
    ]  # fmt: skip
    recorded = 0
    for queryset, subject, due, kind, recipient in plan:
        recorded += _insert_reminders(
            queryset, subject=subject, due=due, kind=kind, recipient=recipient, now=now
        )
    emails = _insert_emails(today=today, now=now)
    # The outbox's own rules: a claim held by a dead worker is given back, and what waits
    # (failed a while ago, or never queued because the broker was down) is sent again.
    REMINDER_EMAILS.release_stale(now=now)
    email_ids = REMINDER_EMAILS.due(now=now)
    pending_ids = list(pending.values_list("pk", flat=True))
    return SweepResult(
        newly_overdue_actions, newly_overdue_enquiries, recorded, pending_ids, emails, email_ids
    )
