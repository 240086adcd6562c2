"""Sending one recorded reminder by e-mail, exactly once.

The sender first claims the reminder with a conditional UPDATE (pending -> sending) and
sends only if that changed exactly one row, so a retry or a second worker cannot send it
again. It is marked sent after the e-mail has gone; if sending fails it goes back to
pending with the error, for the next try.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import AgreedAction, Reminder

_PREFIX = {
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


def _about(reminder: Reminder) -> dict:
    if reminder.action_id:
        action = reminder.action
        complaint = action.decision.complaint
        return {
            "what": action_short_text(action),
            "reference": complaint.reference,
            "url": settings.SITE_URL + reverse("remedies:action", args=[action.pk]),
            "action": action,
            "organisation": action.organisation.name,
        }
    enquiry = reminder.enquiry
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
    if reminder.action_id:
        action = reminder.action
        return (
            action.status == AgreedAction.Status.OPEN
            and action.effective_due_date == reminder.due_date
        )
    enquiry = reminder.enquiry
    return enquiry.answered_on is None and enquiry.due_on == reminder.due_date


def reminder_send(reminder_id: int) -> bool:
    """Send one pending reminder. Returns False if another run already has it, or if it
    is no longer needed (then it is marked so, and never sent).

    Raises the e-mail error after putting the reminder back to pending.
    """
    claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
        status=Reminder.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return False
    reminder = Reminder.objects.select_related(
        "recipient",
        "action__decision__complaint",
        "action__organisation",
        "enquiry__complaint",
    ).get(pk=reminder_id)
    if not still_needed(reminder):
        Reminder.objects.filter(pk=reminder_id).update(status=Reminder.Status.OBSOLETE)
        return False
    try:
        if not reminder.recipient.email:
            raise ValueError(f"{reminder.recipient} has no e-mail address.")
        reminder_message(reminder).send()
    except Exception as exc:
        Reminder.objects.filter(pk=reminder_id).update(
            status=Reminder.Status.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True
