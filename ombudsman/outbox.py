"""The outbox: one shape for the jobs that claim a row before acting (reminders, weekly
digests, committee reports).

The row is the queue's source of truth; a message on the broker is only a doorbell. A row
moves through four states, named per model (a reminder is "pending", a report "queued"):

    waiting --claim--> working --finish--> done
       ^                 |  \\
       |   give_back /   |   fail (or attempts used up)
       +--- stale claim -+----------> failed --try_again--> waiting

- ``claim`` is a conditional UPDATE (waiting -> working, claim time, one more attempt):
  only the caller that changed exactly one row acts, so a duplicate or redelivered
  message does nothing. The claim time is the claim's token: ``finish``, ``give_back``
  and ``fail`` change the row only while that same claim holds it, so a worker that
  outlived its lease cannot overwrite the work of the one that took over.
- A claim older than ``lease`` is from a worker that died (killed, out of memory, the
  machine restarted): ``requeue`` gives it back, or marks it failed once its attempts are
  used up. Each task's hard time limit is shorter than its lease, so a live worker is
  never taken for a dead one.
- ``requeue`` runs every minute from Celery beat: it releases stale claims and publishes
  every waiting row again, so work recorded while the broker was down, or whose message
  was lost, is done once the broker is back. A duplicate message is harmless (the claim)
  and expires before the next run.
- ``enqueue`` publishes from a request or a task without ever raising or hanging on a
  broker outage: it says whether the message went, and the row waits for ``requeue``;
  ``publish_on_commit`` does it once the transaction that recorded the rows commits.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# How often beat runs the requeue tasks; a requeued message expires by the next run.
REQUEUE_EVERY = timedelta(minutes=1)
# Broker trouble when publishing: kombu wraps most of it in OperationalError; a socket
# error can come through bare.
BROKER_ERRORS = (OperationalError, ConnectionError, OSError, TimeoutError)


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def enqueue(task_name: str, *args, expires: float | None = None) -> bool:
    """Publish one task now. Returns False (and logs) if the broker cannot be reached:
    the caller's row is still waiting and the next ``requeue`` publishes it.

    Never retries the publish and never waits on the result store (the results of these
    tasks are not read), so a request answers within the broker's connection timeout.
    On the embedded default (tasks eager) the task runs here and its errors propagate.
    """
    if task_name not in current_app.tasks:
        # Outside a worker, tasks modules are imported when first needed.
        current_app.loader.import_default_modules()
    task = current_app.tasks[task_name]
    if current_app.conf.task_always_eager:
        task.apply_async(args=args)
        return True
    try:
        # celery-types leaves out the None that apply_async takes for "no expiry".
        task.apply_async(
            args=args,
            retry=False,
            ignore_result=True,
            expires=expires,  # type: ignore[arg-type]
        )
    except BROKER_ERRORS as exc:
        logger.warning("Could not queue %s%r, left for the requeue: %s", task_name, args, exc)
        return False
    return True


@dataclass(frozen=True)
class Outbox:
    """The outbox of one model, which has the fields ``status``, ``created_at``,
    ``claimed_at``, ``attempts`` and ``last_error``."""

    model: type[models.Model]
    task_name: str  # the Celery task that takes a row's id and does the work
    waiting: str
    working: str
    done: str
    failed: str
    lease: timedelta  # a claim held longer than this is from a dead worker
    retry_after: timedelta  # the pause between a failed attempt and the next
    max_attempts: int
    # The waiting rows still worth doing (e.g. only this week's digests): a callable
    # returning a Q, evaluated when used.
    current: Callable[[], Q] | None = None

    @property
    def rows(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def _current(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(self.current()) if self.current else queryset

    def claim(self, pk: int, **fields) -> datetime | None:
        """Take a waiting row for this worker (setting ``fields`` too). Returns the claim's
        token (its time), or None if the row is not waiting (done, held by another worker,
        or failed)."""
        now = timezone.now()
        changed = self._current(self.rows.filter(pk=pk, status=self.waiting)).update(
            status=self.working, claimed_at=now, attempts=F("attempts") + 1, **fields
        )
        return now if changed == 1 else None

    def held(self, pk: int, claim: datetime) -> models.QuerySet:
        """The row, only while this claim still holds it (empty otherwise)."""
        return self.rows.filter(pk=pk, status=self.working, claimed_at=claim)

    def finish(self, pk: int, claim: datetime, *, status: str | None = None, **fields) -> bool:
        """Mark the work done (or ``status``, e.g. no longer needed). False if the claim
        was lost meanwhile."""
        changed = self.held(pk, claim).update(status=status or self.done, last_error="", **fields)
        return changed == 1

    def give_back(self, pk: int, claim: datetime, exc: BaseException) -> None:
        """After a failure that may pass (a mail server down): waiting again with the
        error, to be tried after ``retry_after``; failed once its attempts are used up."""
        self.held(pk, claim).update(
            status=Case(
                When(attempts__gte=self.max_attempts, then=Value(self.failed)),
                default=Value(self.waiting),
            ),
            last_error=error_text(exc),
        )

    def fail(self, pk: int, claim: datetime, message: str, **fields) -> None:
        """After a failure that would only happen again: failed now, with the message."""
        self.held(pk, claim).update(status=self.failed, last_error=message[:2000], **fields)

    def try_again(self, pks: Iterable[int], **fields) -> int:
        """A person asked for failed work to be tried again: waiting, attempts from zero
        (the caller publishes it). Returns how many rows were failed and now wait."""
        return self.rows.filter(pk__in=list(pks), status=self.failed).update(
            status=self.waiting, attempts=0, claimed_at=None, last_error="", **fields
        )

    def release_stale(self, *, now: datetime) -> int:
        """Give back claims older than the lease: their worker died. A row whose attempts
        are used up is marked failed, with why. Returns how many were released."""
        stale = self.rows.filter(status=self.working, claimed_at__lt=now - self.lease)
        stale.filter(attempts__gte=self.max_attempts).update(
            status=self.failed,
            last_error=f"The worker stopped before it finished, {self.max_attempts} times.",
        )
        return stale.update(
            status=self.waiting,
            claimed_at=None,
            last_error="The worker stopped before it finished; it will be tried again.",
        )

    def due(self, *, now: datetime) -> list[int]:
        """The ids of the waiting rows to publish: never tried, given back by a dead
        worker, or failed more than ``retry_after`` ago."""
        waiting = self._current(self.rows.filter(status=self.waiting)).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - self.retry_after)
        )
        return list(waiting.order_by("pk").values_list("pk", flat=True))

    def publish(self, pks: Iterable[int]) -> int:
        """Publish a task for each id; stops at the first broker failure (the rest wait
        for ``requeue``). Returns how many were published."""
        published = 0
        for pk in pks:
            if not enqueue(self.task_name, pk, expires=REQUEUE_EVERY.total_seconds()):
                break
            published += 1
        return published

    def publish_on_commit(self, pks: Iterable[int]) -> None:
        """``publish`` once the current transaction commits (Celery's ``delay_on_commit``
        for an outbox): a worker never looks for a row not yet committed, and a broker
        that is down makes the rest wait for ``requeue`` instead of failing the caller."""
        ids = list(pks)
        transaction.on_commit(lambda: self.publish(ids), robust=True)

    def requeue(self, *, now: datetime | None = None) -> dict:
        """Release stale claims and publish what is waiting (the periodic task)."""
        now = now or timezone.now()
        released = self.release_stale(now=now)
        due = self.due(now=now)
        return {"released": released, "waiting": len(due), "queued": self.publish(due)}
