"""A decision's page (findings, actions with overdue badges, history) and its edit page."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from decisions.models import Decision, Finding
from decisions.recording import edit_stamp
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2025, 6, 2), tick=False):
        yield


def test_page_shows_findings_actions_and_overdue_badge(officer_client):
    decision = DecisionFactory(decision_date=date(2025, 2, 13))
    FindingFactory(decision=decision, point="No care coordinator allocated")
    AgreedActionFactory(decision=decision, due_date=date(2025, 4, 13), payee_label="Mr Y")
    AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.APOLOGY,
        amount=None,
        due_date=date(2025, 3, 13),
        status=AgreedAction.Status.DONE,
        completed_on=date(2025, 3, 20),
    )
    page = officer_client.get(f"/decisions/{decision.pk}/").content.decode()
    assert "No care coordinator allocated" in page
    assert ">Overdue</strong>" in page and "50 days overdue" in page  # 13 April to 2 June
    assert ">Done late</strong>" in page and "20 Mar 2025" in page


def test_page_lists_other_decisions_related_complaints_and_enquiries(officer_client):
    earlier = ComplaintFactory(reference="21 011 449")
    complaint = ComplaintFactory(reference="22 010 218")
    complaint.related.add(earlier)
    first = DecisionFactory(complaint=complaint, decision_date=date(2023, 7, 28))
    second = DecisionFactory(complaint=complaint, decision_date=date(2024, 1, 5))
    complaint.enquiries.create(
        kind="initial", sent_on=date(2023, 1, 2), due_on=date(2023, 1, 30),
        answered_on=date(2023, 2, 10),
    )  # fmt: skip
    page = officer_client.get(f"/decisions/{second.pk}/").content.decode()
    assert f'href="/decisions/{first.pk}/"' in page
    assert 'href="/complaints/21-011-449/"' in page
    assert "Initial enquiries" in page and "Late" in page


def test_complaint_address_opens_its_latest_decision(officer_client):
    complaint = ComplaintFactory(reference="24 005 859a")
    DecisionFactory(complaint=complaint, decision_date=date(2024, 1, 1))
    latest = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    response = officer_client.get("/complaints/24-005-859a/")
    assert response.status_code == 302
    assert response["Location"] == f"/decisions/{latest.pk}/"
    assert officer_client.get("/complaints/not-a-ref/").status_code == 404


def _edit_data(decision, **overrides):
    """The edit form as the browser posts it back, unchanged."""
    complaint = decision.complaint
    data = {
        "stamp": edit_stamp(decision),
        "loaded_at": timezone.now().isoformat(),
        "complaint-reference": complaint.reference,
        "complaint-complainant_label": complaint.complainant_label,
        "complaint-organisations": [str(o.pk) for o in complaint.organisations.all()],
        "decision-decision_date": decision.decision_date.isoformat(),
        "decision-kind": decision.kind,
        "decision-outcome": decision.outcome,
        "decision-summary": decision.summary,
        "findings-TOTAL_FORMS": str(decision.findings.count()),
        "findings-INITIAL_FORMS": str(decision.findings.count()),
        "actions-TOTAL_FORMS": str(decision.actions.count()),
        "actions-INITIAL_FORMS": str(decision.actions.count()),
    }
    for i, f in enumerate(decision.findings.order_by("id")):
        data.update({
            f"findings-{i}-id": str(f.pk), f"findings-{i}-point": f.point,
            f"findings-{i}-fault": f.fault, f"findings-{i}-result": f.result,
            f"findings-{i}-injustice": "unknown",
        })  # fmt: skip
    for i, a in enumerate(decision.actions.order_by("due_date", "id")):
        data.update({
            f"actions-{i}-id": str(a.pk), f"actions-{i}-kind": a.kind,
            f"actions-{i}-organisation": str(a.organisation_id),
            f"actions-{i}-payee_label": a.payee_label,
            f"actions-{i}-amount": "" if a.amount is None else str(a.amount),
            f"actions-{i}-deadline_phrase": a.deadline_phrase,
            f"actions-{i}-due_date": a.due_date.isoformat() if a.due_date else "",
            f"actions-{i}-status": a.status,
        })  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def logged(officer):
    """A decision with one worked-out and one hand-set due date, logged by the officer."""
    decision = DecisionFactory(decision_date=date(2025, 2, 13), created_by=officer)
    FindingFactory(decision=decision)
    AgreedActionFactory(
        decision=decision,
        deadline_phrase="within one month of the final decision",
        due_date=date(2025, 3, 13),
    )
    AgreedActionFactory(
        decision=decision,
        deadline_phrase="as agreed by e-mail",
        due_date=date(2025, 5, 1),
        due_date_set_by_hand=True,
    )
    return decision


def test_edit_page_changes_decision_and_moves_worked_out_due_dates_only(officer_client, logged):
    data = _edit_data(logged, **{"decision-decision_date": "2025-01-31"})
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    worked_out, by_hand = logged.actions.order_by("id")
    assert worked_out.due_date == date(2025, 2, 28)  # month end clamps
    assert worked_out.decision_date == date(2025, 1, 31)
    assert by_hand.due_date == date(2025, 5, 1)


def test_history_shows_who_changed_what(officer_client, officer, logged):
    data = _edit_data(logged, **{"decision-outcome": "not_upheld", "actions-0-status": "done",
                                  "actions-0-completed_on": "2025-03-10"})  # fmt: skip
    assert officer_client.post(f"/decisions/{logged.pk}/edit/", data).status_code == 302
    page = officer_client.get(f"/decisions/{logged.pk}/").content.decode()
    history = page[page.index("Change history") :]
    assert "Changed: Decision of 13 Feb 2025" in history
    assert "Upheld → Not upheld" in history
    assert "Open → Done" in history
    assert f"by {officer.get_full_name()}" in history


def _extra_action(data, index, organisation, **fields):
    data["actions-TOTAL_FORMS"] = str(index + 1)
    data.update({
        f"actions-{index}-kind": "apology", f"actions-{index}-payee_label": "Mr Q",
        f"actions-{index}-organisation": str(organisation.pk),
        f"actions-{index}-description": "Apologise to Mr Q",
        f"actions-{index}-deadline_phrase": "within one month", f"actions-{index}-status": "open",
    })  # fmt: skip
    data.update(fields)
    return data


@pytest.mark.parametrize("whose", ["another decision's", "no one's"])
@pytest.mark.parametrize("row", ["recorded", "new"])
def test_an_action_id_not_of_this_decision_is_refused_and_nothing_copied(
    officer_client, logged, whose, row
):
    theirs = AgreedActionFactory(decision=DecisionFactory(), description="Theirs")
    forged = str(theirs.pk) if whose == "another decision's" else "999999999"
    data = _edit_data(logged)
    if row == "recorded":
        data["actions-0-id"] = forged
    else:
        organisation = logged.actions.first().organisation
        data = _extra_action(data, 2, organisation, **{"actions-2-id": forged})
    before = {a.pk: (a.decision_id, a.description) for a in AgreedAction.objects.all()}
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 400
    assert "This row is no longer part of the record" in response.content.decode()
    after = {a.pk: (a.decision_id, a.description) for a in AgreedAction.objects.all()}
    assert after == before


def test_a_finding_id_of_another_decision_is_refused_and_nothing_copied(officer_client, logged):
    theirs = FindingFactory(decision=DecisionFactory())
    data = _edit_data(logged, **{"findings-0-id": str(theirs.pk)})
    count = Finding.objects.count()
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 400
    assert "This row is no longer part of the record" in response.content.decode()
    assert Finding.objects.count() == count
    assert logged.findings.count() == 1


def test_edit_can_remove_a_finding_and_an_action(officer_client, logged):
    data = _edit_data(logged, **{"findings-0-DELETE": "on", "actions-1-DELETE": "on"})
    assert officer_client.post(f"/decisions/{logged.pk}/edit/", data).status_code == 302
    assert Finding.objects.filter(decision=logged).count() == 0
    assert logged.actions.count() == 1
    page = officer_client.get(f"/decisions/{logged.pk}/").content.decode()
    assert "Deleted: Agreed action" in page


def test_edit_keeps_the_reference_unique(officer_client, logged):
    ComplaintFactory(reference="22 003 603")
    data = _edit_data(logged, **{"complaint-reference": "22003603"})
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 400
    assert "already recorded" in response.content.decode()
    logged.complaint.refresh_from_db()
    assert logged.complaint.reference != "22 003 603"


def test_edit_refuses_a_new_date_after_a_hand_set_due_date(officer_client, logged):
    data = _edit_data(logged, **{"decision-decision_date": "2025-05-15"})
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 400
    assert "The due date cannot be before the decision date" in response.content.decode()
    assert Decision.objects.get(pk=logged.pk).decision_date == date(2025, 2, 13)


def test_organisations_change_is_in_the_history(officer_client, logged):
    other = OrganisationFactory(name="Peterborough City Council")
    data = _edit_data(logged, **{"complaint-organisations": [str(other.pk)]})
    data.update({"actions-0-organisation": str(other.pk), "actions-1-organisation": str(other.pk)})
    assert officer_client.post(f"/decisions/{logged.pk}/edit/", data).status_code == 302
    page = officer_client.get(f"/decisions/{logged.pk}/").content.decode()
    assert "Organisations complained about" in page
    assert "→ Peterborough City Council" in page


def _page_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_edit_and_detail_pages_cost_the_same_queries_for_2_and_20_actions(officer_client):
    counts = []
    for n in (2, 20):
        decision = DecisionFactory(decision_date=date(2025, 2, 13))
        for _ in range(n):
            AgreedActionFactory(decision=decision, due_date=date(2025, 4, 13))
        counts.append(
            (
                _page_queries(officer_client, f"/decisions/{decision.pk}/edit/"),
                _page_queries(officer_client, f"/decisions/{decision.pk}/"),
            )
        )
    assert counts[0] == counts[1]


def test_moving_the_decision_date_forward_past_worked_out_dates_is_allowed(officer_client, logged):
    # A typo corrected: 13 Feb 2024 should have been 13 Feb 2025. The worked-out date
    # (13 Mar) moves with it; the hand-set one (1 May) is still after the new date.
    logged.decision_date = date(2024, 2, 13)
    logged.save()
    AgreedAction.objects.filter(decision=logged).update(decision_date=date(2024, 2, 13))
    AgreedAction.objects.filter(decision=logged, due_date_set_by_hand=False).update(
        due_date=date(2024, 3, 13)
    )
    data = _edit_data(logged, **{"decision-decision_date": "2025-02-13"})
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    worked_out = logged.actions.get(due_date_set_by_hand=False)
    assert worked_out.due_date == date(2025, 3, 13)


def test_moving_the_decision_date_past_an_extension_is_refused_clearly(officer_client, logged):
    worked_out = logged.actions.get(due_date_set_by_hand=False)
    AgreedAction.objects.filter(pk=worked_out.pk).update(extended_due_date=date(2025, 3, 20))
    data = _edit_data(logged, **{"decision-decision_date": "2025-03-25"})
    data["actions-1-due_date"] = ""  # the hand-set date would also conflict; clear it
    response = officer_client.post(f"/decisions/{logged.pk}/edit/", data)
    assert response.status_code == 400
    assert "was extended to that date" in response.content.decode()
    logged.refresh_from_db()
    assert logged.decision_date == date(2025, 2, 13)
