"""Each sort of the actions list (remedies.filters.ActionFilter.SORTS), both ways, under
the filters a person opens it with, lists the rows in the order a plain sort in Python
gives (empty values last both ways, ties broken by the date in force and the id), and
the sorts on the action's own columns are read from an index in order (PostgreSQL).

The sorts by another table's fields (organisation, service area, owner, reference) read
their pages group by group on PostgreSQL (ombudsman.groupwalk) once the list holds
``LIST_GROUP_WALK_FROM`` rows; here always, so that the walk is what these tests check."""

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from functools import cmp_to_key

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.http import QueryDict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from decisions.models import Complaint, Decision
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
# The sorts by another table's fields, read group by group.
WALKED = [key for key, sort in ActionFilter.SORTS.items() if sort.group]
WALKS = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def walk_from_the_first_row(settings):
    settings.LIST_GROUP_WALK_FROM = 0


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
                sorted_rows = _filterset(query).sorted_rows()
                with CaptureQueriesContext(connection) as ctx:
                    listed = [a.pk for a in sorted_rows[0 : sorted_rows.count()]]
                assert listed == _python_order(rows, sort.ordering, descending), query
                walked = any("CROSS JOIN LATERAL" in q["sql"] for q in ctx.captured_queries)
                assert walked == (WALKS and key in WALKED), query
                checked += 1
    assert checked == len(FILTERS) * len(ActionFilter.SORTS) * 2


def test_the_pages_of_a_sort_by_another_tables_fields_follow_on_with_no_gap(varied):
    """Page 1, page 2... the last page, each read on its own (as the list reads them,
    the walk reading past the rows of the pages before), hold the rows in the plain
    order, each once."""
    for filters in FILTERS:
        rows = list(_filterset(filters).qs)
        for key in WALKED:
            for sign in ("", "-"):
                query = f"{filters}&sort={sign}{key}"
                paginator = Paginator(_filterset(query).sorted_rows(), 7)
                assert paginator.num_pages > 2, query
                pages = [
                    [a.pk for a in paginator.page(number).object_list]
                    for number in paginator.page_range
                ]
                assert [len(page) for page in pages[:-1]] == [7] * (len(pages) - 1), query
                order = _python_order(rows, ActionFilter.SORTS[key].ordering, sign == "-")
                assert sum(pages, []) == order, query


@pytest.mark.parametrize("key, relation", [("owner", "owner"), ("service_area", "service_area")])
def test_actions_with_no_owner_or_area_come_last_both_ways(varied, key, relation):
    empty = set(
        AgreedAction.objects.filter(**{f"{relation}__isnull": True}).values_list("pk", flat=True)
    )
    assert empty
    for sign in ("", "-"):
        paginator = Paginator(_filterset(f"whose=all&status=&sort={sign}{key}").sorted_rows(), 7)
        listed = [
            a.pk for number in paginator.page_range for a in paginator.page(number).object_list
        ]
        # The last ones listed, on the last pages, and no other.
        assert set(listed[-len(empty) :]) == empty, sign
        last = [a.pk for a in paginator.page(paginator.num_pages).object_list]
        assert set(last) <= empty, sign


def _actions_read(plan: dict) -> list[tuple[str, float, int]]:
    """Each step of ``plan`` (EXPLAIN ANALYZE, JSON) that reads the actions table: its
    kind, the rows it gave each time it ran, and how many times it ran."""
    found = []
    if plan.get("Relation Name") == "remedies_agreedaction":
        found.append((plan["Node Type"], plan["Actual Rows"], plan["Actual Loops"]))
    for child in plan.get("Plans", []):
        found += _actions_read(child)
    return found


