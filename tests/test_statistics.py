"""Annual statistics: the figures of the Ombudsman's annual review letter, computed its way,
next to the averages for similar authorities, in a fixed number of queries."""

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions import statistics
from decisions.models import (
    AnnualLetter,
    ComparisonAverage,
    Complaint,
    Decision,
    Enquiry,
    Organisation,
)
from decisions.statistics import (
    InvalidYear,
    annual_statistics,
    format_figure,
    offered_years,
    parse_year,
    per_100k,
    percent,
    selectable_years,
    worst_outcome,
)
from ombudsman.timing import ombudsman_year_of
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)

URL = "/statistics/"


@pytest.fixture
def home(db):
    return OrganisationFactory(
        name="Cambridgeshire County Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=700_000,
        is_home_authority=True,
    )


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _decision(orgs, day, outcome=Decision.Outcome.UPHELD, **kwargs):
    orgs = orgs if isinstance(orgs, list) else [orgs]
    complaint_fields = {
        k: kwargs.pop(k) for k in ("service_area", "category") if k in kwargs
    }  # fmt: skip
    complaint = ComplaintFactory(organisations=orgs, **complaint_fields)
    return DecisionFactory(complaint=complaint, decision_date=day, outcome=outcome, **kwargs)


def _complied(decision, *, late=False, evidence_on=None, **kwargs):
    """A done action with the Ombudsman's compliance outcome recorded."""
    due = decision.decision_date + timedelta(days=30)
    done = due + timedelta(days=10) if late else due - timedelta(days=5)
    fields = {
        "due_date": due,
        "status": AgreedAction.Status.DONE,
        "completed_on": done,
        "evidence_sent_on": evidence_on or done,
        "compliance_outcome": "complied_late" if late else "complied",
    }
    return AgreedActionFactory(decision=decision, **{**fields, **kwargs})


