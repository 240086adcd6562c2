"""The committee report builder and a report's withdrawal, in a real browser: the builder
shows only the chosen kind's fields (GOV.UK conditional reveal) and says which field is
wrong; a report made by mistake is withdrawn with a reason. Each page is audited with
axe-core and saved under artefacts/screenshots/committee-report-builder/."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from decisions.models import Decision, Organisation, ServiceArea
from remedies.models import AgreedAction

from ..factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def officer(db):
    OrganisationFactory(
        name="Fenbury County Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=650_000,
        is_home_authority=True,
    )
    ServiceAreaFactory(directorate="Adult Social Care", service="Care assessments")
    return UserFactory(
        username="mo", first_name="Morgan", last_name="Officer", role="Monitoring officers"
    )


def test_the_builder_reveals_only_the_chosen_kinds_fields_and_names_the_missing_date(
    page, browse, sign_in, screenshot, officer
):
    sign_in(page.context, officer)
    browse(page, "/reports/new/")
    # Nothing chosen: no kind's fields are shown.
    for label in ("Ombudsman year", "Public interest report"):
        expect(page.get_by_label(label, exact=True)).to_be_hidden()
    expect(page.get_by_role("group", name="Period from")).to_be_hidden()
    assert_accessible(page, "the report builder")
    screenshot(page, "committee-report-builder", "01-nothing-chosen")

    page.get_by_role("radio", name="Upheld decisions in a period").check()
    expect(page.get_by_role("group", name="Period from")).to_be_visible()
    expect(page.get_by_role("combobox", name="Council")).to_be_visible()
    expect(page.get_by_label("Ombudsman year", exact=True)).to_be_hidden()
    screenshot(page, "committee-report-builder", "02-upheld-chosen")

    page.get_by_role("radio", name="Annual Ombudsman report").check()
    expect(page.get_by_label("Ombudsman year", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="Period from")).to_be_hidden()
    # The service areas of the annual report only, not those of the hidden kinds.
    expect(page.get_by_role("group", name="Service areas").filter(visible=True)).to_have_count(1)
    assert_accessible(page, "the report builder with the annual report chosen")

    page.get_by_role("radio", name="Overdue remedies").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="2. Front matter")).to_be_visible()
    page.get_by_label("Title of meeting").fill("Audit and Standards Committee")
    page.get_by_role("button", name="Make the PDF").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the meeting")
    expect(page.locator("#id_meeting_date-error")).to_contain_text("Enter the date of the meeting")
    expect(page.get_by_text("This field is required")).to_have_count(0)
    # The chosen kind stays chosen, its block open.
    expect(page.get_by_role("radio", name="Overdue remedies")).to_be_checked()
    assert_accessible(page, "the report builder with an error")
    screenshot(page, "committee-report-builder", "03-meeting-date-missing")


def test_a_report_made_by_mistake_is_withdrawn_with_a_reason(
    page, browse, sign_in, screenshot, officer
):
    sign_in(page.context, officer)
    browse(page, "/reports/new/?kind=overdue")
    page.get_by_label("Title of meeting").fill("Audit and Standards Committee")
    page.get_by_role("group", name="Date of meeting").get_by_label("Day").fill("20")
    page.get_by_role("group", name="Date of meeting").get_by_label("Month").fill("6")
    page.get_by_role("group", name="Date of meeting").get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_text("The report is ready.")).to_be_visible(timeout=30_000)
    assert_accessible(page, "a committee report's page")

    page.get_by_role("link", name="Withdraw the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw the report")
    assert_accessible(page, "the withdraw page")
    screenshot(page, "committee-report-builder", "04-withdraw")
    page.get_by_role("button", name="Withdraw the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why the report is being withdrawn"
    )
    assert_accessible(page, "the withdraw page with an error")
    page.get_by_label("Why is the report being withdrawn?").fill("Made for the wrong meeting.")
    page.get_by_role("button", name="Withdraw the report").click()

    expect(page.get_by_text("The report has been withdrawn.")).to_be_visible()
    expect(page.locator("#withdrawn")).to_contain_text("Made for the wrong meeting.")
    expect(page.get_by_text("The report is ready.")).to_have_count(0)
    expect(page.get_by_role("link", name="Withdraw the report")).to_have_count(0)
    expect(page.get_by_role("link", name="Download the withdrawn PDF")).to_be_visible()
    assert_accessible(page, "a withdrawn report's page")
    screenshot(page, "committee-report-builder", "05-withdrawn")
    browse(page, "/reports/")
    expect(page.locator("#reports")).to_contain_text("Withdrawn")


def test_the_preview_reads_each_upheld_decision_as_paragraphs(
    page, browse, sign_in, screenshot, officer
):
    home = Organisation.objects.get(is_home_authority=True)
    complaint = ComplaintFactory(
        reference="23 001 101",
        complainant_label="Mr X",
        organisations=[home],
        service_area=ServiceArea.objects.get(service="Care assessments"),
    )
    decision = DecisionFactory(
        complaint=complaint,
        decision_date=date(2023, 5, 10),
        outcome=Decision.Outcome.UPHELD,
        summary="The Council took five months to assess Mr X's care needs.",
    )
    FindingFactory(decision=decision, point="Delay in assessing Mr X's needs", injustice=True)
    AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        payee_label="Mr X",
        description="Apologise to Mr X",
        due_date=date(2023, 6, 10),
        status=AgreedAction.Status.DONE,
        completed_on=date(2023, 6, 1),
    )
    AgreedActionFactory(
        decision=decision,
        payee_label="Mr X",
        description="Pay Mr X for his time and trouble",
        amount=Decimal("350"),
        due_date=date(2023, 7, 10),
        status=AgreedAction.Status.DONE,
        completed_on=date(2023, 8, 1),
    )
    sign_in(page.context, officer)
    browse(page, "/reports/new/?kind=upheld&period_start=2023-04-01&period_end=2024-03-31")
    page.get_by_label("Title of meeting").fill("Audit and Standards Committee")
    page.get_by_role("group", name="Date of meeting").get_by_label("Day").fill("20")
    page.get_by_role("group", name="Date of meeting").get_by_label("Month").fill("6")
    page.get_by_role("group", name="Date of meeting").get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Preview").click()

    entry = page.locator("#preview .entry")
    expect(entry.get_by_role("heading", name="Complaint 23 001 101 (Mr X)")).to_be_visible()
    for heading in ("What happened", "Fault and injustice", "What the Council agreed"):
        expect(entry.get_by_role("heading", name=heading)).to_be_visible()
    expect(entry).to_contain_text(
        "The Ombudsman found fault: delay in assessing Mr X's needs. The fault caused "
        "injustice to Mr X."
    )
    expect(entry.get_by_role("listitem")).to_contain_text(
        ["Apologise to Mr X. Done on 1 June 2023, on time."]
    )
    payments = entry.get_by_role("table", name="Payments agreed (£350 in all)")
    expect(payments).to_contain_text("Paid on 1 August 2023, 22 days after the agreed date")
    expect(entry).to_contain_text("One action was completed after the agreed date.")
    expect(page.locator("#preview")).to_contain_text("none of them service improvements")
    assert_accessible(page, "a committee report's preview")
    screenshot(page, "committee-report-builder", "06-preview-upheld-decision")
