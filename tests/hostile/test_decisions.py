import re
from dataclasses import dataclass

import pytest
from hypothesis import given

from decisions.models import Decision, DecisionDraft
from decisions.references import normalise_reference

from .kit import (
    INPUTS_TRIED,
    PageForm,
    _fuzzable,
    as_date,
    as_pounds,
    as_text,
    assert_escaped,
    assert_saved_as_sent,
    check_refused,
    examples,
    follow,
    get_form,
    named,
    rolled_back,
    row_counts,
    signed_in,
    slots,
    spoil,
)

pytestmark = pytest.mark.django_db

# --- Logging a decision, a further decision, changing one ---------------------------------------


def _decision_fill(council) -> dict:
    """What an officer types into an empty log-a-decision form: a decision that saves."""
    return {
        "complaint-reference": "24 100 001",
        "complaint-complainant_label": "Mr X",
        "complaint-organisations": [str(council.pk)],
        "decision-decision_date": "2025-02-13",
        "decision-kind": "statement",
        "decision-outcome": "upheld",
        "decision-summary": "The Council delayed a care assessment.",
        "findings-0-point": "Delay in the assessment",
        "findings-0-fault": "yes",
        "findings-0-result": "upheld",
        "actions-0-kind": "apology",
        "actions-0-organisation": str(council.pk),
        "actions-0-payee_label": "Mr X",
        "actions-0-deadline_phrase": "within one month of the final decision",
        "actions-1-kind": "financial",
        "actions-1-organisation": str(council.pk),
        "actions-1-payee_label": "Mr X",
        "actions-1-amount": "200",
        "actions-1-deadline_phrase": "within two months of the final decision",
    }


STORED_REFERENCE = re.compile(r"[0-9]{2} [0-9]{3} [0-9]{3}[a-z]?")


def _decision_saved(decision, findings: dict, actions: dict) -> dict:
    """The fields of a saved decision by the name the form posts them under. ``findings``
    and ``actions`` map a row's index on the page to its saved record."""
    complaint = decision.complaint
    # The Ombudsman's references are ASCII digits: anything else could never be found again.
    assert STORED_REFERENCE.fullmatch(complaint.reference), complaint.reference
    saved = {
        "complaint-reference": (complaint.reference, normalise_reference),
        "complaint-council_reference": (complaint.council_reference, as_text),
        "complaint-complainant_label": (complaint.complainant_label, as_text),
        "complaint-received_on": (complaint.received_on, as_date),
        "decision-decision_date": (decision.decision_date, as_date),
        "decision-outcome": (decision.outcome, str),
        "decision-kind": (decision.kind, str),
        "decision-summary": (decision.summary, as_text),
        "decision-full_text": (decision.full_text, as_text),
    }
    for i, finding in findings.items():
        saved[f"findings-{i}-point"] = (finding.point, as_text)
        saved[f"findings-{i}-fault"] = (finding.fault, str)
        saved[f"findings-{i}-result"] = (finding.result, str)
    for i, action in actions.items():
        p = f"actions-{i}-"
        saved[p + "kind"] = (action.kind, str)
        saved[p + "description"] = (action.description, as_text)
        saved[p + "payee_label"] = (action.payee_label, as_text)
        saved[p + "amount"] = (action.amount, as_pounds)
        saved[p + "deadline_phrase"] = (action.deadline_phrase, as_text)
        saved[p + "notes"] = (action.notes, as_text)
        saved[p + "completed_on"] = (action.completed_on, as_date)
        if action.due_date_set_by_hand:
            saved[p + "due_date"] = (action.due_date, as_date)
    return saved


def _rows_in_order(queryset) -> dict:
    return dict(enumerate(queryset.order_by("pk")))


def _check_decision_page(client, response, overrides, before, *, existing=None):
    """A log-a-decision or change-a-decision page after a hostile POST."""
    if response.status_code != 302:
        check_refused(response, before, overrides)
        return
    follow(client, response)
    if existing is None:
        decision = Decision.objects.latest("pk")
        findings = _rows_in_order(decision.findings.all())
        actions = _rows_in_order(decision.actions.exclude(kind="statutory_duty"))
    else:
        decision = Decision.objects.get(pk=existing.pk)
        findings, actions = existing.rows(decision)
    assert_saved_as_sent(overrides, _decision_saved(decision, findings, actions))
    edit = client.get(f"/decisions/{decision.pk}/edit/")
    assert edit.status_code == 200
    assert_escaped(edit.content.decode())


# Logging a decision goes page by page through the officer's draft and is saved from the
# check page. Each page is fuzzed on a draft that is otherwise complete, then saved: a
# refusal on the page or on the check page saves nothing; a save holds what was sent.


def _draft_data(council, *, further: bool) -> dict:
    data = {k: v if isinstance(v, list) else [v] for k, v in _decision_fill(council).items()}
    if further:
        data = {k: v for k, v in data.items() if not k.startswith("complaint-")}
        data["decision-decision_date"] = ["2025-05-01"]
    for prefix, rows in (("findings", 1), ("actions", 2)):
        data.update({f"{prefix}-TOTAL_FORMS": [str(rows)], f"{prefix}-INITIAL_FORMS": ["0"]})
    return data


@dataclass
class Step:
    """A page of the journey: its address in a draft and its form as the page shows it."""

    path: str  # with {draft}
    form: PageForm
    further: bool

    def draft(self, officer, council, decision):
        complaint = decision.complaint if self.further else None
        return DecisionDraft.objects.create(
            user=officer, complaint=complaint, data=_draft_data(council, further=self.further)
        )


