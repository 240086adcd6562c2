"""Celery tasks: thin wrappers that take ids and call a service."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

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
