"""The agreed-action list as CSV and Excel: exactly the filtered rows, in the list's order,
read in chunks from one query however many rows there are (the writers are in
``ombudsman/exports.py``)."""

from collections.abc import Iterator
from datetime import date

from django.db import transaction
from django.db.models import Case, DateField, DurationField, F, Value, When

from decisions.models import ServiceArea
from ombudsman.exports import DATE, POUNDS, WHOLE, Column
from ombudsman.people import name_columns, name_in_row

from .models import AgreedAction, AgreedActionQuerySet, overdue_q

CHUNK_SIZE = 2000
COLUMNS = [
    Column("LGSCO reference", None, 12),
    Column("Action kind", None, 24),
    Column("Description", None, 50),
    Column("Organisation", None, 30),
    Column("Service area", None, 30),
    Column("Owner", None, 20),
    Column("Payee", None, 10),
    Column("Amount (£)", POUNDS, 12),
    Column("Deadline wording", None, 30),
    Column("Due date", DATE, 12),
    Column("Date in force", DATE, 12),
    Column("Status", None, 10),
    Column("Completed on", DATE, 12),
    Column("Days overdue", WHOLE, 8),
]
HEADINGS = [column.heading for column in COLUMNS]
_KINDS = dict(AgreedAction.Kind.choices)
_STATUSES = dict(AgreedAction.Status.choices)
_FIELDS = [
    "decision__complaint__reference",
    "kind",
    "description",
    "organisation__name",
    "service_area__directorate",
    "service_area__service",
    *name_columns("owner"),
    "payee_label",
    "amount",
    "deadline_phrase",
    "due_date",
    "in_force",
    "status",
    "completed_on",
    "days_overdue",
]


def export_rows(actions: AgreedActionQuerySet, *, today: date) -> Iterator[list]:
    """One list of values per action, in the order of ``actions`` (the filtered list).

    The payee is the Ombudsman's anonymised label: no complainant's name is exported.

    Read inside a transaction, as the decisions download is (``decisions.exports``): a
    cursor outside one is held past its transaction (WITH HOLD) and so computed whole
    before its first row comes back; this one hands over each chunk as the query yields
    it. The transaction ends with the download, or when it is abandoned."""
    rows = (
        actions.with_in_force()
        .annotate(
            days_overdue=Case(
                When(
                    overdue_q(today),
                    then=Value(today, output_field=DateField()) - F("in_force"),
                ),
                default=None,
                output_field=DurationField(),
            )
        )
        .values(*_FIELDS)
    )
    with transaction.atomic(savepoint=False):
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            yield [
                row["decision__complaint__reference"],
                _KINDS.get(row["kind"], row["kind"]),
                row["description"],
                row["organisation__name"],
                ServiceArea.name_in_row(row),
                name_in_row(row, "owner"),
                row["payee_label"],
                row["amount"],
                row["deadline_phrase"],
                row["due_date"],
                row["in_force"],
                _STATUSES.get(row["status"], row["status"]),
                row["completed_on"],
                row["days_overdue"].days if row["days_overdue"] else 0,
            ]
