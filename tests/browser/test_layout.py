"""Page widths and status tags, as a council's staff see them on a 1280-pixel screen and on a
390-pixel phone, with the long names, long descriptions and long-overdue actions of real
work: no list scrolls sideways at 1280; at 390 My actions, an action's page, Complete and
Extend (and the two lists) fit the screen with their buttons in reach; a status tag is one
short line ("Overdue") with the days beside it in plain text. Screenshots of each page at
each width go to artefacts/screenshots/layout/."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Decision, Enquiry, Organisation
from remedies.models import AgreedAction

from ..factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .helpers import axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLES = ["Complaints officers", "Service managers", "Managers", "Monitoring officers"]
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LONG_BODY = "Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board"
LONG_DESCRIPTION = (
    "Review the care and support plans of every resident placed at Sunrise House since "
    "April 2023, identify anyone whose needs assessment was delayed beyond the statutory "
    "timescale, and write to each of them offering a remedy in line with the Ombudsman's "
    "guidance on remedies; publish the outcome at "
    "https://www.fenbury.gov.uk/adult-social-care/ombudsman-remedies-review-2024-outcome"
)

# What the page measures in the browser: its width against the window's, each status tag's
# height against its line height, and where each named button or link ends.
MEASURE = """
() => {
  const tags = [...document.querySelectorAll('main .govuk-tag')].map(el => {
    const rect = el.getBoundingClientRect();
    return {text: el.innerText, height: rect.height,
            lineHeight: parseFloat(getComputedStyle(el).lineHeight)};
  });
  return {scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth, tags};
}
"""


@pytest.fixture
def work():
    """A council's busy week: one decision with actions in every state (one 570 days
    overdue), long names and descriptions, and five more complaints on the list."""
    today = timezone.localdate()
    home = OrganisationFactory(
        name="Fenbury County Council",
        kind=Organisation.Kind.COUNTY,
        population=650_000,
        is_home_authority=True,
    )
    icb = OrganisationFactory(name=LONG_BODY, kind=Organisation.Kind.ICB)
    provider = OrganisationFactory(
        name="Sunrise Residential Care Homes (Fenbury) Limited", kind=Organisation.Kind.PROVIDER
    )
    user = UserFactory(
        username="alexandra",
        first_name="Alexandra",
        last_name="Montgomery-Richardson",
        role=ROLES[0],
    )
    user.groups.add(*Group.objects.filter(name__in=ROLES[1:]))
    area = ServiceAreaFactory(
        directorate="Children, Families and Education",
        service="Special Educational Needs and Disabilities",
    )
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="24 005 859a",
            complainant_label="Mrs Y",
            organisations=[home, icb, provider],
            service_area=area,
            category=category("Adult care services > Assessment and care plan"),
            officer=user,
        ),
        decision_date=today - timedelta(days=700),
        summary="The Council, the ICB and the care provider failed to assess and meet Mrs Y's "
        "needs after her discharge from hospital, and did not answer her complaint.",
    )

    def action(**kwargs):
        values = {
            "decision": decision,
            "organisation": home,
            "owner": user,
            "service_area": area,
            "payee_label": "Mrs Y",
            "description": "Pay Mrs Y for the distress and time and trouble caused.",
        }
        return AgreedActionFactory(**{**values, **kwargs})

    overdue = action(
        kind=AgreedAction.Kind.FINANCIAL,
        organisation=icb,
        amount=Decimal("1250.00"),
        description=LONG_DESCRIPTION,
        due_date=today - timedelta(days=570),
    )
    action(amount=Decimal("300.00"), due_date=today + timedelta(days=3))
    action(
        kind=AgreedAction.Kind.SERVICE_IMPROVEMENT,
        organisation=provider,
        amount=None,
        payee_label="",
        description=LONG_DESCRIPTION,
        due_date=today + timedelta(days=40),
    )
    action(kind=AgreedAction.Kind.REVIEW_OR_REASSESS, amount=None, due_date=None)
    action(
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        due_date=today - timedelta(days=600),
        status=AgreedAction.Status.DONE,
        completed_on=today - timedelta(days=590),
    )
    action(
        kind=AgreedAction.Kind.APOLOGY,
        organisation=icb,
        amount=None,
        due_date=today - timedelta(days=650),
        status=AgreedAction.Status.DONE,
        completed_on=today - timedelta(days=640),
    )
    action(
        kind=AgreedAction.Kind.NOTIFY_BODY,
        amount=None,
        due_date=today - timedelta(days=300),
        status=AgreedAction.Status.WITHDRAWN,
    )
    outcomes = [
        Decision.Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES,
        Decision.Outcome.REFERRED_BACK,
        Decision.Outcome.INCOMPLETE_INVALID,
        Decision.Outcome.NOT_UPHELD,
        Decision.Outcome.UPHELD,
    ]
    for n, outcome in enumerate(outcomes):
        other = DecisionFactory(
            complaint=ComplaintFactory(
                reference=f"25 01{n} 4{n}2",
                complainant_label="Mr X",
                organisations=[home, icb],
                service_area=None if n == 3 else area,
            ),
            kind=Decision.Kind.REPORT if n == 4 else Decision.Kind.STATEMENT,
            outcome=outcome,
            decision_date=today - timedelta(days=100 + n),
            summary="The Council delayed the assessment of Mr X's needs for eleven months and "
            "did not tell him of his right to an advocate; we found fault causing injustice.",
        )
        action(decision=other, organisation=icb, due_date=today - timedelta(days=10 * n + 1))
    Enquiry.objects.create(
        complaint=decision.complaint,
        kind=Enquiry.Kind.FURTHER,
        sent_on=today - timedelta(days=60),
        due_on=today - timedelta(days=30),
    )
    return {"user": user, "decision": decision, "overdue": overdue}


def _check(page, screenshot, viewport, name, *, reachable=()):
    """Measures the page as it stands, saves its screenshot and returns what is wrong."""
    screenshot(page, "layout", f"{viewport['width']}-{name}")
    found = page.evaluate(MEASURE)
    wrong = []
    if found["scrollWidth"] > found["innerWidth"]:
        wrong.append(
            f"{name} at {viewport['width']}: {found['scrollWidth']} px wide in a "
            f"{found['innerWidth']} px window"
        )
    for tag in found["tags"]:
        if tag["height"] >= 2 * tag["lineHeight"]:
            wrong.append(f"{name} at {viewport['width']}: tag {tag['text']!r} wraps")
    for locator in reachable:
        for box in (locator.nth(i).bounding_box() for i in range(locator.count())):
            if box["x"] < 0 or box["x"] + box["width"] > found["innerWidth"]:
                wrong.append(f"{name} at {viewport['width']}: {locator} off screen ({box})")
    print(f"{name} at {viewport['width']}: scrollWidth {found['scrollWidth']}")
    return wrong


def test_pages_fit_the_screen_and_tags_stay_on_one_line(page, browse, sign_in, screenshot, work):
    action = work["overdue"]
    sign_in(page.context, work["user"])
    wrong = []
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)

        browse(page, "/decisions/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Decisions")
        wrong += _check(page, screenshot, viewport, "decisions-list")

        browse(page, "/actions/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Actions the council answers for")
        wrong += _check(page, screenshot, viewport, "actions-list")

        browse(page, "/actions/mine/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
        complete = page.get_by_role("link", name="Complete")
        assert complete.count() == 9  # every open action, dated or not
        wrong += _check(page, screenshot, viewport, "my-actions", reachable=[complete])

        browse(page, f"/actions/{action.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Financial remedy to Mrs Y")
        buttons = [
            page.get_by_role("button", name="Complete with evidence"),
            page.get_by_role("button", name="Record an extension"),
        ]
        wrong += _check(page, screenshot, viewport, "action-detail", reachable=buttons)

        browse(page, f"/actions/{action.pk}/complete/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Complete with evidence")
        done = page.get_by_role("button", name="Mark done")
        wrong += _check(page, screenshot, viewport, "complete-action", reachable=[done])

        browse(page, f"/actions/{action.pk}/extend/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Record an extension")
        save = page.get_by_role("button", name="Save extension")
        wrong += _check(page, screenshot, viewport, "extend-action", reachable=[save])

        browse(page, f"/decisions/{work['decision'].pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Complaint 24 005 859a")
        wrong += _check(page, screenshot, viewport, "decision-detail")
    assert not wrong, "\n".join(wrong)


def test_status_reads_the_same_on_every_page(page, browse, sign_in, work):
    """One tag, one wording: "Overdue" with "570 days overdue" beside it, wherever the
    action appears."""
    action = work["overdue"]
    sign_in(page.context, work["user"])
    for path in (
        "/actions/?whose=all",  # the ICB's action: the list opens on the council's
        "/actions/mine/",
        f"/actions/{action.pk}/",
        f"/decisions/{work['decision'].pk}/",
    ):
        browse(page, path)
        status = page.locator(".app-status", has_text="570 days overdue")
        expect(status).to_have_count(1)
        expect(status.locator(".govuk-tag")).to_have_text("Overdue")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_pages_have_no_wcag_violations_at_either_width(page, browse, sign_in, work, viewport):
    action = work["overdue"]
    sign_in(page.context, work["user"])
    page.set_viewport_size(viewport)
    found = {}
    for name, path in [
        ("my-actions", "/actions/mine/"),
        ("actions-list", "/actions/"),
        ("decisions-list", "/decisions/"),
        ("action-detail", f"/actions/{action.pk}/"),
        ("complete-action", f"/actions/{action.pk}/complete/"),
        ("extend-action", f"/actions/{action.pk}/extend/"),
        ("decision-detail", f"/decisions/{work['decision'].pk}/"),
    ]:
        browse(page, path)
        found[name] = axe_violations(page)
    failing = {name: v for name, v in found.items() if v}
    report = "\n".join(f"{name}:\n{describe(v)}" for name, v in failing.items())
    assert not failing, f"axe-core found WCAG violations at {viewport['width']} pixels:\n{report}"
