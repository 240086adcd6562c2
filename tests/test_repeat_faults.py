"""Repeat faults: a complaint upheld again (re-opened, or a related complaint), and a
service area upheld on two or more complaints in the same category within 24 months; on
the dashboard and in the annual committee report, in a fixed number of queries."""

import re
from datetime import date
from html import unescape

import pytest
import time_machine
from django.template.loader import render_to_string

from decisions.models import Decision, Organisation
from decisions.reports.content import Scope, report_content
from decisions.statistics.repeats import repeat_faults

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
