"""The dashboard's kept action tallies (remedies.tally): once built, the dashboard reads
them in three queries whatever the number of actions, and shows exactly what it counts
from the records, on any day, for the council's actions and for everyone's; the writing
services keep them (the year summaries' blocks), the nightly rebuild agrees with them."""

import importlib
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import Organisation
from decisions.statistics.summary import year_summaries_rebuild
from remedies.dashboard import AGE_BANDS, dashboard
from remedies.models import (
    ActionTallyState,
    AgreedAction,
    CompletionTally,
    OpenActionTally,
)
from remedies.selectors import visible_actions
from remedies.services import actions_assign
from remedies.tally import OPEN_FIELDS, tally_drift

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .test_year_summaries import WRITES, _record_new
from .test_year_summaries import world as world  # the fixture

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 11)
# Days about which a figure changes: the age bands' edges, due soon, the weeks charted.
EDGES = sorted(
    {0, 1, 6, 7, 8, 13, 14, 15, 30, 31, 84, 85, 90, 91, 92}
    | {-first for _, _, first, _ in AGE_BANDS}
    | {-last for *_, last in AGE_BANDS if last}
    | {-last - 1 for *_, last in AGE_BANDS if last}
)


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - seeded test data, not secrets


def _same(day: date) -> None:
    """The kept figures are the figures counted from the records, both ways."""
    for everyone in (False, True):
        kept = dashboard(today=day, everyone=everyone)
        assert kept == dashboard(today=day, everyone=everyone, from_scratch=True), (day, everyone)


def _days_about(day: date) -> list[date]:
    return [day + timedelta(days=n) for n in (-400, -120, -35, -8, -1, 0, 1, 9, 40, 100)]


@pytest.fixture
def bodies(db):
    home = OrganisationFactory(name="Havant Borough Council", is_home_authority=True)
    return {
        "home": home,
        "orgs": [
            home,
            OrganisationFactory(name="Care Homes Ltd", kind=Organisation.Kind.PROVIDER),
            OrganisationFactory(name="Solent NHS Trust", kind=Organisation.Kind.NHS_TRUST),
        ],
        "areas": [
            None,
            ServiceAreaFactory(directorate="Adults", service="Charging"),
            ServiceAreaFactory(directorate="Adults", service="Safeguarding"),
            ServiceAreaFactory(directorate="Housing", service="Charging"),
        ],
        "owners": [
            None,
            UserFactory(username="ann", first_name="Ann", last_name="Able"),
            UserFactory(username="bob", first_name="", last_name=""),
            UserFactory(username="cat", first_name="Cat", last_name="Able"),
        ],
    }


def _fill(rng: random.Random, bodies: dict, n: int) -> None:
    """``n`` actions of every kind and state, dated about ``TODAY`` and its edges, made
    around the services (as the benchmark's data is), then the tallies rebuilt."""
    decisions = [
        DecisionFactory(
            complaint=ComplaintFactory(organisations=bodies["orgs"]),
            decision_date=TODAY - timedelta(days=800),
        )
        for _ in range(4)
    ]
    for _ in range(n):
        due = TODAY + timedelta(days=rng.choice([*EDGES, *(-e for e in EDGES)]))
        due = rng.choice([due, due, due - timedelta(days=rng.randrange(600)), None])
        extended = rng.choice([None, None, None, due and due + timedelta(days=rng.randrange(60))])
        status = rng.choice(["open", "open", "done", "withdrawn"])
        kind = rng.choice(["financial", "apology"])
        AgreedActionFactory(
            decision=rng.choice(decisions),
            organisation=rng.choice(bodies["orgs"]),
            service_area=rng.choice(bodies["areas"]),
            owner=rng.choice(bodies["owners"]),
            kind=kind,
            amount=Decimal(rng.choice([0, 150, 200])) if kind == "financial" else None,
            due_date=due,
            extended_due_date=extended,
            status=status,
            completed_on=(TODAY - timedelta(days=rng.randrange(500)) if status == "done" else None),
        )
    year_summaries_rebuild()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_figures_are_those_counted_from_the_records_on_any_day(bodies, seed):
    rng = _rng(seed)
    _fill(rng, bodies, 150)
    assert ActionTallyState.objects.exists()
    assert tally_drift() == {}
    for day in [TODAY, *_days_about(TODAY), *(TODAY + timedelta(days=e) for e in EDGES)]:
        _same(day)
    figures = dashboard(today=TODAY)
    assert figures.overdue and figures.by_owner and figures.quarters[-1].on_time
    assert figures.by_age[-1].count and figures.weeks[0].count


