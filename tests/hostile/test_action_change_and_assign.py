from urllib.parse import urlencode

import pytest
from hypothesis import example, given

from remedies.deadlines import due_date_from_phrase
from remedies.models import AgreedAction

from ..factories import UserFactory
from .kit import (
    INPUTS_TRIED,
    LONG,
    NUL,
    SCRIPT,
    SQL,
    _fuzzable,
    as_date,
    as_pounds,
    as_text,
    assert_error_shown,
    assert_escaped,
    changed_tables,
    check_refused,
    examples,
    follow,
    named,
    page_form,
    rolled_back,
    row_counts,
    signed_in,
    slots,
    spoil,
)

pytestmark = pytest.mark.django_db

# --- An action's own Change page ------------------------------------------------------------


@pytest.fixture
def payment(decision):
    """The financial remedy of the decision: an amount may be saved on it."""
    return decision.actions.get(kind="financial")


def _action_saved(action: AgreedAction) -> dict:
    def due(sent: str):
        # A date typed wins; none means "work it out from the wording".
        return as_date(sent) or due_date_from_phrase(action.deadline_phrase, action.decision_date)

    return {
        "kind": (action.kind, str),
        "description": (action.description, as_text),
        "payee_label": (action.payee_label, as_text),
        "amount": (action.amount, as_pounds),
        "deadline_phrase": (action.deadline_phrase, as_text),
        "due_date": (action.due_date, due),
        "notes": (action.notes, as_text),
        "owner": (action.owner_id, lambda sent: int(sent) if sent else action.owner_id),
    }


@examples(40)
@given(picks=slots)
@named("payee_label", date_field="due_date", amount_field="amount", choice_field="owner")
@example(picks={"kind": "apology"})  # an amount left on an apology
@example(picks={"organisation": ""})
def test_changing_an_action_refuses_or_saves_hostile_input(officer, payment, picks):
    INPUTS_TRIED["change an action"] += 1
    url = f"/actions/{payment.pk}/change/"
    with rolled_back():
        client = signed_in(officer)
        form = page_form(client.get(url).content.decode(), "payee_label")
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        response = client.post(url, form.data(spoilt))
        if response.status_code != 302:
            check_refused(response, before, spoilt)
            return
        follow(client, response)
        saved = _action_saved(AgreedAction.objects.get(pk=payment.pk))
        for name, value in spoilt.items():
            if name in saved and not isinstance(value, list):
                stored, read = saved[name]
                assert stored == read(value), f"{name}: sent {value!r}, saved {stored!r}"


# --- Assigning several actions at once ----------------------------------------------------------

ASSIGN = "/actions/assign/"
ODD_SELECTIONS = [
    "",
    "1",
    "abc:1",
    f"1:1{NUL}",
    "99999999999999999999:1",
    "1:99999999999",
    "-1:1",
    "１:1",
    SQL[0],
    LONG,
]


@pytest.fixture
def jane(db):
    return UserFactory(username="jane", first_name="Jane", last_name="Smith",
                       role="Service managers")  # fmt: skip


def _check_page(client, decision, jane):
    """The check page's form as the officer reaches it from the decision page."""
    query = {
        "actions": [f"{a.pk}:{a.version}" for a in decision.actions.order_by("pk")],
        "owner": str(jane.pk), "step": "check", "next": f"/decisions/{decision.pk}/",
    }  # fmt: skip
    response = client.get(ASSIGN + "?" + urlencode(query, doseq=True))
    assert response.status_code == 200, response.status_code
    return page_form(response.content.decode(), "owner")


@examples(40)
@given(picks=slots)
@named("next", choice_field="owner")
@example(picks={"service_area": "99999999999999999999"})
@example(picks={"service_area": SCRIPT, "owner": ""})
def test_assigning_actions_refuses_or_saves_hostile_input(officer, decision, jane, picks):
    INPUTS_TRIED["assign actions"] += 1
    with rolled_back():
        client = signed_in(officer)
        form = _check_page(client, decision, jane)
        spoilt = spoil(form, _fuzzable(form), picks)
        before = row_counts()
        response = client.post(ASSIGN, form.data(spoilt))
        if response.status_code != 302:
            # The actions carry the versions the list showed: an altered one is a conflict.
            shown = {**spoilt, "version": ""} if "actions" in spoilt else spoilt
            check_refused(response, before, shown)
            return
        follow(client, response)
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")
        owner = spoilt.get("owner", str(jane.pk))
        for action in decision.actions.all():
            if owner:
                assert action.owner_id == int(owner)


for _selection in ODD_SELECTIONS:
    test_assigning_actions_refuses_or_saves_hostile_input = example(picks={"actions": _selection})(
        test_assigning_actions_refuses_or_saves_hostile_input
    )


@examples(30)
@given(picks=slots)
@named("next", choice_field="service_area")
def test_the_assign_steps_take_any_query(officer, decision, jane, picks):
    """The choosing and checking steps are GET pages: whatever the query, never a server
    error, refused choices shown with their messages, nothing saved."""
    INPUTS_TRIED["assign actions (choose and check)"] += 1
    client = signed_in(officer)
    form = _check_page(client, decision, jane)
    spoilt = spoil(form, _fuzzable(form), picks)
    query = {k: v for k, v in form.data(spoilt).items() if k != "csrfmiddlewaretoken"}
    for step in ("", "check"):
        before = row_counts()
        response = client.get(ASSIGN, {**query, "step": step})
        assert response.status_code in (200, 400, 409), response.status_code
        html = response.content.decode()
        assert_escaped(html)
        if response.status_code != 200:
            assert_error_shown(html)
        assert not changed_tables(before)


for _selection in ODD_SELECTIONS:
    test_the_assign_steps_take_any_query = example(picks={"actions": _selection})(
        test_the_assign_steps_take_any_query
    )
