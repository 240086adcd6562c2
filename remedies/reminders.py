"""The reminder e-mail: one a day per person, listing everything due for them that day.

The morning sweep (``remedies.sweep``) records each reminder once (a ``Reminder`` row per
action or enquiry, kind and date in force) and, for each person with reminders waiting,
that day's ``ReminderEmail`` (one per person per day). The e-mail is an outbox row
(``ombudsman.outbox``) sent by its own task, one task per person:

1. The sender claims the e-mail (pending -> sending, a conditional UPDATE); only the
   sender whose claim took the row goes on, so a duplicate task, a retry or a second sweep
   cannot send it twice.
2. It takes the person's reminders that wait in no e-mail yet (another conditional UPDATE:
   a reminder joins one e-mail at most), reads the e-mail's reminders, and leaves out those
   no longer needed (``still_needed``: the action finished or re-dated meanwhile), marking
   them so. With nothing left, nothing is sent.
3. It sends one message listing the rest, grouped under headings (escalated to you,
   overdue, due today, due soon), each linked to its page, then marks the e-mail and its
   reminders sent.

A failed e-mail goes back to pending with its error, keeping its reminders, and the
requeue that beat runs every minute tries it again a few minutes later (failed after
``MAX_ATTEMPTS``; "Try again" in the admin); nobody else's e-mail is touched. A worker
that dies mid-send has its claim released after ``LEASE``. The message carries the
e-mail's id as its Message-ID (``ombudsman.mail``), so a retry after the mail system
accepted it is not sent again where that system can say so.

Reminders recorded after a person's e-mail of the day was taken (a second sweep that day)
wait for the next day's. Sending costs the same number of queries for one reminder or a
thousand.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from decisions.models import Enquiry
from ombudsman.mail import send_once
from ombudsman.outbox import Outbox
from ombudsman.people import person_name

from .models import AgreedAction, Reminder, ReminderEmail

# The task that sends one is killed after SEND_TIME_LIMIT seconds (an SMTP server that
# hangs); a claim older than LEASE is therefore from a worker that died.
SEND_TIME_LIMIT = 120
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5

REMINDER_EMAILS = Outbox(
    model=ReminderEmail,
    task_name="remedies.send_reminder_email",
    waiting=ReminderEmail.Status.PENDING,
    working=ReminderEmail.Status.SENDING,
    done=ReminderEmail.Status.SENT,
    failed=ReminderEmail.Status.FAILED,
    lease=LEASE,
    retry_after=timedelta(minutes=5),
    max_attempts=MAX_ATTEMPTS,
)

logger = logging.getLogger(__name__)

# The headings of the e-mail, most pressing first. An action or enquiry with several
# reminders to the same person (overdue and escalated) is listed once, under the first.
ESCALATED, OVERDUE, DUE_TODAY, DUE_SOON = "escalated", "overdue", "due_today", "due_soon"
SECTIONS = (ESCALATED, OVERDUE, DUE_TODAY, DUE_SOON)

# How the subject counts each heading's actions and enquiries: (one, many).
_COUNTED: dict[tuple[str, str], tuple[str, str]] = {
    (ESCALATED, "action"): ("overdue action escalated to you", "overdue actions escalated to you"),
    (ESCALATED, "enquiry"): (
        "overdue enquiry escalated to you",
        "overdue enquiries escalated to you",
    ),
    (OVERDUE, "action"): ("overdue action", "overdue actions"),
    (OVERDUE, "enquiry"): ("enquiry past due", "enquiries past due"),
    (DUE_TODAY, "action"): ("action due today", "actions due today"),
    (DUE_TODAY, "enquiry"): ("enquiry due today", "enquiries due today"),
    (DUE_SOON, "action"): ("action due soon", "actions due soon"),
    (DUE_SOON, "enquiry"): ("enquiry due soon", "enquiries due soon"),
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


def still_needed(reminder: Reminder) -> bool:
    """Whether what the reminder is about is still open with the same date in force."""
    if (action := reminder.action) is not None:
        return (
            action.status == AgreedAction.Status.OPEN
            and action.effective_due_date == reminder.due_date
        )
    enquiry = _enquiry(reminder)
    return enquiry.answered_on is None and enquiry.due_on == reminder.due_date


def section_of(reminder: Reminder, today: date) -> str:
    """The heading a reminder is listed under on ``today``: an escalation stays one; the
    others go by their date against the day it is sent (a retry the next morning does not
    call yesterday's "due today" due today)."""
    if reminder.kind == Reminder.Kind.ESCALATION:
        return ESCALATED
    if reminder.due_date < today:
        return OVERDUE
    return DUE_TODAY if reminder.due_date == today else DUE_SOON


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


@dataclass
class Item:
    """One line of the e-mail: an action or enquiry, with its link."""

    subject: str  # "action" or "enquiry"
    what: str
    reference: str
    complainant: str  # the Ombudsman's anonymised label, never a name
    due: date
    when: str  # "13 days overdue", "today", "in 3 days"
    url: str
    organisation: str = ""
    owner: str = ""  # for an escalation: who owns the action


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)


