"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every main page, as its users see
it with data in it and with its errors shown; and a committee report that is being made,
whose page follows its progress without a timed refresh."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import CommitteeReport, Enquiry, Organisation
from decisions.reports.services import report_render
from remedies.models import AgreedAction

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
from .helpers import assert_accessible, axe_violations, describe

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROLES = ["Complaints officers", "Service managers", "Managers", "Monitoring officers"]


def _pending_report(user, *, today: date) -> CommitteeReport:
    """A report asked for and not yet made (a worker would pick it up)."""
    return CommitteeReport.objects.create(
        kind=CommitteeReport.Kind.OVERDUE,
        parameters={
            "kind": "overdue", "period_start": None, "period_end": None,
            "as_of": today.isoformat(), "service_area_ids": [], "service_areas": [],
            "decision_id": None, "decision": "", "organisation_id": None, "organisation": "",
            "unreported_only": False, "meeting_date": (today + timedelta(days=14)).isoformat(),
            "meeting_title": "Audit and Standards Committee", "subject": "Overdue remedies",
            "report_by": "Monitoring Officer", "wards_affected": "All", "for_information": True,
            "recommendations": "", "purpose": "P.", "background": "B.", "conclusion": "C.",
        },
        meeting_title="Audit and Standards Committee",
        meeting_date=today + timedelta(days=14),
        subject="Overdue remedies",
        created_by=user,
    )  # fmt: skip


@pytest.fixture
def world():
    """A council with a decision, its findings, an overdue action, a completed one and an
    enquiry; a user in every role, who owns the actions."""
    today = timezone.localdate()
    home = OrganisationFactory(
        name="Fenbury County Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=650_000,
        is_home_authority=True,
    )
    user = UserFactory(username="alex", first_name="Alex", last_name="Allrounder", role=ROLES[0])
    user.groups.add(*Group.objects.filter(name__in=ROLES[1:]))
    user.set_password(PASSWORD)
    user.save()
    area = ServiceAreaFactory(directorate="Adult Social Care", service="Care assessments")
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="26 005 601",
            organisations=[home],
            service_area=area,
            category=category("Adult care services > Assessment and care plan"),
            officer=user,
        ),
        decision_date=today - timedelta(days=75),
        summary="The Council delayed Mr X's care assessment by four months.",
    )
    FindingFactory(decision=decision, point="Delay in assessing Mr X's needs")
    overdue = AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.FINANCIAL,
        payee_label="Mr X",
        amount=Decimal("250.00"),
        description="Pay Mr X £250 for the distress caused.",
        due_date=today - timedelta(days=14),
        owner=user,
        service_area=area,
    )
    AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        payee_label="Mr X",
        description="Apologise to Mr X.",
        due_date=today - timedelta(days=45),
        status=AgreedAction.Status.DONE,
        completed_on=today - timedelta(days=50),
        completed_by=user,
        owner=user,
        service_area=area,
    )
    Enquiry.objects.create(
        complaint=decision.complaint,
        kind=Enquiry.Kind.INITIAL,
        sent_on=today - timedelta(days=200),
        due_on=today - timedelta(days=170),
        answered_on=today - timedelta(days=172),
    )
    call_command("run_sweep")
    return {"user": user, "decision": decision, "overdue": overdue, "today": today}


