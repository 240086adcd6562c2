"""Finding one's way: every page's title says what its h1 says (the browser tab, the history
and a screen reader's first words name the page the user sees), and every page below a
list or a record has one GOV.UK back link to the page above it.

The pages come from the access matrix (tests/test_access.py): every GET row that shows a
page to the complaints team or the superuser, opened as them, with the same records."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from decisions.models import CommitteeReport

from . import test_access
from .test_access import COLUMNS, CONTENT_TYPES, MATRIX

pytestmark = pytest.mark.django_db
# The access matrix's records and its frozen day, as fixtures here too (by these names).
world = test_access.world
_today_and_media = test_access._today_and_media
SUFFIX = " – Ombudsman decision tracker"

# Pages below a list or a record, with where their back link leads ({placeholders} are the
# records of `world`). None: a step of logging a decision, whose back link follows the
# officer's own way through the draft (checked only to open).
BACK_LINKS = {
    "password_change": "/",
    "two_factor": "/",
    "decisions:detail": "/decisions/",
    "decisions:edit": "/decisions/{decision}/",
    "decisions:import": "/decisions/",
    "decisions:add_to_complaint": "/complaints/{slug}/",
    "decisions:enquiry_new": "/complaints/{slug}/",
    "decisions:enquiry_edit": "/complaints/{slug}/",
    "decisions:enquiries_past_due": "/dashboard/",
    "decisions:report": "/reports/",
    "decisions:report_new": "/reports/",
    "decisions:report_withdraw": "/reports/{report}/",
    "decisions:annual_letter": "/statistics/?year=2024",
    "remedies:action": "/decisions/{decision}/",
    "remedies:complete": "/actions/{action}/",
    "remedies:extend": "/actions/{action}/",
    "remedies:compliance": "/actions/{action}/",
    "remedies:change": "/actions/{action}/",
    # Back to the list with the filters being saved (here none: the list's own defaults).
    "decisions:save_view": "/decisions/?sort=-decided",
    "remedies:save_view": "/actions/?status=open&sort=due",
    "decisions:draft_decision": None,
    "decisions:draft_findings": None,
    "decisions:draft_actions": None,
    "decisions:draft_action_add": None,
    "decisions:draft_action": None,
    "decisions:draft_check": None,
    "decisions:draft_cancel": None,
}

# Pages with no back link: each is reached from the navigation (or is the first page of a
# journey started from it), so there is no page above it to go back to.
TOP_LEVEL = {
    "decisions:list",  # "Decisions" in the navigation
    "decisions:statistics",  # "Statistics" in the navigation
    "decisions:reports",  # "Committee reports" in the navigation
    "remedies:dashboard",  # "Dashboard" in the navigation
    "remedies:mine",  # "My actions" in the navigation
    "remedies:action_list",  # "All agreed actions" on the dashboard: the list of every action
    "decisions:new",  # "Log a decision" in the navigation (the journey's own page)
    "sso_failed",  # where a failed single sign-on ends, signed out: "Try again" leads on
    # Steps of signing in (a code after the password), before any other page opens.
    "two_factor_verify",
    "two_factor_set_up",
}


class _Page(HTMLParser):
    """The page's <title> text, each h1's text without a caption inside it, and the back
    links with whether they come before <main>."""

    def __init__(self):
        super().__init__()
        self.title, self.h1s, self.back_links = "", [], []
        self._in, self._caption_depth = None, 0
        self._body_seen = self._main_seen = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "body":
            self._body_seen = True
        elif tag == "main":
            self._main_seen = True
        elif tag == "title" and not self._body_seen:  # not a chart's SVG <title>
            self._in = tag
        elif tag == "h1":
            self._in = tag
            self.h1s.append("")
        elif self._in == "h1" and any(c.startswith("govuk-caption-") for c in classes):
            self._caption_depth = 1
        elif self._caption_depth and tag not in ("br", "img", "input"):
            self._caption_depth += 1
        if tag == "a" and "govuk-back-link" in classes:
            self.back_links.append((attrs.get("href", ""), not self._main_seen))

    def handle_endtag(self, tag):
        if self._caption_depth:
            self._caption_depth -= 1
        elif tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._caption_depth:
            return
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1s[-1] += data


def _words(text: str) -> str:
    return " ".join(text.split())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _title_problems(where: str, page: _Page) -> list[str]:
    title = _words(page.title)
    if not title.endswith(SUFFIX):
        return [f"{where}: title {title!r} does not end with the service's name"]
    title = title.removesuffix(SUFFIX).removeprefix("Error: ")
    if len(page.h1s) != 1:
        return [f"{where}: {len(page.h1s)} h1 elements, not one"]
    h1 = _words(page.h1s[0])
    if title != h1:
        return [f"{where}: title {title!r} but h1 {h1!r}"]
    return []


def _shown_pages(world):
    """(url name, path, user) of every GET row of the matrix that is a page (HTML, 200) for
    the complaints team or, where they may not open it, for the superuser. The admin's
    pages are Django's own, in its own layout, and left out."""
    officer, admin = COLUMNS.index("officer"), COLUMNS.index("admin")
    shown = set()
    for name, method, template, *statuses in MATRIX:
        # A page's first row: the further rows of a page are the same page on the records
        # of other service areas (who sees which), with back links to their own records.
        if method != "GET" or name.startswith("admin:") or name in shown:
            continue
        if CONTENT_TYPES.get(name, "text/html") != "text/html":
            continue
        if statuses[officer] == 200:
            shown.add(name)
            yield name, template.format(**world.args), world.users["officer"]
        elif statuses[admin] == 200:
            shown.add(name)
            yield name, template.format(**world.args), world.users["admin"]


