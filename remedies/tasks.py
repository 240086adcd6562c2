"""Celery tasks: thin wrappers that take ids and call a service."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .digest import weekly_digest_send, weekly_digests_record
from .reminders import reminder_send
from .sweep import overdue_sweep

logger = logging.getLogger(__name__)


@shared_task(name="remedies.run_overdue_sweep")
def run_overdue_sweep() -> dict:
    """The morning sweep; each reminder it records is sent by its own task."""
    result = overdue_sweep(today=timezone.localdate())
    for reminder_id in result.pending_reminder_ids:
        # robust: one failure to queue (broker down) does not stop the others; the
        # next sweep queues again whatever is still pending.
        transaction.on_commit(lambda rid=reminder_id: send_reminder.delay(rid), robust=True)
    return {
        "newly_overdue_actions": result.newly_overdue_actions,
        "newly_overdue_enquiries": result.newly_overdue_enquiries,
        "reminders_recorded": result.reminders_recorded,
        "reminders_to_send": len(result.pending_reminder_ids),
    }


@shared_task(name="remedies.send_reminder", bind=True, max_retries=5, default_retry_delay=300)
def send_reminder(self, reminder_id: int) -> bool:
    try:
        return reminder_send(reminder_id)
    except Exception as exc:
        # The reminder is pending again; a worker retries later, and the next morning's
        # sweep queues it again whatever happens.
        logger.warning("Reminder %s not sent: %s", reminder_id, exc)
        if self.request.is_eager:
            return False
        raise self.retry(exc=exc) from exc


@shared_task(name="remedies.send_weekly_digests")
def send_weekly_digests() -> dict:
    """The Monday digest; each one recorded is sent by its own task."""
    result = weekly_digests_record(today=timezone.localdate())
    for digest_id in result.pending_digest_ids:
        # robust: one failure to queue does not stop the others; a later run that week
        # queues again whatever is still pending.
        transaction.on_commit(lambda did=digest_id: send_weekly_digest.delay(did), robust=True)
    return {
        "week_starting": result.week_starting.isoformat(),
        "digests_recorded": result.recorded,
        "digests_to_send": len(result.pending_digest_ids),
    }


@shared_task(name="remedies.send_weekly_digest", bind=True, max_retries=5, default_retry_delay=300)
def send_weekly_digest(self, digest_id: int) -> bool:
    try:
        return weekly_digest_send(digest_id=digest_id)
    except Exception as exc:
        # The digest is pending again; a worker retries later, and any later run of
        # send_weekly_digests that week queues it again.
        logger.warning("Weekly digest %s not sent: %s", digest_id, exc)
        if self.request.is_eager:
            return False
        raise self.retry(exc=exc) from exc