def test_every_main_page_has_no_wcag_violations(page, browse, screenshot, world):
    decision, action = world["decision"], world["overdue"]
    found: dict[str, list[dict]] = {}

    def audit(name):
        found[name] = axe_violations(page)
        screenshot(page, "accessibility", name)

    # The sign-in page, empty and with its errors, then signing in through it.
    browse(page, "/login/")
    audit("login")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Username: This field is required."
    )
    audit("login-with-errors")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    pages = [
        ("decisions-list", "/decisions/", "Decisions"),
        ("decision-detail", f"/decisions/{decision.pk}/", "Complaint 26 005 601"),
        ("my-actions", "/actions/mine/", "My actions"),
        ("dashboard", "/dashboard/", "Overdue-remedy dashboard"),
        ("statistics", "/statistics/", None),
        ("actions-list", "/actions/?overdue=yes", "Actions the council answers for"),
        ("action-detail", f"/actions/{action.pk}/", "Financial remedy to Mr X"),
        ("complete-action", f"/actions/{action.pk}/complete/", "Complete with evidence"),
        ("report-builder", "/reports/new/", "Make a committee report"),
        ("reports-list", "/reports/", "Committee reports"),
        # The other pages a complaints officer works in.
        ("decision-edit", f"/decisions/{decision.pk}/edit/", None),
        ("extend-action", f"/actions/{action.pk}/extend/", None),
        ("compliance-outcome", f"/actions/{action.pk}/compliance/", None),
        ("enquiries-past-due", "/enquiries/past-due/", None),
        ("import-decisions", "/decisions/import/", None),
        ("change-password", "/account/password/", "Change your password"),
    ]
    for name, path, heading in pages:
        browse(page, path)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        audit(name)

    # Log a decision: the start page, and its paste form sent empty; then each page of
    # the journey, empty and sent with errors, the check page with what is missing and
    # after "Save decision" refused, and the page that discards a draft.
    browse(page, "/decisions/new/")
    audit("log-a-decision-start")
    page.get_by_role("button", name="Read the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("could not be used")
    audit("paste-a-decision-with-errors")
    page.get_by_role("button", name="Type the decision in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The complaint and the decision")
    draft = "/" + page.url.split("//", 1)[1].split("/", 1)[1].rsplit("decision/", 1)[0]
    audit("journey-decision")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("journey-decision-with-errors")
    browse(page, draft + "findings/")
    page.get_by_label("Complaint point").fill("Delay")
    page.get_by_role("button", name="Add another finding").click()
    audit("journey-findings-two")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("journey-findings-with-errors")
    browse(page, draft + "actions/")
    audit("journey-actions-none")
    page.get_by_role("button", name="Add an action").click()
    audit("journey-action")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("journey-action-with-errors")
    browse(page, draft + "check/")
    expect(page.locator("#to-complete")).to_be_visible()
    audit("journey-check-to-complete")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("nothing has been saved")
    audit("journey-check-with-errors")
    browse(page, draft + "cancel/")
    audit("journey-cancel")

    # The complete-action form with its errors, and the report builder's second step.
    browse(page, f"/actions/{action.pk}/complete/")
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit("complete-action-with-errors")
    browse(page, "/reports/new/?kind=overdue")
    expect(page.get_by_role("heading", name="2. Front matter")).to_be_visible()
    audit("report-builder-front-matter")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found WCAG violations:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in failing.items()
    )


def test_error_pages_and_the_no_role_page_have_no_wcag_violations(
    page, browse, sign_in, screenshot, settings
):
    """400, 403, 404, 500, the expired form and the page of someone without a role, as a
    service manager (or that someone) sees them; 400 and 500 come from pages of the test
    URLs that fail."""
    settings.ROOT_URLCONF = "tests.error_urls"
    found: dict[str, list[dict]] = {}

    def audit(name, response, status, heading):
        assert response.status == status, (name, response.status)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page).to_have_title(f"{heading} – Ombudsman decision tracker")
        found[name] = axe_violations(page)
        screenshot(page, "error-pages", name)

    sign_in(page.context, UserFactory(username="sam", role="Service managers"))
    pages = [
        ("page-not-found", "/no-such-page/", 404, "Page not found"),
        ("access-refused", "/dashboard/", 403, "You do not have access to this page"),
        ("bad-request", "/test/bad-request/", 400, "Sorry, the tracker could not read what was sent"),  # noqa: E501
        ("server-error", "/test/server-error/", 500, "Sorry, there is a problem with the service"),
    ]  # fmt: skip
    for name, path, status, heading in pages:
        audit(name, browse(page, path), status, heading)

    # A form whose token no longer matches: the change-password form without it.
    browse(page, "/account/password/")
    page.locator("[name=csrfmiddlewaretoken]").evaluate_all(
        "tokens => tokens.forEach(t => t.remove())"
    )
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Change password").click()
    audit("form-expired", navigation.value, 403, "The form has expired")

    sign_in(page.context, UserFactory(username="newcomer"))
    audit("no-role", browse(page, "/"), 200, "You do not have a role in the tracker yet")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found WCAG violations:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in failing.items()
    )


