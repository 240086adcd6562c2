"""Repeat faults: a complaint upheld again (re-opened, or a related complaint), and a
service area upheld on two or more complaints in the same category within 24 months; on
the dashboard and in the annual committee report, in a fixed number of queries."""

import random
import re
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from decisions.models import Category, Decision, Organisation
from decisions.reports.content import Scope, report_content
from decisions.statistics.repeats import latest_repeat_faults, repeat_faults

from .factories import ComplaintFactory, DecisionFactory, OrganisationFactory, ServiceAreaFactory
from .factories import category as seeded

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
START, END = date(2024, 4, 1), date(2025, 3, 31)
CHARGING = "Adult care services > Charging"
PLANS = "Adult care services > Assessment and care plan"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def home(db):
    return OrganisationFactory(
        name="Fenland County Council", kind=Organisation.Kind.COUNTY, is_home_authority=True
    )


@pytest.fixture
def area(db):
    return ServiceAreaFactory(directorate="Adult Social Care", service="Charging")


def _upheld(home, day, *, complaint=None, area=None, category=CHARGING, orgs=None, **kwargs):
    if complaint is None:
        complaint = ComplaintFactory(
            organisations=orgs or [home], service_area=area, category=seeded(category)
        )
    return DecisionFactory(complaint=complaint, decision_date=day, **kwargs)


def test_a_reopened_complaint_upheld_again_is_a_repeat(home, area):
    first = _upheld(home, date(2023, 11, 1), area=area)
    again = _upheld(home, date(2024, 6, 1), complaint=first.complaint)
    # Upheld then not upheld on review: no repeat.
    once = _upheld(home, date(2024, 5, 1), area=area, category=PLANS)
    _upheld(home, date(2024, 7, 1), complaint=once.complaint, outcome="not_upheld")

    found = repeat_faults(start=START, end=END)
    assert [(r.decision.pk, r.earlier.pk, r.reopened) for r in found.upheld_again] == [
        (again.pk, first.pk, True)
    ]
    # The period is the later decision's: the year before has none.
    assert not repeat_faults(start=date(2023, 4, 1), end=date(2024, 3, 31)).upheld_again


def test_a_related_complaint_upheld_after_an_earlier_upheld_one_is_a_repeat(home, area):
    earlier = _upheld(home, date(2022, 5, 1), area=area)
    later = _upheld(home, date(2024, 9, 1), area=area, category=PLANS)
    later.complaint.related.add(earlier.complaint)
    unrelated_earlier = _upheld(home, date(2022, 6, 1), category=PLANS)
    found = repeat_faults(start=START, end=END)
    assert [(r.decision.pk, r.earlier.pk, r.reopened) for r in found.upheld_again] == [
        (later.pk, earlier.pk, False)
    ]
    assert unrelated_earlier.pk not in {r.earlier.pk for r in found.upheld_again}


def test_a_service_area_upheld_twice_in_one_category_within_24_months(home, area):
    other_area = ServiceAreaFactory(directorate="Adult Social Care", service="Direct payments")
    a = _upheld(home, date(2023, 1, 10), area=area)
    b = _upheld(home, date(2025, 1, 9), area=area)  # 23 months and 30 days later
    _upheld(home, date(2022, 12, 1), area=area)  # over 24 months before b
    _upheld(home, date(2024, 8, 1), area=area, category=PLANS)  # another category
    _upheld(home, date(2024, 8, 1), area=other_area)  # another service area
    _upheld(home, date(2024, 8, 2), area=area, outcome=Decision.Outcome.NOT_UPHELD)
    elsewhere = OrganisationFactory(name="Another Council")
    _upheld(home, date(2024, 8, 3), area=area, orgs=[elsewhere])  # not about the council

    found = repeat_faults(start=START, end=END)
    assert len(found.in_service_areas) == 1
    repeat = found.in_service_areas[0]
    assert repeat.service_area == "Adult Social Care: Charging"
    assert repeat.category == CHARGING
    assert [d.pk for d in repeat.decisions] == [a.pk, b.pk]
    assert repeat.complaints == 2


