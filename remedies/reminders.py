"""Sending one recorded reminder by e-mail, once.

A reminder is an outbox row (``ombudsman.outbox``): the sender claims it (pending ->
sending) and sends only if that claim took the row, so a retry or a second worker cannot
send it again; it is marked sent after the e-mail has gone. A failed e-mail puts it back
to pending with the error, tried again a few minutes later by the requeue that beat runs
every minute, and marked failed after ``MAX_ATTEMPTS``. A worker that dies mid-send has its
claim released after ``LEASE``. The e-mail carries the reminder's id as its Message-ID
(``ombudsman.mail``), so a retry after the mail system accepted it is not sent again where
that system can say so.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from decisions.models import Enquiry
from ombudsman.mail import send_once
from ombudsman.outbox import Outbox

from .models import AgreedAction, Reminder

# The task that sends one is killed after SEND_TIME_LIMIT seconds (an SMTP server that
# hangs); a claim older than LEASE is therefore from a worker that died.
SEND_TIME_LIMIT = 120
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5

REMINDERS = Outbox(
    model=Reminder,
    task_name="remedies.send_reminder",
    waiting=Reminder.Status.PENDING,
    working=Reminder.Status.SENDING,
    done=Reminder.Status.SENT,
    failed=Reminder.Status.FAILED,
    lease=LEASE,
    retry_after=timedelta(minutes=5),
    max_attempts=MAX_ATTEMPTS,
)

logger = logging.getLogger(__name__)

_PREFIX: dict[str, str] = {
    Reminder.Kind.UPCOMING: "Due soon",
    Reminder.Kind.DUE_TODAY: "Due today",
    Reminder.Kind.OVERDUE: "Overdue",
    Reminder.Kind.ESCALATION: "Escalation, overdue",
}


def action_short_text(action: AgreedAction) -> str:
    """What is to be done, in a few words: "apologise to Mr X", "pay Mr Y £200"."""
    payee_label = " ".join(action.payee_label.split())
    payee = f" to {payee_label}" if payee_label else ""
    if action.kind == AgreedAction.Kind.APOLOGY:
        return f"apologise{payee}"
    if action.kind == AgreedAction.Kind.FINANCIAL:
        amount = f" £{action.amount:,.2f}".replace(".00", "") if action.amount else ""
        who = f" {payee_label}" if payee_label else ""
        return f"pay{who}{amount}"
    # One line: a line break in an e-mail subject is refused by the mail library.
    text = " ".join((action.description or action.get_kind_display()).split()).rstrip(".")
    first = text.split(". ")[0]
    words = first[:1].lower() + first[1:]
    return words if len(words) <= 70 else words[:67].rstrip() + "..."


def _enquiry(reminder: Reminder) -> Enquiry:
    """What a reminder not about an action is about: the database holds every reminder to
    one or the other (reminder_about_action_or_enquiry)."""
    if reminder.enquiry is None:
        raise ValueError(f"Reminder {reminder.pk} is about no action and no enquiry")
    return reminder.enquiry


def _about(reminder: Reminder) -> dict:
    if (action := reminder.action) is not None:
        complaint = action.decision.complaint
        return {
            "what": action_short_text(action),
            "reference": complaint.reference,
            "url": settings.SITE_URL + reverse("remedies:action", args=[action.pk]),
            "action": action,
            "organisation": action.organisation.name,
        }
    enquiry = _enquiry(reminder)
    complaint = enquiry.complaint
    return {
        "what": f"answer the Ombudsman's {enquiry.get_kind_display().lower()}",
        "reference": complaint.reference,
        "url": settings.SITE_URL + reverse("decisions:complaint", args=[complaint.slug]),
        "enquiry": enquiry,
    }


def reminder_subject(reminder: Reminder) -> str:
    about = _about(reminder)
    return (
        f"{_PREFIX[reminder.kind]}: {about['what']}, {about['reference']}, "
        f"due {reminder.due_date:%-d %B %Y}"
    )


def reminder_message(reminder: Reminder) -> EmailMultiAlternatives:
    about = _about(reminder)
    today = timezone.localdate()
    context = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "days_overdue": max(0, (today - reminder.due_date).days),
        "days_left": max(0, (reminder.due_date - today).days),
        **about,
    }
    message = EmailMultiAlternatives(
        subject=reminder_subject(reminder),
        body=render_to_string("emails/reminder.txt", context),
        to=[reminder.recipient.email],
    )
    message.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return message


def still_needed(reminder: Reminder) -> bool:
    """Whether what the reminder is about is still open with the same date in force."""
    if (action := reminder.action) is not None:
        return (
            action.status == AgreedAction.Status.OPEN
            and action.effective_due_date == reminder.due_date
        )
    enquiry = _enquiry(reminder)
    return enquiry.answered_on is None and enquiry.due_on == reminder.due_date


def reminder_send(reminder_id: int) -> bool:
    """Send one pending reminder. Returns whether this call sent it: False if another run
    has it or already sent it, if it is no longer needed (then it is marked so, and never
    sent), or if sending failed (then it is pending again with the error, or failed)."""
    claim = REMINDERS.claim(reminder_id)
    if claim is None:
        return False
    reminder = Reminder.objects.select_related(
        "recipient",
        "action__decision__complaint",
        "action__organisation",
        "enquiry__complaint",
    ).get(pk=reminder_id)
    if not still_needed(reminder):
        REMINDERS.finish(reminder_id, claim, status=Reminder.Status.OBSOLETE)
        return False
    if not reminder.recipient.email:
        REMINDERS.fail(reminder_id, claim, f"{reminder.recipient} has no e-mail address.")
        return False
    try:
        sent = send_once(reminder_message(reminder), key=f"reminder-{reminder_id}")
    except Exception as exc:
        logger.warning("Reminder %s not sent: %s", reminder_id, exc)
        REMINDERS.give_back(reminder_id, claim, exc)
        return False
    if not sent:
        logger.info("Reminder %s was accepted by the mail system before", reminder_id)
    REMINDERS.finish(reminder_id, claim, sent_at=timezone.now())
    return sent
