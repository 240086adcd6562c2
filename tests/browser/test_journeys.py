"""The four journeys people make most, in a real browser against the live server, each
done with the keyboard: every control used is reached with Tab and shows GOV.UK's focus
style. Each main page is audited with axe-core and saved as a screenshot under
artefacts/screenshots/<journey>/."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from decisions.models import CommitteeReport, Decision, Organisation
from remedies.models import AgreedAction, Evidence

from ..factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .conftest import PASSWORD
from .helpers import assert_accessible, date_shown, day_box, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# A decision written for these tests in the Ombudsman's usual form, as copied from its
# web page; {decided} is filled with a date ten days ago so that every deadline is ahead.
DECISION_TEXT = """\
Home > Decisions

Northfield District Council (26 004 512)

Category : Adult care services > Assessment and care plan

Decision : Upheld

Decision date : {decided}

Back to top

The Ombudsman's final decision:

Summary: Mr X complained that the Council took five months to review his care and support
plan after his needs changed. We found fault causing injustice. The Council has agreed to
apologise, pay Mr X £250 and remind its reviewing officers of the timescales.

The complaint

Mr X complained that Northfield District Council (the Council) took five months to review
his care and support plan after he told it that his needs had changed.

Back to top

Agreed action

Within one month of the final decision the Council should write to Mr X to apologise for
the delay in reviewing his care and support plan.

Within two months of the final decision the Council should pay Mr X £250 for the distress
and uncertainty caused.

Within three months of the final decision the Council should remind its reviewing officers
of the timescales for reviewing care and support plans.

Final decision

I have completed my investigation. There was fault by the Council which caused injustice
to Mr X.

Investigator's decision on behalf of the Ombudsman

