"""An import checked and waiting for the officer to import it (``PendingImport``): its
rows kept in the database, not the session, for a day at most."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Decision, PendingImport
from .checks import ImportPlan, plan_import
from .writing import import_apply

# A checked file is imported minutes later, or checked again; after a day it is gone.
PENDING_LIFETIME = timedelta(days=1)


@dataclass
class ImportOutcome:
    name: str
    plan: ImportPlan
    made: list[Decision] | None  # None: nothing imported, the plan has errors


def _pending(user):
    return PendingImport.objects.filter(
        user=user, created_at__gte=timezone.now() - PENDING_LIFETIME
    )


def _as_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@transaction.atomic
def pending_import_save(*, user, name: str, rows: list[dict], add_further: bool) -> PendingImport:
    """Keep a checked file's rows for the user to import. Replaces the file they had
    checked before, and removes every pending import past its lifetime."""
    expired = Q(created_at__lt=timezone.now() - PENDING_LIFETIME)
    PendingImport.objects.filter(Q(user=user) | expired).delete()
    return PendingImport.objects.create(
        user=user, name=name[:255], rows=rows, add_further=add_further
    )


@transaction.atomic
def pending_import_apply(*, user, pending_id, today: date, only_valid: bool):
    """Import the user's pending file, checked again against the records as they are
    now: every decision, or refused if any row has an error, unless ``only_valid``.
    None if there is no such pending import (imported already, cancelled or expired).

    The pending import is locked while it is imported and removed afterwards, so that
    the same file sent twice at once is imported once."""
    key = _as_id(pending_id)
    if key is None:
        return None
    pending = _pending(user).select_for_update().filter(pk=key).first()
    if pending is None:
        return None
    plan = plan_import(pending.rows, today=today, add_further=pending.add_further)
    if plan.errors and not only_valid:
        return ImportOutcome(pending.name, plan, None)
    made = import_apply(plan, user=user)
    pending.delete()
    return ImportOutcome(pending.name, plan, made)


def pending_import_discard(*, user) -> None:
    """The user cancelled: their pending import is removed."""
    PendingImport.objects.filter(user=user).delete()