def test_the_home_authority_changing_needs_no_rebuild(bodies):
    _fill(_rng(7), bodies, 80)
    _same(TODAY)
    # Another body becomes the home authority, then none is (every action counts).
    Organisation.objects.update(is_home_authority=False)
    Organisation.objects.filter(pk=bodies["orgs"][2].pk).update(is_home_authority=True)
    _same(TODAY)
    Organisation.objects.update(is_home_authority=False)
    _same(TODAY)


def test_the_page_shows_the_kept_figures_as_whole_numbers(bodies, client):
    """The kept figures are added up by the database: whole numbers (a sum there is a
    decimal on PostgreSQL, which the charts refused), on the page as counted."""
    _fill(_rng(12), bodies, 120)
    figures = dashboard(today=TODAY)
    buckets = [*figures.by_age, *figures.by_service_area, *figures.by_owner]
    buckets += figures.by_organisation
    numbers = [figures.open, figures.overdue, figures.due_soon, figures.completed_late]
    numbers += [b.count for b in buckets] + [w.count for w in figures.weeks]
    assert numbers and all(type(n) is int for n in numbers), numbers
    client.force_login(UserFactory(username="boss", role="Managers"))
    with time_machine.travel(datetime(2025, 6, 11, 9, 30, tzinfo=ZoneInfo("Europe/London"))):
        page = client.get(reverse("remedies:dashboard"))
    assert page.status_code == 200
    figure = page.content.decode().split('id="figure-overdue"', 1)[1].split("</", 1)[0]
    assert str(figures.overdue) in figure


def test_an_owner_deleted_leaves_their_actions_with_none(bodies):
    _fill(_rng(8), bodies, 80)
    bodies["owners"][1].delete()  # their actions' owner is set to none, around the services
    _same(TODAY)
    assert "No owner" in [b.label for b in dashboard(today=TODAY).by_owner]


def test_the_dashboard_reads_the_tallies_in_the_same_three_queries_for_few_or_many(bodies):
    _fill(_rng(9), bodies, 10)
    with CaptureQueriesContext(connection) as ctx:
        dashboard(today=TODAY)
    assert len(ctx.captured_queries) == 3  # enquiries and state, figures, breakdowns
    _fill(_rng(10), bodies, 300)
    with CaptureQueriesContext(connection) as ctx:
        dashboard(today=TODAY, everyone=True)
    assert len(ctx.captured_queries) == 3


def test_a_view_of_some_actions_counts_them_from_the_records(bodies):
    _fill(_rng(11), bodies, 60)
    manager = UserFactory(username="lead", role="Service managers")
    bodies["areas"][1].lead = manager
    bodies["areas"][1].save()
    theirs = visible_actions(manager)
    mine = dashboard(today=TODAY, actions=theirs)
    assert mine == dashboard(today=TODAY, actions=theirs, from_scratch=True)
    assert mine.open == theirs.owed_by_council().filter(status="open").count()
    assert mine.open < dashboard(today=TODAY).open


def test_nothing_is_kept_before_the_first_rebuild(bodies):
    AgreedActionFactory(
        decision=DecisionFactory(complaint=ComplaintFactory(organisations=[bodies["home"]])),
        due_date=TODAY - timedelta(days=3),
    )
    assert not OpenActionTally.objects.exists()
    assert dashboard(today=TODAY).overdue == 1


# Kept by the writing services.