@dataclass
class EmailContent:
    today: date
    sections: list[Section]
    summary: str  # "3 overdue actions and 1 enquiry due today"

    @property
    def items(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _item(reminder: Reminder, today: date, section: str) -> Item:
    late = (today - reminder.due_date).days
    when = f"{_days(late)} overdue" if late > 0 else "today" if late == 0 else f"in {_days(-late)}"
    if (action := reminder.action) is not None:
        complaint = action.decision.complaint
        what = action_short_text(action)
        return Item(
            subject="action",
            what=what,
            reference=complaint.reference,
            # Not twice on one line: "apologise to Mrs B, 24 005 859a", not "(Mrs B)" too.
            complainant="" if complaint.complainant_label in what else complaint.complainant_label,
            due=reminder.due_date,
            when=when,
            url=settings.SITE_URL + reverse("remedies:action", args=[action.pk]),
            organisation=action.organisation.name,
            owner=(person_name(action.owner) or "no owner") if section == ESCALATED else "",
        )
    enquiry = _enquiry(reminder)
    complaint = enquiry.complaint
    return Item(
        subject="enquiry",
        what=(
            "comment on the Ombudsman's draft decision"
            if enquiry.kind == Enquiry.Kind.DRAFT
            else f"answer the Ombudsman's {enquiry.get_kind_display().lower()}"
        ),
        reference=complaint.reference,
        complainant=complaint.complainant_label,
        due=reminder.due_date,
        when=when,
        url=settings.SITE_URL + reverse("decisions:complaint", args=[complaint.slug]),
    )


def _titles() -> dict[str, str]:
    return {
        ESCALATED: (
            f"Escalated to you: more than {_days(settings.REMINDER_ESCALATION_DAYS)} overdue"
        ),
        OVERDUE: "Overdue",
        DUE_TODAY: "Due today",
        DUE_SOON: f"Due in the next {_days(settings.REMINDER_UPCOMING_DAYS)}",
    }


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def email_content(reminders: list[Reminder], *, today: date) -> EmailContent:
    """What one person's e-mail lists: each action or enquiry once, under its most pressing
    heading, oldest date first; and the sentence that counts them, which is the subject."""
    best: dict[tuple[str, int | None], tuple[int, Reminder]] = {}
    for reminder in reminders:
        about = (
            ("action", reminder.action_id)
            if reminder.action_id
            else ("enquiry", reminder.enquiry_id)
        )
        rank = SECTIONS.index(section_of(reminder, today))
        if about not in best or rank < best[about][0]:
            best[about] = (rank, reminder)
    titles = _titles()
    sections = {key: Section(key, titles[key]) for key in SECTIONS}
    for rank, reminder in best.values():
        heading = SECTIONS[rank]
        sections[heading].items.append(_item(reminder, today, heading))
    listed = [s for s in sections.values() if s.items]
    parts = []
    for section in listed:
        section.items.sort(key=lambda item: (item.due, item.reference, item.what))
        for subject in ("action", "enquiry"):
            n = sum(1 for item in section.items if item.subject == subject)
            if n:
                one, many = _COUNTED[(section.key, subject)]
                parts.append(f"{n} {one if n == 1 else many}")
    return EmailContent(today=today, sections=listed, summary=_and(parts) if parts else "")


def reminder_email_message(*, recipient, content: EmailContent) -> EmailMultiAlternatives:
    context = {
        "recipient": recipient,
        "content": content,
        "mine_url": settings.SITE_URL + reverse("remedies:mine"),
    }
    message = EmailMultiAlternatives(
        subject=content.summary,
        body=render_to_string("emails/reminders.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("emails/reminders.html", context), "text/html")
    return message


def reminder_email_send(*, email_id: int) -> bool:
    """Send one person's reminder e-mail of the day. Returns whether this call sent it:
    False if another run has it or already sent it, if nothing in it is still needed
    (then it is marked so, and nothing is sent), or if sending failed (then it is pending
    again with the error, or failed after its attempts).

    Six queries, seven when some are left out, however many reminders it lists."""
    claim = REMINDER_EMAILS.claim(email_id)
    if claim is None:
        return False
    email = ReminderEmail.objects.select_related("recipient").get(pk=email_id)
    # The person's reminders not yet in any e-mail join this one; a reminder another
    # e-mail took meanwhile no longer matches (email IS NULL), so it is in one only.
    Reminder.objects.filter(
        recipient_id=email.recipient_id, status=Reminder.Status.PENDING, email__isnull=True
    ).update(email=email)
    reminders = list(
        Reminder.objects.filter(email=email, status=Reminder.Status.PENDING).select_related(
            "action__decision__complaint",
            "action__organisation",
            "action__owner",
            "enquiry__complaint",
        )
    )
    needed = [r for r in reminders if still_needed(r)]
    if gone := [r.pk for r in reminders if not still_needed(r)]:
        Reminder.objects.filter(pk__in=gone).update(status=Reminder.Status.OBSOLETE)
    if not needed:
        REMINDER_EMAILS.finish(email_id, claim, status=ReminderEmail.Status.OBSOLETE)
        return False
    recipient = email.recipient
    if not recipient.email:
        REMINDER_EMAILS.fail(email_id, claim, f"{recipient} has no e-mail address.")
        return False
    content = email_content(needed, today=timezone.localdate())
    try:
        message = reminder_email_message(recipient=recipient, content=content)
        sent = send_once(message, key=f"reminder-email-{email_id}")
    except Exception as exc:
        logger.warning("Reminder e-mail %s not sent: %s", email_id, exc)
        REMINDER_EMAILS.give_back(email_id, claim, exc)
        return False
    if not sent:
        logger.info("Reminder e-mail %s was accepted by the mail system before", email_id)
    now = timezone.now()
    if REMINDER_EMAILS.finish(
        email_id, claim, sent_at=now, subject=content.summary[:300], items=content.items
    ):
        Reminder.objects.filter(pk__in=[r.pk for r in needed]).update(
            status=Reminder.Status.SENT, sent_at=now
        )
    return sent
