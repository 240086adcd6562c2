"""Logging a decision with the keyboard alone: Tab reaches every field of the form in the
order it reads, each shows GOV.UK's focus style, options are chosen with the arrow keys,
and the decision is saved with the button's own key."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Decision, Organisation

from ..factories import OrganisationFactory, UserFactory
from .helpers import JourneyMeter, focused_shows_focus_style, tab_to

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
    if (el.tagName === 'FIELDSET') continue;
    if (!el.checkVisibility() && !el.closest('details')) continue;
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


def _fill_by_tab(page, button: str, *, text=None, choices=None, ticks=(), dates=None):
    """Presses Tab from the top of the page until the button named ``button``, filling each
    field as it gets the focus: ``text`` typed, ``choices`` chosen with the arrow keys,
    ``ticks`` (labels of checkboxes) ticked with Space, ``dates`` typed box by box; a
    closed <details> met on the way is opened with Enter. Checks that Tab reached every
    field of the button's form in reading order, each with the GOV.UK focus style, then
    presses Space on the button."""
    text, choices, dates = text or {}, choices or {}, dates or {}
    keys = page.keyboard
    target = page.get_by_role("button", name=button, exact=True)
    form = page.locator("form", has=target)
    handle = target.element_handle()
    reached, seen_ids, unfocused = [], set(), []
    for _ in range(300):
        keys.press("Tab")
        if handle.evaluate("el => el === document.activeElement"):
            break
        focused = page.evaluate(_FOCUSED)
        if focused["tag"] == "summary":
            keys.press("Enter")  # "Owner, service area and status"
            continue
        if focused["tag"] not in ("input", "select", "textarea") or focused["id"] in seen_ids:
            continue
        seen_ids.add(focused["id"])
        if focused["name"] not in reached:
            reached.append(focused["name"])
        if not focused_shows_focus_style(page):
            unfocused.append(focused["id"])
        name = focused["name"]
        part = name.rsplit("-", 1)[-1]
        if name in text:
            keys.type(text[name])
        elif name in choices:
            _choose(page, focused, choices[name])
        elif focused["type"] == "checkbox" and focused["label"] in ticks:
            keys.press("Space")
        elif part in ("day", "month", "year") and name.rsplit("-", 1)[0] in dates:
            day = dates[name.rsplit("-", 1)[0]]
            keys.type(str({"day": day.day, "month": day.month, "year": day.year}[part]))
    else:
        raise AssertionError(f"Tab never reached {button!r}; fields reached: {reached}")
    assert reached == form.evaluate(_FIELDS_IN_ORDER), "Tab did not reach every field in order"
    assert not unfocused, f"No visible focus style on {unfocused}"
    keys.press("Space")


def _press(page, role, name):
    """Tabs to a link or button from the top of the page and follows it with Enter."""
    target = page.get_by_role(role, name=name, exact=True)
    tab_to(page, target)
    page.keyboard.press("Enter")


def test_an_officer_logs_a_decision_with_the_keyboard_alone(page, browse, sign_in, screenshot):
    """Typing a one-action decision in: the journey's pages, keyboard only, measured."""
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
    meter = JourneyMeter(page, "type-a-one-action-decision")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Log a decision")
    meter.look()
    _press(page, "button", "Type the decision in")

    expect(heading).to_have_text("The complaint and the decision")
    meter.look()
    screenshot(page, "keyboard-only", "00-decision-step")
    _fill_by_tab(
        page, "Continue",
        text={"complaint-reference": "26007431", "complaint-complainant_label": "Mr X",
              "decision-summary": "Mr X complained that the Council delayed his care review."},
        choices={"decision-outcome": "Upheld"},
        ticks=[council.name],
        dates={"decision-decision_date": decided},
    )  # fmt: skip
    expect(page.get_by_role("radio", name="Decision statement")).to_have_count(0)

    expect(heading).to_have_text("Findings")
    meter.look()
    _fill_by_tab(
        page, "Continue",
        text={"findings-0-point": "Delay in reviewing Mr X's care and support plan"},
        choices={"findings-0-fault": "Fault", "findings-0-injustice": "Yes",
                 "findings-0-result": "Upheld"},
    )  # fmt: skip

    expect(heading).to_have_text("Agreed actions")
    meter.look()
    _press(page, "button", "Add an action")
    expect(heading).to_have_text("Add an agreed action")
    meter.look()
    screenshot(page, "keyboard-only", "00-action-step")
    _fill_by_tab(
        page, "Save action",
        text={"actions-0-description": "Write to Mr X to apologise for the delay.",
              "actions-0-payee_label": "Mr X",
              "actions-0-deadline_phrase": "within one month of the final decision"},
        choices={"actions-0-kind": "Apology", "actions-0-organisation": council.name,
                 "actions-0-owner": "Sam Manager"},
    )  # fmt: skip
    expect(heading).to_have_text("Agreed actions")
    expect(page.locator("#actions tbody tr")).to_contain_text("Sam Manager")
    _press(page, "button", "Continue")

    expect(heading).to_have_text("Check the decision before saving")
    meter.look()
    screenshot(page, "keyboard-only", "01-check-answers")
    _press(page, "button", "Save decision")

    expect(heading).to_have_text("Complaint 26 007 431")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Decision on 26 007 431 recorded with 1 agreed action."
    )
    figures = meter.report()  # the journey's pages, not the decision's page it ends on
    rows = [r.inner_text() for r in page.locator("#actions tbody tr").all()]
    assert len(rows) == 1, rows
    assert "Apology to Mr X" in rows[0] and "Sam Manager" in rows[0]
    expect(page.locator("main table").first).to_contain_text(
        "Delay in reviewing Mr X's care and support plan"
    )
    decision = Decision.objects.get(complaint__reference="26 007 431")
    assert decision.decision_date == decided and decision.outcome == "upheld"
    assert [o.name for o in decision.complaint.organisations.all()] == [council.name]
    screenshot(page, "keyboard-only", "02-decision-recorded")
    # Start, decision, findings, the action, save: five submissions; no page very tall.
    assert figures["page submissions"] == 5
