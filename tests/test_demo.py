"""``manage.py load_demo``: the records it makes, running it twice, passwords, demo logins."""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum

from decisions.models import Complaint, Decision, Finding, Organisation, ServiceArea
from remedies.models import AgreedAction

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
ROLES = {
    "officer": "Complaints officers",
    "service.manager": "Service managers",
    "manager": "Managers",
    "monitoring": "Monitoring officers",
}
USERNAMES = [*ROLES, "admin"]
PORTSMOUTH = "Portsmouth City Council"
LABEL = re.compile(r"^((Mr|Mrs|Ms|Miss) [A-Z])( and (Mr|Mrs|Ms|Miss) [A-Z])?$")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _passwords(output: str) -> dict[str, str]:
    """username -> password, from the block the command prints."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("  ") and len(parts) >= 3 and parts[0] in USERNAMES:
            found[parts[0]] = parts[-1]
    return found


@pytest.fixture
def first_run():
    return _load()


def _decision(reference: str) -> Decision:
    return Decision.objects.get(complaint__reference=reference)


def _snapshot() -> dict:
    models = [Organisation, ServiceArea, Complaint, Decision, Finding, AgreedAction]
    counts = {m.__name__: m.objects.count() for m in models}
    counts.update({f"{m.__name__} history": m.history.count() for m in models})
    counts["users"] = get_user_model().objects.count()
    counts["passwords"] = sorted(get_user_model().objects.values_list("password", flat=True))
    return counts


def test_organisations_and_the_home_authority(first_run):
    names = set(Organisation.objects.values_list("name", flat=True))
    assert names == {
        "Cambridgeshire County Council",
        "Change Grow Live (CGL)",
        "Peterborough City Council",
        "Cambridgeshire and Peterborough NHS Foundation Trust",
        "NHS Cambridgeshire and Peterborough Integrated Care Board",
        PORTSMOUTH,
    }
    home = Organisation.objects.get(is_home_authority=True)
    assert home.name == "Cambridgeshire County Council"
    assert home.kind == Organisation.Kind.COUNTY
    assert home.population == 678849
    assert Organisation.objects.get(name="Change Grow Live (CGL)").kind == "provider"
    assert Organisation.objects.get(name=PORTSMOUTH).kind == "unitary"
    assert ServiceArea.objects.filter(
        directorate="Public Health", service="Drug and alcohol services"
    ).exists()
    assert ServiceArea.objects.filter(lead__username="service.manager").count() >= 2


def test_one_user_per_role_and_an_administrator(first_run):
    User = get_user_model()
    for username, group in ROLES.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert user.first_name and user.last_name
        assert not user.is_superuser
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert AgreedAction.objects.filter(owner__username="service.manager").exists()
    assert AgreedAction.objects.filter(owner__username="officer").exists()


def test_public_interest_report_22_010_218(first_run):
    decision = _decision("22 010 218")
    assert decision.kind == Decision.Kind.REPORT
    assert decision.decision_date == date(2023, 7, 28)
    assert decision.outcome == Decision.Outcome.UPHELD
    complaint = decision.complaint
    assert {o.name for o in complaint.organisations.all()} == {
        "Cambridgeshire County Council",
        "Change Grow Live (CGL)",
    }
    assert str(complaint.category) == "Corporate and other services > Public health"
    assert decision.findings.filter(fault=Finding.Fault.YES).exists()
    actions = decision.actions.all()
    kinds = sorted(a.kind for a in actions)
    assert kinds == sorted(
        ["report_to_committee", "evidence_to_ombudsman"]
        + ["service_improvement"] * 3
        + ["statutory_duty"] * 3  # created from the templates for every report
    )
    committee = actions.get(kind="report_to_committee")
    assert committee.due_date == date(2023, 10, 28)
    assert committee.status == "done" and committee.completed_on <= committee.due_date
    assert actions.get(kind="evidence_to_ombudsman").organisation.name == "Change Grow Live (CGL)"
    improvements = actions.filter(kind="service_improvement")
    assert any(a.status == "done" and a.completed_on > a.due_date for a in improvements)


def test_joint_decision_24_005_859a(first_run):
    decision = _decision("24 005 859a")
    assert decision.decision_date == date(2025, 2, 13)
    assert str(decision.complaint.category) == "Health > Mental health services"
    assert decision.complaint.complainant_label == "Mr X"
    assert decision.complaint.organisations.count() == 3
    actions = decision.actions.all()
    assert actions.count() == 17
    counts = {}
    for action in actions:
        counts[action.kind] = counts.get(action.kind, 0) + 1
    assert counts == {
        "apology": 3,
        "financial": 6,
        "provide_service": 3,
        "action_plan": 3,
        "report_to_committee": 1,
        "notify_body": 1,
    }
    payments = actions.filter(kind="financial")
    assert set(payments.values_list("amount", flat=True)) == {Decimal("200.00")}
    assert payments.aggregate(total=Sum("amount"))["total"] == Decimal("1200.00")
    assert sorted(payments.values_list("payee_label", flat=True)) == ["Mr X"] * 3 + ["Mr Y"] * 3
    assert payments.values("organisation").distinct().count() == 3
    assert {a.due_date for a in actions.filter(kind="apology")} == {date(2025, 3, 13)}
    assert {a.due_date for a in payments} == {date(2025, 4, 13)}
    assert actions.get(kind="notify_body").organisation.kind == "icb"
    assert actions.get(kind="report_to_committee").organisation.name == (
        "Peterborough City Council"
    )
    done = actions.filter(status="done")
    assert any(a.completed_on <= a.due_date for a in done)
    assert any(a.completed_on > a.due_date for a in done)
    still_open = actions.get(status="open")
    assert still_open.days_overdue(TODAY) > 0


def test_satisfactory_remedy_22_003_603(first_run):
    decision = _decision("22 003 603")
    assert decision.decision_date == date(2023, 1, 9)
    assert "placeholder" in decision.summary
    assert decision.outcome == Decision.Outcome.UPHELD and decision.satisfactory_remedy
    assert decision.complaint.complainant_label == "Ms D"
    assert decision.findings.filter(result=Finding.Result.PARTLY_UPHELD).exists()
    actions = decision.actions.all()
    assert {a.kind for a in actions} == {"apology", "financial"}
    for action in actions:
        assert action.status == "done"
        assert action.completed_on == decision.decision_date
        assert action.due_date is None and action.deadline_phrase == ""
    payment = actions.get(kind="financial")
    assert (payment.payee_label, payment.amount) == ("Miss X", Decimal("100.00"))


def test_portsmouth_committee_report_cases(first_run):
    decisions = Decision.objects.filter(complaint__organisations__name=PORTSMOUTH)
    assert decisions.count() == 9
    assert decisions.filter(outcome="upheld").count() == 8
    not_upheld = decisions.get(outcome="not_upheld")
    assert not_upheld.complaint.complainant_label == "Mr A"
    assert not_upheld.findings.filter(fault="yes", injustice=False).count() == 2
    for decision in decisions:
        assert re.fullmatch(r"18 9\d\d \d\d\d", decision.complaint.reference)
        assert date(2018, 4, 1) <= decision.decision_date <= date(2019, 3, 31)
        assert "placeholder reference and date (the committee report gives neither)" in (
            decision.summary.lower()
        )
    actions = AgreedAction.objects.filter(decision__in=decisions)
    assert not actions.exclude(status="done").exists()
    assert {a.completed_on.year for a in actions} == {2019}
    assert actions.filter(payee_label="Mrs B", amount=Decimal("150.00")).count() == 1
    labels = set(decisions.values_list("complaint__complainant_label", flat=True))
    assert {"Mr X", "Mr A", "Mrs K", "Mrs B", "Mrs Z"} <= labels


def test_complainants_are_only_anonymised_labels(first_run):
    for label in Complaint.objects.exclude(complainant_label="").values_list(
        "complainant_label", flat=True
    ):
        assert LABEL.match(label), label


def test_fictional_cases_fill_todays_views(first_run):
    fictional = Decision.objects.filter(complaint__reference__startswith="26")
    assert fictional.count() >= 4
    assert all("fictional" in d.summary.lower() for d in fictional)
    assert all(d.decision_date <= TODAY for d in fictional)
    open_actions = list(
        AgreedAction.objects.filter(decision__complaint__reference__startswith="26", status="open")
    )
    overdue = [a.days_overdue(TODAY) for a in open_actions]
    assert any(days > 90 for days in overdue)
    assert any(1 <= days <= 7 for days in overdue)
    assert any(
        a.due_date and TODAY <= a.due_date <= TODAY + timedelta(days=14) for a in open_actions
    )
    assert any(a.due_date is None for a in open_actions)
    assert all(a.owner is not None for a in open_actions)
    done = AgreedAction.objects.filter(decision__complaint__reference__startswith="26").exclude(
        completed_on=None
    )
    assert all(a.decision_date <= a.completed_on <= TODAY for a in done)


def test_blue_badge_move_is_in_the_history(first_run):
    complaint = Complaint.objects.get(complainant_label="Mrs Z")
    records = list(complaint.history.order_by("history_date", "history_id"))
    areas = [r.service_area for r in records]
    assert len(set(areas)) == 2
    assert areas[0].directorate == "Adult Social Care"
    assert str(areas[-1]) == "Regeneration: Parking and blue badges"
    assert complaint.service_area == areas[-1]


def test_first_run_prints_passwords_and_a_summary(first_run):
    passwords = _passwords(first_run)
    assert set(passwords) == set(USERNAMES)
    assert len({passwords[u] for u in ROLES}) == 1  # one password for the demo users
    assert passwords["admin"] != passwords["officer"]
    assert "only once" in first_run.lower()
    assert "manage.py changepassword USER" in first_run
    assert "created 6 organisations" in first_run


def test_second_run_changes_nothing_and_prints_no_passwords(first_run):
    before = _snapshot()
    second = _load()
    assert _snapshot() == before
    assert _passwords(second) == {}
    for password in _passwords(first_run).values():
        assert password not in second
    assert "already exist" in second
    assert "created 0 organisations" in second


def test_reset_passwords_prints_new_ones_that_work(first_run, client):
    old = _passwords(first_run)
    output = _load("--reset-passwords")
    new = _passwords(output)
    assert set(new) == set(USERNAMES)
    for username in USERNAMES:
        assert new[username] != old[username]
        assert not client.login(username=username, password=old[username])
        assert client.login(username=username, password=new[username])
        client.logout()


def test_demo_users_can_see_the_decisions(first_run, client):
    passwords = _passwords(first_run)
    for username in USERNAMES:
        assert client.login(username=username, password=passwords[username])
        response = client.get("/decisions/")
        assert response.status_code == 200, username
        assert "24 005 859a" in response.content.decode()
        client.logout()


def test_decision_page_shows_the_move(first_run, client):
    client.login(username="officer", password=_passwords(first_run)["officer"])
    decision = Decision.objects.get(complaint__complainant_label="Mrs Z")
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Regeneration: Parking and blue badges" in page
    assert "Adult Social Care: Occupational therapy" in page


def test_an_existing_home_authority_is_kept():
    other = OrganisationFactory(name="Example County Council", is_home_authority=True)
    output = _load()
    assert list(Organisation.objects.filter(is_home_authority=True)) == [other]
    assert "already the home authority" in output
    assert Decision.objects.filter(complaint__reference="22 010 218").exists()
