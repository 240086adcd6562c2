"""The decisions list: one row per complaint, filters that report bad values, sorting,
pagination and a query count that does not grow with the rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    category,
)

pytestmark = pytest.mark.django_db
URL = "/decisions/"


def _rows(response):
    return [c.reference for c in response.context["page"].object_list]


def test_one_row_per_complaint_showing_its_latest_decision(officer_client):
    complaint = ComplaintFactory(reference="24 005 859")
    DecisionFactory(complaint=complaint, decision_date=date(2023, 11, 1), outcome="not_upheld")
    latest = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    response = officer_client.get(URL)
    assert _rows(response) == ["24 005 859"]
    row = response.context["page"].object_list[0]
    assert row.latest_decision_id == latest.pk
    page = response.content.decode()
    assert f'href="/decisions/{latest.pk}/"' in page
    assert "13 Feb 2025" in page
    assert "1 complaint" in page


def test_text_search_finds_reference_typed_without_spaces_and_summary_words(officer_client):
    DecisionFactory(complaint=ComplaintFactory(reference="22 010 218"), summary="benzodiazepines")
    DecisionFactory(complaint=ComplaintFactory(reference="21 017 992"), summary="aftercare")
    assert _rows(officer_client.get(URL, {"q": "22010218"})) == ["22 010 218"]
    assert _rows(officer_client.get(URL, {"q": "22-010"})) == ["22 010 218"]
    assert _rows(officer_client.get(URL, {"q": "aftercare"})) == ["21 017 992"]


def test_filters_by_organisation_area_category_outcome_dates_and_open_actions(officer_client):
    council = OrganisationFactory(name="Havant Borough Council")
    housing = ServiceAreaFactory(directorate="Housing", service="Homelessness")
    a = DecisionFactory(
        complaint=ComplaintFactory(
            reference="16 003 062",
            organisations=[council],
            service_area=housing,
            category=category("Housing > Homelessness"),
        ),
        decision_date=date(2018, 2, 15),
    )
    b = DecisionFactory(
        complaint=ComplaintFactory(reference="21 017 992"),
        decision_date=date(2022, 6, 30),
        outcome=Decision.Outcome.CLOSED_AFTER_INITIAL_ENQUIRIES,
    )
    AgreedActionFactory(decision=a, status=AgreedAction.Status.OPEN)
    AgreedActionFactory(decision=b, status=AgreedAction.Status.DONE, completed_on=date(2022, 7, 1))

    assert _rows(officer_client.get(URL, {"organisation": council.pk})) == ["16 003 062"]
    assert _rows(officer_client.get(URL, {"service_area": housing.pk})) == ["16 003 062"]
    # A top-level category includes its subcategories.
    top = category("Housing > Homelessness").parent
    assert _rows(officer_client.get(URL, {"category": top.pk})) == ["16 003 062"]
    assert _rows(officer_client.get(URL, {"outcome": "closed_initial"})) == ["21 017 992"]
    assert _rows(officer_client.get(URL, {"decided_from": "2020-01-01"})) == ["21 017 992"]
    assert _rows(officer_client.get(URL, {"decided_to": "2020-01-01"})) == ["16 003 062"]
    assert _rows(officer_client.get(URL, {"has_open_actions": "yes"})) == ["16 003 062"]
    assert _rows(officer_client.get(URL, {"has_open_actions": "no"})) == ["21 017 992"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"decided_from": "31/13/2024"}, "Decided on or after must be a real date"),
        ({"outcome": "won"}, "Outcome: Select a valid choice."),
        ({"organisation": "999999"}, "Organisation: Select a valid choice."),
        ({"has_open_actions": "maybe"}, "Has open actions: Select a valid choice."),
        ({"sort": "complainant"}, "Sort by: Sort by one of"),
    ],
)
def test_invalid_filter_values_are_errors_not_ignored(officer_client, params, message):
    DecisionFactory()
    response = officer_client.get(URL, params)
    page = response.content.decode()
    assert "Some filters are not valid" in page
    assert message in page
    assert response.context["page"] is None  # no unfiltered list passed off as the result


def test_sortable_columns(officer_client):
    for ref, decided in [("20 000 001", date(2021, 1, 1)), ("19 000 001", date(2024, 1, 1))]:
        DecisionFactory(complaint=ComplaintFactory(reference=ref), decision_date=decided)
    assert _rows(officer_client.get(URL)) == ["19 000 001", "20 000 001"]  # newest first
    assert _rows(officer_client.get(URL, {"sort": "decided"})) == ["20 000 001", "19 000 001"]
    assert _rows(officer_client.get(URL, {"sort": "reference"})) == ["19 000 001", "20 000 001"]
    assert _rows(officer_client.get(URL, {"sort": "-reference"})) == ["20 000 001", "19 000 001"]
    page = officer_client.get(URL, {"sort": "reference"}).content.decode()
    assert 'aria-sort="ascending"' in page


def test_list_is_paginated(officer_client, settings):
    settings.LIST_PAGE_SIZE = 3
    for n in range(7):
        DecisionFactory(complaint=ComplaintFactory(reference=f"25 000 00{n}"))
    first = officer_client.get(URL, {"sort": "reference"})
    assert _rows(first) == ["25 000 000", "25 000 001", "25 000 002"]
    third = officer_client.get(URL, {"sort": "reference", "page": 3})
    assert _rows(third) == ["25 000 006"]
    assert "page 3 of 3" in third.content.decode()


def _make(n):
    orgs = [OrganisationFactory(), OrganisationFactory()]
    area = ServiceAreaFactory()
    for _ in range(n):
        decision = DecisionFactory(
            complaint=ComplaintFactory(
                organisations=orgs, service_area=area, category=category("Health > Other")
            )
        )
        AgreedActionFactory(decision=decision)


def _count_queries(client, n):
    _make(n)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": "fault"})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(_rows(response))


def test_list_query_count_is_the_same_for_5_and_50_decisions(officer_client, settings):
    settings.LIST_PAGE_SIZE = 100
    few, shown_few = _count_queries(officer_client, 5)
    many, shown_many = _count_queries(officer_client, 45)
    assert (shown_few, shown_many) == (5, 50)
    assert few == many


def test_a_search_finding_many_lists_and_counts_what_one_finding_few_does(
    officer_client, monkeypatch, settings
):
    """A search that finds many complaints (from ``COMMON_MATCHES``) is asked of each
    complaint in the list's order rather than looked up in the indexes: the same rows on
    every page, in the same order, and the same count, with the other filters and sorts."""
    import decisions.filters

    settings.LIST_PAGE_SIZE = 4
    words = ["damp", "delay", "care plan", "parking"]
    for n in range(14):
        complaint = ComplaintFactory(
            reference=f"24 {n:03d} 1{n % 3}",
            council_reference="CASE-7" if n == 5 else "",
        )
        for k in range(n % 3 + 1):
            DecisionFactory(
                complaint=complaint,
                decision_date=date(2024, 1 + n % 12, 1 + k),
                outcome=Decision.Outcome.UPHELD if n % 2 else Decision.Outcome.NOT_UPHELD,
                summary=f"The council's {words[(n + k) % 4]} was at fault.",
            )
    searches = [
        {"q": "damp"},
        {"q": "DELAY", "sort": "-reference"},
        {"q": "fault", "outcome": "upheld"},
        {"q": "fault", "sort": "reference", "page": "2"},
        {"q": "2400"},
        {"q": "case-7"},
        {"q": "1"},
    ]

    def seen(query):
        response = officer_client.get(URL, query)
        assert response.status_code == 200
        page = response.context["page"]
        return _rows(response), page.paginator.count, response.context["filterset"].walked

    for query in searches:
        few = seen(query)
        monkeypatch.setattr(decisions.filters, "COMMON_MATCHES", 1)
        many = seen(query)
        monkeypatch.setattr(decisions.filters, "COMMON_MATCHES", 2_000)
        assert few[2] is False
        assert many[2] is True, query
        assert many[:2] == few[:2], query
        assert few[1] > 0, query


def test_a_search_finding_more_than_it_counts_says_so_and_lists_the_first(
    officer_client, monkeypatch, settings
):
    """A search that finds many complaints says "more than" its bound when more than
    that many of the first complaints the list would show hold the words (the exact
    number being a pass over every summary), and lists those first ones in the list's
    order; one that finds fewer among them, or fewer at all, is counted exactly. The
    bound is never said of a search that finds that many or fewer."""
    import decisions.filters

    settings.LIST_PAGE_SIZE = 2
    monkeypatch.setattr(decisions.filters, "COMMON_MATCHES", 1)  # every search walks
    monkeypatch.setattr(decisions.filters, "COUNTED_UP_TO", 3)
    monkeypatch.setattr(decisions.filters, "COUNT_FIRST", 6)
    # Newest first: ten complaints about damp, then four older ones about parking.
    for n in range(14):
        complaint = ComplaintFactory(reference=f"24 {n:03d} 10")
        DecisionFactory(
            complaint=complaint,
            decision_date=date(2024, 12 - n // 2, 20 - n % 2),
            outcome=Decision.Outcome.UPHELD if n % 4 == 0 else Decision.Outcome.NOT_UPHELD,
            summary=f"The council's {'damp' if n < 10 else 'parking'} repairs were late.",
        )
    newest_first = [f"24 {n:03d} 10" for n in range(14)]

    response = officer_client.get(URL, {"q": "damp"})
    page = response.content.decode()
    assert response.context["filterset"].count_bounded is True
    assert response.context["summary"] == "More than 3 complaints matching “damp”"
    assert "More than 3 complaints matching “damp”, page 1</p>" in page
    assert "The list shows the first 3." in page
    assert "Download all as" in page  # every one found, not "all 3"
    assert _rows(response) == newest_first[:2]
    assert response.context["page"].paginator.num_pages == 2
    assert _rows(officer_client.get(URL, {"q": "damp", "page": "2"})) == newest_first[2:3]
    # Oldest first, the first six include only two about damp: counted exactly.
    response = officer_client.get(URL, {"q": "damp", "sort": "decided"})
    assert response.context["filterset"].count_bounded is False
    assert response.context["summary"] == "10 complaints matching “damp”"
    assert "The list shows the first" not in response.content.decode()
    # Fewer than the bound among the first six: counted exactly.
    for query, expected in [
        ({"q": "parking"}, "4 complaints matching “parking”"),
        ({"q": "damp", "outcome": "upheld"}, "3 complaints matching “damp”, latest outcome upheld"),
        ({"q": "late"}, "More than 3 complaints matching “late”"),
    ]:
        response = officer_client.get(URL, query)
        assert response.status_code == 200
        assert response.context["summary"] == expected, query
    # The page that saves the view says the same.
    response = officer_client.get("/decisions/views/new/", {"q": "damp"})
    assert "More than 3 complaints matching “damp”" in response.content.decode()
