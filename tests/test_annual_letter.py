"""The Ombudsman's annual review letter: entered by a manager on a question page, checked,
saved once a year, and set beside the product's figures on the statistics page with each
difference said in words and the decisions that may explain it listed and linked."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
import time_machine

from decisions.models import AnnualLetter, ComparisonAverage, Decision, Organisation
from decisions.statistics import YearFigures
from decisions.statistics.explanations import letter_explanations
from decisions.statistics.letter import letter_comparison
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2024, 9, 2)  # in 2024-25: the 2023-24 letter has come

# The figures of Cambridgeshire's letter for 2023-24 as a manager types them.
LETTER = {
    "investigations": "30",
    "upheld": "21",
    "upheld_per_100k": "3",
    "compliance_outcomes": "18",
    "compliance_rate_percent": "100",
    "satisfactory_remedies": "2",
    "average_upheld_rate": "85",
    "average_upheld_per_100k": "4.5",
    "average_compliance_rate": "100",
    "average_satisfactory_remedy": "7",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def home(db):
    return OrganisationFactory(
        name="Fenland County Council",
        kind=Organisation.Kind.COUNTY,
        population=678_849,
        is_home_authority=True,
    )


@pytest.fixture
def manager_client(client, manager, home):
    client.force_login(manager)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def _enter(client, data, year=2023):
    return client.post(f"/statistics/letter/{year}/", data)


# --- The question page and check answers -----------------------------------------------


def test_a_manager_enters_checks_and_saves_the_letter(manager_client, manager, home):
    response = _enter(manager_client, LETTER)
    assert response.status_code == 302
    assert response["Location"] == "/statistics/letter/2023/check/"
    assert not AnnualLetter.objects.exists()  # nothing is saved before the check page

    check = manager_client.get("/statistics/letter/2023/check/")
    text = _text(check)
    assert "Check the letter's figures" in text
    assert "Detailed investigations 30 Change" in text
    assert "Compliance rate (%) 100% Change" in text
    assert "Average upheld decisions per 100,000 residents 4.5 Change" in text
    # The averages under their own heading, naming the council's comparison group.
    assert text.index("The council's figures") < text.index("Detailed investigations 30")
    assert text.index("Averages for county councils") < text.index("Average upheld rate")
    assert 'href="/statistics/letter/2023/#id_upheld"' in check.content.decode()

    saved = manager_client.post("/statistics/letter/2023/check/", LETTER)
    assert saved.status_code == 302
    assert saved["Location"] == "/statistics/?year=2023#annual-letter"
    letter = AnnualLetter.objects.get()
    assert (letter.ombudsman_year, letter.investigations, letter.upheld) == (2023, 30, 21)
    assert letter.upheld_per_100k == Decimal("3.0")
    assert letter.compliance_rate_percent == Decimal("100.0")
    assert letter.satisfactory_remedies == 2
    assert letter.entered_by == manager
    average = ComparisonAverage.objects.get(ombudsman_year=2023, authority_kind="county")
    assert average.upheld_rate_percent == Decimal("85")
    assert average.upheld_per_100k == Decimal("4.5")
    assert average.satisfactory_remedy_percent == Decimal("7")
    # The check page's values are gone from the session once saved.
    assert manager_client.get("/statistics/letter/2023/check/")["Location"] == (
        "/statistics/letter/2023/"
    )


def test_change_comes_back_with_the_values_typed(manager_client):
    _enter(manager_client, {**LETTER, "upheld": "20"})
    page = manager_client.get("/statistics/letter/2023/")
    assert 'value="20"' in page.content.decode()


def test_changing_a_saved_letter_replaces_it(manager_client):
    manager_client.post("/statistics/letter/2023/check/", LETTER)
    page = manager_client.get("/statistics/letter/2023/")
    html = page.content.decode()
    assert "already recorded" in _text(page)
    # The saved figures, as the letter prints them (3, not 3.0).
    assert 'name="upheld_per_100k" value="3"' in html
    assert 'name="average_upheld_per_100k" value="4.5"' in html
    manager_client.post("/statistics/letter/2023/check/", {**LETTER, "upheld": "22"})
    assert AnnualLetter.objects.get().upheld == 22  # one letter a year
    assert ComparisonAverage.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"investigations": ""}, "investigations", "Enter the number of detailed investigations"),
        (
            {"investigations": "thirty"},
            "investigations",
            "The number of detailed investigations must be a whole number, like 30",
        ),
        (
            {"upheld": "31"},
            "upheld",
            "The upheld decisions cannot be more than the 30 detailed investigations",
        ),
        (
            {"upheld_per_100k": "3.25"},
            "upheld_per_100k",
            "The upheld decisions per 100,000 residents can have one decimal place at most",
        ),
        ({"compliance_rate_percent": ""}, "compliance_rate_percent", "Enter the compliance rate"),
        (
            {"compliance_outcomes": "0"},
            "compliance_rate_percent",
            "Leave the compliance rate empty: the letter has no compliance outcomes",
        ),
        (
            {"compliance_rate_percent": "101"},
            "compliance_rate_percent",
            "The compliance rate must be 100% or less",
        ),
        (
            {"satisfactory_remedies": "22"},
            "satisfactory_remedies",
            "The satisfactory remedy decisions cannot be more than the 21 upheld decisions",
        ),
        (
            {"average_upheld_rate": "-1"},
            "average_upheld_rate",
            "The average upheld rate must be 0 or more",
        ),
    ],
)
def test_a_mistake_is_named_next_to_its_field_and_nothing_is_kept(
    manager_client, change, field, message
):
    response = _enter(manager_client, {**LETTER, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert f'id="id_{field}-error"' in html
    assert message in _text(response)
    assert "annual_letter_2023" not in manager_client.session
    assert not AnnualLetter.objects.exists()


def test_a_forged_check_page_post_is_refused_with_the_form_and_saves_nothing(manager_client):
    response = manager_client.post(
        "/statistics/letter/2023/check/", {**LETTER, "satisfactory_remedies": "99"}
    )
    assert response.status_code == 400
    assert "cannot be more than the 21 upheld decisions" in _text(response)
    assert not AnnualLetter.objects.exists()


def test_a_council_the_ombudsman_does_not_compare_has_no_averages_to_enter(client, manager):
    OrganisationFactory(name="A Trust", kind=Organisation.Kind.NHS_TRUST, is_home_authority=True)
    client.force_login(manager)
    page = client.get("/statistics/letter/2023/")
    assert "average_upheld_rate" not in page.content.decode()
    client.post("/statistics/letter/2023/", LETTER)
    check = client.get("/statistics/letter/2023/check/")
    assert "Detailed investigations 30 Change" in _text(check)
    assert "Averages for" not in _text(check)
    client.post("/statistics/letter/2023/check/", LETTER)
    assert AnnualLetter.objects.exists() and not ComparisonAverage.objects.exists()


@pytest.mark.parametrize("year", [2024, 2025, 1973])
def test_a_year_not_yet_over_has_no_letter_to_enter(manager_client, year):
    assert manager_client.get(f"/statistics/letter/{year}/").status_code == 404


def test_only_managers_monitoring_officers_and_administrators_enter_it(client, home, officer):
    client.force_login(officer)
    assert client.get("/statistics/letter/2023/").status_code == 403
    page = client.get("/statistics/?year=2023")
    assert "Enter the annual letter's figures" not in _text(page)
    for role in ("Managers", "Monitoring officers"):
        client.force_login(UserFactory(role=role))
        assert client.get("/statistics/letter/2023/").status_code == 200
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/statistics/letter/2023/").status_code == 200


# --- The statistics page ----------------------------------------------------------------


def test_the_statistics_page_links_to_entering_then_changing_the_letter(manager_client):
    page = _text(manager_client.get("/statistics/?year=2023"))
    assert "Enter the annual letter's figures" in page
    # The year still running: its letter has not come.
    assert "comes after the year ends on 31 March 2025" in _text(
        manager_client.get("/statistics/?year=2024")
    )
    manager_client.post("/statistics/letter/2023/check/", LETTER)
    page = _text(manager_client.get("/statistics/?year=2023"))
    assert "Enter the annual letter's figures" not in page
    assert "Change the annual letter's figures for 2023-24" in page


def test_the_statistics_page_marks_each_difference_in_words(manager_client, home):
    other = OrganisationFactory(name="Fenland NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    # 2 investigations, 1 upheld with one action complied; one of them joint.
    upheld = DecisionFactory(
        complaint=ComplaintFactory(organisations=[home, other]),
        decision_date=date(2023, 6, 1),
    )
    AgreedActionFactory(
        decision=upheld, organisation=home, compliance_outcome="complied", status="done",
        completed_on=date(2023, 7, 1), evidence_sent_on=date(2023, 7, 2),
    )  # fmt: skip
    DecisionFactory(
        complaint=ComplaintFactory(organisations=[home]),
        decision_date=date(2023, 6, 2),
        outcome=Decision.Outcome.NOT_UPHELD,
    )
    manager_client.post(
        "/statistics/letter/2023/check/",
        {**LETTER, "investigations": "2", "upheld": "1", "satisfactory_remedies": "0",
         "compliance_outcomes": "1", "upheld_per_100k": "0.1"},
    )  # fmt: skip
    response = manager_client.get("/statistics/?year=2023")
    text = _text(response)
    assert "Every figure of the letter agrees with the product's." in text
    assert "Detailed investigations 2 2 Agrees" in text

    manager_client.post("/statistics/letter/2023/check/", LETTER)
    text = _text(manager_client.get("/statistics/?year=2023"))
    assert "7 of the letter's 8 figures differ from the product's" in text
    assert (
        "Detailed investigations 30 2 Differs 28 investigations fewer here than in the letter"
        in text
    )
    assert "Upheld decisions 21 1 Differs 20 upheld decisions fewer here" in text
    assert "Upheld rate 70% 50% Differs 20 percentage points lower here than in the letter" in text
    assert "Upheld decisions per 100,000 residents 3 0.1 Differs 3 fewer per 100,000" in text
    assert "Compliance rate 100% 100% Agrees" in text
    assert "Satisfactory remedy rate 10% 0% Differs 10 percentage points lower" in text
    # The joint decision is listed, linked, under the explanations of the upheld figures.
    assert "Joint decisions" in text
    assert f'href="/decisions/{upheld.pk}/"' in response_html(manager_client)
    assert "Also about Fenland NHS Trust" in text


def response_html(client) -> str:
    return client.get("/statistics/?year=2023").content.decode()


# --- The comparison, worked out -------------------------------------------------------------


def _letter(**kwargs) -> AnnualLetter:
    values = {
        "ombudsman_year": 2023, "investigations": 30, "upheld": 21,
        "upheld_per_100k": Decimal("3"), "compliance_outcomes": 18,
        "compliance_rate_percent": Decimal("100"), "satisfactory_remedies": 2,
    }  # fmt: skip
    return AnnualLetter(**{**values, **kwargs})


def test_the_rate_per_100k_is_compared_at_the_letters_precision():
    # 21 upheld in 678,849 residents is 3.1 per 100,000; the letter prints "3".
    figures = YearFigures(
        year=2023, investigations=30, upheld=21, satisfactory_remedies=2,
        compliance_outcomes=18, complied=18, population=678_849,
    )  # fmt: skip
    rows = {r.key: r for r in letter_comparison(_letter(), figures)}
    assert all(r.agrees for r in rows.values()), [r for r in rows.values() if not r.agrees]
    assert rows["upheld-per-100k"].product == "3.1"
    rows = {r.key: r for r in letter_comparison(_letter(upheld_per_100k=Decimal("3.2")), figures)}
    assert rows["upheld-per-100k"].difference == "0.1 fewer per 100,000 here than in the letter"


def test_a_rate_the_product_cannot_work_out_is_a_difference_said_so():
    figures = YearFigures(year=2023)  # nothing recorded, no population
    rows = {r.key: r for r in letter_comparison(_letter(), figures)}
    assert rows["upheld-rate"].product == "No rate"
    assert not rows["upheld-rate"].agrees
    assert "nothing to work it out from" in rows["upheld-rate"].difference
    assert rows["upheld-per-100k"].difference.startswith("The product cannot work it out")
    assert rows["investigations"].difference == "30 investigations fewer here than in the letter"
    one_investigation = _letter(investigations=1, upheld=0, satisfactory_remedies=0)
    one = {r.key: r for r in letter_comparison(one_investigation, figures)}
    assert one["investigations"].difference == "1 investigation fewer here than in the letter"


# --- The decisions that explain a difference --------------------------------------------------


def test_the_explanations_list_the_decisions_each_could_move(home, django_assert_max_num_queries):
    other = OrganisationFactory(name="Fen ICB", kind=Organisation.Kind.ICB)
    trust = OrganisationFactory(name="Fen Trust", kind=Organisation.Kind.NHS_TRUST)
    elsewhere = OrganisationFactory(name="Another Council")

    def upheld(day, orgs=(home,), **kwargs):
        return DecisionFactory(
            complaint=ComplaintFactory(organisations=list(orgs)), decision_date=day, **kwargs
        )

    late_march = upheld(date(2024, 3, 27))
    early_april = upheld(date(2024, 4, 9), outcome=Decision.Outcome.NOT_UPHELD)
    start = upheld(date(2023, 4, 3))
    upheld(date(2024, 3, 10))  # more than 14 days from 1 April
    upheld(date(2024, 3, 30), orgs=[elsewhere])  # not about the council
    upheld(date(2024, 3, 29), outcome=Decision.Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES)

    missing = upheld(date(2023, 9, 1))
    AgreedActionFactory(decision=missing, organisation=home, compliance_outcome="complied",
                        status="done", completed_on=date(2023, 10, 1))  # fmt: skip
    AgreedActionFactory(decision=missing, organisation=home)
    AgreedActionFactory(decision=missing, organisation=home, status="withdrawn")
    recorded = upheld(date(2023, 9, 2))
    AgreedActionFactory(decision=recorded, organisation=home, compliance_outcome="complied",
                        status="done", completed_on=date(2023, 10, 1))  # fmt: skip
    # The trust's action without an outcome is the trust's, not the council's to count.
    AgreedActionFactory(decision=recorded, organisation=trust)
    last_year = upheld(date(2022, 11, 1))
    AgreedActionFactory(decision=last_year, organisation=home)
    upheld(date(2023, 9, 3), satisfactory_remedy=True)  # nothing to comply with

    joint = upheld(date(2023, 12, 1), orgs=[home, other, trust])
    AgreedActionFactory(decision=joint, organisation=home, compliance_outcome="complied",
                        status="done", completed_on=date(2024, 1, 1))  # fmt: skip

    with django_assert_max_num_queries(4):
        groups = {g.key: g for g in letter_explanations(2023, home=home)}
    near = groups["near-year-end"].decisions
    assert [d.pk for d in near] == [start.pk, late_march.pk, early_april.pk]
    assert "counted here in 2023-24" in near[1].note and "in 2024-25" in near[1].note
    assert "counted here in 2024-25" in near[2].note and "in 2023-24" in near[2].note

    missing_rows = {d.pk: d.note for d in groups["compliance-missing"].decisions}
    assert missing_rows[missing.pk].startswith("1 of the Council's 2 agreed actions has no")
    assert last_year.pk in missing_rows  # a 2022-23 decision's outcome may be in 2023-24
    assert "no agreed action recorded" in missing_rows[late_march.pk]
    assert recorded.pk not in missing_rows and joint.pk not in missing_rows

    assert [d.pk for d in groups["joint"].decisions] == [joint.pk]
    assert groups["joint"].decisions[0].note.startswith("Also about Fen ICB and Fen Trust:")

    # Twice the decisions, the same number of queries.
    for day in (date(2024, 3, 28), date(2023, 4, 2)):
        d = upheld(day, orgs=[home, other])
        AgreedActionFactory(decision=d, organisation=home)
    with django_assert_max_num_queries(4):
        groups = {g.key: g for g in letter_explanations(2023, home=home)}
    assert len(groups["joint"].decisions) == 3


def test_a_service_manager_sees_only_the_decisions_they_may_open(client, home, manager):
    """The statistics count every decision; the list of explanations links only to those
    the viewer may open."""
    DecisionFactory(
        complaint=ComplaintFactory(reference="23 000 777", organisations=[home]),
        decision_date=date(2024, 3, 28),
    )
    AnnualLetter.objects.create(
        ombudsman_year=2023, investigations=30, upheld=21, upheld_per_100k=3,
        compliance_outcomes=0, satisfactory_remedies=2,
    )  # fmt: skip
    client.force_login(manager)
    assert "23 000 777" in _text(client.get("/statistics/?year=2023"))
    client.force_login(UserFactory(role="Service managers"))
    assert "23 000 777" not in _text(client.get("/statistics/?year=2023"))
    assert AgreedAction.objects.count() == 0
