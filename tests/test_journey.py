"""Logging a decision page by page: the draft kept on the server for its author, pasted
text landing on the check page, owners shown before saving, one save for everything."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from decisions.models import Complaint, Decision, DecisionDraft
from remedies.models import AgreedAction

from .factories import (
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .journey import start_draft
from .test_paste import WEB_PAGE

pytestmark = pytest.mark.django_db

# The test decision of test_paste, with a remedy sentence that names the fault in its final
# decision (as 24 005 859a has): it must not become a finding.
JOINT = WEB_PAGE.replace(
    "caused injustice to Mrs K.",
    "caused injustice to Mrs K. The organisations have agreed to take action to address "
    "the impact of this fault.",
)
assert JOINT != WEB_PAGE


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 2), tick=False):
        yield


@pytest.fixture
def bodies(db):
    lead = UserFactory(
        username="lead", first_name="Lena", last_name="Lead", role="Service managers"
    )
    area = ServiceAreaFactory(directorate="Adults", service="Carers", lead=lead)
    council = OrganisationFactory(name="Westmere Borough Council", short_name="the Council")
    trust = OrganisationFactory(name="Riverside NHS Trust", short_name="the Trust")
    return council, trust, area, lead


def _check_url(response) -> str:
    assert response.status_code == 302, response.status_code
    assert response["Location"].endswith("/check/")
    return response["Location"]


def test_a_pasted_decision_saves_from_the_check_page_without_edits_once_given_its_area(
    officer_client, bodies
):
    council, trust, area, lead = bodies
    check = _check_url(officer_client.post("/decisions/new/", {"text": JOINT}))
    page = officer_client.get(check).content.decode()
    # The remedy sentence is not a finding; the finding has the decision's result.
    assert "address the impact" not in page.split("Findings")[1].split("Agreed actions")[0]
    assert "Result: Upheld" in page
    assert page.count("Nobody yet") == 5
    # Choose the service area once, on the decision page, and come back to check.
    step = officer_client.get(check.replace("check/", "decision/?next=check"))
    data = dict(step.context["complaint_form"].data.lists())  # the page as it is filled
    data["complaint-service_area"] = [str(area.pk)]
    data["next"] = ["check"]
    response = officer_client.post(check.replace("check/", "decision/"), data)
    assert response["Location"] == check
    page = officer_client.get(check).content.decode()
    # Each action's owner is the area's lead, said so (the area, the complaint's, unsaid).
    assert (
        page.count("""Lena Lead<br><span class="govuk-body-s">the area's lead</span></td>""") == 5
    )
    response = officer_client.post(check)
    assert response.status_code == 302
    decision = Decision.objects.get(complaint__reference="24 017 342b")
    actions = decision.actions.order_by("pk")
    assert actions.count() == 5
    assert {(a.service_area, a.owner) for a in actions} == {(area, lead)}
    assert all(a.due_date for a in actions)
    assert {a.organisation for a in actions} == {council, trust}
    assert decision.findings.get().result == "upheld"
    assert not DecisionDraft.objects.exists()  # discarded once saved


def test_saving_actions_nobody_owns_says_so_and_names_who_is_reminded(
    officer_client, officer, bodies
):
    # Nobody owns them and the complaint has no officer: the complaints team is told.
    officer.first_name, officer.last_name = "Cora", "Case"
    officer.save()
    check = _check_url(officer_client.post("/decisions/new/", {"text": JOINT}))
    response = officer_client.post(check, follow=True)
    page = response.content.decode()
    assert "Decision on 24 017 342b recorded with 5 agreed actions." in page
    assert "5 actions have no owner: reminders will go to Cora Case." in page


