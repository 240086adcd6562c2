"""Optimistic version checks: no lost updates when two people edit the same record.

A versioned model carries ``version``, raised by one on every save. A page that edits a
record sends the version it showed with the form; the save locks the row, and if its
version has moved on meanwhile it refuses with ``EditConflict``, carrying the changes made
since the page was opened (from the audit trail), so the page can show them beside the
person's own input. Nothing of either person is lost: the first save stands, the second
person's input is shown again for them to reconcile and save.
"""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .audit import HistoryEntry


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by one on every save; forms send the version they showed.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The callers that check a version save a row they have just locked and read, so
        # counting on from the value in hand is exact.
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


class EditConflict(Exception):
    """The record changed after the page was opened: ``changes`` says what, newest first."""

    def __init__(self, changes: list[HistoryEntry]):
        super().__init__("Changed by someone else since the page was opened.")
        self.changes = changes


def loaded_at_value() -> str:
    """The moment a form is shown, sent back with it, to list what changed since."""
    return timezone.now().isoformat()


def parse_loaded_at(value: str | None) -> datetime | None:
    try:
        parsed = parse_datetime(value or "")
    except ValueError:
        return None
    if parsed is None or timezone.is_naive(parsed):
        return None
    return parsed


def changes_since(entries: list[HistoryEntry], loaded_at: datetime | None) -> list[HistoryEntry]:
    """The entries after the page was opened (all of them when that is not known)."""
    if loaded_at is None:
        return entries
    return [entry for entry in entries if entry.when > loaded_at]
