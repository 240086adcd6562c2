"""The manager's pages on a 390 x 844 phone, with the demo's data: the dashboard, the
statistics (this year, and the year of the demo's annual review letter, which adds the
letter's table), the actions list and the decisions list never scroll sideways. A table
too wide for the screen scrolls in its own box, a region named by the table's caption that
the keyboard can reach and scroll (WCAG 2.1.1, 1.4.10); no axe-core WCAG 2.2 A/AA
violation. Screenshots go to artefacts/screenshots/phone/."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from decisions.demo.letter import LETTER_YEAR

from .helpers import axe_violations, describe, tab_to

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
PAGES = [
    ("dashboard", "/dashboard/"),
    ("statistics", "/statistics/"),
    ("statistics-with-letter", f"/statistics/?year={LETTER_YEAR}"),
    ("actions", "/actions/"),
    ("actions-all-organisations", "/actions/?whose=all"),
    ("decisions", "/decisions/"),
]

# Each scroll box: its name (the caption it points at), whether it can take the focus,
# and how much wider its table is than the box.
SCROLL_BOXES = """
() => [...document.querySelectorAll('.app-table-scroll')].map(box => ({
  role: box.getAttribute('role'),
  tabindex: box.getAttribute('tabindex'),
  name: (document.getElementById(box.getAttribute('aria-labelledby')) || {}).innerText,
  caption: (box.querySelector('caption') || {}).innerText,
  overflow: box.scrollWidth - box.clientWidth,
}))
"""


@pytest.fixture
def manager():
    call_command("load_demo", stdout=StringIO())
    return get_user_model().objects.get(username="manager")


def test_the_managers_pages_fit_a_phone(page, browse, sign_in, screenshot, manager):
    sign_in(page.context, manager)
    page.set_viewport_size(PHONE)
    widths, boxes, violations = {}, {}, {}
    for name, path in PAGES:
        browse(page, path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        boxes[name] = page.evaluate(SCROLL_BOXES)
        violations[name] = axe_violations(page)
        screenshot(page, "phone", name)
    print(f"\nscrollWidth at 390: {widths}")
    too_wide = {name: width for name, width in widths.items() if width > PHONE["width"] + 1}
    assert not too_wide, f"pages wider than the {PHONE['width']} px screen: {too_wide}"
    failing = {name: v for name, v in violations.items() if v}
    assert not failing, "\n".join(f"{name}:\n{describe(v)}" for name, v in failing.items())
    for name, found in boxes.items():
        for box in found:
            assert box["role"] == "region" and box["tabindex"] == "0", (name, box)
            assert box["name"] and box["name"] == box["caption"], (name, box)
    # The five years' figures are wider than a phone: they scroll in their box.
    years = next(b for b in boxes["statistics"] if b["caption"].startswith("The last"))
    assert years["overflow"] > 0


def test_a_wide_table_scrolls_from_the_keyboard(page, browse, sign_in, manager):
    sign_in(page.context, manager)
    page.set_viewport_size(PHONE)
    browse(page, "/statistics/")
    box = page.get_by_role("region", name=re.compile(r"^The last \d+ years$"))
    tab_to(page, box)  # reached with Tab, and shows the focus
    assert box.evaluate("el => el.scrollLeft") == 0
    for _ in range(60):  # the arrow key scrolls the box a step at a time
        before = box.evaluate("el => el.scrollLeft")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
        if box.evaluate("el => el.scrollLeft") == before:
            break
    assert box.evaluate("el => el.scrollLeft") > 0
    assert page.evaluate("window.scrollX") == 0  # the box scrolled, not the page
    # The last column, out of view at first, is now in the box's view.
    last = box.get_by_role("columnheader", name="Enquiries answered late")
    box_right = box.bounding_box()["x"] + box.bounding_box()["width"]
    head = last.bounding_box()
    assert head["x"] + head["width"] <= box_right + 1
