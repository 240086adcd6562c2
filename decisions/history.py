"""The change history shown on a decision's page, from django-simple-history's records.

Every create, change and delete of the complaint, the decision, its findings and its
agreed actions is listed with who, when and which fields changed from what to what.
Costs a fixed number of queries: one per history table, one for the complaint's
organisations over time, one per kind of linked record named in a change.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models

from remedies.models import AgreedAction

from .models import Complaint, Decision, Finding, Organisation

_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_SKIP = {"id", "created_at"}


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


def _tracked_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _SKIP and f.editable and not isinstance(f, models.AutoField)
    ]


def _display(f, value, names: dict) -> str:
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


def _label(model, record) -> str:
    if model is Complaint:
        return f"Complaint {record.reference}"
    if model is Decision:
        return f"Decision of {record.decision_date:%-d %b %Y}"
    if model is Finding:
        return f"Finding: {record.point[:50]}"
    return f"Agreed action: {record.get_kind_display()}"


def decision_history(decision: Decision) -> list[HistoryEntry]:
    """History of a decision's page, newest first."""
    sources = [
        (Complaint, Complaint.history.filter(id=decision.complaint_id)),
        (Decision, Decision.history.filter(id=decision.pk)),
        (Finding, Finding.history.filter(decision_id=decision.pk)),
        (AgreedAction, AgreedAction.history.filter(decision_id=decision.pk)),
    ]
    loaded = []
    for model, queryset in sources:
        records = list(queryset.select_related("history_user").order_by("history_date"))
        loaded.append((model, records))

    # The complaint's organisations at each of its history records.
    complaint_records = loaded[0][1]
    organisations_at: dict[int, set[int]] = {r.history_id: set() for r in complaint_records}
    m2m_model = Complaint.history.model.organisations.model
    for history_id, organisation_id in m2m_model.objects.filter(
        history_id__in=organisations_at
    ).values_list("history_id", "organisation_id"):
        organisations_at[history_id].add(organisation_id)

    # Names of everything a foreign key points at, one query per kind of record.
    wanted: dict[type, set] = {}
    for model, records in loaded:
        for f in _tracked_fields(model):
            if isinstance(f, models.ForeignKey):
                ids = {getattr(r, f.attname) for r in records} - {None}
                wanted.setdefault(f.related_model, set()).update(ids)
    wanted.setdefault(Organisation, set()).update(*organisations_at.values())
    names = {}
    for related_model, ids in wanted.items():
        if related_model in (Decision, Complaint) or not ids:
            continue
        for obj in related_model._default_manager.filter(pk__in=ids):
            name = (
                str(obj.get_full_name() or obj.get_username())
                if hasattr(obj, "get_username")
                else str(obj)
            )
            names[(related_model, obj.pk)] = name

    entries = []
    for model, records in loaded:
        fields = _tracked_fields(model)
        previous_by_id = {}
        for record in records:
            previous = previous_by_id.get(record.id)
            changes = []
            if record.history_type != "-":
                for f in fields:
                    if f.name in ("decision", "complaint"):
                        continue
                    new = getattr(record, f.attname)
                    old = getattr(previous, f.attname) if previous else None
                    if previous is None and new in (None, "", False):
                        continue
                    if previous is not None and old == new:
                        continue
                    changes.append(
                        FieldChange(
                            str(f.verbose_name).capitalize(),
                            _display(f, old, names) if previous else "",
                            _display(f, new, names),
                        )
                    )
                if model is Complaint:
                    now = organisations_at[record.history_id]
                    before = organisations_at[previous.history_id] if previous else set()
                    if now != before:
                        changes.append(
                            FieldChange(
                                "Organisations complained about",
                                ", ".join(sorted(names.get((Organisation, i), "?") for i in before))
                                if previous
                                else "",
                                ", ".join(sorted(names.get((Organisation, i), "?") for i in now)),
                            )
                        )
            previous_by_id[record.id] = record
            if record.history_type == "~" and not changes:
                continue  # a save that changed nothing shown here
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=(user.get_full_name() or user.get_username()) if user else "System",
                    action=_ACTIONS[record.history_type],
                    what=_label(model, record),
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