Back to top
"""

# A small real PDF, as a scanned letter would be uploaded.
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def _press_on(page, locator, key="Enter"):
    """Reaches ``locator`` with Tab (checking its focus style) and presses ``key``."""
    tab_to(page, locator)
    page.keyboard.press(key)


def _table_rows(page, selector):
    return [row.inner_text() for row in page.locator(f"{selector} tbody tr").all()]


def test_officer_signs_in_pastes_a_decision_checks_the_form_and_sees_its_actions(
    page, browse, screenshot
):
    today = timezone.localdate()
    decided = today - timedelta(days=10)
    council = OrganisationFactory(
        name="Northfield District Council",
        short_name="the Council",
        kind=Organisation.Kind.DISTRICT,
    )
    officer = UserFactory(
        username="cora", first_name="Cora", last_name="Officer", role="Complaints officers"
    )
    officer.set_password(PASSWORD)
    officer.save()

    # Signing in through the real form, with the keyboard.
    response = browse(page, "/decisions/new/")
    # The journeys run under the product's own policy: only its own scripts may run.
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    screenshot(page, "log-a-decision", "01-sign-in")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("cora")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    _press_on(page, page.get_by_role("button", name="Sign in"))

    # Back where the officer was going: the log-a-decision page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a decision")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "log-a-decision", "02-log-a-decision")
    tab_to(page, page.get_by_label("The decision's text"))
    page.keyboard.insert_text(DECISION_TEXT.format(decided=f"{decided:%-d %b %Y}"))
    _press_on(page, page.get_by_role("button", name="Read the decision"))

    # The check page: what was read, each answer with its Change link; nothing saved yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the decision before saving")
    expect(page.locator("#read-from-text")).to_contain_text("3 agreed actions found")
    expect(page.locator("#read-from-text")).to_contain_text("payments of £250.00 in all")
    answers = page.locator("#complaint-answers")
    expect(answers).to_contain_text("26 004 512")
    expect(answers).to_contain_text("Mr X")
    expect(answers).to_contain_text("Northfield District Council")
    decision_answers = page.locator("#decision-answers")
    expect(decision_answers).to_contain_text(f"{decided:%-d %B %Y}")
    expect(decision_answers).to_contain_text("Upheld")
    expect(decision_answers).to_contain_text("took five months to review")
    found = [row.inner_text() for row in page.locator("#actions tbody tr").all()]
    assert len(found) == 3, found
    due = [decided + relativedelta(months=n) for n in (1, 2, 3)]
    assert "Apology" in found[0] and "to Mr X" in found[0] and f"{due[0]:%-d %b %Y}" in found[0]
    assert "Financial remedy" in found[1] and "£250" in found[1]
    assert "Service improvement" in found[2]
    expect(page.get_by_role("link", name="Change action 2")).to_be_visible()
    expect(page.locator("#to-complete")).to_have_count(0)  # nothing left to complete
    assert not Decision.objects.exists()
    assert_accessible(page, "the check page of a pasted decision")
    screenshot(page, "log-a-decision", "03-check-answers")

    _press_on(page, page.get_by_role("button", name="Save decision"))

    # The decision's page: confirmation, and the agreed actions with their due dates.
    expect(page.get_by_role("heading", level=1)).to_have_text("Complaint 26 004 512")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Decision on 26 004 512 recorded with 3 agreed actions."
    )
    rows = _table_rows(page, "#actions")
    assert len(rows) == 3, rows
    # Calendar months from the decision date, as the deadlines are worded.
    due = [f"{decided + relativedelta(months=n):%-d %b %Y}" for n in (1, 2, 3)]
    assert "Apology to Mr X" in rows[0] and due[0] in rows[0]
    assert "Financial remedy to Mr X" in rows[1] and "£250" in rows[1] and due[1] in rows[1]
    assert "Service improvement" in rows[2] and due[2] in rows[2]
    assert all("Open" in row and council.name in row for row in rows)
    decision = Decision.objects.get(complaint__reference="26 004 512")
    assert decision.decision_date == decided and decision.actions.count() == 3
    assert_accessible(page, "the decision's page")
    screenshot(page, "log-a-decision", "04-decision-recorded")


def test_owner_completes_an_action_with_evidence(page, browse, sign_in, screenshot):
    today = timezone.localdate()
    owner = UserFactory(
        username="sam", first_name="Sam", last_name="Manager", role="Service managers"
    )
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="26 003 118", organisations=[OrganisationFactory(name="Fenbury Council")]
        ),
        decision_date=today - timedelta(days=20),
    )
    action = AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        payee_label="Mr X",
        description="Write to Mr X to apologise for the delay.",
        deadline_phrase="within one month of the final decision",
        due_date=today + timedelta(days=10),
        owner=owner,
    )
    sign_in(page.context, owner)

    browse(page, "/actions/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    screenshot(page, "complete-an-action", "01-my-actions")
    _press_on(page, page.get_by_role("link", name="Apology to Mr X"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Apology to Mr X")
    assert_accessible(page, "an open action's page")
    screenshot(page, "complete-an-action", "02-action")
    # A link styled and announced as a button: GOV.UK's script makes Space follow it too.
    _press_on(page, page.get_by_role("button", name="Complete with evidence"), "Space")

    expect(page.get_by_role("heading", level=1)).to_have_text("Complete with evidence")
    # The date input starts on today, which is when it was done.
    tab_to(page, day_box(page, "Date completed"))
    assert date_shown(page, "Date completed") == f"{today.day}/{today.month}/{today.year}"
    tab_to(page, page.get_by_label("What was done"))
    page.keyboard.type("Letter of apology sent to Mr X by first-class post.")
    files = page.get_by_label("Evidence files")
    tab_to(page, files)
    files.set_input_files(
        {"name": "apology letter.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE_PDF}
    )
    assert_accessible(page, "the complete-action form")
    screenshot(page, "complete-an-action", "03-complete-form")
    _press_on(page, page.get_by_role("button", name="Mark done"))

    expect(page.get_by_role("alert")).to_contain_text("Action marked done.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apology to Mr X")
    expect(page.locator("strong.govuk-tag", has_text="Done")).to_be_visible()
    expect(page.get_by_role("link", name="apology letter.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Complete with evidence")).to_have_count(0)
    action.refresh_from_db()
    assert action.status == AgreedAction.Status.DONE and action.completed_on == today
    assert Evidence.objects.get(action=action).original_name == "apology letter.pdf"
    assert_accessible(page, "a completed action's page")
    screenshot(page, "complete-an-action", "04-action-done")


def test_manager_follows_an_overdue_action_from_the_dashboard_to_the_excel_download(
    page, browse, sign_in, screenshot
):
    today = timezone.localdate()
    manager = UserFactory(username="mina", first_name="Mina", last_name="Manager", role="Managers")
    owner = UserFactory(username="olu", first_name="Olu", last_name="Owner")
    area = ServiceAreaFactory(directorate="Adult Social Care", service="Care reviews")
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="26 002 207",
            organisations=[OrganisationFactory(name="Fenbury Council")],
            service_area=area,
        ),
        decision_date=today - timedelta(days=70),
    )
    late = AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.FINANCIAL,
        payee_label="Mr X",
        amount=Decimal("300.00"),
        description="Pay Mr X £300 for distress.",
        due_date=today - timedelta(days=9),
        owner=owner,
        service_area=area,
    )
    AgreedActionFactory(  # open, not yet due: not on the overdue list
        decision=decision,
        kind=AgreedAction.Kind.SERVICE_IMPROVEMENT,
        amount=None,
        payee_label="",
        description="Remind reviewing officers of the timescales.",
        due_date=today + timedelta(days=20),
        service_area=area,
    )

    call_command("run_sweep")
    late.refresh_from_db()
    assert late.overdue_since == today
    sign_in(page.context, manager)

    browse(page, "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue-remedy dashboard")
    expect(page.locator("#figure-open")).to_have_text("2")
    expect(page.locator("#figure-overdue")).to_have_text("1")
    by_owner = page.locator("table", has=page.get_by_text("By owner", exact=True))
    expect(by_owner.get_by_role("row", name="Olu Owner")).to_contain_text("1")
    screenshot(page, "overdue-to-excel", "01-dashboard")
    _press_on(page, page.locator("#figure-overdue a"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Actions the council answers for")
    expect(page.locator("#result-count")).to_have_text("1 overdue action the council answers for")
    [row] = _table_rows(page, "#actions")
    assert "26 002 207" in row and "Financial remedy to Mr X" in row
    assert "Overdue" in row and "9 days overdue" in row
    assert "Olu Owner" in row and "£300.00" in row
    assert_accessible(page, "the actions list filtered to the overdue")
    screenshot(page, "overdue-to-excel", "02-overdue-actions")

    excel = page.get_by_role("link", name="Excel")
    tab_to(page, excel)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert len(body) == 1, body  # only the filtered list: the overdue action
    record = dict(zip(header, body[0], strict=True))
    assert record["LGSCO reference"] == "26 002 207"
    assert record["Action kind"] == "Financial remedy"
    assert record["Description"] == "Pay Mr X £300 for distress."
    assert record["Owner"] == "Olu Owner" and record["Payee"] == "Mr X"
    assert record["Amount (£)"] == 300
    assert record["Due date"].date() == today - timedelta(days=9)  # a real date in Excel
    assert record["Days overdue"] == 9


def test_monitoring_officer_makes_a_committee_report_and_downloads_the_pdf(
    page, browse, sign_in, screenshot, type_date
):
    today = timezone.localdate()
    home = OrganisationFactory(
        name="Fenbury County Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=650_000,
        is_home_authority=True,
    )
    officer = UserFactory(
        username="mo", first_name="Morgan", last_name="Officer", role="Monitoring officers"
    )
    area = ServiceAreaFactory(directorate="Adult Social Care", service="Care assessments")
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="26 001 309",
            complainant_label="Mr X",
            organisations=[home],
            service_area=area,
            category=category("Adult care services > Assessment and care plan"),
        ),
        decision_date=today - timedelta(days=30),
        summary="The Council delayed a care assessment for Mr X.",
    )
    FindingFactory(decision=decision, point="Delay in assessing Mr X's needs")
    AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        payee_label="Mr X",
        description="Apologise to Mr X",
        due_date=today - timedelta(days=2),
    )
    sign_in(page.context, officer)
    start, end = today - timedelta(days=60), today

    browse(page, "/reports/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make a committee report")
    assert_accessible(page, "the report builder")
    screenshot(page, "committee-report", "01-builder")
    # The radios: Tab into the group, arrows to the choice (which selects it).
    tab_to(page, page.get_by_role("radio").first)
    upheld = page.get_by_role("radio", name="Upheld decisions in a period")
    for _ in range(4):
        if upheld.is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(upheld).to_be_checked()
    for label, day in (("Period from", start), ("Period to", end)):
        tab_to(page, day_box(page, label))
        type_date(day)
        assert date_shown(page, label) == f"{day.day}/{day.month}/{day.year}"
    _press_on(page, page.get_by_role("button", name="Continue"))

    expect(page.get_by_role("heading", name="2. Front matter")).to_be_visible()
    tab_to(page, page.get_by_label("Title of meeting"))
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Audit and Standards Committee")
    tab_to(page, day_box(page, "Date of meeting"))
    type_date(today + timedelta(days=14))
    for_information = page.get_by_label("For information only")
    tab_to(page, for_information)
    if not for_information.is_checked():
        page.keyboard.press("Space")
    expect(for_information).to_be_checked()
    subject = page.get_by_label("Subject").input_value()
    assert subject
    assert_accessible(page, "the report builder's front matter")
    screenshot(page, "committee-report", "02-front-matter")
    _press_on(page, page.get_by_role("button", name="Make the PDF"))

    # The report's page follows its progress until the PDF is made (here at once: Celery runs
    # eagerly in the tests).
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    expect(page.get_by_text("The report is ready.")).to_be_visible(timeout=30_000)
    report = CommitteeReport.objects.get()
    assert report.status == CommitteeReport.Status.READY
    expect(page.locator("#reported")).to_contain_text("26 001 309")
    assert_accessible(page, "a committee report's page")
    screenshot(page, "committee-report", "03-report-ready")

    download_link = page.get_by_role("link", name="Download the PDF")
    tab_to(page, download_link)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == subject
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Audit and Standards Committee" in text
    assert "Complaint 26 001 309 (Mr X)" in text

    browse(page, "/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Committee reports")
    expect(page.locator("main table")).to_contain_text(subject)
    screenshot(page, "committee-report", "04-report-list")