def _cells(page: str, row_id: str) -> list[str]:
    """The text of each cell of the table row with this id, as a reader sees it."""
    match = re.search(rf'<tr[^>]*id="{row_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


# --- 1. The 2023-24 letter, reproduced -----------------------------------------------------


def _load_the_2023_24_letter(home):
    """30 investigations (21 upheld, 9 not), 18 compliance outcomes all complied (5 late),
    2 satisfactory remedies, enquiries answered late in a third of cases, and decisions
    that must not count."""
    trust = OrganisationFactory(name="North Trust", kind=Organisation.Kind.NHS_TRUST)
    days = [date(2023, 4, 1) + timedelta(days=12 * i) for i in range(29)] + [date(2024, 3, 31)]
    decisions = []
    for i, day in enumerate(days):
        upheld = i < 21
        decisions.append(
            _decision(
                # One joint investigation with an NHS trust: counted once for the council.
                [home, trust] if i == 5 else home,
                day,
                Decision.Outcome.UPHELD if upheld else Decision.Outcome.NOT_UPHELD,
                satisfactory_remedy=i < 2,
            )
        )
    for i in range(2, 20):  # 18 upheld decisions with a compliance outcome, 5 of them late
        _complied(decisions[i], late=i < 7)
    # A second action on one decision, complied: the decision still counts once.
    _complied(decisions[3])
    # Enquiries: 3 of 9 answered late.
    for i in range(9):
        Enquiry.objects.create(
            complaint=decisions[i].complaint,
            kind=Enquiry.Kind.INITIAL,
            sent_on=date(2023, 5, 1),
            due_on=date(2023, 5, 29),
            answered_on=date(2023, 6, 5) if i < 3 else date(2023, 5, 20),
        )
    # Just outside the year, another council's decision, and an outcome that is not an
    # investigation: none of them is in the 2023-24 figures.
    before = _decision(home, date(2023, 3, 31))
    _complied(before, evidence_on=date(2023, 3, 31), completed_on=date(2023, 3, 31))
    after = _decision(home, date(2024, 4, 1))
    _complied(after)
    _decision(OrganisationFactory(name="Another County Council"), date(2023, 6, 1))
    _decision(home, date(2023, 9, 1), Decision.Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES)
    ComparisonAverage.objects.create(
        ombudsman_year=2023,
        authority_kind=Organisation.Kind.COUNTY,
        upheld_rate_percent=Decimal("85"),
        upheld_per_100k=Decimal("4.5"),
        compliance_rate_percent=Decimal("100"),
        satisfactory_remedy_percent=Decimal("7"),
    )


def test_the_2023_24_letter_figures_are_reproduced_next_to_the_county_averages(
    manager_client, home
):
    _load_the_2023_24_letter(home)

    response = manager_client.get(URL, {"year": "2023"})

    assert response.status_code == 200
    stats = response.context["stats"]
    f = stats.figures
    assert (f.year, f.label) == (2023, "2023-24")
    assert (f.investigations, f.upheld, f.upheld_rate) == (30, 21, 70)
    assert (f.upheld_per_100k, f.upheld_per_100k_display) == (Decimal("3.0"), "3")
    assert (f.compliance_outcomes, f.complied, f.complied_late, f.not_complied) == (18, 13, 5, 0)
    assert f.compliance_rate == 100
    assert (f.satisfactory_remedies, f.satisfactory_remedy_rate) == (2, 10)
    assert (f.enquiries_answered, f.enquiries_answered_late, f.enquiries_late_rate) == (9, 3, 33)
    assert (f.average_upheld_rate, f.average_upheld_per_100k) == ("85%", "4.5")
    assert (f.average_compliance_rate, f.average_satisfactory_remedy) == ("100%", "7%")
    # The decision of 31 March 2023 belongs to 2022-23, with its compliance outcome.
    previous = stats.trend[-2]
    assert (previous.label, previous.investigations, previous.compliance_outcomes) == (
        "2022-23",
        1,
        1,
    )

    page = response.content.decode()
    assert _cells(page, "figure-upheld-rate")[:3] == ["Complaints upheld", "70%", "85%"]
    assert _cells(page, "figure-upheld")[:2] == ["Upheld decisions", "21"]
    assert _cells(page, "figure-upheld-per-100k")[1:3] == ["3", "4.5"]
    assert _cells(page, "figure-investigations")[1] == "30"
    compliance = _cells(page, "figure-compliance-rate")
    assert compliance[1:3] == ["100%", "100%"]
    assert "18 compliance outcomes, 5 of them late" in compliance[3]
    assert _cells(page, "figure-satisfactory-remedy")[1:4] == [
        "10%",
        "7%",
        "2 of 21 upheld decisions",
    ]
    assert _cells(page, "figure-enquiries-late")[1] == "33%"
    wording = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "70% of complaints we investigated were upheld." in wording
    assert "This is 3 upheld decisions per 100,000 residents." in wording
    assert "The average for authorities of this type is 4.5 upheld decisions" in wording
    assert "Average for county councils" in wording
    assert "1 April 2023 to 31 March 2024" in wording


# --- 2. The pure arithmetic --------------------------------------------------------------


def test_rates_round_to_a_whole_percent_with_halves_up():
    assert percent(21, 30) == 70
    assert percent(2, 21) == 10  # 9.52%
    assert percent(18, 18) == 100
    assert percent(1, 3) == 33
    assert percent(1, 8) == 13  # 12.5%: half up, not to the even 12
    assert percent(5, 8) == 63  # 62.5%
    assert percent(0, 5) == 0
    assert percent(0, 0) is None  # nothing to divide by is no figure, not 0%


def test_per_100k_keeps_one_decimal_and_drops_a_trailing_zero():
    assert per_100k(21, 700_000) == Decimal("3.0")
    assert format_figure(per_100k(21, 700_000)) == "3"
    assert per_100k(21, 466_000) == Decimal("4.5")  # 4.506
    assert per_100k(1, 400_000) == Decimal("0.3")  # 0.25: half up
    assert per_100k(3, None) is None and per_100k(3, 0) is None
    assert format_figure(Decimal("4.50")) == "4.5"
    assert format_figure(Decimal("85.0")) == "85"
    assert format_figure(Decimal("100")) == "100"
    assert format_figure(Decimal("0.05")) == "0.1"
    assert format_figure(7) == "7"
    assert format_figure(None) == ""


def test_a_decisions_compliance_outcome_is_the_worst_of_its_actions():
    assert worst_outcome(["complied", "complied"]) == "complied"
    assert worst_outcome(["complied", "complied_late"]) == "complied_late"
    assert worst_outcome(["complied_late", "not_complied", "complied"]) == "not_complied"
    assert worst_outcome(["", "complied"]) == "complied"  # not yet recorded is ignored
    assert worst_outcome(["", ""]) == ""
    assert worst_outcome([]) == ""


def test_a_year_in_the_address_must_be_a_year_that_can_be_shown():
    assert parse_year("2023", latest=2025) == 2023
    assert parse_year(" 2025 ", latest=2025) == 2025
    for bad in ("abc", "2023-24", "23", "20233", "２０２３", "-2023", "2026", "1900"):
        with pytest.raises(InvalidYear):
            parse_year(bad, latest=2025)


def test_the_year_list_has_years_with_decisions_the_current_and_the_chosen_newest_first():
    assert selectable_years([2021, 2023], current=2025, chosen=2019) == [2025, 2023, 2021, 2019]
    assert selectable_years([], current=2025, chosen=2025) == [2025]


@pytest.mark.django_db
def test_the_database_places_dates_in_the_same_years_as_python(home):
    for day in (date(2023, 3, 31), date(2023, 4, 1), date(2024, 3, 31), date(2025, 1, 15)):
        _decision(home, day)
    current = ombudsman_year_of(timezone.localdate())
    assert offered_years(today=timezone.localdate()) == sorted({current, 2024, 2023, 2022})[::-1]


# --- 3. Breakdowns ---------------------------------------------------------------------


@pytest.mark.django_db
def test_breakdowns_by_service_area_category_and_outcome(home):
    care = ServiceAreaFactory(directorate="Adults", service="Care")
    fostering = ServiceAreaFactory(directorate="Children", service="Fostering")
    charging = category("Adult care services > Charging")
    adult_top = charging.parent
    admissions = category("Education > Admissions")
    day = date(2023, 10, 2)
    U, N = Decision.Outcome.UPHELD, Decision.Outcome.NOT_UPHELD
    _decision(home, day, U, service_area=care, category=charging)
    _decision(home, day, U, service_area=care, category=adult_top)
    _decision(home, day, N, service_area=care, category=charging)
    _decision(home, day, N, service_area=fostering, category=admissions)
    _decision(home, day, U)  # no service area or category recorded
    _decision(home, day, Decision.Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES, service_area=care)
    _decision(home, date(2023, 3, 31), U, service_area=fostering)  # the year before

    stats = annual_statistics(2023)

    by_area = [(r.label, r.investigations, r.upheld, r.upheld_rate) for r in stats.by_service_area]
    assert by_area == [
        ("Adults: Care", 3, 2, 67),
        ("Not recorded", 1, 1, 100),
        ("Children: Fostering", 1, 0, 0),
    ]
    by_category = [(r.label, r.investigations, r.upheld, r.upheld_rate) for r in stats.by_category]
    assert by_category == [
        ("Adult care services", 3, 2, 67),
        ("Not recorded", 1, 1, 100),
        ("Education", 1, 0, 0),
    ]
    by_outcome = {r.outcome: (r.decisions, r.is_investigation) for r in stats.by_outcome}
    assert by_outcome == {
        "upheld": (3, True),
        "not_upheld": (2, True),
        "closed_initial": (1, False),
        "referred_back": (0, False),
        "incomplete": (0, False),
        "advice": (0, False),
    }


@pytest.mark.django_db
def test_the_trend_has_a_row_per_year_for_five_years_and_charts_them(manager_client, home):
    for year, (upheld, not_upheld) in {2019: (1, 1), 2021: (3, 1), 2023: (1, 3)}.items():
        for i in range(upheld + not_upheld):
            decision = _decision(
                home,
                date(year, 6, 1),
                Decision.Outcome.UPHELD if i < upheld else Decision.Outcome.NOT_UPHELD,
            )
            if i < upheld:
                _complied(decision)

    response = manager_client.get(URL, {"year": "2023"})

    stats = response.context["stats"]
    assert [(f.label, f.investigations, f.upheld, f.upheld_rate) for f in stats.trend] == [
        ("2019-20", 2, 1, 50),
        ("2020-21", 0, 0, None),
        ("2021-22", 4, 3, 75),
        ("2022-23", 0, 0, None),
        ("2023-24", 4, 1, 25),
    ]
    rates, bars = response.context["charts"]
    # Years with nothing to divide by are gaps in the lines and say so, never 0%.
    assert rates.categories == ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    assert rates.rows == [
        ["2019-20", 50, 100], ["2020-21", None, None], ["2021-22", 75, 100],
        ["2022-23", None, None], ["2023-24", 25, 100],
    ]  # fmt: skip
    assert "2020-21: no upheld rate, no compliance rate" in rates.description
    assert rates.svg.count("<circle") == 6  # three years, two lines
    assert bars.rows[1] == ["2020-21", 0, 0]
    page = response.content.decode()
    assert _cells(page, "year-2021")[:4] == ["2021-22", "4", "3", "75%"]
    assert _cells(page, "year-2020")[3] == "–"
    assert page.count("<svg") == 2


def test_a_year_with_decisions_but_no_compliance_outcome_keeps_its_upheld_rate(
    manager_client, home
):
    _complied(_decision(home, date(2022, 6, 1)))
    _decision(home, date(2023, 6, 1))  # upheld; its remedies not yet assessed

    rates = manager_client.get(URL, {"year": "2023"}).context["charts"][0]
    assert rates.rows[-2:] == [["2022-23", 100, 100], ["2023-24", 100, None]]


def test_in_a_joint_decision_only_the_councils_own_remedies_count(home):
    trust = OrganisationFactory(name="South Trust", kind=Organisation.Kind.NHS_TRUST)
    provider = OrganisationFactory(name="Care Provider Ltd", kind=Organisation.Kind.PROVIDER)
    decision = _decision([home, trust, provider], date(2023, 6, 1))
    _complied(decision, organisation=home)
    _complied(decision, organisation=trust, late=True, compliance_outcome="not_complied")
    _complied(decision, organisation=provider, late=True)  # acting for the council

    f = annual_statistics(2023).figures
    # The trust's failure is the trust's; the provider's late remedy is the council's.
    assert (f.compliance_outcomes, f.complied_late, f.not_complied) == (1, 1, 0)
    assert (f.actions_completed, f.actions_completed_late) == (2, 1)


# --- 4. Late remedies, late answers and compliance outcomes, by the date in force ---------


@pytest.mark.django_db
def test_remedies_completed_late_are_judged_against_the_date_in_force(home):
    decision = _decision(home, date(2023, 5, 1))
    due = date(2023, 6, 1)
    done = AgreedAction.Status.DONE
    AgreedActionFactory(
        decision=decision, due_date=due, status=done, completed_on=date(2023, 6, 10)
    )
    AgreedActionFactory(  # extended: done before the new date, so on time
        decision=decision,
        due_date=due,
        extended_due_date=date(2023, 6, 30),
        status=done,
        completed_on=date(2023, 6, 10),
    )
    AgreedActionFactory(  # extended, and still late against the new date
        decision=decision,
        due_date=due,
        extended_due_date=date(2023, 6, 5),
        status=done,
        completed_on=date(2023, 6, 10),
    )
    AgreedActionFactory(decision=decision, due_date=due, status=done, completed_on=due)
    AgreedActionFactory(decision=decision, due_date=None, status=done, completed_on=due)
    AgreedActionFactory(decision=decision, due_date=due, status=done, completed_on=date(2024, 4, 2))
    AgreedActionFactory(decision=decision, due_date=due)  # overdue but not completed
    earlier = _decision(home, date(2023, 1, 10))
    AgreedActionFactory(
        decision=earlier, due_date=date(2023, 2, 1), status=done, completed_on=date(2023, 3, 31)
    )
    other = _decision(OrganisationFactory(name="Another Council"), date(2023, 5, 1))
    AgreedActionFactory(decision=other, due_date=due, status=done, completed_on=date(2023, 7, 1))

    trend = {f.year: f for f in annual_statistics(2023).trend}

    assert (trend[2023].actions_completed, trend[2023].actions_completed_late) == (5, 2)
    assert (trend[2022].actions_completed, trend[2022].actions_completed_late) == (1, 1)


@pytest.mark.django_db
def test_enquiries_answered_late_are_counted_in_the_year_answered(home):
    complaint = _decision(home, date(2023, 9, 1)).complaint

    def enquiry(complaint, due, answered):
        Enquiry.objects.create(
            complaint=complaint, kind=Enquiry.Kind.INITIAL, sent_on=date(2023, 4, 1),
            due_on=due, answered_on=answered,
        )  # fmt: skip

    enquiry(complaint, date(2023, 4, 15), date(2023, 4, 16))  # late
    enquiry(complaint, date(2023, 5, 1), date(2023, 5, 1))  # on the day: on time
    enquiry(complaint, None, date(2023, 6, 1))  # no due date: cannot be late
    enquiry(complaint, date(2024, 3, 20), date(2024, 4, 1))  # late, but in 2024-25
    enquiry(complaint, date(2023, 5, 1), None)  # not answered
    other = _decision(OrganisationFactory(name="Another Council"), date(2023, 9, 1)).complaint
    enquiry(other, date(2023, 4, 15), date(2023, 5, 16))

    f = annual_statistics(2023).figures

    assert (f.enquiries_answered, f.enquiries_answered_late, f.enquiries_late_rate) == (3, 1, 33)


@pytest.mark.django_db
def test_compliance_outcomes_take_the_worst_action_in_the_year_evidence_was_sent(home):
    done = AgreedAction.Status.DONE
    # Decided in 2022-23, evidence sent in 2023-24: a 2023-24 outcome.
    _complied(_decision(home, date(2023, 2, 1)), evidence_on=date(2023, 4, 5))
    # One action complied, one not: not complied, dated by the evidence of the first.
    mixed = _decision(home, date(2023, 5, 1))
    _complied(mixed, evidence_on=date(2023, 6, 1))
    AgreedActionFactory(
        decision=mixed, due_date=date(2023, 7, 1), compliance_outcome="not_complied"
    )
    # Complied late with no evidence date: dated by its completion.
    AgreedActionFactory(
        decision=_decision(home, date(2023, 5, 1)), due_date=date(2023, 6, 1), status=done,
        completed_on=date(2023, 8, 1), compliance_outcome="complied_late",
    )  # fmt: skip
    # Not complied and never done: dated by the date in force.
    AgreedActionFactory(
        decision=_decision(home, date(2023, 5, 1)), due_date=date(2023, 9, 1),
        compliance_outcome="not_complied",
    )  # fmt: skip
    # No outcome recorded yet: not a compliance outcome.
    AgreedActionFactory(decision=_decision(home, date(2023, 5, 1)), due_date=date(2023, 9, 1))
    # Evidence sent after the year: a 2024-25 outcome.
    _complied(_decision(home, date(2024, 3, 1)), evidence_on=date(2024, 4, 2))

    trend = {f.year: f for f in annual_statistics(2023).trend}

    f = trend[2023]
    assert (f.compliance_outcomes, f.complied, f.complied_late, f.not_complied) == (4, 1, 1, 2)
    assert f.compliance_rate == 50
    assert trend[2022].compliance_outcomes == 0


# --- 5. A fixed number of queries ------------------------------------------------------


def _bulk_load(home, count: int, start: int):
    """``count`` decisions about the home authority over five years, with actions,
    enquiries, service areas and categories, written in bulk."""
    areas = [ServiceAreaFactory(directorate="Adults", service=f"Area {i}") for i in range(3)]
    categories = [category("Adult care services > Charging"), category("Education > Admissions")]
    outcomes = [
        Decision.Outcome.UPHELD,
        Decision.Outcome.NOT_UPHELD,
        Decision.Outcome.UPHELD,
        Decision.Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES,
    ]
    complaints = Complaint.objects.bulk_create(
        Complaint(
            reference=f"19 {(start + i) // 1000:03d} {(start + i) % 1000:03d}",
            service_area=areas[i % 3],
            category=categories[i % 2],
        )
        for i in range(count)
    )
    Complaint.organisations.through.objects.bulk_create(
        Complaint.organisations.through(complaint=c, organisation=home) for c in complaints
    )
    decisions = Decision.objects.bulk_create(
        Decision(
            complaint=c,
            decision_date=date(2019, 4, 1) + timedelta(days=((start + i) * 183) % 1826),
            outcome=outcomes[i % 4],
            satisfactory_remedy=i % 8 == 0,
        )
        for i, c in enumerate(complaints)
    )
    AgreedAction.objects.bulk_create(
        AgreedAction(
            decision=d,
            decision_date=d.decision_date,
            kind=AgreedAction.Kind.APOLOGY,
            organisation=home,
            due_date=d.decision_date + timedelta(days=30),
            status=AgreedAction.Status.DONE,
            completed_on=d.decision_date + timedelta(days=20 + i % 20),
            evidence_sent_on=d.decision_date + timedelta(days=40),
            compliance_outcome="complied_late" if i % 20 > 10 else "complied",
        )
        for i, d in enumerate(decisions)
        if d.outcome == Decision.Outcome.UPHELD
    )
    Enquiry.objects.bulk_create(
        Enquiry(
            complaint=d.complaint,
            kind=Enquiry.Kind.INITIAL,
            sent_on=d.decision_date - timedelta(days=60),
            due_on=d.decision_date - timedelta(days=32),
            answered_on=d.decision_date - timedelta(days=30 + i % 5),
        )
        for i, d in enumerate(decisions)
    )


def _queries_for_the_page(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"year": "2023"})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context["stats"].figures.investigations


