"""Statements built once (``ombudsman.statements``): the rows the ORM would give, values
converted as it converts them, and one statement per arguments."""

from datetime import date
from decimal import Decimal

import pytest

from ombudsman.statements import Statement, built_once
from remedies.models import AgreedAction

from .factories import AgreedActionFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def _actions(kind: str):
    return (
        AgreedAction.objects.filter(kind=kind)
        .order_by("due_date", "id")
        .values_list("id", "due_date", "amount", "decision__complaint__reference")
    )


def _action(**fields):
    return AgreedActionFactory(decision=DecisionFactory(decision_date=date(2024, 12, 1)), **fields)


def test_a_statement_gives_the_rows_the_orm_gives():
    _action(kind="financial", due_date=date(2025, 3, 3), amount=Decimal("150.00"))
    _action(kind="financial", due_date=None, amount=Decimal("0.50"))
    _action(kind="apology", due_date=date(2025, 1, 2), amount=None)
    rows = Statement.of(_actions("financial")).rows()
    assert rows == list(_actions("financial"))
    assert rows[0][1] == date(2025, 3, 3)
    assert rows[0][2] == Decimal("150.00")


def test_built_once_builds_once_per_arguments_and_reads_the_data_each_time():
    built = []

    @built_once(maxsize=4)
    def of_kind(kind: str):
        built.append(kind)
        return _actions(kind)

    assert of_kind("apology").rows() == []
    _action(kind="apology", due_date=date(2025, 1, 2))
    assert len(of_kind("apology").rows()) == 1  # the same statement, today's rows
    assert of_kind("financial").rows() == []
    assert built == ["apology", "financial"]


def test_postgresql_plans_a_statement_built_once_on_its_first_run_only():
    """Prepared on the server (the dashboard's took longer to plan than to run), and still
    logged and counted as any query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    statement = Statement.of(_actions("financial"))
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(6):
            assert statement.rows() == []
    assert len(ctx.captured_queries) == 6
    assert all("remedies_agreedaction" in q["sql"] for q in ctx.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["%remedies_agreedaction%"],
        )
        assert cursor.fetchall() == [(6,)]
