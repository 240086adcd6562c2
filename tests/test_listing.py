"""The list pages' shared parts (ombudsman/listing.py): both lists sort empty values last
whichever way, refuse an unknown sort with the same message, and head their columns with
links that sort by them (or turn them round) and aria-sort saying how they are sorted."""

import re
from datetime import date

import pytest

from decisions.filters import ComplaintFilter
from remedies.filters import ActionFilter

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    ServiceAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LISTS = {"/decisions/": ComplaintFilter, "/actions/": ActionFilter}


@pytest.fixture
def lists_client(client, officer, manager):
    officer.groups.add(*manager.groups.all())  # sees both lists
    client.force_login(officer)
    return client


def _complaints(client, sort):
    return [c.reference for c in client.get("/decisions/", {"sort": sort}).context["page"]]


def _actions(client, sort):
    return [a.description for a in client.get("/actions/", {"sort": sort}).context["page"]]


def test_complaints_without_a_decision_or_service_area_come_last_both_ways(lists_client):
    area = ServiceAreaFactory(directorate="Adults", service="Housing")
    for ref, decided in [("20 000 001", date(2021, 1, 1)), ("20 000 002", date(2024, 1, 1))]:
        DecisionFactory(
            complaint=ComplaintFactory(reference=ref, service_area=area), decision_date=decided
        )
    ComplaintFactory(reference="20 000 003")  # no decision yet, no service area

    assert _complaints(lists_client, "decided") == ["20 000 001", "20 000 002", "20 000 003"]
    assert _complaints(lists_client, "-decided") == ["20 000 002", "20 000 001", "20 000 003"]
    assert _complaints(lists_client, "service_area")[-1] == "20 000 003"
    assert _complaints(lists_client, "-service_area")[-1] == "20 000 003"
    page = lists_client.get("/decisions/", {"sort": "decided"}).content.decode()
    assert "No decision yet" in page


def test_actions_without_a_date_owner_or_amount_come_last_both_ways(lists_client):
    decision = DecisionFactory(decision_date=date(2025, 1, 10))
    owner = UserFactory(first_name="Ann", last_name="Able")
    AgreedActionFactory(
        decision=decision, description="early", due_date=date(2025, 2, 1), owner=owner, amount=100
    )
    AgreedActionFactory(
        decision=decision, description="late", due_date=date(2025, 3, 1), owner=owner, amount=200
    )
    AgreedActionFactory(
        decision=decision,
        description="empty",
        due_date=None,
        deadline_phrase="",
        owner=None,
        amount=None,
    )

    assert _actions(lists_client, "due") == ["early", "late", "empty"]
    assert _actions(lists_client, "-due") == ["late", "early", "empty"]
    for column in ("owner", "amount"):
        assert _actions(lists_client, column)[-1] == "empty"
        assert _actions(lists_client, f"-{column}")[-1] == "empty"


@pytest.mark.parametrize("url", LISTS)
def test_an_unknown_sort_is_refused_with_the_same_message_on_both_lists(lists_client, url):
    labels = ", ".join(sort.label for sort in LISTS[url].SORTS.values())
    response = lists_client.get(url, {"sort": "complainant"})
    page = response.content.decode()
    assert "Some filters are not valid" in page
    assert f"Sort by one of: {labels}." in page
    assert response.context["page"] is None


@pytest.mark.parametrize(
    ("url", "start", "end", "noun"),
    [
        ("/decisions/", "decided_from", "decided_to", "decision date"),
        ("/actions/", "due_from", "due_to", "due date"),
        ("/actions/", "completed_from", "completed_to", "completion date"),
    ],
)
def test_a_date_range_that_ends_before_it_starts_is_refused_on_both_lists(
    lists_client, url, start, end, noun
):
    response = lists_client.get(url, {start: "2025-07-01", end: "2025-06-01"})
    page = response.content.decode()
    assert "Some filters are not valid" in page
    assert f"The last {noun} must be on or after the first." in page
    assert response.context["page"] is None
    # The same day at both ends is a range of one day, not an error.
    same = lists_client.get(url, {start: "2025-06-01", end: "2025-06-01"})
    assert same.context["page"] is not None


def _headers(page: str) -> dict[str, tuple[str, list[str]]]:
    """{first link's text: (aria-sort, [each link's sort])} of the sortable headings."""
    headers = {}
    for aria, inner in re.findall(r'<th [^>]*aria-sort="(\w+)">(.*?)</th>', page):
        links = re.findall(r'href="\?([^"]*)">([^<]+)</a>', inner)
        sorts = [re.search(r"sort=([^&]*)", query)[1] for query, _ in links]
        headers[links[0][1]] = (aria, sorts)
    return headers


def test_sort_headings_say_how_the_list_is_sorted_and_link_to_the_next_way(lists_client):
    DecisionFactory()
    # By default the decisions list is newest first; its date column's first click too.
    headers = _headers(lists_client.get("/decisions/").content.decode())
    assert headers["Decision date"] == ("descending", ["decided"])
    assert headers["LGSCO reference"] == ("none", ["reference"])

    headers = _headers(lists_client.get("/decisions/", {"sort": "reference"}).content.decode())
    assert headers["LGSCO reference"] == ("ascending", ["-reference"])
    assert headers["Decision date"] == ("none", ["-decided"])

    headers = _headers(lists_client.get("/decisions/", {"sort": "-reference"}).content.decode())
    assert headers["LGSCO reference"] == ("descending", ["reference"])


def test_a_heading_with_two_links_is_sorted_when_either_is(lists_client):
    AgreedActionFactory()
    page = lists_client.get("/actions/", {"sort": "-service_area"}).content.decode()
    headers = _headers(page)
    assert headers["Owner"] == ("descending", ["owner", "service_area"])
    assert headers["Due"] == ("none", ["due"])
    assert 'aria-sort="descending"' in page and page.count('aria-sort="descending"') == 1


def test_heading_links_keep_the_filters_but_not_the_page(lists_client):
    DecisionFactory()
    page = lists_client.get(
        "/decisions/", {"outcome": "upheld", "page": "2", "sort": "reference"}
    ).content.decode()
    assert 'href="?outcome=upheld&amp;sort=-reference"' in page
    assert 'href="?outcome=upheld&amp;sort=-decided"' in page
