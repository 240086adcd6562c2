"""Each sort of the actions list (remedies.filters.ActionFilter.SORTS), both ways, under
the filters a person opens it with, lists the rows in the order a plain sort in Python
gives (empty values last both ways, ties broken by the date in force and the id), and
the sorts on the action's own columns are read from an index in order (PostgreSQL)."""

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import cmp_to_key

import pytest
from django.db import connection
from django.http import QueryDict

from remedies.filters import ActionFilter
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FILTERS = ["", "status=", "status=done", "whose=all", "whose=all&status="]
# The sorts read from an index of the action's own columns, in order, with no sort step.
INDEXED = ["due", "kind", "status", "amount"]


def _value(action: AgreedAction, name: str):
    if name == "in_force":
        return action.extended_due_date or action.due_date
    value = action
    for part in name.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value


def _python_order(actions: list[AgreedAction], fields: tuple[str, ...], descending: bool):
    def compare(a, b):
        for name in fields:
            x, y = _value(a, name), _value(b, name)
            if x == y:
                continue
            if x is None or y is None:  # empty values last, whichever way
                return 1 if x is None else -1
            return (x < y) - (x > y) if descending else (x > y) - (x < y)
        return 0

    return [a.pk for a in sorted(actions, key=cmp_to_key(compare))]


def _filterset(query: str) -> ActionFilter:
    queryset = AgreedAction.objects.with_in_force().select_related(
        "decision__complaint", "organisation", "service_area", "owner"
    )
    filterset = ActionFilter(QueryDict(query), queryset=queryset, today=date(2025, 6, 1))
    assert filterset.is_valid(), filterset.errors
    return filterset


@pytest.fixture
def varied():
    """Actions with every column varied: empty dates, owners, areas and amounts, ties on
    each sort column, names shared in part, two organisations (one the council's)."""
    rng = random.Random(170)  # noqa: S311 (test data)
    council = OrganisationFactory(name="Westmere Borough Council", is_home_authority=True)
    trust = OrganisationFactory(name="Eastmere NHS Trust", kind="nhs_trust")
    areas = [
        ServiceAreaFactory(directorate=d, service=s)
        for d, s in [("Adults", "Care"), ("Adults", "Housing"), ("Children", "Care")]
    ]
    owners = [
        UserFactory(username=u, first_name=first, last_name=last)
        for u, first, last in [
            ("aa", "Ann", "Able"),
            ("ab", "Bob", "Able"),
            ("ac", "Bob", "Able"),
            ("cc", "Cat", "Carter"),
        ]
    ]
    kinds = [k for k, _ in AgreedAction.Kind.choices][:4]
    for n in range(60):
        decided = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 300))
        complaint = ComplaintFactory(
            reference=f"24 {rng.randrange(0, 3):03d} {n:03d}", organisations=[council, trust]
        )
        decision = DecisionFactory(complaint=complaint, decision_date=decided)
        due = decided + timedelta(days=rng.choice([10, 10, 30, 60])) if rng.random() < 0.8 else None
        extended = due + timedelta(days=20) if due and rng.random() < 0.3 else None
        done = rng.random() < 0.5
        AgreedActionFactory(
            decision=decision,
            organisation=rng.choice([council, council, trust]),
            kind=rng.choice(kinds),
            due_date=due,
            deadline_phrase="" if due is None else "within a month",
            extended_due_date=extended,
            status="done" if done else rng.choice(["open", "open", "withdrawn"]),
            completed_on=decided + timedelta(days=5) if done else None,
            owner=rng.choice([*owners, None]),
            service_area=rng.choice([*areas, None]),
            amount=rng.choice([None, None, Decimal("100.00"), Decimal("250.00")]),
        )


def test_every_sort_both_ways_lists_the_rows_as_a_plain_sort_would(varied):
    checked = 0
    for filters in FILTERS:
        rows = list(_filterset(filters).qs)
        assert rows, filters
        for key, sort in ActionFilter.SORTS.items():
            for descending in (False, True):
                query = f"{filters}&sort={'-' if descending else ''}{key}"
                listed = [a.pk for a in _filterset(query).sorted_qs()]
                assert listed == _python_order(rows, sort.ordering, descending), query
                checked += 1
    assert checked == len(FILTERS) * len(ActionFilter.SORTS) * 2


def test_the_sorts_on_the_actions_own_columns_read_an_index_in_order(varied):
    """Whatever the data, a page of these sorts is the first rows of an index, under the
    filters the list opens with and with any status: no step sorts every matching row."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plans")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")  # a sort step only if nothing else will do
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for filters in FILTERS:
            for key in INDEXED:
                for sign in ("", "-"):
                    query = f"{filters}&sort={sign}{key}"
                    plan = _filterset(query).sorted_qs()[:25].explain()
                    assert " Sort" not in plan and "Index" in plan, (query, plan)