def _assign(rng, world, n):
    """Several open actions given an owner, a service area or both (the bulk page)."""
    actions = list(AgreedAction.objects.filter(status="open"))
    if not actions:
        return
    chosen = rng.sample(actions, min(len(actions), rng.choice([1, 2, 4])))
    owners = world.setdefault(
        "owners", [UserFactory(username=f"owner{i}", role="Service managers") for i in range(3)]
    )
    owner = rng.choice([None, *owners])
    area = rng.choice(world["areas"][1:]) if owner is None or rng.random() < 0.5 else None
    if "assigner" not in world:
        world["assigner"] = UserFactory(username="assigner", role="Complaints officers")
    actions_assign(
        actions_with_versions={a.pk: a.version for a in chosen},
        user=world["assigner"],
        owner=owner,
        service_area=area,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_writing_services_keep_the_tallies(world, seed):
    rng = _rng(seed)
    for n in range(5):  # before the tallies are built: nothing is kept
        _record_new(rng, world, n)
    assert not ActionTallyState.objects.exists()
    year_summaries_rebuild()
    writes, weights = zip(*[*WRITES, (_assign, 3)], strict=True)
    for n in range(5, 80):
        rng.choices(writes, weights)[0](rng, world, n)
        if n % 25 == 0:
            assert tally_drift() == {}
    assert tally_drift() == {}
    assert AgreedAction.objects.filter(status="done").exists()
    assert AgreedAction.objects.filter(status="open", owner__isnull=False).exists()
    for day in (date(2021, 5, 4), date(2024, 1, 1), date(2025, 12, 31), date(2026, 1, 15)):
        _same(day)
    # The nightly rebuild counts the same (lines left at nothing aside).
    kept = _kept_rows()
    year_summaries_rebuild()
    assert _kept_rows() == kept


def _kept_rows() -> tuple[list, list]:
    tallied = OpenActionTally.objects.exclude(**dict.fromkeys(OPEN_FIELDS, 0))
    completed = CompletionTally.objects.exclude(on_time=0, late=0)
    return (
        sorted(tallied.values_list("organisation", "service_area", "owner", *OPEN_FIELDS)),
        sorted(completed.values_list("organisation", "completed_on", "on_time", "late")),
    )


def test_a_write_around_the_services_is_found_and_mended_by_the_rebuild(bodies):
    _fill(_rng(12), bodies, 40)
    AgreedAction.objects.filter(status="open").update(status="withdrawn")
    assert tally_drift()
    year_summaries_rebuild()
    assert tally_drift() == {}
    assert dashboard(today=TODAY).open == 0


def _list_count(query: str, queryset=None) -> tuple[int, int, list[str]]:
    """The actions list's count for ``query``, its rows counted, and the SQL it ran."""
    from django.http import QueryDict

    from ombudsman.listing import filtered_by
    from remedies.filters import ActionFilter

    queryset = AgreedAction.objects.with_in_force() if queryset is None else queryset
    filterset = filtered_by(ActionFilter, QueryDict(query), queryset, today=TODAY)
    assert not filterset.errors, filterset.errors
    with CaptureQueriesContext(connection) as ctx:
        counted = filterset.count()
    return counted, filterset.qs.count(), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("status", ["open", "done", "withdrawn", ""])
def test_the_actions_list_counts_actions_from_the_tallies(bodies, status):
    """The list's count of the actions of a status or of any (the council's or everyone's,
    of a service area, an owner or an organisation) is the tallies' sum once built, in
    one query: the same number as its rows. Any other filter, a limited view, or tallies
    not built: the rows."""
    _fill(_rng(11), bodies, 120)
    assert AgreedAction.objects.filter(status=status or "open").count() > 3
    queries = [
        "" if status == "open" else f"status={status}",
        f"status={status}&whose=all",
        f"status={status}&service_area=none",
        f"status={status}&owner=none",
    ]
    for area in bodies["areas"][1:]:
        queries.append(f"status={status}&service_area={area.pk}&whose=all")
    for owner in bodies["owners"][1:]:
        queries.append(f"status={status}&owner={owner.pk}")
    for org in bodies["orgs"]:
        queries += [
            f"status={status}&organisation={org.pk}",
            f"status={status}&organisation={org.pk}&whose=all",
        ]
    queries.append(
        f"status={status}&owner={bodies['owners'][1].pk}&service_area={bodies['areas'][1].pk}"
    )
    for query in queries:
        counted, rows, sql = _list_count(query)
        assert counted == rows, query
        assert len(sql) == 1 and "remedies_openactiontally" in sql[0], query
    of_status = AgreedAction.objects.filter(status=status) if status else AgreedAction.objects
    assert sum(
        _list_count(f"status={status}&organisation={o.pk}&whose=all")[0] for o in bodies["orgs"]
    ) == (of_status.count())
    # Not what the tallies count: the rows.
    for query in [f"status={status}&kind=apology", "overdue=no", f"status={status}&late=yes"]:
        counted, rows, sql = _list_count(query)
        assert counted == rows and "remedies_openactiontally" not in " ".join(sql), query
    _assert_a_deleted_owners_count_with_no_owner(bodies, [f"status={status}&owner=none"])
    mine = visible_actions(bodies["owners"][2]).with_in_force()
    counted, rows, sql = _list_count("", mine)
    assert counted == rows and "remedies_openactiontally" not in sql[-1]
    ActionTallyState.objects.update(built_at=None)
    counted, rows, sql = _list_count("")
    assert counted == rows and "remedies_agreedaction" in sql[-1]


def _assert_a_deleted_owners_count_with_no_owner(bodies, queries: list[str]) -> None:
    """A person deleted leaves their actions with no owner: the list counts them so from
    the tallies (whose lines keep the person's id until the nightly rebuild)."""
    gone = bodies["owners"][1]
    assert AgreedAction.objects.filter(owner=gone).exists()
    before = [_list_count(query)[0] for query in queries]
    gone.delete()
    for query, was in zip(queries, before, strict=True):
        counted, rows, sql = _list_count(query)
        assert counted == rows > was, query
        assert "remedies_openactiontally" in sql[0], query


@pytest.mark.parametrize("status", ["open", ""])
def test_the_actions_list_counts_overdue_actions_from_the_tallies(bodies, status):
    """The list's count of overdue actions is the tally lines' dated actions less those
    not yet overdue, in one query: the same number as its rows, for each line."""
    _fill(_rng(13), bodies, 150)
    assert AgreedAction.objects.overdue_on(TODAY).count() > 10
    assert AgreedAction.objects.open().with_in_force().filter(in_force__gte=TODAY).count() > 10
    queries = [f"status={status}&overdue=yes", f"status={status}&overdue=yes&whose=all"]
    for area in ["none", *(a.pk for a in bodies["areas"][1:])]:
        queries.append(f"status={status}&overdue=yes&service_area={area}&whose=all")
    for owner in ["none", *(o.pk for o in bodies["owners"][1:])]:
        queries.append(f"status={status}&overdue=yes&owner={owner}")
    for org in bodies["orgs"]:
        queries.append(f"status={status}&overdue=yes&organisation={org.pk}&whose=all")
    for query in queries:
        counted, rows, sql = _list_count(query)
        assert counted == rows, query
        assert len(sql) == 1 and "remedies_openactiontally" in sql[0], query
    assert _list_count("status=&overdue=yes&whose=all")[0] == (
        AgreedAction.objects.overdue_on(TODAY).count()
    )
    _assert_a_deleted_owners_count_with_no_owner(
        bodies, [f"status={status}&overdue=yes&owner=none&whose=all"]
    )
    # Done and overdue: none, counted from the rows.
    counted, rows, sql = _list_count("status=done&overdue=yes")
    assert counted == rows == 0 and "remedies_openactiontally" not in " ".join(sql)


def test_the_migration_counts_the_finished_actions_of_kept_tallies(bodies):
    """Tallies kept before they counted finished actions are filled in by the migration
    that added them: the same as a count from scratch."""
    from django.apps import apps

    migration = importlib.import_module("remedies.migrations.0020_finished_actions_tallied")
    _fill(_rng(5), bodies, 60)
    OpenActionTally.objects.update(done=0, withdrawn=0)
    OpenActionTally.objects.filter(open=0).delete()  # lines of finished actions only
    assert tally_drift()
    migration.count_finished(apps, None)
    assert tally_drift() == {}
    # Not kept yet: nothing is filled in.
    OpenActionTally.objects.update(done=0, withdrawn=0)
    ActionTallyState.objects.update(built_at=None)
    migration.count_finished(apps, None)
    assert not OpenActionTally.objects.exclude(done=0, withdrawn=0).exists()