def test_one_complaint_decided_twice_is_not_a_service_area_repeat(home, area):
    first = _upheld(home, date(2024, 5, 1), area=area)
    _upheld(home, date(2024, 9, 1), complaint=first.complaint)
    found = repeat_faults(start=START, end=END)
    assert found.in_service_areas == [] and len(found.upheld_again) == 1


def test_repeat_faults_cost_the_same_few_queries_however_many(
    home, area, django_assert_max_num_queries
):
    def load(n):
        for i in range(n):
            first = _upheld(home, date(2024, 4, 2 + i), area=area)
            _upheld(home, date(2024, 10, 2 + i), complaint=first.complaint)

    load(2)
    with django_assert_max_num_queries(4):
        few = repeat_faults(start=START, end=END)
    load(10)
    with django_assert_max_num_queries(4):
        many = repeat_faults(start=START, end=END)
    assert (len(few.upheld_again), len(many.upheld_again)) == (2, 12)
    assert len(many.in_service_areas[0].decisions) == 24


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_dashboard_flags_repeat_faults_with_links(client, manager, home, area):
    first = _upheld(home, date(2024, 1, 15), area=area)
    again = _upheld(home, date(2025, 2, 3), complaint=first.complaint)
    other = _upheld(home, date(2024, 11, 20), area=area)
    _upheld(home, date(2022, 1, 5), area=area, category=PLANS)  # too old to show
    client.force_login(manager)
    response = client.get("/dashboard/")
    html = response.content.decode()
    text = _text(html)
    assert "Repeat faults" in text
    ref = first.complaint.reference
    assert (
        f"{ref} upheld again on 3 February 2025, after the Ombudsman re-opened it "
        "(upheld 15 January 2024)" in text
    )
    assert f'href="/decisions/{again.pk}/"' in html
    assert (
        "Adult Social Care: Charging: 2 complaints upheld in “Adult care services > Charging” "
        "within 24 months" in text
    )
    assert f'href="/decisions/{other.pk}/"' in html


def test_a_dashboard_without_repeats_says_so(client, manager, home, area):
    _upheld(home, date(2024, 11, 20), area=area)
    client.force_login(manager)
    assert "No repeat faults." in _text(client.get("/dashboard/").content.decode())


def test_the_annual_report_lists_repeat_faults_in_a_section_of_their_own(home, area):
    first = _upheld(home, date(2023, 11, 1), area=area)
    _upheld(home, date(2024, 6, 1), complaint=first.complaint)
    _upheld(home, date(2024, 12, 1), area=area)
    content = report_content(Scope(kind="annual", period_start=START, period_end=END), today=TODAY)
    section = next(s for s in content.sections if s.heading == "Repeat faults")
    assert section is content.sections[-1]
    text = _text(render_to_string(f"pdf/sections/{section.template}", {**section.__dict__}))
    ref = first.complaint.reference
    assert "One complaint was upheld again:" in text
    assert (
        f"{ref} (Adult Social Care: Charging), upheld again on 1 June 2024 after the "
        "Ombudsman re-opened the complaint it had upheld on 1 November 2023" in text
    )
    assert "The same fault was upheld more than once in one service:" in text
    assert "2 complaints upheld in the category “Adult care services > Charging”" in text
    # A year without any says so.
    quiet = report_content(
        Scope(kind="annual", period_start=date(2022, 4, 1), period_end=date(2023, 3, 31)),
        today=TODAY,
    )
    section = quiet.sections[-1]
    text = _text(render_to_string(f"pdf/sections/{section.template}", {**section.__dict__}))
    assert "There were no repeat faults in this period." in text


# The same repeats as the rules say, counted the plain way, on random data.


