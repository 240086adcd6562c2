"""The columns each complaint keeps for the decisions list (``Complaint.LIST_COLUMNS``):
its latest decision (the one with the latest date, the last recorded of a day), that
decision's date, outcome and kind, how many of its agreed actions are open, and its
service area's names.

They are worked out from the records by one statement, never set by hand:

- ``refresh_list_columns(complaints)``: one UPDATE ... FROM for the complaints given. The
  writing services call it through ``decisions.statistics.summary.year_summaries_kept``
  when the outermost write block leaves, in the write's transaction, for every complaint
  the block was told of (the same complaints whose year summaries it keeps);
- the nightly job (``decisions.refresh_list_columns``) runs it for every complaint, which
  mends anything written around the services;
- ``list_columns_drift()`` compares what is kept with the same statement's answer, for
  the tests and ``manage.py rebuild_list_columns --check``.

Only rows whose values change are written, so a refresh that changes nothing writes
nothing (and the nightly run over every complaint costs one read of the tables).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from remedies.models import AgreedAction

from .models import LIST_COLUMNS, Complaint, Decision, ServiceArea

# The columns as stored (a foreign key's column is "<name>_id").
COLUMNS = [
    field.column
    for field in Complaint._meta.concrete_fields
    if field.name in LIST_COLUMNS  # in the model's order
]
# SQLite binds at most 32,766 parameters to a statement; each id is bound three times.
_SQLITE_BATCH = 5_000


def _fresh_sql(ids: list[int] | None) -> tuple[str, list]:
    """A SELECT of each complaint's list columns as the records give them (of every
    complaint when ``ids`` is None): the one definition, for the refresh and the check.
    Plain SQL that PostgreSQL and SQLite both read; every value is a parameter."""
    q = connection.ops.quote_name
    complaint = q(Complaint._meta.db_table)
    decision = q(Decision._meta.db_table)
    area = q(ServiceArea._meta.db_table)
    action = q(AgreedAction._meta.db_table)
    params: list = []

    def among(column: str) -> str:
        if ids is None:
            return "TRUE" if connection.vendor == "postgresql" else "1 = 1"
        if connection.vendor == "postgresql":
            params.append(ids)
            return f"{column} = ANY(%s)"
        params.extend(ids)
        return f"{column} IN ({', '.join(['%s'] * len(ids))})"

    # The order of the placeholders is the order of the parameters: build left to right.
    latest = (
        f"SELECT d.complaint_id, d.id, d.decision_date, d.outcome, d.kind, ROW_NUMBER() OVER ("  # noqa: S608
        f"PARTITION BY d.complaint_id ORDER BY d.decision_date DESC, d.id DESC) AS place "
        f"FROM {decision} d WHERE {among('d.complaint_id')}"
    )
    opened_where = among("d.complaint_id")
    params.append(AgreedAction.Status.OPEN.value)
    opened = (
        f"SELECT d.complaint_id, COUNT(*) AS n FROM {action} a "  # noqa: S608
        f"JOIN {decision} d ON d.id = a.decision_id "
        f"WHERE {opened_where} AND a.status = %s GROUP BY d.complaint_id"
    )
    sql = (
        "SELECT c.id AS complaint_id, latest.id AS latest_decision_id, "  # noqa: S608
        "latest.decision_date AS latest_decision_date, "
        "latest.outcome AS latest_outcome, latest.kind AS latest_kind, "
        "COALESCE(opened.n, 0) AS open_actions, "
        "area.directorate AS area_directorate, area.service AS area_service "
        f"FROM {complaint} c "
        f"LEFT JOIN ({latest}) latest ON latest.complaint_id = c.id AND latest.place = 1 "
        f"LEFT JOIN ({opened}) opened ON opened.complaint_id = c.id "
        f"LEFT JOIN {area} area ON area.id = c.service_area_id "
        f"WHERE {among('c.id')}"
    )
    return sql, params


def _differs(stored: str, fresh: str) -> str:
    """SQL true when any kept column of ``stored`` differs from ``fresh`` (nulls equal)."""
    operator = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return "(" + " OR ".join(f"{stored}.{c} {operator} {fresh}.{c}" for c in COLUMNS) + ")"


def _batches(complaints: Iterable[int | None] | None) -> list[list[int] | None]:
    if complaints is None:
        return [None]
    ids = sorted({pk for pk in complaints if pk is not None})
    if not ids:
        return []
    if connection.vendor == "postgresql":
        return [ids]
    return [ids[i : i + _SQLITE_BATCH] for i in range(0, len(ids), _SQLITE_BATCH)]


def refresh_list_columns(complaints: Iterable[int | None] | None) -> int:
    """Work out the list columns of ``complaints`` (every complaint when None) from their
    decisions and actions, and write those that changed: one UPDATE (on SQLite, one per
    5,000 complaints). Run it in the transaction that changed their records, after the
    change, with the complaints locked (``year_summaries_kept`` does both). Returns how
    many complaints changed."""
    table = connection.ops.quote_name(Complaint._meta.db_table)
    changed = 0
    for ids in _batches(complaints):
        fresh, params = _fresh_sql(ids)
        sets = ", ".join(f"{c} = fresh.{c}" for c in COLUMNS)
        sql = (
            f"UPDATE {table} SET {sets} FROM ({fresh}) fresh "  # noqa: S608
            f"WHERE {table}.id = fresh.complaint_id AND {_differs(table, 'fresh')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            changed += cursor.rowcount
    return changed


@dataclass(frozen=True)
class Drift:
    """A complaint whose kept columns differ from what its records give."""

    complaint_id: int
    kept: dict
    fresh: dict


def list_columns_drift(complaints: Iterable[int | None] | None = None) -> list[Drift]:
    """Every complaint (of ``complaints``, or all) whose kept list columns differ from
    what its records give, in id order: empty when they agree."""
    table = connection.ops.quote_name(Complaint._meta.db_table)
    drift = []
    for ids in _batches(complaints):
        fresh, params = _fresh_sql(ids)
        kept = ", ".join(f"kept.{c}" for c in COLUMNS)
        computed = ", ".join(f"fresh.{c}" for c in COLUMNS)
        sql = (
            f"SELECT fresh.complaint_id, {kept}, {computed} FROM ({fresh}) fresh "  # noqa: S608
            f"JOIN {table} kept ON kept.id = fresh.complaint_id "
            f"WHERE {_differs('kept', 'fresh')} ORDER BY fresh.complaint_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for pk, *values in cursor.fetchall():
                n = len(COLUMNS)
                drift.append(
                    Drift(pk, dict(zip(COLUMNS, values[:n], strict=True)),
                          dict(zip(COLUMNS, values[n:], strict=True)))
                )  # fmt: skip
    return drift
