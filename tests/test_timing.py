"""The timing vocabulary of agreed actions on its boundaries: the date in force, overdue on
a day, due soon, completed late and the Ombudsman's year, in the database (the queryset
and its conditions, as every page, job and report counts) and in Python (the model's
properties, as every page shows one action), which must agree."""

from datetime import date, timedelta

import pytest
from django.db import connection

from ombudsman.timing import (
    ombudsman_year_bounds,
    ombudsman_year_expression,
    ombudsman_year_label,
    ombudsman_year_of,
)
from remedies.models import AgreedAction, due_soon_q

from .factories import AgreedActionFactory, DecisionFactory

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 11)
DAY = timedelta(days=1)
OPEN, DONE, WITHDRAWN = "open", "done", "withdrawn"


@pytest.fixture
def act():
    decision = DecisionFactory(decision_date=date(2025, 1, 6))

    def make(name: str, **fields) -> AgreedAction:
        return AgreedActionFactory(decision=decision, description=name, **fields)

    return make


def _names(actions) -> set[str]:
    return {a.description for a in actions}


def test_due_yesterday_is_overdue_and_due_today_is_not(act):
    act("yesterday", due_date=TODAY - DAY)
    act("today", due_date=TODAY)
    act("undated", due_date=None)
    act("done", due_date=TODAY - DAY, status=DONE, completed_on=TODAY)
    act("withdrawn", due_date=TODAY - DAY, status=WITHDRAWN)
    overdue = AgreedAction.objects.overdue_on(TODAY)
    assert _names(overdue) == {"yesterday"}
    # The complement holds every other action, the undated one too (SQL's NOT would not).
    assert _names(AgreedAction.objects.not_overdue_on(TODAY)) == {
        "today", "undated", "done", "withdrawn"
    }  # fmt: skip
    assert {a.description for a in AgreedAction.objects.all() if a.days_overdue(TODAY)} == {
        "yesterday"
    }


def test_an_extension_moves_the_date_in_force(act):
    extended = act("extended", due_date=TODAY - DAY * 10, extended_due_date=TODAY + DAY)
    act("not extended", due_date=TODAY - DAY * 10)
    assert AgreedAction.objects.with_in_force().get(pk=extended.pk).in_force == TODAY + DAY
    assert extended.effective_due_date == TODAY + DAY
    assert _names(AgreedAction.objects.overdue_on(TODAY)) == {"not extended"}
    assert extended.days_overdue(TODAY) == 0
    # Past the extension it is overdue again, counted from the extended date.
    assert _names(AgreedAction.objects.overdue_on(TODAY + DAY * 3)) == {"extended", "not extended"}
    assert extended.days_overdue(TODAY + DAY * 3) == 2


def test_due_soon_runs_from_today_to_fourteen_days_ahead(act):
    for days in (-1, 0, 14, 15):
        act(f"{days:+}", due_date=TODAY + DAY * days)
    act("done", due_date=TODAY + DAY * 3, status=DONE, completed_on=TODAY)
    act("undated", due_date=None)
    due_soon = AgreedAction.objects.with_in_force().filter(due_soon_q(TODAY))
    assert _names(due_soon) == {"+0", "+14"}
    assert {a.description for a in AgreedAction.objects.all() if a.is_due_soon(TODAY)} == {
        "+0", "+14"
    }  # fmt: skip
    # What the weekly digest reports: overdue, or due soon.
    assert _names(AgreedAction.objects.overdue_or_due_soon(TODAY)) == {"-1", "+0", "+14"}


def test_completed_late_when_completed_after_the_date_in_force(act):
    due = TODAY - DAY * 5
    act("on the day", due_date=due, status=DONE, completed_on=due)
    act("a day late", due_date=due, status=DONE, completed_on=due + DAY)
    act("within the extension", due_date=due, extended_due_date=TODAY, status=DONE,
        completed_on=TODAY)  # fmt: skip
    act("after the extension", due_date=due, extended_due_date=TODAY - DAY, status=DONE,
        completed_on=TODAY)  # fmt: skip
    act("undated", due_date=None, status=DONE, completed_on=TODAY)
    act("open", due_date=due)
    late = {"a day late", "after the extension"}
    assert _names(AgreedAction.objects.completed_late()) == late
    assert _names(AgreedAction.objects.completed_on_time()) == {
        "on the day", "within the extension", "undated"
    }  # fmt: skip
    assert {a.description for a in AgreedAction.objects.all() if a.completed_late} == late


def test_31_march_belongs_to_the_year_before_and_1_april_starts_the_next(act):
    assert ombudsman_year_of(date(2024, 3, 31)) == 2023
    assert ombudsman_year_of(date(2024, 4, 1)) == 2024
    assert ombudsman_year_of(date(2023, 4, 1)) == 2023
    assert ombudsman_year_of(date(2024, 1, 1)) == 2023
    assert ombudsman_year_bounds(2023) == (date(2023, 4, 1), date(2024, 3, 31))
    assert ombudsman_year_bounds(2023)[1] == date(2024, 3, 31)  # 2024 is a leap year
    assert (ombudsman_year_label(2023), ombudsman_year_label(1999)) == ("2023-24", "1999-00")
    assert ombudsman_year_label(2009) == "2009-10"
    # The database works the year out the same way.
    for day in (date(2025, 3, 31), date(2025, 4, 1), date(2025, 12, 31), date(2026, 1, 1)):
        act(day.isoformat(), due_date=day, status=DONE, completed_on=day)
    years = dict(
        AgreedAction.objects.annotate(year=ombudsman_year_expression("completed_on")).values_list(
            "description", "year"
        )
    )
    assert years == {day: ombudsman_year_of(date.fromisoformat(day)) for day in years}
    assert sorted(years.values()) == [2024, 2025, 2025, 2025]


def test_postgresql_reads_overdue_actions_from_the_date_in_force_index(act):
    """The partial index action_open_effective_due serves only queries that spell the date
    in force as it does: the queryset's must."""
    for days in range(-3, 3):
        act(f"{days:+}", due_date=TODAY + DAY * days)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = AgreedAction.objects.overdue_on(TODAY).order_by("in_force").values("pk").explain()
    # Read from an index on the date in force (action_open_effective_due, or the actions
    # list's (status, date in force, id) sort index, which the planner may prefer).
    assert "Seq Scan" not in plan
    assert "Index Cond:" in plan and "COALESCE(extended_due_date, due_date)" in plan