def test_every_page_has_the_title_its_h1_says_and_a_back_link_below_a_list_or_record(world):
    problems, seen = [], set()
    for name, path, user in _shown_pages(world):
        client = Client()
        client.force_login(user)
        response = client.get(path)
        where = f"{path} ({name}) as {user.username}"
        assert response.status_code == 200, where
        page = _parse(response.content.decode())
        problems += _title_problems(where, page)
        seen.add(name)
        if name in TOP_LEVEL:
            continue
        if name not in BACK_LINKS:
            problems.append(f"{where}: neither in BACK_LINKS nor in TOP_LEVEL")
            continue
        if len(page.back_links) != 1:
            problems.append(f"{where}: {len(page.back_links)} back links, not one")
            continue
        href, before_main = page.back_links[0]
        if not before_main:
            problems.append(f"{where}: the back link is inside <main>, not before it")
        expected = BACK_LINKS[name]
        if expected is not None and href != expected.format(**world.args):
            problems.append(f"{where}: back link to {href}, expected {expected}")
        if href.startswith(("javascript:", "#")) or not href.startswith("/"):
            problems.append(f"{where}: back link {href!r} is not a page of the tracker")
            continue
        target = client.get(href)
        if target.status_code not in (200, 302) or "/login/" in target.get("Location", ""):
            problems.append(f"{where}: back link {href} answers {target.status_code}")
    assert not problems, "\n".join(problems)
    # The loop really went through the pages below records, not only the lists.
    assert {"decisions:detail", "remedies:action", "remedies:complete"} <= seen


def test_a_service_manager_goes_back_from_enquiries_past_due_to_their_own_start(world):
    """The list is linked from the dashboard, which a service manager may not open."""
    client = Client()
    client.force_login(world.users["SM owner"])
    page = _parse(client.get("/enquiries/past-due/").content.decode())
    assert [href for href, _ in page.back_links] == ["/"]
    assert client.get("/")["Location"] == "/actions/mine/"


def test_a_page_shown_with_errors_keeps_its_heading_in_the_title_after_error(world):
    client = Client()
    client.force_login(world.users["officer"])
    pages = {
        "enquiry": client.post(f"/complaints/{world.args['slug']}/enquiries/new/", {"notes": "x"}),
        "statistics": client.get("/statistics/", {"year": "1850"}),
        "complete": client.post(f"/actions/{world.args['action']}/complete/", {}),
    }
    problems = []
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 400, name
        assert re.search(r"<title>\s*Error: ", html), name
        problems += _title_problems(name, _parse(html))
    assert not problems, "\n".join(problems)


def test_the_report_preview_and_a_damaged_report_say_what_they_are_and_lead_back(world):
    client = Client()
    client.force_login(world.users["monitoring"])
    draft = client.get("/reports/new/", {"kind": "overdue"})
    assert draft.status_code == 200
    front = {k: v for k, v in draft.context["front_form"].initial.items() if v not in (None, False)}
    front.update({"meeting_title": "Audit and Standards Committee", "meeting_date": "2025-06-20"})
    preview = client.post("/reports/new/", {"kind": "overdue", **front, "action": "preview"})
    assert preview.status_code == 200
    page = _parse(preview.content.decode())
    # The second h1 is the report's own title, inside the preview of the PDF.
    assert len(page.h1s) == 2
    page.h1s = page.h1s[:1]
    assert _title_problems("preview", page) == []
    assert _words(page.h1s[0]) == f"Preview: {front['subject']}"
    assert [href for href, _ in page.back_links] == ["/reports/"]

    report = CommitteeReport.objects.get(pk=world.args["report"])
    with open(report.pdf.path, "ab") as handle:
        handle.write(b"%tampered")
    damaged = client.get(f"/reports/{report.pk}/download/")
    assert damaged.status_code == 409
    page = _parse(damaged.content.decode())
    assert _title_problems("damaged report", page) == []
    assert [href for href, _ in page.back_links] == [f"/reports/{report.pk}/"]