@pytest.fixture
def many(transactional_db, django_db_serialized_rollback):
    """Enough actions (12,000 in 2,000 complaints) for PostgreSQL to plan as it does
    at scale: most of them the council's, in a few areas and with a few owners (some
    with none), spread over the complaints' references and the dates; vacuumed and
    analysed, as autovacuum keeps a database (committed: VACUUM runs outside a
    transaction).

    Rolled back by serialization, as test_benchmark_pages' transactional test is: a plain
    flush lets the roles' post_migrate handler make the groups again under new ids, which
    that test's restore of the first ones (by id) then collides with by name."""
    rng = random.Random(171)  # noqa: S311 (test data)
    council = OrganisationFactory(name="Westmere Borough Council", is_home_authority=True)
    trust = OrganisationFactory(name="Eastmere NHS Trust", kind="nhs_trust")
    areas = [ServiceAreaFactory(directorate="Adults", service=s) for s in "ABCD"]
    owners = [UserFactory(username=f"owner{i}", last_name=f"Owner {i}") for i in range(6)]
    complaints = Complaint.objects.bulk_create(
        Complaint(reference=f"23 {n // 1000:03d} {n % 1000:03d}", complainant_label="Mr X")
        for n in range(2000)
    )
    decided = date(2024, 1, 1)
    decisions = Decision.objects.bulk_create(
        Decision(complaint=c, decision_date=decided, outcome="upheld") for c in complaints
    )
    AgreedAction.objects.bulk_create(
        AgreedAction(
            decision=rng.choice(decisions), decision_date=decided, kind="apology",
            organisation=council if rng.random() < 0.9 else trust,
            service_area=rng.choice([*areas, None]), owner=rng.choice([*owners, None]),
            payee_label="Mr X", deadline_phrase="within a month",
            due_date=decided + timedelta(days=rng.randrange(1, 400)),
            status=status, completed_on=decided + timedelta(days=400) if status == "done" else None,
        )
        for status in rng.choices(["open", "done"], weights=[3, 7], k=12_000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def test_a_sort_by_another_tables_fields_reads_no_more_actions_than_its_page(many):
    """A walked page reads each group's actions from an index in their order within the
    group, only as far as the page, and stops at the group that fills it: no step reads
    every matching action to sort them, as the plain ORDER BY does."""
    if not WALKS:
        pytest.skip("PostgreSQL's plans")
    with connection.cursor() as cursor:
        for filters in FILTERS:
            for key in WALKED:
                for sign in ("", "-"):
                    query = f"{filters}&sort={sign}{key}"
                    sorted_rows = _filterset(query).sorted_rows()
                    for page, walked in (
                        (sorted_rows[0:25], True),
                        (sorted_rows.sorted[0:25], False),
                    ):
                        sql, params = page.query.sql_with_params()
                        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                        plan = cursor.fetchone()[0]
                        if isinstance(plan, str):
                            plan = json.loads(plan)
                        reads = _actions_read(plan[0]["Plan"])
                        most = max(rows * loops for _, rows, loops in reads)
                        if walked:
                            assert most <= 200, (query, reads)
                        elif not ActionFilter.SORTS[key].many_groups:
                            # The check tells: the plain ORDER BY reads every match (by
                            # reference, PostgreSQL may read the complaints in order too).
                            assert most >= sorted_rows.count(), (query, reads)


def test_the_list_sorted_by_owner_costs_the_same_queries_walked_or_sorted(
    varied, client, manager, settings
):
    """The walk finds the page's ids inside the query that reads the page's rows (a
    subquery): no query of its own."""
    client.force_login(manager)
    counted = {}
    for walk_from in (0, 10**9):
        settings.LIST_GROUP_WALK_FROM = walk_from
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/actions/?whose=all&status=&sort=-owner")
        assert page.status_code == 200
        walked = any("CROSS JOIN LATERAL" in q["sql"] for q in ctx.captured_queries)
        assert walked == (WALKS and walk_from == 0)
        counted[walk_from] = (len(ctx.captured_queries), [a.pk for a in page.context["page"]])
    assert counted[0] == counted[10**9]


def test_a_page_of_every_kind_of_action_reads_its_rows_in_one_query(varied, client, manager):
    """The list reads only the columns its rows show (``remedies.views.LIST_ROW_FIELDS``),
    and everything a row shows is among them: a page of 25 actions of every kind (done,
    withdrawn, extended, with and without an owner, a service area, an amount) costs the
    queries of a page of one, sorted every way, and no row reads a decision's text."""
    client.force_login(manager)
    for sort in ("", "-owner", "reference", "service_area"):
        query = f"whose=all&status=&sort={sort}"
        counts = []
        for size in (1, 25):
            with override_settings(LIST_PAGE_SIZE=size):
                with CaptureQueriesContext(connection) as ctx:
                    page = client.get(f"/actions/?{query}")
            assert page.status_code == 200
            assert len(page.context["page"].object_list) == size, query
            assert not any("full_text" in q["sql"] for q in ctx.captured_queries), query
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], query