def _by_hand(start: date, end: date, visible: set[int] | None = None):
    """The repeat faults of ``start`` to ``end`` worked out from every decision in Python,
    as the module's docstring words them: (later, earlier) pairs of the upheld again, and
    (service area, category, decisions) of the same fault in a service area."""
    home = Organisation.objects.get(is_home_authority=True)
    every = list(
        Decision.objects.select_related("complaint").prefetch_related(
            "complaint__organisations", "complaint__related"
        )
    )

    def about(d):
        return home in d.complaint.organisations.all()

    def key(d):
        return (d.decision_date, d.pk)

    upheld = [d for d in every if d.outcome == Decision.Outcome.UPHELD]
    later = sorted(
        (d for d in upheld if about(d) and start <= d.decision_date <= end
         and (visible is None or d.pk in visible)),
        key=key,
    )  # fmt: skip
    again = []
    for d in later:
        cases = {d.complaint_id} | {c.pk for c in d.complaint.related.all()}
        before = [e for e in upheld if e.complaint_id in cases and key(e) < key(d)]
        if before:
            again.append((d.pk, max(before, key=key).pk))
    window = [
        d for d in upheld
        if about(d) and (visible is None or d.pk in visible)
        and d.complaint.service_area_id and d.complaint.category_id
        and start - relativedelta(months=24) <= d.decision_date <= end
    ]  # fmt: skip
    groups: dict[tuple, set[int]] = {}
    for d in window:
        if not start <= d.decision_date <= end:
            continue
        since = d.decision_date - relativedelta(months=24)
        partners = {
            p.pk
            for p in window
            if (p.complaint.service_area_id, p.complaint.category_id)
            == (d.complaint.service_area_id, d.complaint.category_id)
            and p.complaint_id != d.complaint_id
            and since <= p.decision_date
            and key(p) < key(d)
        }
        if partners:
            group = (d.complaint.service_area_id, d.complaint.category_id)
            groups.setdefault(group, set()).update(partners | {d.pk})
    by_pk = {d.pk: d for d in every}
    areas = sorted(
        (
            str(by_pk[min(pks)].complaint.service_area),
            str(by_pk[min(pks)].complaint.category),
            [pk for pk in sorted(pks, key=lambda pk: key(by_pk[pk]))],
        )
        for pks in groups.values()
    )
    return again, areas


def _assert_latest_are_the_full_lists(start, end, decisions=None):
    """The dashboard's latest repeat faults are the newest of the full lists, the same."""
    found = repeat_faults(start=start, end=end, decisions=decisions)
    newest = sorted(
        found.in_service_areas,
        key=lambda r: (r.decisions[-1].decided, r.decisions[-1].pk),
        reverse=True,
    )
    for shown in (1, 2, 5, 100):
        latest = latest_repeat_faults(start=start, end=end, shown=shown, decisions=decisions)
        assert latest.upheld_again == found.upheld_again[::-1][:shown]
        assert latest.in_service_areas == newest[:shown]
        assert latest.count == found.count


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_repeat_faults_are_those_the_rules_give_on_random_data(home, seed):
    rng = random.Random(seed)  # noqa: S311 - test data
    other = OrganisationFactory(name="Another Council")
    areas = [
        ServiceAreaFactory(directorate="Adult Social Care", service=f"Team {n}") for n in range(3)
    ]
    categories = [seeded(CHARGING), seeded(PLANS), None]
    complaints = [
        ComplaintFactory(
            organisations=[home] if rng.random() < 0.8 else [other, home][: rng.randint(1, 2)],
            service_area=rng.choice([*areas, None]),
            category=rng.choice(categories),
        )
        for _ in range(40)
    ]
    for complaint in complaints:
        if rng.random() < 0.2:
            complaint.related.add(rng.choice(complaints))
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            DecisionFactory(
                complaint=complaint,
                decision_date=date(2021, 1, 1) + timedelta(days=rng.randrange(1600)),
                outcome=rng.choice(["upheld", "upheld", "not_upheld"]),
            )
    # Two on one day, and one exactly 24 calendar months (from a 29 February) before another.
    DecisionFactory(complaint=complaints[0], decision_date=date(2024, 2, 29))
    DecisionFactory(complaint=complaints[0], decision_date=date(2024, 2, 29))
    DecisionFactory(
        complaint=ComplaintFactory(
            organisations=[home],
            service_area=complaints[0].service_area,
            category=complaints[0].category,
        ),
        decision_date=date(2022, 2, 28),
    )
    for start, end in [(START, END), (date(2023, 6, 1), date(2025, 5, 31))]:
        found = repeat_faults(start=start, end=end)
        again, areas_found = _by_hand(start, end)
        assert [(r.decision.pk, r.earlier.pk) for r in found.upheld_again] == again
        assert [
            (r.service_area, r.category, [d.pk for d in r.decisions])
            for r in found.in_service_areas
        ] == areas_found
        assert found.count == len(again) + len(areas_found)
        _assert_latest_are_the_full_lists(start, end)

    # Among the decisions a person may see (those of one service area).
    mine = Decision.objects.filter(complaint__service_area=areas[0])
    found = repeat_faults(start=START, end=END, decisions=mine)
    again, areas_found = _by_hand(START, END, visible=set(mine.values_list("pk", flat=True)))
    assert [(r.decision.pk, r.earlier.pk) for r in found.upheld_again] == again
    assert [
        (r.service_area, r.category, [d.pk for d in r.decisions]) for r in found.in_service_areas
    ] == areas_found
    _assert_latest_are_the_full_lists(START, END, mine)


