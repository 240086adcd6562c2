"""``manage.py load_demo``: the records it makes, running it twice, passwords, demo logins,
and what happened after each decision: completions with evidence, extensions, withdrawals,
compliance outcomes, enquiries, and the overdue sweep's flags and reminders."""

import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management import call_command
from django.db.models import Q, Sum
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from decisions.models import (
    AnnualLetter,
    CommitteeReport,
    Complaint,
    Decision,
    Enquiry,
    Finding,
    Organisation,
    ReportedDecision,
    ServiceArea,
)
from remedies.evidence import check_evidence
from remedies.models import AgreedAction, Evidence, Extension, Reminder
from remedies.selectors import my_open_actions, my_open_enquiries

from .spreadsheets import read_csv
from .test_two_factor import _code

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


@pytest.fixture(scope="module")
def _demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo") / "media"


@pytest.fixture(autouse=True)
def _media(settings, _demo_media):
    # Evidence files go to a directory of this module's own, where the demo put its files.
    settings.MEDIA_ROOT = _demo_media


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


@pytest.fixture(scope="module")
def first_run(module_transaction, django_db_blocker, _demo_media):
    """The first run's output, the demo loaded once for the module's tests (a run takes
    seconds); each test's own changes are rolled back. Tests that need a database
    without the demo are in tests/test_demo_fresh.py."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=_demo_media),
        time_machine.travel(TODAY, tick=False),
    ):
        return _load()


def _decision(reference: str) -> Decision:
    return Decision.objects.get(complaint__reference=reference)


def _snapshot() -> dict:
    models = [
        Organisation, ServiceArea, Complaint, Decision, Finding, AgreedAction, Extension,
        Evidence, Enquiry,
    ]  # fmt: skip
    counts = {"committee reports": list(CommitteeReport.objects.values_list("pk", "sha256"))}
    counts.update({m.__name__: m.objects.count() for m in models})
    counts.update({f"{m.__name__} history": m.history.count() for m in models})
    counts["reminders"] = list(
        Reminder.objects.order_by("pk").values_list(
            "pk", "kind", "action", "enquiry", "due_date", "status"
        )
    )
    counts["actions"] = list(
        AgreedAction.objects.order_by("pk").values_list(
            "pk", "status", "completed_on", "completed_by", "completion_note",
            "extended_due_date", "evidence_sent_on", "compliance_outcome", "overdue_since",
        )
    )  # fmt: skip
    counts["enquiries"] = list(
        Enquiry.objects.order_by("pk").values_list("pk", "due_on", "answered_on", "overdue_since")
    )
    counts["annual letters"] = list(AnnualLetter.objects.values_list("pk", "updated_at"))
    counts["users"] = get_user_model().objects.count()
    counts["passwords"] = sorted(get_user_model().objects.values_list("password", flat=True))
    return counts


def _fictional_or_859a() -> Q:
    return Q(complaint__reference__startswith="26") | Q(complaint__reference="24 005 859a")


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

    # The statutory duties made from the templates, completed through the service.
    notice, laid, monitoring = actions.filter(kind="statutory_duty").order_by("id")
    assert "public notice" in notice.description.lower()
    assert notice.due_date == date(2023, 8, 11)  # two weeks
    assert notice.completed_on <= notice.due_date and notice.compliance_outcome == "complied"
    assert notice.evidence.get().original_name == "public-notice-cambridge-independent.pdf"
    assert laid.completed_on == committee.completed_on <= laid.due_date == date(2023, 10, 28)
    assert "Committee" in laid.completion_note
    assert monitoring.completed_on > monitoring.due_date  # the monitoring officer was late
    assert monitoring.compliance_outcome == "complied_late"
    assert {laid.completed_by.username, monitoring.completed_by.username} == {"monitoring"}
    assert notice.completed_by.username == "officer"


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
    assert still_open.overdue_since == TODAY  # flagged by the sweep the demo ran

    # The Trust asked for more time for the care coordinator and got it in writing; the
    # Council and the ICB did the same thing on the same day without an extension.
    coordinators = {a.organisation.kind: a for a in actions.filter(kind="provide_service")}
    trust = coordinators["nhs_trust"]
    extension = trust.extensions.get()
    assert extension.agreed_in_writing and extension.created_by.username == "officer"
    assert extension.previous_due_date == trust.due_date == date(2025, 5, 13)
    assert extension.new_due_date == trust.extended_due_date == date(2025, 7, 31)
    assert trust.due_date < trust.completed_on <= trust.extended_due_date
    assert trust.compliance_outcome == "complied"
    for other in (coordinators["unitary"], coordinators["icb"]):
        assert other.completed_on == trust.completed_on and other.extended_due_date is None
        assert other.compliance_outcome == "complied_late"
    assert decision.complaint.enquiries.count() == 3


def test_24_005_859a_is_reported_to_members_as_its_report_to_committee_action_says(
    first_run, client
):
    decision = _decision("24 005 859a")
    action = decision.actions.get(kind="report_to_committee")
    assert action.status == "done" and action.completed_on == date(2025, 4, 24)
    record = ReportedDecision.objects.standing().get(decision=decision)
    assert (record.committee, record.reported_on, record.action) == (
        "Adults and Health Committee",
        date(2025, 4, 24),
        action,
    )
    client.force_login(get_user_model().objects.get(username="manager"))
    page = client.get(f"/decisions/{decision.pk}/").content.decode()
    reported = page[page.index('id="reported-to-members"') :][:800]
    assert "Adults and Health Committee, 24 April 2025" in reported
    assert "Not yet reported" not in reported


def test_the_demos_committee_report_prints_no_placeholder_and_no_undated_on_time(first_run):
    report = CommitteeReport.objects.get(meeting_date=date(2020, 3, 3))
    with report.pdf.open("rb") as handle:
        reader = PdfReader(handle)
        text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Complaint 18 901 107 (Mrs B)" in text
    assert "placeholder" not in text.lower() and "not given in the committee" not in text
    at = text.find("No deadline")
    assert at == -1, text[at - 300 : at + 100]
    # No date was agreed for the demo's 2018-19 remedies: the report says so, never "on time".
    assert "Every action was completed by its agreed date" not in text
    assert "Every action was completed; no dates were agreed." in text
    assert "Paid on 8 March 2019" in text
    assert ", on time" not in text and "all on time" not in text


def test_satisfactory_remedy_22_003_603(first_run):
    decision = _decision("22 003 603")
    assert decision.decision_date == date(2023, 1, 9)
    assert "placeholder" not in decision.summary.lower()  # nothing printed says so
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
        # The references and dates are the demo's own; nothing printed calls them so.
        assert "placeholder" not in decision.summary.lower()
    actions = AgreedAction.objects.filter(decision__in=decisions)
    assert not actions.exclude(status="done").exists()
    assert {a.completed_on.year for a in actions} == {2019}
    assert actions.filter(payee_label="Mrs B", amount=Decimal("150.00")).count() == 1
    labels = set(decisions.values_list("complaint__complainant_label", flat=True))
    assert {"Mr X", "Mr A", "Mrs K", "Mrs B", "Mrs Z"} <= labels


def test_the_demo_committee_report_reads_like_portsmouths_paper(first_run):
    report = CommitteeReport.objects.get()
    assert report.status == "ready" and report.created_by.username == "monitoring"
    assert report.meeting_date == date(2020, 3, 3)
    reader = PdfReader(report.pdf.path)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "THIS ITEM IS FOR INFORMATION ONLY" in text
    assert "Title of meeting: Governance and Audit and Standards Committee" in text
    assert "Report by: Assistant Director of Corporate Services" in text
    assert "the 8 complaints upheld by the Local Government and Social Care Ombudsman" in text
    # Upheld decisions by directorate, as the paper sets them out; Mr A's, not upheld, is not.
    for heading in ("Adult Social Care", "Children, Families and Education", "Regeneration"):
        assert heading in text
    assert "(Mrs B)" in text and "£150" in text and "(Mr A)" not in text
    assert f"Page {report.page_count} of {report.page_count}" in text
    # Put before members: every upheld Portsmouth decision, and only those.
    assert report.decisions.count() == 8
    assert set(report.decisions.values_list("outcome", flat=True)) == {"upheld"}


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
    # An open action extended, not yet in writing, and so no longer overdue.
    extension = Extension.objects.get(action__decision__complaint__reference__startswith="26")
    extended = extension.action
    assert not extension.agreed_in_writing
    assert extended.status == "open" and extended.due_date < TODAY < extended.extended_due_date
    assert extension.previous_due_date == extended.due_date
    assert extended.days_overdue(TODAY) == 0 and extended.overdue_since is None
    assert extended.reminders.count() == 0


def test_a_further_decision_supersedes_an_action(first_run):
    complaint = Complaint.objects.get(reference="26 001 105")
    first, further = complaint.decisions.order_by("decision_date")
    withdrawn = AgreedAction.objects.get(status="withdrawn")
    assert withdrawn.decision == first and withdrawn.completed_on is None
    assert "superseded" in withdrawn.notes and f"{further.decision_date:%-d %B %Y}" in (
        withdrawn.notes
    )
    before, after = withdrawn.history.order_by("history_date", "history_id")
    assert (before.status, after.status) == ("open", "withdrawn")
    assert after.history_user.username == "officer"
    assert not withdrawn.reminders.exists() and withdrawn.overdue_since is None
    assert further.actions.filter(status="open", kind="financial").exists()


def test_actions_in_every_state(first_run):
    assert set(AgreedAction.objects.values_list("status", flat=True)) == {
        "open",
        "done",
        "withdrawn",
    }
    outcomes = Counter(
        AgreedAction.objects.exclude(compliance_outcome="").values_list(
            "compliance_outcome", flat=True
        )
    )
    assert set(outcomes) == {"complied", "complied_late", "not_complied"}
    assert outcomes["complied"] > outcomes["complied_late"] > outcomes["not_complied"] == 1


def test_done_actions_say_who_did_what_and_when(first_run):
    done = AgreedAction.objects.filter(status="done").select_related("completed_by", "owner")
    for action in done:
        assert action.completed_by is not None and action.completion_note, action.pk
        if action.owner_id:
            assert action.completed_by == action.owner
        # The history names who marked it done.
        record = action.history.filter(status="done").order_by("history_date", "history_id").first()
        assert record.history_user == action.completed_by
        if action.evidence_sent_on:
            assert action.due_date is not None
            gap = (action.evidence_sent_on - action.completed_on).days
            assert 2 <= gap <= 6 and action.evidence_sent_on <= TODAY
    dated = done.exclude(due_date=None)
    assert all(a.evidence_sent_on for a in dated.filter(completed_on__lt=TODAY - timedelta(30)))


def test_compliance_outcomes_follow_the_date_in_force(first_run):
    judged = AgreedAction.objects.filter(compliance_outcome__in=["complied", "complied_late"])
    assert judged.count() >= 20
    for action in judged:
        assert action.status == "done" and action.evidence_sent_on is not None
        in_force = action.extended_due_date or action.due_date
        late = action.completed_on > in_force
        assert action.compliance_outcome == ("complied_late" if late else "complied")
        assert action.compliance_outcome == action.suggested_compliance_outcome
    # Done so recently the Ombudsman has not given its outcome yet.
    assert AgreedAction.objects.filter(status="done", compliance_outcome="").exclude(
        evidence_sent_on=None
    )
    refused = AgreedAction.objects.get(compliance_outcome="not_complied")
    assert refused.status == "open" and refused.days_overdue(TODAY) > 90
    assert refused.decision.complaint.reference.startswith("26")


def test_evidence_files_are_real_pdfs_on_disk(first_run, settings):
    evidence = list(Evidence.objects.select_related("action"))
    assert len(evidence) >= 6
    names = {e.original_name for e in evidence}
    assert {
        "apology-letter-mr-x-and-mr-y.pdf",
        "payment-remittance-mr-x.pdf",
        "payment-remittance-mr-y.pdf",
        "committee-minutes-12-october-2023.pdf",
    } <= names
    media = Path(settings.MEDIA_ROOT).resolve()
    for item in evidence:
        assert item.action.status == "done"
        assert item.uploaded_by == item.action.completed_by
        path = Path(item.file.path).resolve()
        assert path.is_file() and path.is_relative_to(media)
        content = path.read_bytes()
        assert content.startswith(b"%PDF-1.4") and content.endswith(b"%%EOF\n")
        assert item.size == len(content) and (item.kind_label, item.extension) == ("PDF", ".pdf")
        with path.open("rb") as handle:
            kind = check_evidence(File(handle), size=len(content), max_bytes=len(content))
        assert kind.label == "PDF"


def test_enquiries_answered_on_time_late_overdue_and_due_soon(first_run):
    enquiries = Enquiry.objects.filter(_fictional_or_859a())
    answered = enquiries.exclude(answered_on=None)
    assert any(not e.is_answered_late for e in answered.filter(kind="initial"))
    assert any(e.is_answered_late for e in answered.filter(kind="further"))
    assert all(e.sent_on <= e.answered_on <= TODAY for e in answered)
    waiting = list(enquiries.filter(answered_on=None))
    overdue = [e for e in waiting if e.days_overdue(TODAY) > 0]
    due_soon = [e for e in waiting if TODAY < e.due_on <= TODAY + timedelta(days=7)]
    assert overdue and due_soon
    assert all(e.overdue_since == TODAY for e in overdue)
    assert all(e.overdue_since is None for e in enquiries if e not in overdue)
    officer = get_user_model().objects.get(username="officer")
    assert set(my_open_enquiries(officer)) == set(waiting)


def test_each_role_has_something_to_do(first_run, client):
    User = get_user_model()
    officer, manager = (
        User.objects.get(username="officer"),
        User.objects.get(username="service.manager"),
    )
    for user in (officer, manager):
        mine = list(my_open_actions(user))
        assert any(a.days_overdue(TODAY) > 0 for a in mine), user
        assert any(a.effective_due_date and a.effective_due_date >= TODAY for a in mine), user
    client.force_login(officer)
    page = client.get("/actions/mine/").content.decode()
    assert "26 001 101" in page and "26 001 104" in page  # the two enquiries waiting


def test_the_sweep_flags_overdue_and_records_reminders(first_run):
    assert "Overdue sweep for 22 November 2026" in first_run
    for action in AgreedAction.objects.all():
        assert (action.overdue_since == TODAY) == (action.days_overdue(TODAY) > 0), action.pk
    kinds = Counter(Reminder.objects.values_list("kind", flat=True))
    assert {"upcoming", "overdue", "escalation"} <= set(kinds)
    assert Reminder.objects.filter(enquiry__isnull=False, kind="overdue").exists()
    assert Reminder.objects.filter(enquiry__isnull=False, kind="upcoming").exists()
    assert not Reminder.objects.filter(action__status__in=["done", "withdrawn"]).exists()


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
    # Each account its own: one role's sign-in does not open another's.
    assert len(set(passwords.values())) == len(USERNAMES)
    assert "only once" in first_run.lower()
    assert "manage.py changepassword USER" in first_run
    assert "created 6 organisations" in first_run


def test_one_demo_users_password_opens_no_other_account(first_run, client):
    passwords = _passwords(first_run)
    for username in USERNAMES:
        for other in USERNAMES:
            if other != username:
                assert not _sign_in(client, other, passwords[username]), (username, other)


def test_second_run_changes_nothing_and_prints_no_passwords(first_run):
    before = _snapshot()
    second = _load()
    assert _snapshot() == before
    assert _passwords(second) == {}
    for password in _passwords(first_run).values():
        assert password not in second
    assert "already exist" in second
    assert "created 0 organisations" in second
    assert "0 extensions, 0 evidence files, 0 enquiries" in second
    assert "0 reminder(s) recorded" in second


def test_second_run_adds_no_files(first_run, settings):
    files = sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert len(files) == Evidence.objects.count() + CommitteeReport.objects.count()
    _load()
    assert sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == files


def _sign_in(client, username, password) -> bool:
    """Through the login page, as a person would (django-axes sees every attempt)."""
    response = client.post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_reset_passwords_prints_new_ones_that_work(first_run, client):
    old = _passwords(first_run)
    output = _load("--reset-passwords")
    new = _passwords(output)
    assert set(new) == set(USERNAMES)
    for username in USERNAMES:
        assert new[username] != old[username]
        assert not _sign_in(client, username, old[username])
        assert _sign_in(client, username, new[username])
        client.logout()


def test_demo_users_can_see_the_decisions(first_run, client):
    passwords = _passwords(first_run)
    for username in USERNAMES:
        assert _sign_in(client, username, passwords[username])
        if username == "admin":
            # An administrator sets up a second factor before any page (ombudsman/two_factor.py).
            response = client.get("/decisions/")
            assert response["Location"].startswith("/account/two-factor/set-up/"), username
            client.get(response["Location"])
            device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
            client.post("/account/two-factor/set-up/", {"code": _code(device)})
        response = client.get("/decisions/")
        assert response.status_code == 200, username
        assert "24 005 859a" in response.content.decode()
        client.logout()


def test_the_demo_service_manager_sees_the_cases_of_the_areas_they_lead_only(first_run, client):
    """Daniel Okafor leads three service areas: he sees their cases and those holding an
    action he owns or of an area he leads, and none of the rest of the demo."""
    manager = get_user_model().objects.get(username="service.manager")
    theirs, others = set(), set()
    for complaint in Complaint.objects.select_related("service_area", "officer"):
        actions = AgreedAction.objects.filter(decision__complaint=complaint)
        answers = (
            (complaint.service_area and complaint.service_area.lead == manager)
            or complaint.officer == manager
            or any(a.owner == manager or (a.service_area and a.service_area.lead == manager)
                   for a in actions.select_related("service_area"))
        )  # fmt: skip
        (theirs if answers else others).add(complaint.reference)
    assert theirs and others
    client.force_login(manager)
    response = client.get("/decisions/download.csv")
    assert {row[0] for row in read_csv(response)[1:]} == theirs


def test_decision_page_shows_the_move(first_run, client):
    assert _sign_in(client, "officer", _passwords(first_run)["officer"])
    decision = Decision.objects.get(complaint__complainant_label="Mrs Z")
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Regeneration: Parking and blue badges" in page
    assert "Adult Social Care: Occupational therapy" in page


def test_the_demo_has_the_2023_24_letter_and_shows_its_differences(first_run, client):
    letter = AnnualLetter.objects.get()
    assert (letter.ombudsman_year, letter.investigations, letter.upheld) == (2023, 30, 21)
    assert letter.upheld_per_100k == 3 and letter.compliance_outcomes == 18
    assert letter.compliance_rate_percent == 100 and letter.satisfactory_remedies == 2
    assert letter.entered_by.username == "manager"
    client.force_login(get_user_model().objects.get(username="manager"))
    text = " ".join(client.get("/statistics/?year=2023").content.decode().split())
    assert "27 investigations fewer here than in the letter" in text
    # Each kind of explanation has a decision to show.
    for reference in ("23 019 412", "23 008 655", "22 010 218"):
        assert reference in text


def test_the_demo_dashboard_shows_each_kind_of_repeat_fault(first_run, client):
    client.force_login(get_user_model().objects.get(username="manager"))
    html = client.get("/dashboard/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "26 001 105 upheld again on" in text
    assert "after the Ombudsman re-opened it" in text
    assert "Adult Social Care: Direct payments: 2 complaints upheld" in text
