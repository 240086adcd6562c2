"""The complaints team's core journeys with a large joint decision, measured: pasting
24 005 859a (17 agreed actions) and saving it from the check page after choosing the
service area once; then giving all 17 actions one owner from the decision's page."""

import pytest
from playwright.sync_api import expect

from decisions.models import Decision, Organisation
from remedies.models import AgreedAction

from ..factories import OrganisationFactory, ServiceAreaFactory, UserFactory
from ..texts import JOINT_24_005_859A
from .helpers import JourneyMeter, assert_accessible, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _press(page, role, name, key="Enter"):
    target = page.get_by_role(role, name=name, exact=True)
    tab_to(page, target)
    page.keyboard.press(key)


@pytest.fixture
def joint_bodies(db):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Lead",
                       role="Service managers")  # fmt: skip
    area = ServiceAreaFactory(directorate="Adult Social Care", service="Mental health",
                              lead=lead)  # fmt: skip
    OrganisationFactory(name="Cambridgeshire and Peterborough NHS Foundation Trust",
                        short_name="the Trust", kind=Organisation.Kind.NHS_TRUST)  # fmt: skip
    OrganisationFactory(name="Peterborough City Council", short_name="the Council",
                        kind=Organisation.Kind.UNITARY, is_home_authority=True)  # fmt: skip
    OrganisationFactory(name="NHS Cambridgeshire and Peterborough Integrated Care Board",
                        short_name="the ICB", kind=Organisation.Kind.ICB)  # fmt: skip
    return area, lead


def test_pasting_24_005_859a_and_choosing_the_area_once_saves_17_owned_actions(
    page, browse, sign_in, screenshot, joint_bodies
):
    area, lead = joint_bodies
    officer = UserFactory(username="cora", first_name="Cora", last_name="Officer",
                          role="Complaints officers")  # fmt: skip
    sign_in(page.context, officer)
    browse(page, "/decisions/new/")
    meter = JourneyMeter(page, "paste-24-005-859a-and-save")
    heading = page.get_by_role("heading", level=1)
    meter.look()
    tab_to(page, page.get_by_label("The decision's text"))
    page.keyboard.insert_text(JOINT_24_005_859A)
    _press(page, "button", "Read the decision")

    expect(heading).to_have_text("Check the decision before saving")
    meter.look()
    expect(page.locator("#read-from-text")).to_contain_text("17 agreed actions found")
    expect(page.locator("#read-from-text")).to_contain_text("payments of £1,200.00 in all")
    expect(page.locator("#actions tbody tr")).to_have_count(17)
    expect(page.locator("#to-complete")).to_have_count(0)  # it would save as it is
    screenshot(page, "paste-24-005-859a", "01-check-answers")
    assert_accessible(page, "the check page of a 17-action decision")

    # The service area, chosen once: Change, choose, back to the check page.
    _press(page, "link", "Change service area")
    expect(heading).to_have_text("The complaint and the decision")
    meter.look()
    select = page.get_by_label("Service area")
    tab_to(page, select)
    select.select_option(label=str(area))  # a keyboard user's choice of one option
    _press(page, "button", "Save and return to check")

    expect(heading).to_have_text("Check the decision before saving")
    expect(page.locator("#actions tbody tr", has_text="Lena Lead")).to_have_count(17)
    screenshot(page, "paste-24-005-859a", "02-check-with-owners")
    assert not Decision.objects.exists()
    _press(page, "button", "Save decision")

    expect(heading).to_have_text("Complaint 24 005 859a")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Decision on 24 005 859a recorded with 17 agreed actions."
    )
    figures = meter.report()
    decision = Decision.objects.get(complaint__reference="24 005 859a")
    actions = AgreedAction.objects.filter(decision=decision)
    assert actions.count() == 17
    assert set(actions.values_list("service_area", "owner")) == {(area.pk, lead.pk)}
    assert all(actions.values_list("due_date", flat=True))
    assert decision.findings.get().result == "upheld"
    screenshot(page, "paste-24-005-859a", "03-decision-recorded")
    # Read, change the area, save: three submissions.
    assert figures["page submissions"] == 3


def _seventeen_unowned(officer):
    """24 005 859a logged from its text with no service area: 17 actions nobody owns."""
    from decisions.journey.drafts import draft_save, draft_start
    from decisions.paste import prefill_from_text

    prefill = prefill_from_text(JOINT_24_005_859A)
    draft = draft_start(user=officer, data=prefill.data, notes=prefill.notes())
    return draft_save(draft=draft, user=officer)


def test_giving_17_actions_one_owner_from_the_decision_page_in_one_step(
    page, browse, sign_in, screenshot, joint_bodies
):
    area, lead = joint_bodies
    officer = UserFactory(username="cora", first_name="Cora", last_name="Officer",
                          role="Complaints officers")  # fmt: skip
    decision = _seventeen_unowned(officer)
    assert not decision.actions.filter(owner__isnull=False).exists()
    sign_in(page.context, officer)
    browse(page, f"/decisions/{decision.pk}/")
    meter = JourneyMeter(page, "give-17-actions-one-owner")
    heading = page.get_by_role("heading", level=1)
    meter.look()
    select_all = page.get_by_role("checkbox", name="Select all")
    tab_to(page, select_all)
    page.keyboard.press("Space")
    expect(page.locator("#actions tbody input[type=checkbox]:checked")).to_have_count(17)
    _press(page, "button", "Assign selected actions")

    expect(heading).to_have_text("Assign 17 actions")
    meter.look()
    owner = page.get_by_label("Owner")
    tab_to(page, owner)
    owner.select_option(label="Lena Lead")
    _press(page, "button", "Continue")

    expect(heading).to_have_text("Check and assign 17 actions")
    meter.look()
    assert_accessible(page, "the check page of assigning 17 actions")
    screenshot(page, "assign-17-actions", "01-check")
    _press(page, "button", "Assign")

    expect(heading).to_have_text("Complaint 24 005 859a")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "17 actions assigned to Lena Lead"
    )
    figures = meter.report()
    assert decision.actions.filter(owner=lead).count() == 17
    screenshot(page, "assign-17-actions", "02-assigned")
    # Select all, choose the owner, confirm: three forms sent, one of them a POST.
    assert figures["page submissions"] == 1
