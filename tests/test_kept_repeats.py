"""The repeat faults kept on each upheld decision (decisions.statistics.repeats_kept):
after any sequence of writes through the services, what is kept is what the records
give, the dashboard's latest repeat faults read from it are the newest of the full lists
counted from the records, the nightly rebuild mends writes around the services, and the
dashboard reads them in the same few queries however many decisions there are."""

import random
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Complaint, Decision, KeptRepeat, Organisation
from decisions.recording import decision_record, decision_update
from decisions.statistics.repeats import latest_repeat_faults, repeat_faults
from decisions.statistics.repeats_kept import repeats_drift
from decisions.statistics.summary import year_summaries_drift, year_summaries_rebuild
from decisions.tasks import rebuild_year_summaries
from remedies.dashboard import recent_repeat_faults

from .factories import OrganisationFactory, ServiceAreaFactory, UserFactory, category

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
FIRST_DAY = date(2021, 1, 1)
OUTCOMES = ["upheld", "upheld", "upheld", "not_upheld", "closed_initial"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(db):
    home = OrganisationFactory(
        name="Fenland County Council", kind=Organisation.Kind.COUNTY, is_home_authority=True
    )
    return {
        "home": home,
        "bodies": [home, OrganisationFactory(name="Another Council")],
        "areas": [
            None,
            *(ServiceAreaFactory(directorate="Adults", service=f"Team {n}") for n in range(2)),
        ],  # fmt: skip
        "categories": [
            None,
            category("Adult care services > Charging"),
            category("Adult care services > Assessment and care plan"),
        ],
        "officer": UserFactory(username="officer"),
    }


def _complaint_data(rng, world, reference=None) -> dict:
    bodies = [world["home"]] if rng.random() < 0.8 else rng.sample(world["bodies"], 1)
    fields = {
        "service_area": rng.choice(world["areas"]),
        "category": rng.choice(world["categories"]),
    }
    if reference:
        fields |= {"reference": reference, "complainant_label": "Mr X"}
    complaints = list(Complaint.objects.all())
    related = rng.sample(complaints, min(len(complaints), rng.choice([0, 0, 0, 1, 2])))
    return {"fields": fields, "organisations": bodies, "new_organisations": [], "related": related}


def _decision_data(rng) -> dict:
    return {
        "decision_date": FIRST_DAY + timedelta(days=rng.randrange(1600)),
        "outcome": rng.choice(OUTCOMES),
        "summary": "Fault causing injustice.",
    }


def _record_new(rng, world, n):
    decision_record(
        user=world["officer"],
        complaint_data=_complaint_data(rng, world, reference=f"24 {n // 1000:03d} {n % 1000:03d}"),
        decision_data=_decision_data(rng),
        findings=[],
        actions=[],
    )


def _record_further(rng, world, n):
    decision_record(
        user=world["officer"],
        complaint=rng.choice(list(Complaint.objects.all())),
        decision_data=_decision_data(rng),
        findings=[],
        actions=[],
    )


def _update(rng, world, n):
    decision = rng.choice(list(Decision.objects.all()))
    data = _decision_data(rng)
    if rng.random() < 0.5:
        data["decision_date"] = decision.decision_date
    decision_update(
        user=world["officer"],
        decision=decision,
        decision_data=data,
        findings=[],
        actions=[],
        complaint_data=_complaint_data(rng, world) if rng.random() < 0.6 else None,
    )


WRITES = [_record_new] * 5 + [_record_further] * 2 + [_update] * 4


def _assert_latest_are_the_full_lists(start: date, end: date) -> None:
    """Read from what is kept, the latest repeat faults are the newest of the full lists
    counted from the records."""
    found = repeat_faults(start=start, end=end)
    newest = sorted(
        found.in_service_areas,
        key=lambda r: (r.decisions[-1].decided, r.decisions[-1].pk),
        reverse=True,
    )
    for shown in (1, 3, 10, 100):
        with CaptureQueriesContext(connection) as ctx:
            latest = latest_repeat_faults(start=start, end=end, shown=shown)
        assert any("decisions_keptrepeat" in q["sql"] for q in ctx.captured_queries)
        assert latest.upheld_again == found.upheld_again[::-1][:shown]
        assert latest.in_service_areas == newest[:shown]
        assert latest.count == found.count


def _assert_kept_exactly(world) -> None:
    assert repeats_drift(world["home"]) == []
    assert year_summaries_drift() == {}
    for start, end in [(date(2023, 6, 3), TODAY), (date(2024, 4, 1), date(2025, 3, 31))]:
        _assert_latest_are_the_full_lists(start, end)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_repeats_follow_every_write_through_the_services(world, seed):
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    for n in range(8):
        _record_new(rng, world, n)
    year_summaries_rebuild()
    _assert_kept_exactly(world)
    assert KeptRepeat.objects.exists()
    for n in range(8, 60):
        rng.choice(WRITES)(rng, world, n)
        if n % 10 == 0:
            _assert_kept_exactly(world)
    _assert_kept_exactly(world)
    assert KeptRepeat.objects.filter(in_area=True).exists()
    assert KeptRepeat.objects.filter(earlier__isnull=False).exists()


def test_a_change_to_one_complaint_changes_its_neighbours_repeats(world):
    """Moving a complaint to another service area ends the repeat of another complaint
    in the area it leaves; relating two complaints makes the later one's decision upheld
    again."""
    home, (_, area, elsewhere), (_, charging, _) = (
        world["home"],
        world["areas"],
        world["categories"],
    )
    year_summaries_rebuild()

    def new(n, day, related=()):
        return decision_record(
            user=world["officer"],
            complaint_data={
                "fields": {
                    "service_area": area,
                    "category": charging,
                    "reference": f"24 000 {n:03d}",
                    "complainant_label": "Mr X",
                },
                "organisations": [home],
                "new_organisations": [],
                "related": list(related),
            },  # fmt: skip
            decision_data={"decision_date": day, "outcome": "upheld"},
            findings=[],
            actions=[],
        )

    first = new(1, date(2024, 1, 10))
    second = new(2, date(2024, 9, 1))
    assert KeptRepeat.objects.get(decision=second).in_area
    decision_update(
        user=world["officer"], decision=first, decision_data={}, findings=[], actions=[],
        complaint_data={
            "fields": {"service_area": elsewhere, "category": charging},
            "organisations": [home], "new_organisations": [], "related": [second.complaint],
        },
    )  # fmt: skip
    kept = KeptRepeat.objects.get(decision=second)
    assert (kept.in_area, kept.earlier_id) == (False, first.pk)
    _assert_kept_exactly(world)


def test_the_nightly_job_mends_writes_around_the_services(world):
    rng = random.Random(7)  # noqa: S311 - seeded test data
    for n in range(20):
        _record_new(rng, world, n)
    rebuild_year_summaries.delay()
    _assert_kept_exactly(world)
    # A write around the services (a shell, a script) leaves them wrong until the night.
    Decision.objects.update(outcome="upheld")
    assert repeats_drift(world["home"])
    assert "repeats" in year_summaries_drift()
    rebuild_year_summaries.delay()
    _assert_kept_exactly(world)


def test_until_they_are_built_and_for_a_person_who_sees_some_cases_they_are_not_read(world):
    rng = random.Random(3)  # noqa: S311 - seeded test data
    for n in range(20):
        _record_new(rng, world, n)
    start = date(2023, 6, 3)

    def reads_kept(decisions=None) -> bool:
        with CaptureQueriesContext(connection) as ctx:
            latest_repeat_faults(start=start, end=TODAY, shown=10, decisions=decisions)
        return any("decisions_keptrepeat" in q["sql"] for q in ctx.captured_queries)

    assert not reads_kept()
    year_summaries_rebuild()
    assert reads_kept() and reads_kept(Decision.objects.all())
    assert not reads_kept(Decision.objects.filter(complaint__service_area=world["areas"][1]))


def test_the_dashboard_reads_them_in_the_same_few_queries_however_many(
    world, django_assert_max_num_queries
):
    rng = random.Random(11)  # noqa: S311 - seeded test data
    year_summaries_rebuild()
    for n in range(10):
        _record_new(rng, world, n)
    with django_assert_max_num_queries(4):
        few = recent_repeat_faults(today=TODAY, decisions=Decision.objects.all())
        few.in_service_areas  # noqa: B018
    for n in range(10, 50):
        _record_new(rng, world, n)
    with django_assert_max_num_queries(4):
        many = recent_repeat_faults(today=TODAY, decisions=Decision.objects.all())
        many.in_service_areas  # noqa: B018
    assert many.count > few.count
