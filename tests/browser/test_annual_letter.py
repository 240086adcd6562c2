"""The annual review letter as a manager enters it in a browser (the question page with its
errors, check answers, Change, save) and the statistics page and dashboard that show what
it finds: axe-core (WCAG 2.2 A and AA) on each, with screenshots."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import AnnualLetter, Organisation

from ..factories import (
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .helpers import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world():
    today = timezone.localdate()
    home = OrganisationFactory(
        name="Fenbury County Council",
        kind=Organisation.Kind.COUNTY,
        population=650_000,
        is_home_authority=True,
    )
    trust = OrganisationFactory(name="Fenbury NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    area = ServiceAreaFactory(directorate="Adult Social Care", service="Charging")
    charging = category("Adult care services > Charging")
    # 2023-24: one decided days before 31 March, one joint with the trust.
    DecisionFactory(
        complaint=ComplaintFactory(
            reference="23 019 412", organisations=[home], service_area=area, category=charging
        ),
        decision_date=date(2024, 3, 27),
    )
    DecisionFactory(
        complaint=ComplaintFactory(
            reference="23 008 655", organisations=[home, trust], service_area=area
        ),
        decision_date=date(2023, 11, 15),
    )
    # Repeat faults of the last 24 months: one complaint upheld twice, and the service
    # area upheld on two complaints in one category.
    first = DecisionFactory(
        complaint=ComplaintFactory(
            reference="25 001 105", organisations=[home], service_area=area, category=charging
        ),
        decision_date=today - timedelta(days=200),
    )
    DecisionFactory(complaint=first.complaint, decision_date=today - timedelta(days=60))
    DecisionFactory(
        complaint=ComplaintFactory(
            reference="25 002 210", organisations=[home], service_area=area, category=charging
        ),
        decision_date=today - timedelta(days=30),
    )
    return UserFactory(username="claire", first_name="Claire", last_name="Donovan", role="Managers")


def test_a_manager_enters_the_letter_and_sees_what_differs(
    page, browse, sign_in, screenshot, world
):
    found: dict[str, list[dict]] = {}

    def audit(name):
        found[name] = axe_violations(page)
        screenshot(page, "annual-letter", name)

    sign_in(page.context, world)
    browse(page, "/statistics/?year=2023")
    page.get_by_role("link", name="Enter the annual letter's figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The annual review letter for 2023-24"
    )
    audit("letter-form")

    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the number of detailed investigations")
    expect(page).to_have_title(
        "Error: The annual review letter for 2023-24 – Ombudsman decision tracker"
    )
    audit("letter-form-with-errors")
    # The summary's link takes the person to the field.
    summary.get_by_role("link", name="Enter the number of upheld decisions").click()
    expect(page.get_by_label("Upheld decisions", exact=True)).to_be_focused()

    for label, value in [
        ("Detailed investigations", "30"),
        ("Upheld decisions", "31"),
        ("Upheld decisions per 100,000 residents", "3"),
        ("Compliance outcomes", "18"),
        ("Compliance rate (%)", "100"),
        ("Satisfactory remedy decisions", "2"),
        ("Average upheld rate (%) (optional)", "85"),
        ("Average upheld decisions per 100,000 residents (optional)", "4.5"),
        ("Average compliance rate (%) (optional)", "100"),
        ("Average satisfactory remedy rate (%) (optional)", "7"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Continue").click()
    expect(summary).to_contain_text(
        "The upheld decisions cannot be more than the 30 detailed investigations"
    )
    page.get_by_label("Upheld decisions", exact=True).fill("21")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the letter's figures")
    audit("letter-check")
    page.get_by_role("link", name="Change satisfactory remedy decisions").click()
    expect(page.get_by_label("Satisfactory remedy decisions", exact=True)).to_have_value("2")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save the letter's figures").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "figures for 2023-24 are saved"
    )
    assert AnnualLetter.objects.get().upheld == 21
    row = page.locator("#letter-investigations")
    expect(row).to_contain_text("Differs")
    expect(row).to_contain_text("28 investigations fewer here than in the letter")
    expect(page.locator("#explains-joint + p + ul")).to_contain_text("23 008 655")
    expect(page.locator("#explains-near-year-end + p + ul")).to_contain_text("23 019 412")
    audit("statistics-with-letter")

    browse(page, "/dashboard/")
    repeats = page.locator("#repeat-faults")
    expect(repeats).to_contain_text("25 001 105 upheld again")
    expect(repeats).to_contain_text("2 complaints upheld in “Adult care services > Charging”")
    repeats.scroll_into_view_if_needed()
    audit("dashboard-repeat-faults")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found WCAG violations:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in failing.items()
    )
