"""Logging a decision with the keyboard alone: Tab reaches every field of the form in the
order it reads, each shows GOV.UK's focus style, options are chosen with the arrow keys,
and the decision is saved with the button's own key."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Decision, Organisation

from ..factories import OrganisationFactory, UserFactory
from .helpers import focused_shows_focus_style

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The focused element as the test needs it: its name and id, what kind of control it is,
# the labels of a select's options and the label of a checkbox.
_FOCUSED = """() => {
  const el = document.activeElement;
  return {
    name: el.name || '', id: el.id || '', tag: el.tagName.toLowerCase(), type: el.type || '',
    text: (el.innerText || '').trim(),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : '',
    options: el.tagName === 'SELECT' ? [...el.options].map(o => o.label.trim()) : [],
    selected: el.tagName === 'SELECT' ? el.selectedIndex : -1,
  };
}"""

# The form's fields in the order they read: every visible control a person fills in
# (a group of radios is one stop), not its buttons.
_FIELDS_IN_ORDER = """form => {
  const names = [];
  for (const el of form.elements) {
    if (el.disabled || ['hidden', 'submit', 'button'].includes(el.type)) continue;
    if (el.tagName === 'FIELDSET' || !el.checkVisibility()) continue;
    if (!names.includes(el.name)) names.push(el.name);
  }
  return names;
}"""


def _choose(page, focused, label):
    """Selects ``label`` in the focused <select> with the arrow keys."""
    target = focused["options"].index(label)
    key = "ArrowDown" if target > focused["selected"] else "ArrowUp"
    for _ in range(abs(target - focused["selected"])):
        page.keyboard.press(key)
    assert page.evaluate("() => document.activeElement.selectedOptions[0].label.trim()") == label


def test_an_officer_logs_a_decision_with_the_keyboard_alone(
    page, browse, sign_in, screenshot, type_date
):
    today = timezone.localdate()
    decided = today - timedelta(days=12)
    council = OrganisationFactory(
        name="Northfield District Council", short_name="the Council",
        kind=Organisation.Kind.DISTRICT,
    )  # fmt: skip
    OrganisationFactory(name="Riverside NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    officer = UserFactory(username="cora", first_name="Cora", last_name="Officer",
                          role="Complaints officers")  # fmt: skip
    UserFactory(username="sam", first_name="Sam", last_name="Manager", role="Service managers")
    sign_in(page.context, officer)
    browse(page, "/decisions/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a decision")

    keys = page.keyboard
    text = {
        "complaint-reference": "26007431",
        "complaint-complainant_label": "Mr X",
        "decision-summary": "Mr X complained that the Council delayed his care review.",
        "findings-0-point": "Delay in reviewing Mr X's care and support plan",
        "actions-0-description": "Write to Mr X to apologise for the delay.",
        "actions-0-payee_label": "Mr X",
        "actions-0-deadline_phrase": "within one month of the final decision",
        "actions-1-description": "Pay Mr X for the distress caused.",
        "actions-1-payee_label": "Mr X",
        "actions-1-amount": "250",
        "actions-1-deadline_phrase": "within two months of the final decision",
    }
    choices = {
        "decision-outcome": "Upheld",
        "findings-0-fault": "Fault",
        "findings-0-injustice": "Yes",
        "findings-0-result": "Upheld",
        "actions-0-kind": "Apology",
        "actions-0-organisation": council.name,
        "actions-0-owner": "Sam Manager",
        "actions-1-kind": "Financial remedy",
        "actions-1-organisation": council.name,
    }
    form = page.locator("form", has=page.get_by_role("button", name="Save decision"))
    fields = form.evaluate(_FIELDS_IN_ORDER)
    save = page.get_by_role("button", name="Save decision").element_handle()

    reached, seen_ids, unfocused = [], set(), []
    for _ in range(400):
        keys.press("Tab")
        if save.evaluate("el => el === document.activeElement"):
            break
        focused = page.evaluate(_FOCUSED)
        if focused["tag"] not in ("input", "select", "textarea") or focused["id"] in seen_ids:
            continue  # a link or button between fields, or the next part of a date
        seen_ids.add(focused["id"])
        if focused["name"] not in reached:
            reached.append(focused["name"])
        if not focused_shows_focus_style(page):
            unfocused.append(focused["id"])
        name = focused["name"]
        if name in text:
            keys.type(text[name])
        elif name in choices:
            _choose(page, focused, choices[name])
        elif name == "complaint-organisations" and focused["label"] == council.name:
            keys.press("Space")
        elif name == "decision-decision_date":
            type_date(decided)
        elif name == "decision-kind" and focused["type"] == "radio":
            expect(page.get_by_role("radio", name="Decision statement")).to_be_checked()
    else:
        raise AssertionError(f"Tab never reached the Save button; fields reached: {reached}")

    assert reached == fields, "Tab did not reach every field in reading order"
    assert not unfocused, f"No visible focus style on {unfocused}"
    screenshot(page, "keyboard-only", "01-form-filled")
    keys.press("Space")  # on the Save button

    expect(page.get_by_role("heading", level=1)).to_have_text("Complaint 26 007 431")
    expect(page.get_by_role("alert")).to_contain_text("Decision on 26 007 431 recorded.")
    rows = [r.inner_text() for r in page.locator("#actions tbody tr").all()]
    assert len(rows) == 2, rows
    assert "Apology to Mr X" in rows[0] and "Sam Manager" in rows[0]
    assert "Financial remedy to Mr X" in rows[1] and "£250" in rows[1]
    expect(page.locator("main table").first).to_contain_text(
        "Delay in reviewing Mr X's care and support plan"
    )
    decision = Decision.objects.get(complaint__reference="26 007 431")
    assert decision.decision_date == decided and decision.outcome == "upheld"
    assert [o.name for o in decision.complaint.organisations.all()] == [council.name]
    screenshot(page, "keyboard-only", "02-decision-recorded")