def test_the_page_runs_the_same_queries_for_10_and_2000_decisions(manager_client, home):
    ComparisonAverage.objects.create(
        ombudsman_year=2023, authority_kind="county", upheld_rate_percent=Decimal("70")
    )
    # A letter whose figures differ, so the page lists the decisions that may explain it.
    AnnualLetter.objects.create(
        ombudsman_year=2023, investigations=3000, upheld=2000, upheld_per_100k=Decimal("300"),
        compliance_outcomes=1000, compliance_rate_percent=Decimal("99"), satisfactory_remedies=0,
    )  # fmt: skip
    _bulk_load(home, 10, start=0)
    few, few_investigations = _queries_for_the_page(manager_client)
    _bulk_load(home, 1990, start=10)
    many, many_investigations = _queries_for_the_page(manager_client)

    assert many_investigations > few_investigations > 0
    assert few == many
    # Session and user, the user's two permission lookups, the statistics' own ten, the
    # annual review letter and the four reads of the decisions that may explain its
    # differences, then the session saved again for its sliding idle expiry (savepoint,
    # update, release).
    assert many <= 22


# --- 6. Access and a year that cannot be shown -------------------------------------------


def test_a_user_without_view_decision_gets_403_and_anonymous_users_sign_in(client, home):
    assert "/login/" in client.get(URL)["Location"]
    client.force_login(UserFactory(username="nobody"))
    assert client.get(URL).status_code == 403


