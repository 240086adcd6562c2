"""Celery tasks: thin wrappers that take ids and call a service.

Reminders and digests are outbox rows (``ombudsman.outbox``): a task that fails leaves its
row waiting, and ``requeue_reminders_and_digests`` (every minute from beat) queues it
again, so the tasks themselves never retry.
"""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .digest import DIGESTS, weekly_digest_send, weekly_digests_record
from .reminders import REMINDER_EMAILS, SEND_TIME_LIMIT, reminder_email_send
from .sweep import overdue_sweep


@shared_task(name="remedies.run_overdue_sweep")
def run_overdue_sweep() -> dict:
    """The morning sweep; each person's e-mail of the day is sent by its own task, one
    task per person, however many reminders it lists."""
    result = overdue_sweep(today=timezone.localdate())
    REMINDER_EMAILS.publish_on_commit(result.pending_email_ids)
    return {
        "newly_overdue_actions": result.newly_overdue_actions,
        "newly_overdue_enquiries": result.newly_overdue_enquiries,
        "reminders_recorded": result.reminders_recorded,
        "reminders_to_send": len(result.pending_reminder_ids),
        "emails_to_send": len(result.pending_email_ids),
    }


@shared_task(
    name="remedies.send_reminder_email",
    soft_time_limit=SEND_TIME_LIMIT - 10,
    time_limit=SEND_TIME_LIMIT,
)
def send_reminder_email(email_id: int) -> bool:
    return reminder_email_send(email_id=email_id)


@shared_task(name="remedies.send_weekly_digests")
def send_weekly_digests() -> dict:
    """The Monday digest; each one recorded is sent by its own task."""
    result = weekly_digests_record(today=timezone.localdate())
    ids = result.pending_digest_ids
    transaction.on_commit(lambda: DIGESTS.publish(ids), robust=True)
    return {
        "week_starting": result.week_starting.isoformat(),
        "digests_recorded": result.recorded,
        "digests_to_send": len(result.pending_digest_ids),
    }


@shared_task(
    name="remedies.send_weekly_digest",
    soft_time_limit=SEND_TIME_LIMIT - 10,
    time_limit=SEND_TIME_LIMIT,
)
def send_weekly_digest(digest_id: int) -> bool:
    return weekly_digest_send(digest_id=digest_id)


@shared_task(name="remedies.requeue_reminders_and_digests", ignore_result=True)
def requeue_reminders_and_digests() -> dict:
    """Every minute: give back claims of dead workers, queue what waits."""
    return {"reminders": REMINDER_EMAILS.requeue(), "digests": DIGESTS.requeue()}
