"""The lists' MOJ filter, as a manager uses it: apply a filter and see its tag and the
sentence, remove it by its tag, clear the filters; save the filters as a named view,
open it again, delete it. axe-core finds no WCAG 2.2 A/AA violation on either list, the
save and delete pages and the dashboard (the council's and all organisations'); at 1280
and 390 pixels nothing scrolls sideways. Screenshots go to
artefacts/screenshots/list-filters/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Organisation

from ..factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The elements that reach past the window's right edge, innermost last.
TOO_WIDE = """
() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3).map(el => el.tagName + '.' + el.className + ' ' + el.getBoundingClientRect().right)
"""


@pytest.fixture
def manager(db):
    today = timezone.localdate()
    council = OrganisationFactory(
        name="Fenbury Council", kind=Organisation.Kind.DISTRICT, is_home_authority=True
    )
    trust = OrganisationFactory(name="Fenbury NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    children = ServiceAreaFactory(
        directorate="Children, Families and Education", service="Special educational needs"
    )
    housing = ServiceAreaFactory(directorate="Housing", service="Homelessness")
    decision = DecisionFactory(
        complaint=ComplaintFactory(reference="26 003 118", organisations=[council, trust],
                                   service_area=children),
        decision_date=today - timedelta(days=90),
    )  # fmt: skip

    def act(description, days, area=children, org=council, **fields):
        return AgreedActionFactory(
            decision=decision, organisation=org, service_area=area, description=description,
            due_date=today + timedelta(days=days), **fields,
        )  # fmt: skip

    act("Apologise to Mrs Y.", -20)
    act("Pay Mrs Y £250.", -5, kind="financial", amount=Decimal("250.00"))
    act("Review the housing file.", 10, area=housing)
    act("The trust reviews its discharge plan.", -30, org=trust)
    return UserFactory(username="mina", first_name="Mina", last_name="Manager", role="Managers")


def _fits(page, what):
    scroll, inner = page.evaluate(WIDTH)
    assert scroll <= inner, (
        f"{what}: {scroll} px wide in a {inner} px window: {page.evaluate(TOO_WIDE)}"
    )


def test_filter_tags_sentence_and_clear_filters(page, browse, sign_in, screenshot, manager):
    sign_in(page.context, manager)
    page.set_viewport_size(WIDE)
    browse(page, "/actions/")
    count = page.locator("#result-count")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions the council answers for")
    expect(count).to_have_text("3 open actions the council answers for")
    # Soonest due first.
    expect(page.locator("#actions tbody tr").first).to_contain_text("Apologise to Mrs Y.")
    tags = page.locator("#selected-filters")
    expect(tags.get_by_role("link", name="Remove this filter Open")).to_be_visible()
    assert_accessible(page, "the actions list as it opens")
    _fits(page, "the actions list at 1280")
    screenshot(page, "list-filters", "01-actions-opened-1280")

    # Grouped by directorate: the select shows the service alone, the tag both.
    page.get_by_label("Service area").select_option(label="Special educational needs")
    page.get_by_label("Overdue", exact=True).select_option(label="Yes")
    page.get_by_role("button", name="Apply filters").click()
    expect(count).to_have_text(
        "2 overdue open actions the council answers for, "
        "Children, Families and Education: Special educational needs"
    )
    area_tag = tags.get_by_role(
        "link",
        name="Remove this filter Children, Families and Education: Special educational needs",
    )
    expect(area_tag).to_be_visible()
    assert_accessible(page, "the actions list with filters applied")
    screenshot(page, "list-filters", "02-actions-filtered-1280")

    area_tag.click()
    expect(count).to_have_text("2 overdue open actions the council answers for")
    expect(area_tag).to_have_count(0)

    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreed actions of all organisations")
    expect(count).to_have_text("4 actions")
    expect(page.locator("#selected-filters")).to_have_count(0)

    browse(page, "/decisions/?has_open_actions=yes")
    expect(count).to_have_text("1 complaint, with open actions")
    assert_accessible(page, "the decisions list filtered")
    _fits(page, "the decisions list at 1280")
    screenshot(page, "list-filters", "03-decisions-1280")

    for path, name in [("/dashboard/", "council"), ("/dashboard/?whose=all", "all")]:
        browse(page, path)
        assert_accessible(page, f"the dashboard ({name})")
        screenshot(page, "list-filters", f"04-dashboard-{name}-1280")
    expect(page.locator("#figure-overdue")).to_have_text("3")

    page.set_viewport_size(PHONE)
    for path, name in [("/actions/", "actions"), ("/decisions/", "decisions")]:
        browse(page, path)
        screenshot(page, "list-filters", f"05-{name}-390")
        _fits(page, f"{name} at 390")
    # The dashboard's charts' tables are another piece of work (issue 15, charts): here, the
    # choice of whose actions fits the phone's screen.
    browse(page, "/dashboard/")
    screenshot(page, "list-filters", "05-dashboard-390")
    for link in ("Actions the council answers for", "All organisations"):
        box = page.get_by_role("link", name=link, exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], link
    browse(page, "/actions/")
    assert_accessible(page, "the actions list on a phone")
    # The MOJ filter starts hidden on a phone, behind its "Show filter" button.
    expect(page.get_by_role("button", name="Apply filters")).to_be_hidden()
    page.get_by_role("button", name="Show filter").click()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    screenshot(page, "list-filters", "06-actions-filter-open-390")


def test_a_saved_view_round_trip(page, browse, sign_in, screenshot, manager):
    sign_in(page.context, manager)
    page.set_viewport_size(WIDE)
    browse(page, "/actions/?overdue=yes")
    count = page.locator("#result-count")
    expect(count).to_have_text("2 overdue actions the council answers for")
    page.get_by_role("link", name="Save these filters as a view").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save these filters as a view")
    expect(page.locator("#view-summary")).to_have_text(
        "Today: 2 overdue actions the council answers for"
    )
    page.get_by_role("button", name="Save view").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a name for the view")
    assert_accessible(page, "the save-a-view page with an error")
    screenshot(page, "list-filters", "07-save-view-error")
    page.get_by_label("Name of the view").fill("Overdue, ours")
    page.get_by_role("button", name="Save view").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your view “Overdue, ours” is saved."
    )
    browse(page, "/actions/?whose=all&status=done")
    expect(count).to_have_text("0 done actions")
    saved = page.locator("#saved-views")
    saved.get_by_role("link", name="Overdue, ours", exact=True).click()
    expect(count).to_have_text("2 overdue actions the council answers for")
    screenshot(page, "list-filters", "08-saved-view-opened")

    saved.get_by_role("link", name="Delete your view Overdue, ours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your view “Overdue, ours”")
    assert_accessible(page, "the delete-a-view page")
    page.get_by_role("button", name="Delete view").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Your view “Overdue, ours” is deleted."
    )
    expect(saved.get_by_role("link", name="Overdue, ours", exact=True)).to_have_count(0)
