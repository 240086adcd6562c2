"""The lists in the MOJ filter layout (ombudsman/listing.py, templates/list_page.html):
the sentence that says what a list shows, the selected filters as tags that each remove
one filter, "Clear filters", the actions list opening on the council's open actions
soonest due first, sort headings with a visible arrow, and the dashboard saying whose
actions it counts, its figures agreeing with the list."""

import html
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from decisions.models import Organisation

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 6, 11, 9, 30, tzinfo=ZoneInfo("Europe/London")),
                             tick=False):  # fmt: skip
        yield


@pytest.fixture
def lists_client(client, officer, manager):
    officer.groups.add(*manager.groups.all())  # sees both lists and the dashboard
    client.force_login(officer)
    return client


@pytest.fixture
def joint(db):
    """A joint decision about the council and an NHS trust: the council's actions (open,
    overdue, done) and the trust's."""
    council = OrganisationFactory(
        name="Havant Borough Council", kind=Organisation.Kind.DISTRICT, is_home_authority=True
    )
    trust = OrganisationFactory(name="Solent NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    adults = ServiceAreaFactory(directorate="Adult Social Care", service="Home care")
    housing = ServiceAreaFactory(directorate="Housing", service="Homelessness")
    decision = DecisionFactory(
        complaint=ComplaintFactory(reference="24 005 859", organisations=[council, trust]),
        decision_date=date(2025, 1, 6),
    )

    def act(name, org=council, area=adults, **fields):
        defaults = {"kind": "apology", "status": "open", "due_date": date(2025, 5, 1)}
        return AgreedActionFactory(
            decision=decision, organisation=org, description=name, service_area=area,
            **(defaults | fields),
        )  # fmt: skip

    act("late apology", due_date=date(2025, 5, 1))  # overdue
    act("payment", kind="financial", amount=Decimal("150.00"), due_date=date(2025, 6, 30))
    act("housing review", area=housing, due_date=date(2025, 4, 1))  # overdue, soonest
    act("done", status="done", due_date=date(2025, 1, 31), completed_on=date(2025, 2, 1))
    act("trust apology", org=trust, due_date=date(2025, 3, 1))  # overdue, the trust's
    return {"council": council, "trust": trust, "adults": adults, "housing": housing}


def _rows(response) -> list[str]:
    return [a.description for a in response.context["page"].object_list]


def _sentence(page: str) -> str:
    match = re.search(r'id="result-count">([^<]*)<', page)
    assert match
    return html.unescape(match.group(1))


def _tags(page: str) -> dict[str, str]:
    """{tag's text: the link that removes it} of the selected filters."""
    return {
        html.unescape(text.strip()): html.unescape(href)
        for href, text in re.findall(
            r'<a class="moj-filter__tag" href="([^"]*)"><span class="govuk-visually-hidden">'
            r"Remove this filter</span>([^<]*)</a>",
            page,
        )
    }


def _clear(page: str) -> str:
    match = re.search(r'<a class="govuk-link govuk-link--no-visited-state" href="([^"]*)">'
                      r"Clear filters</a>", page)  # fmt: skip
    assert match
    return html.unescape(match.group(1))


def test_the_actions_list_opens_on_the_councils_open_actions_soonest_due_first(lists_client, joint):
    response = lists_client.get("/actions/")
    page = response.content.decode()
    assert _rows(response) == ["housing review", "late apology", "payment"]
    assert '<h1 class="govuk-heading-l">Actions the council answers for</h1>' in page
    assert _sentence(page) == "3 open actions the council answers for"
    assert _tags(page) == {
        "The council and providers acting for it": "?status=open&whose=all&sort=due",
        "Open": "?status=&sort=due",
    }
    # The form shows the defaults chosen.
    assert re.search(r'value="council" checked', page)
    assert '<option value="open" selected>Open</option>' in page


def test_removing_a_tag_removes_that_filter_alone_and_it_stays_removed(lists_client, joint):
    any_status = lists_client.get("/actions/?status=&sort=due")
    assert _rows(any_status) == ["done", "housing review", "late apology", "payment"]
    page = any_status.content.decode()
    assert _sentence(page) == "4 actions the council answers for"
    assert list(_tags(page)) == ["The council and providers acting for it"]
    # Sorting or paging keeps "any status": the links name it.
    assert 'href="?status=&amp;sort=-due"' in page
    assert "/actions/download.csv?status=&amp;sort=due" in page

    everyone = lists_client.get("/actions/?whose=all&status=open&sort=due")
    assert _rows(everyone) == ["trust apology", "housing review", "late apology", "payment"]
    page = everyone.content.decode()
    assert '<h1 class="govuk-heading-l">Agreed actions of all organisations</h1>' in page
    assert _sentence(page) == "4 open actions"
    assert _tags(page) == {"Open": "?whose=all&sort=due"}


def test_clear_filters_shows_every_action_of_every_organisation(lists_client, joint):
    page = lists_client.get("/actions/", {"overdue": "yes", "service_area": joint["adults"].pk})
    clear = _clear(page.content.decode())
    assert clear == "?whose=all"
    cleared = lists_client.get(f"/actions/{clear}")
    assert len(_rows(cleared)) == 5
    assert _tags(cleared.content.decode()) == {}
    assert _sentence(cleared.content.decode()) == "5 actions"


def test_the_sentence_says_every_valid_filter_in_words_singular_or_plural(lists_client, joint):
    page = lists_client.get(
        "/actions/", {"overdue": "yes", "service_area": joint["adults"].pk}
    ).content.decode()
    assert _sentence(page) == (
        "1 overdue action the council answers for, Adult Social Care: Home care"
    )
    tags = _tags(page)
    assert set(tags) == {
        "Yes",
        "Adult Social Care: Home care",
        "The council and providers acting for it",
    }
    # Each tag's link is the list without that one filter.
    without_area = lists_client.get(f"/actions/{tags['Adult Social Care: Home care']}")
    assert _rows(without_area) == ["housing review", "late apology"]
    assert _sentence(without_area.content.decode()) == "2 overdue actions the council answers for"

    page = lists_client.get(
        "/actions/", {"status": "", "due_from": "2025-04-01", "due_to": "2025-05-31"}
    ).content.decode()
    assert _sentence(page) == (
        "2 actions the council answers for, due on or after 1 April 2025, "
        "due on or before 31 May 2025"
    )
    without_start = _tags(page)["1 April 2025"]
    assert "due_from" not in without_start and "due_to=2025-05-31" in without_start


def test_a_filter_refused_is_neither_a_tag_nor_in_the_sentence(lists_client, joint):
    response = lists_client.get("/actions/", {"overdue": "maybe", "status": "open"})
    page = response.content.decode()
    assert not response.context["rows_ok"]
    assert "Correct the filters to see the list." in page
    assert set(_tags(page)) == {"Open", "The council and providers acting for it"}


def test_the_decisions_list_says_what_it_shows_and_tags_its_filters(lists_client, joint):
    page = lists_client.get("/decisions/").content.decode()
    assert _sentence(page) == "1 complaint"
    assert _tags(page) == {} and "Clear filters" not in page
    page = lists_client.get(
        "/decisions/", {"q": "859", "has_open_actions": "yes", "sort": "reference"}
    ).content.decode()
    assert _sentence(page) == "1 complaint matching “859”, with open actions"
    assert _tags(page) == {
        "“859”": "?has_open_actions=yes&sort=reference",
        "Yes": "?q=859&sort=reference",
    }
    assert _clear(page) == "/decisions/"
    none = lists_client.get("/decisions/", {"outcome": "not_upheld"}).content.decode()
    assert _sentence(none) == "0 complaints, latest outcome not upheld"


def test_the_sorted_column_shows_its_direction_with_an_arrow(lists_client, joint):
    page = lists_client.get("/actions/").content.decode()
    due = re.search(r'<th [^>]*aria-sort="ascending">(.*?)</th>', page)[1]
    assert ">Due</a>" in due and 'aria-hidden="true">▲<' in due
    page = lists_client.get("/actions/", {"sort": "-due"}).content.decode()
    due = re.search(r'<th [^>]*aria-sort="descending">(.*?)</th>', page)[1]
    assert 'aria-hidden="true">▼<' in due
    assert page.count("▲") + page.count("▼") == 1


def test_the_dashboard_says_whose_actions_it_counts_and_the_list_agrees(lists_client, joint):
    page = lists_client.get("/dashboard/").content.decode()
    assert '<h2 class="govuk-heading-m" id="whose">Actions the council answers for</h2>' in page
    assert re.search(r'href="/dashboard/" aria-current="page">Actions the council', page)
    overdue = re.search(r'id="figure-overdue"><a class="govuk-link" href="([^"]*)">(\d+)<', page)
    listed = lists_client.get(html.unescape(overdue[1]))
    assert int(overdue[2]) == listed.context["page"].paginator.count == 2
    assert _sentence(listed.content.decode()) == "2 overdue actions the council answers for"

    page = lists_client.get("/dashboard/?whose=all").content.decode()
    assert '<h2 class="govuk-heading-m" id="whose">Actions of all organisations</h2>' in page
    assert re.search(r'href="\?whose=all" aria-current="page">All organisations', page)
    overdue = re.search(r'id="figure-overdue"><a class="govuk-link" href="([^"]*)">(\d+)<', page)
    listed = lists_client.get(html.unescape(overdue[1]))
    assert int(overdue[2]) == listed.context["page"].paginator.count == 3
    assert _sentence(listed.content.decode()) == "3 overdue actions"


def test_service_areas_are_grouped_by_directorate_so_a_choice_fits_the_panel(lists_client, joint):
    page = lists_client.get("/actions/", {"service_area": joint["housing"].pk}).content.decode()
    select = re.search(r'<select name="service_area".*?</select>', page, re.S)[0]
    assert re.search(
        rf'<optgroup label="Housing">\s*<option value="{joint["housing"].pk}" selected>'
        r"Homelessness</option>",
        select,
    )
    assert '<optgroup label="Adult Social Care">' in select
    assert '<option value="none">No service area</option>' in select
    assert "Housing: Homelessness" in _tags(page)  # the tag names both