def test_statistics_is_in_the_navigation_after_decisions(manager_client, home):
    page = manager_client.get(URL).content.decode()
    assert page.index('href="/decisions/"') < page.index('href="/statistics/"')
    assert 'aria-current="page">Statistics<' in page


@pytest.mark.parametrize("bad", ["abc", "2023-24", "1800", "2999"])
def test_a_year_that_cannot_be_shown_is_an_error_not_another_year(manager_client, home, bad):
    _decision(home, date(2023, 6, 1))

    response = manager_client.get(URL, {"year": bad})

    assert response.status_code == 400
    assert response.context["stats"] is None
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose an Ombudsman year" in page
    assert "<title>Error: " in page
    assert 'id="headline-figures"' not in page
    assert 'value="2023"' in page  # the list still offers the years to choose from


def test_without_a_year_the_page_shows_the_current_ombudsman_year(manager_client, home):
    response = manager_client.get(URL)
    current = ombudsman_year_of(timezone.localdate())
    assert response.context["stats"].year == current
    assert f'<option value="{current}" selected>' in response.content.decode()


# --- 7. No home authority ------------------------------------------------------------------


def test_without_a_home_authority_the_page_says_so_and_how_to_set_one(client, manager, db):
    OrganisationFactory(name="Some Council", kind=Organisation.Kind.DISTRICT)
    _decision(Organisation.objects.get(name="Some Council"), date(2023, 6, 1))
    client.force_login(manager)

    page = client.get(URL, {"year": "2023"}).content.decode()

    assert "No home authority is set" in page
    assert "Is home authority" in page
    assert 'id="headline-figures"' not in page
    assert "/admin/decisions/organisation/" not in page  # only staff get the admin link
    manager.is_staff = True
    manager.save()
    client.force_login(manager)  # staff give a second factor: signed in again with it
    assert "/admin/decisions/organisation/" in client.get(URL).content.decode()