def test_a_report_being_made_shows_its_progress_then_the_download_in_place(
    page, browse, sign_in, screenshot, world
):
    report = _pending_report(world["user"], today=world["today"])
    sign_in(page.context, world["user"])

    browse(page, f"/reports/{report.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue remedies")
    expect(page.locator("#status")).to_contain_text("Waiting to start")
    # No timed refresh of the page (WCAG 2.2.1): axe's meta-refresh rule among the rest.
    assert_accessible(page, "a committee report being made")
    screenshot(page, "committee-report", "05-report-pending")
    page.evaluate("window.stillTheSamePage = true")

    assert report_render(report_id=report.pk) is True  # as the worker would

    # The page shows it without being reloaded: the mark set above is still there.
    expect(page.get_by_text("The report is ready.")).to_be_visible()
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("#status[aria-live=polite]").count() == 1
    assert_accessible(page, "a committee report made while its page was open")


def test_the_watch_on_the_browser_reports_a_script_the_policy_refuses(page, browse, problems):
    """The journeys fail on a CSP refusal: check that one is seen (an inline script, which
    the policy forbids, added to the sign-in page)."""
    browse(page, "/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.inlineRan = true'; document.body.append(s); }"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.evaluate("window.inlineRan") is None
    # Chromium words it "Executing inline script violates ...", older ones "Refused to ...".
    refused = [p for p in problems.items if p.startswith("CSP:") and "inline script" in p]
    assert refused, problems.items
    problems.items.clear()  # seen as expected: not a failure of this test


def test_changing_and_assigning_actions_have_no_wcag_violations(
    page, browse, sign_in, screenshot, world
):
    """An action's Change page, empty and with its errors; assigning actions from the
    decision page: choosing (with its error), checking, the result, and a check page that
    refuses a list out of date."""
    decision, action = world["decision"], world["overdue"]
    UserFactory(username="jane", first_name="Jane", last_name="Smith", role=ROLES[1])
    sign_in(page.context, world["user"])
    found: dict[str, list[dict]] = {}

    def audit(name, heading, *, titled=True):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if titled:  # the page's title says what its heading says
            expect(page).to_have_title(re.compile(rf"^(Error: )?{re.escape(heading)} – "))
        found[name] = axe_violations(page)
        screenshot(page, "owners-and-actions", name)

    browse(page, f"/actions/{action.pk}/change/")
    audit("change-action", "Change agreed action")
    page.get_by_label("Kind of action").select_option(label="Apology")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Only a financial remedy has an amount: clear the amount, or choose Financial remedy."
    )
    audit("change-action-with-errors", "Change agreed action")

    browse(page, f"/decisions/{decision.pk}/")
    page.get_by_label("Select Financial remedy to Mr X, 26 005 601").check()
    page.get_by_role("button", name="Assign selected actions").click()
    audit("assign-choose", "Assign 1 action")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose an owner, a service area or both."
    )
    audit("assign-choose-with-errors", "Assign 1 action")
    page.get_by_label("Owner").select_option(label="Jane Smith")
    page.get_by_role("button", name="Continue").click()
    audit("assign-check", "Check and assign 1 action")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "1 action assigned to Jane Smith"
    )
    audit("decision-after-assigning", "Complaint 26 005 601", titled=False)

    browse(page, f"/actions/assign/?actions={action.pk}:1&owner={action.owner_id}&step=check")
    expect(page.locator(".govuk-error-summary")).to_contain_text("after the list was shown")
    audit("assign-check-refused", "Check and assign 1 action")

    failing = {name: v for name, v in found.items() if v}
    assert not failing, "axe-core found WCAG violations:\n" + "\n".join(
        f"{name}:\n{describe(v)}" for name, v in failing.items()
    )
