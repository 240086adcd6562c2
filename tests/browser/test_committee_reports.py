"""The committee report builder and a report's withdrawal, in a real browser: the builder
shows only the chosen kind's fields (GOV.UK conditional reveal) and says which field is
wrong; a report made by mistake is withdrawn with a reason. Each page is audited with
axe-core and saved under artefacts/screenshots/committee-report-builder/."""

import pytest
from playwright.sync_api import expect

from decisions.models import Organisation

from ..factories import OrganisationFactory, ServiceAreaFactory, UserFactory
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