def _page_repeats(client, query="") -> tuple[str, str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/dashboard/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('<section id="repeat-faults"') :]
    section = section[: section.index("</section>")]
    return section, _text(section), len(ctx.captured_queries)


def test_the_dashboard_flags_the_latest_repeats_and_links_to_them_all(client, manager, home):
    areas = [ServiceAreaFactory(directorate="Adults", service=f"Team {n}") for n in range(3)]
    kinds = list(Category.objects.filter(parent__isnull=False).order_by("pk")[:4])
    client.force_login(manager)
    client.get("/dashboard/")

    def load(numbers):
        """For each number: a complaint upheld again (of no category), and a repeat in
        a service area and category of its own, of two decisions each, a week apart."""
        for i in numbers:
            day = date(2024, 9, 2) + timedelta(weeks=i)
            again = ComplaintFactory(organisations=[home], service_area=areas[0], category=None)
            DecisionFactory(complaint=again, decision_date=day - timedelta(days=30))
            DecisionFactory(complaint=again, decision_date=day)
            area, kind = areas[i % 3], str(kinds[i // 3])
            _upheld(home, day - timedelta(days=60), area=area, category=kind)
            _upheld(home, day - timedelta(days=1), area=area, category=kind)

    load(range(2))
    _, text, few_queries = _page_repeats(client)
    assert "Show all" not in text
    load(range(2, 11))
    # The last service area and category: seven decisions on seven complaints, the newest.
    crowded = [_upheld(home, date(2025, 4, 1) + timedelta(days=i), area=areas[2],
                       category=str(kinds[3])) for i in range(7)]  # fmt: skip
    section, text, many_queries = _page_repeats(client)
    assert many_queries == few_queries

    found = repeat_faults(start=date(2023, 6, 3), end=TODAY)
    assert (len(found.upheld_again), len(found.in_service_areas)) == (11, 12)
    # The ten latest of each kind, newest first, with the way to see them all.
    again_list = re.search(r'id="upheld-again".*?</ul>', section, re.S)[0]
    shown = [int(pk) for pk in re.findall(r'href="/decisions/(\d+)/"', again_list)]
    assert shown == [r.decision.pk for r in found.upheld_again[::-1][:10]]
    assert "The 10 most recent of each kind, newest first." in text
    assert "Show all 23 repeat faults (3 more)" in text
    # The crowded one first (the newest), with its five latest decisions.
    first_line = re.search(r'id="area-repeats">\s*<li>(.*?)</li>', section, re.S)[1]
    assert _text(first_line).startswith(
        f"Adults: Team 2: 7 complaints upheld in “{kinds[3]}” within 24 months: "
        "2 earlier decisions and "
    )
    assert re.findall(r'href="/decisions/(\d+)/"', first_line) == [str(d.pk) for d in crowded[2:]]
    assert section.count("<li>") == 20

    # All of them: the full list, as repeat_faults gives it, and the way back.
    section, text, all_queries = _page_repeats(client, "?repeats=all")
    assert all_queries == many_queries
    assert section.count("<li>") == 23
    links = [int(pk) for pk in re.findall(r'href="/decisions/(\d+)/"', section)]
    expected = []
    for r in found.upheld_again:
        expected += [r.decision.pk] + ([] if r.reopened else [r.earlier.pk])
    for r in found.in_service_areas:
        expected += [d.pk for d in r.decisions]
    assert links == expected
    assert "Show only the most recent repeat faults" in text
    assert 'href="?#repeat-faults"' in section