def test_missing_averages_and_population_are_said_plainly(manager_client, home):
    home.population = None
    home.save()
    _decision(home, date(2023, 6, 1))

    page = manager_client.get(URL, {"year": "2023"}).content.decode()

    assert _cells(page, "figure-upheld-rate")[1:3] == ["100%", "Not entered"]
    assert _cells(page, "figure-upheld-per-100k")[1] == "Population not recorded"
    assert "No averages for county councils have been entered for 2023-24" in page


# --- The averages in the admin -----------------------------------------------------------


@pytest.mark.django_db
def test_one_set_of_averages_per_year_and_kind_of_authority():
    ComparisonAverage.objects.create(ombudsman_year=2023, authority_kind="county")
    ComparisonAverage.objects.create(ombudsman_year=2023, authority_kind="district")
    with pytest.raises(IntegrityError), transaction.atomic():
        ComparisonAverage.objects.create(ombudsman_year=2023, authority_kind="county")
    with pytest.raises(IntegrityError), transaction.atomic():
        ComparisonAverage.objects.create(
            ombudsman_year=2022, authority_kind="county", upheld_rate_percent=Decimal("101")
        )
    assert str(ComparisonAverage.objects.get(authority_kind="district")) == (
        "District council averages, 2023-24"
    )


def test_averages_are_kept_in_the_admin_with_search_filters_and_history(client, db):
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        "/admin/decisions/comparisonaverage/add/",
        {
            "ombudsman_year": "2023",
            "authority_kind": "county",
            "upheld_rate_percent": "85",
            "upheld_per_100k": "4.5",
            "compliance_rate_percent": "100",
            "satisfactory_remedy_percent": "7",
        },
    )
    assert response.status_code == 302
    average = ComparisonAverage.objects.get()
    assert average.upheld_per_100k == Decimal("4.5")
    assert average.history.count() == 1
    listing = client.get(
        "/admin/decisions/comparisonaverage/", {"q": "2023", "authority_kind": "county"}
    )
    assert listing.status_code == 200
    assert "2023-24" in listing.content.decode()
    assert client.get("/admin/decisions/comparisonaverage/", {"q": "county"}).status_code == 200
    assert statistics.home_authority() is None