def _step(officer, council, decision, path, having, *, further=False) -> Step:
    step = Step(path, None, further)
    draft = step.draft(officer, council, decision)
    step.form = get_form(officer, path.format(draft=draft.pk), having)
    draft.delete()
    return step


def _fuzz_step(officer, council, decision, step: Step, spoilt: dict) -> None:
    with rolled_back():
        client = signed_in(officer)
        draft = step.draft(officer, council, decision)
        before = row_counts()
        response = client.post(step.path.format(draft=draft.pk), step.form.data(spoilt))
        if response.status_code == 302:
            response = client.post(f"/decisions/drafts/{draft.pk}/check/")
        before["decisions_decisiondraft"] = row_counts()["decisions_decisiondraft"]
        _check_decision_page(client, response, spoilt, before)


STEP_DECISION = "/decisions/drafts/{draft}/decision/"
STEP_FINDINGS = "/decisions/drafts/{draft}/findings/"
STEP_ACTION = "/decisions/drafts/{draft}/actions/2/"


@pytest.fixture
def decision_step(officer, council, area, decision) -> Step:
    return _step(officer, council, decision, STEP_DECISION, "decision-decision_date")


@pytest.fixture
def findings_step(officer, council, area, decision) -> Step:
    return _step(officer, council, decision, STEP_FINDINGS, "findings-0-point")


@pytest.fixture
def action_step(officer, council, area, decision) -> Step:
    return _step(officer, council, decision, STEP_ACTION, "actions-1-amount")


def test_the_journey_as_filled_saves(officer, council, decision, decision_step):
    """The fuzzing starts from pages that save: a refusal is the hostile value's doing."""
    client = signed_in(officer)
    draft = decision_step.draft(officer, council, decision)
    response = client.post(STEP_DECISION.format(draft=draft.pk), decision_step.form.data())
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(f"/decisions/drafts/{draft.pk}/check/")
    assert response.status_code == 302, response.content.decode()[:2000]


@examples(15)
@given(picks=slots)
@named("decision-summary", date_field="decision-decision_date", choice_field="decision-outcome")
def test_the_decision_page_refuses_or_saves_hostile_input(
    officer, council, decision, decision_step, picks
):
    INPUTS_TRIED["log a decision"] += 1
    spoilt = spoil(decision_step.form, _fuzzable(decision_step.form), picks)
    _fuzz_step(officer, council, decision, decision_step, spoilt)


@examples(10)
@given(picks=slots)
@named("findings-0-point", choice_field="findings-0-result")
def test_the_findings_page_refuses_or_saves_hostile_input(
    officer, council, decision, findings_step, picks
):
    INPUTS_TRIED["log a decision: findings"] += 1
    spoilt = spoil(findings_step.form, _fuzzable(findings_step.form), picks)
    _fuzz_step(officer, council, decision, findings_step, spoilt)


@examples(15)
@given(picks=slots)
@named(
    "actions-1-description",
    date_field="actions-1-due_date",
    amount_field="actions-1-amount",
    choice_field="actions-1-organisation",
)
def test_an_action_page_refuses_or_saves_hostile_input(
    officer, council, decision, action_step, picks
):
    INPUTS_TRIED["log a decision: an action"] += 1
    spoilt = spoil(action_step.form, _fuzzable(action_step.form), picks)
    _fuzz_step(officer, council, decision, action_step, spoilt)


@pytest.fixture
def further_step(officer, council, decision) -> Step:
    return _step(officer, council, decision, STEP_DECISION, "decision-decision_date", further=True)


@examples(10)
@given(picks=slots)
@named("decision-summary", date_field="decision-decision_date", choice_field="decision-outcome")
def test_a_further_decision_refuses_or_saves_hostile_input(
    officer, council, decision, further_step, picks
):
    INPUTS_TRIED["further decision"] += 1
    spoilt = spoil(further_step.form, _fuzzable(further_step.form), picks)
    _fuzz_step(officer, council, decision, further_step, spoilt)


@dataclass
class Existing:
    """A decision being changed, and the rows its edit form posted (by their ids)."""

    pk: int
    data: dict

    def rows(self, decision):
        def by_id(prefix, queryset):
            rows = {}
            for i in range(100):
                posted = self.data.get(f"{prefix}-{i}-id", [""])[0]
                if posted.isascii() and posted.isdigit():
                    found = queryset.filter(pk=int(posted)).first()
                    if found is not None:
                        rows[i] = found
            return rows

        return by_id("findings", decision.findings.all()), by_id("actions", decision.actions.all())


@pytest.fixture
def edit_decision_form(officer, decision) -> PageForm:
    return get_form(officer, f"/decisions/{decision.pk}/edit/", "decision-decision_date")


@examples(30)
@given(picks=slots)
@named(
    "decision-full_text",
    date_field="actions-0-due_date",
    amount_field="actions-1-amount",
    choice_field="findings-0-id",
)
def test_changing_a_decision_refuses_or_saves_hostile_input(
    officer, decision, edit_decision_form, picks
):
    INPUTS_TRIED["change a decision"] += 1
    form = edit_decision_form
    spoilt = spoil(form, _fuzzable(form), picks)
    url = f"/decisions/{decision.pk}/edit/"
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        data = form.data(spoilt)
        response = client.post(url, data)
        if response.status_code != 302:
            check_refused(response, before, spoilt)
            return
        _check_decision_page(client, response, spoilt, before, existing=Existing(decision.pk, data))