def test_the_draft_survives_a_refused_page_and_is_its_authors_alone(officer_client, bodies):
    council, *_ = bodies
    draft = start_draft(officer_client)
    response = officer_client.post(
        draft + "decision/",
        {"complaint-reference": "24 100 200", "complaint-organisations": [str(council.pk)],
         "decision-decision_date-day": "31", "decision-decision_date-month": "2",
         "decision-decision_date-year": "2025", "decision-outcome": "upheld",
         "decision-kind": "statement"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Date of decision must be a real date" in response.content.decode()
    # Coming back later (the back button, another day) shows what was typed.
    again = officer_client.get(draft + "decision/").content.decode()
    assert 'value="24 100 200"' in again and 'value="31"' in again
    other = Client()
    other.force_login(UserFactory(username="colleague", role="Complaints officers"))
    assert other.get(draft + "decision/").status_code == 404
    assert other.post(draft + "check/").status_code == 404
    assert not Complaint.objects.exists()


def test_a_draft_is_kept_a_week_then_forgotten(officer_client, officer, bodies):
    draft = start_draft(officer_client)
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        officer_client.force_login(officer)  # signed in again after a break
        assert officer_client.get(draft + "check/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=14)):
        officer_client.force_login(officer)
        assert officer_client.get(draft + "check/").status_code == 404
    assert not DecisionDraft.objects.exists()


def test_the_check_page_lists_what_is_missing_with_a_change_link_and_refuses_to_save(
    officer_client, bodies
):
    draft = start_draft(officer_client)
    response = officer_client.post(draft + "check/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem: nothing has been saved" in page
    link = re.search(r'href="([^"]+)">Enter the Ombudsman&#x27;s reference', page).group(1)
    assert link.startswith(draft + "decision/?next=check#")
    assert not Decision.objects.exists()


def test_actions_are_added_changed_and_removed_one_page_each(officer_client, bodies):
    council, trust, area, lead = bodies
    draft = start_draft(officer_client)
    officer_client.post(
        draft + "decision/",
        {"complaint-reference": "24 100 201", "complaint-organisations": [str(council.pk)],
         "complaint-complainant_label": "Mrs B",
         "complaint-service_area": str(area.pk), "decision-decision_date": "2025-02-13",
         "decision-outcome": "upheld", "decision-kind": "statement"},
    )  # fmt: skip
    for i, (kind, phrase) in enumerate(
        [("apology", "within one month"), ("financial", "within two months"), ("other", "")]
    ):
        response = officer_client.post(
            draft + "actions/add/",
            {f"actions-{i}-kind": kind, f"actions-{i}-deadline_phrase": phrase,
             f"actions-{i}-amount": "150" if kind == "financial" else "",
             f"actions-{i}-description": f"Action of kind {kind}", f"actions-{i}-status": "open"},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
    empty = officer_client.post(draft + "actions/add/", {"actions-3-status": "open"})
    assert empty.status_code == 400
    assert "Choose what kind of action this is." in empty.content.decode()
    listing = officer_client.get(draft + "actions/").content.decode()
    assert "3 actions." in listing and "13 Apr 2025" in listing
    assert officer_client.post(draft + "actions/1/remove/").status_code == 302
    listing = officer_client.get(draft + "actions/").content.decode()
    assert "2 actions." in listing and "Action of kind apology" not in listing
    assert officer_client.post(draft + "check/").status_code == 302
    decision = Decision.objects.get(complaint__reference="24 100 201")
    assert list(decision.actions.order_by("pk").values_list("kind", "amount")) == [
        ("financial", 150),
        ("other", None),
    ]
    assert decision.actions.filter(owner=lead, service_area=area).count() == 2


def test_cancel_discards_the_draft_and_saves_nothing(officer_client, bodies):
    draft = start_draft(officer_client)
    assert "Discard the decision" in officer_client.get(draft + "cancel/").content.decode()
    assert officer_client.post(draft + "cancel/").status_code == 302
    assert not DecisionDraft.objects.exists()
    assert officer_client.get(draft + "check/").status_code == 404


def test_a_pasted_decision_on_a_recorded_reference_carries_its_actions_across(
    officer_client, bodies
):
    council, trust, *_ = bodies
    complaint = ComplaintFactory(reference="24 017 342b", organisations=[council, trust])
    check = _check_url(officer_client.post("/decisions/new/", {"text": JOINT}))
    page = officer_client.get(check).content.decode()
    assert "Complaint 24 017 342b is already recorded" in page
    response = officer_client.post(check.replace("check/", "further/"))
    assert response["Location"] == check
    page = officer_client.get(check).content.decode()
    assert "Further decision on complaint 24 017 342b" in page
    assert officer_client.post(check).status_code == 302
    decision = complaint.decisions.get()
    assert decision.actions.count() == 5
    assert Complaint.objects.count() == 1


def test_a_further_decision_offers_the_same_paste(officer_client, bodies):
    council, trust, *_ = bodies
    complaint = ComplaintFactory(reference="24 017 342b", organisations=[council, trust])
    start = f"/complaints/{complaint.slug}/decisions/new/"
    assert 'name="text"' in officer_client.get(start).content.decode()
    check = _check_url(officer_client.post(start, {"text": JOINT}))
    assert officer_client.post(check).status_code == 302
    assert complaint.decisions.get().actions.count() == 5
    assert AgreedAction.objects.count() == 5


def test_a_finding_whose_result_the_decision_leaves_open_is_asked_for_but_not_required(
    officer_client, bodies
):
    # No outcome printed: the finding of fault has no result the decision settles.
    text = JOINT.replace("Decision : Upheld\n", "")
    check = _check_url(officer_client.post("/decisions/new/", {"text": text}))
    page = officer_client.get(check).content.decode()
    assert "Finding 1 has no result: choose one of Upheld, Partly upheld, Not upheld" in page
    assert "Result: not chosen" in page


def test_a_further_decision_of_a_date_already_recorded_is_refused(officer_client, bodies):
    council, trust, *_ = bodies
    complaint = ComplaintFactory(reference="24 017 342b", organisations=[council, trust])
    DecisionFactory(complaint=complaint, decision_date=date(2025, 3, 10))
    check = _check_url(officer_client.post("/decisions/new/", {"text": JOINT}))
    officer_client.post(check.replace("check/", "further/"))
    response = officer_client.post(check)
    assert response.status_code == 400
    assert (
        "Complaint 24 017 342b already has a decision of 10 March 2025: it is recorded, not a "
        "further decision." in response.content.decode()
    )
    assert complaint.decisions.count() == 1


def test_the_check_page_warns_of_actions_already_past_their_date(officer_client, bodies):
    # Logged on 2 June 2025, the decision of 10 March gave one month and two: both past.
    check = _check_url(officer_client.post("/decisions/new/", {"text": JOINT}))
    page = officer_client.get(check).content.decode()
    assert "4 actions are due before today (the first, action 1, on 10 April 2025)" in page
