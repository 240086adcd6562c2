"""Turn django-simple-history records into "who changed what, from what to what".

Shared by every page that shows a record's history. A fixed number of queries: the
caller loads the history rows; names of the records that foreign keys point at are
fetched in one query per related model.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

from .people import person_name

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Fields that are bookkeeping rather than something a person changed.
SKIP = {"id", "created_at", "overdue_since"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    what: str
    changes: list[FieldChange] = field(default_factory=list)


def tracked_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIP and f.editable and not isinstance(f, models.AutoField)
    ]


def person(user) -> str:
    return person_name(user) or "System"


def display(f, value, names: dict) -> str:
    if value is None or value == "":
        return "(empty)"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        return names.get((f.related_model, value), f"#{value}")
    if isinstance(f, models.BooleanField):
        return "Yes" if value else "No"
    if hasattr(value, "strftime") and not isinstance(value, datetime):
        return value.strftime("%-d %b %Y")
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def related_names(loaded: Iterable[tuple], extra: dict | None = None) -> dict:
    """{(model, pk): name} for every record a foreign key in the history points at."""
    wanted: dict[type[models.Model], set] = {
        model: set(ids) for model, ids in (extra or {}).items()
    }
    for model, records in loaded:
        for f in tracked_fields(model):
            # (A foreign key's model is a class once the apps are loaded, never "self".)
            if isinstance(f, models.ForeignKey) and isinstance(f.related_model, type):
                ids = {getattr(r, f.attname) for r in records} - {None}
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for related_model, ids in wanted.items():
        if not ids:
            continue
        for obj in related_model._default_manager.filter(pk__in=ids):
            names[(related_model, obj.pk)] = (
                person(obj) if hasattr(obj, "get_username") else str(obj)
            )
    return names


def entries(
    model,
    records: list,
    names: dict,
    label: Callable,
    *,
    skip: Iterable[str] = (),
    extra_changes: Callable | None = None,
) -> list[HistoryEntry]:
    """One entry per history record (oldest first in ``records``), with the fields that
    changed since the previous record of the same object. ``extra_changes(record,
    previous)`` may add changes the plain fields do not show (many-to-many sets)."""
    fields = [f for f in tracked_fields(model) if f.name not in set(skip)]
    previous_by_id: dict = {}
    out = []
    for record in records:
        previous = previous_by_id.get(record.id)
        changes = []
        if record.history_type != "-":
            for f in fields:
                new = getattr(record, f.attname)
                old = getattr(previous, f.attname) if previous else None
                if previous is None and new in (None, "", False):
                    continue
                if previous is not None and old == new:
                    continue
                changes.append(
                    FieldChange(
                        str(f.verbose_name).capitalize(),
                        display(f, old, names) if previous else "",
                        display(f, new, names),
                    )
                )
            if extra_changes is not None:
                changes.extend(extra_changes(record, previous))
        previous_by_id[record.id] = record
        if record.history_type == "~" and not changes:
            continue  # a save that changed nothing shown here
        out.append(
            HistoryEntry(
                when=record.history_date,
                who=person(record.history_user),
                action=ACTIONS[record.history_type],
                what=label(record),
                changes=changes,
            )
        )
    return out
