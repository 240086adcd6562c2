"""The managers' overdue-remedy dashboard: its figures against hand-counted data, the list
behind each figure, filters that report bad values, the CSV and Excel downloads, the
charts, who may see it, and a query count that does not grow with the actions."""

import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from decisions.models import Enquiry
from remedies.dashboard import dashboard
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .spreadsheets import read_csv as _csv
from .spreadsheets import read_xlsx as _xlsx

pytestmark = pytest.mark.django_db
# A Wednesday in the Ombudsman's year 2025-26 and in the quarter April to June 2025.
TODAY = date(2025, 6, 11)
LIST = "/actions/"
OPEN, DONE, WITHDRAWN = "open", "done", "withdrawn"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 6, 11, 9, 30, tzinfo=ZoneInfo("Europe/London")),
                             tick=False):  # fmt: skip
        yield


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def world(db):
    """23 actions, each named in its description, with the dates that put it in (or just
    outside) each figure; the comments say where each one counts."""
    havant = OrganisationFactory(name="Havant Borough Council")
    solent = OrganisationFactory(name="Solent NHS Trust", kind="nhs_trust")
    adults = ServiceAreaFactory(directorate="Adult Social Care", service="Safeguarding")
    housing = ServiceAreaFactory(directorate="Housing", service="Homelessness")
    ann = UserFactory(username="ann", first_name="Ann", last_name="Able", role="Service managers")
    ben = UserFactory(username="ben", first_name="Ben", last_name="Brown", role="Service managers")
    recent = DecisionFactory(
        complaint=ComplaintFactory(reference="24 005 859", organisations=[havant, solent]),
        decision_date=date(2025, 1, 6),
    )
    older = DecisionFactory(
        complaint=ComplaintFactory(reference="23 001 234", organisations=[havant]),
        decision_date=date(2024, 1, 10),
    )

    def act(name, *, decision=recent, org=havant, **fields):
        defaults = {"kind": "apology", "amount": None, "status": OPEN}
        return AgreedActionFactory(
            decision=decision, organisation=org, description=name, **(defaults | fields)
        )

    F = "financial"
    # fmt: off
    # Open and overdue (days past the date in force in brackets).
    act("A1", due_date=date(2025, 6, 10), service_area=adults, owner=ann, kind=F,
        amount=Decimal("250.00"))  # (1)
    act("A2", due_date=date(2025, 6, 4), service_area=adults, owner=ben)  # (7)
    act("A3", due_date=date(2025, 6, 3), service_area=adults, org=solent, kind=F,
        amount=Decimal("100.50"))  # (8), no owner
    act("A4", due_date=date(2025, 5, 1), extended_due_date=date(2025, 5, 12),
        service_area=housing, owner=ann, kind="service_improvement")  # (30): the extension
    act("A5", due_date=date(2025, 5, 11), owner=ben, kind=F,
        amount=Decimal("1000.00"))  # (31), no service area
    act("A6", due_date=date(2025, 3, 13), service_area=adults, owner=ann, org=solent)  # (90)
    act("A7", due_date=date(2025, 3, 12), service_area=housing, kind=F)  # (91), no amount
    # Open, not overdue.
    act("A8", due_date=date(2025, 4, 1), extended_due_date=date(2025, 6, 20),
        service_area=adults, owner=ann, kind=F, amount=Decimal("75.25"))  # extended: due soon
    act("A9", due_date=TODAY, service_area=housing, owner=ben)  # due today: due soon
    act("A10", due_date=date(2025, 6, 25), service_area=adults, owner=ann, org=solent,
        kind="other")  # the last day of "due soon"
    act("A11", due_date=date(2025, 6, 26), service_area=housing, owner=ann)  # the day after
    act("A12", due_date=None, service_area=adults, owner=ann, kind=F,
        amount=Decimal("40.00"))  # undated: never overdue
    act("A13", due_date=date(2025, 8, 31))  # the last day of the 12th chart week
    act("A14", due_date=date(2025, 9, 1))  # after the chart
    # Done.
    act("D1", status=DONE, due_date=date(2025, 4, 30), completed_on=date(2025, 5, 2),
        service_area=adults, kind=F, amount=Decimal("300.00"))  # late, this year
    act("D2", status=DONE, due_date=date(2025, 5, 20), extended_due_date=date(2025, 6, 5),
        completed_on=date(2025, 6, 3))  # on time thanks to the extension
    act("D3", status=DONE, due_date=date(2025, 3, 20), completed_on=date(2025, 4, 2))  # late
    act("D4", status=DONE, due_date=date(2025, 3, 10),
        completed_on=date(2025, 3, 15))  # late, but in 2024-25
    act("D5", decision=older, status=DONE, due_date=date(2024, 8, 31),
        completed_on=date(2024, 8, 30))  # on time, July to September 2024
    act("D6", decision=older, status=DONE, due_date=date(2024, 6, 30),
        completed_on=date(2024, 6, 30))  # before the four quarters
    act("D7", decision=older, status=DONE, due_date=None,
        completed_on=date(2024, 11, 5))  # undated: on time
    act("D8", decision=older, status=DONE, due_date=date(2024, 10, 1),
        completed_on=date(2024, 12, 31))  # late
    act("W1", status=WITHDRAWN, due_date=date(2025, 1, 31), service_area=adults, kind=F,
        amount=Decimal("500.00"))  # withdrawn: neither overdue nor unpaid
    # fmt: on

    complaint = recent.complaint
    for due, answered in [
        (date(2025, 6, 10), None),  # past due
        (date(2025, 5, 1), None),  # past due
        (TODAY, None),  # due today
        (date(2025, 5, 1), date(2025, 5, 2)),  # answered
        (None, None),  # no date
    ]:
        Enquiry.objects.create(complaint=complaint, kind="further", sent_on=date(2025, 4, 1),
                               due_on=due, answered_on=answered)  # fmt: skip
    return {"havant": havant, "solent": solent, "adults": adults, "housing": housing,
            "ann": ann, "ben": ben}  # fmt: skip


def _names(response) -> set[str]:
    return {a.description for a in response.context["page"].object_list}


def _list(client, params) -> set[str]:
    response = client.get(LIST, params | {"sort": "due"})
    assert response.status_code == 200
    assert response.context["rows_ok"], response.context["filterset"].errors
    page = response.context["page"]
    assert page.paginator.num_pages == 1
    return _names(response)


# The figures.


def test_headline_figures_match_the_hand_count(world, manager_client):
    response = manager_client.get("/dashboard/")
    assert response.status_code == 200
    d = response.context["dashboard"]
    assert d.open == 14
    assert d.overdue == 7
    assert d.due_soon == 3
    assert d.due_soon_until == date(2025, 6, 25)
    assert d.completed_late == 2
    assert (d.year_starts, d.year_ends, d.year_label) == (
        date(2025, 4, 1), date(2026, 3, 31), "2025-26",
    )  # fmt: skip
    assert d.enquiries_past_due == 2
    assert d.unpaid == Decimal("1465.75")
    page = response.content.decode()
    assert "£1,465.75" in page
    assert "Completed late in 2025-26" in page


def test_overdue_breakdowns_match_the_hand_count(world, manager_client):
    d = manager_client.get("/dashboard/").context["dashboard"]
    ids = {k: str(world[k].pk) for k in ("adults", "housing", "ann", "ben", "havant", "solent")}
    rows = lambda buckets: [(b.label, b.count, b.params) for b in buckets]  # noqa: E731
    assert rows(d.by_age) == [
        ("1 to 7 days", 2, {"overdue": "yes", "age": "1-7"}),
        ("8 to 30 days", 2, {"overdue": "yes", "age": "8-30"}),
        ("31 to 90 days", 2, {"overdue": "yes", "age": "31-90"}),
        ("Over 90 days", 1, {"overdue": "yes", "age": "over-90"}),
    ]
    assert rows(d.by_service_area) == [
        ("Adult Social Care: Safeguarding", 4, {"overdue": "yes", "service_area": ids["adults"]}),
        ("Housing: Homelessness", 2, {"overdue": "yes", "service_area": ids["housing"]}),
        ("No service area", 1, {"overdue": "yes", "service_area": "none"}),
    ]
    assert rows(d.by_owner) == [
        ("Ann Able", 3, {"overdue": "yes", "owner": ids["ann"]}),
        ("Ben Brown", 2, {"overdue": "yes", "owner": ids["ben"]}),
        ("No owner", 2, {"overdue": "yes", "owner": "none"}),
    ]
    assert rows(d.by_organisation) == [
        ("Havant Borough Council", 5, {"overdue": "yes", "organisation": ids["havant"]}),
        ("Solent NHS Trust", 2, {"overdue": "yes", "organisation": ids["solent"]}),
    ]


def test_every_breakdown_figure_links_to_exactly_the_actions_it_counts(world, manager_client):
    response = manager_client.get("/dashboard/")
    d = response.context["dashboard"]
    page = response.content.decode()
    expected = {
        "1 to 7 days": {"A1", "A2"},
        "8 to 30 days": {"A3", "A4"},
        "31 to 90 days": {"A5", "A6"},
        "Over 90 days": {"A7"},
        "Adult Social Care: Safeguarding": {"A1", "A2", "A3", "A6"},
        "Housing: Homelessness": {"A4", "A7"},
        "No service area": {"A5"},
        "Ann Able": {"A1", "A4", "A6"},
        "Ben Brown": {"A2", "A5"},
        "No owner": {"A3", "A7"},
        "Havant Borough Council": {"A1", "A2", "A4", "A5", "A7"},
        "Solent NHS Trust": {"A3", "A6"},
    }
    buckets = d.by_age + d.by_service_area + d.by_owner + d.by_organisation
    assert {b.label for b in buckets} == set(expected)
    for bucket in buckets:
        href = f'href="/actions/?{bucket.query_string.replace("&", "&amp;")}"'
        assert href in page, bucket.label
        assert _list(manager_client, bucket.params) == expected[bucket.label], bucket.label
        assert len(expected[bucket.label]) == bucket.count
    assert 'href="/actions/?overdue=yes&amp;age=8-30"' in page
    assert f'href="/actions/?overdue=yes&amp;service_area={world["housing"].pk}"' in page
    assert 'href="/actions/?overdue=yes&amp;owner=none"' in page


def test_every_headline_figure_links_to_exactly_the_actions_it_counts(world, manager_client):
    response = manager_client.get("/dashboard/")
    d = response.context["dashboard"]
    page = response.content.decode()
    expected = {
        "open": {f"A{n}" for n in range(1, 15)},
        "overdue": {f"A{n}" for n in range(1, 8)},
        "due_soon": {"A8", "A9", "A10"},
        "completed_late": {"D1", "D3"},
        # Open financial remedies: their amounts add up to the figure, A7 having none.
        "unpaid": {"A1", "A3", "A5", "A7", "A8", "A12"},
    }
    for name, names in expected.items():
        assert f'href="/actions/?{d.queries[name].replace("&", "&amp;")}"' in page
        assert _list(manager_client, d.links[name]) == names, name
    assert d.queries["due_soon"] == "status=open&due_from=2025-06-11&due_to=2025-06-25"
    assert d.queries["completed_late"] == (
        "late=yes&completed_from=2025-04-01&completed_to=2026-03-31"
    )


def test_nothing_overdue_says_so(manager_client):
    AgreedActionFactory(due_date=date(2025, 7, 1), kind="apology", amount=None)
    response = manager_client.get("/dashboard/")
    d = response.context["dashboard"]
    assert (d.open, d.overdue, d.unpaid) == (1, 0, Decimal("0.00"))
    assert [b.count for b in d.by_age] == [0, 0, 0, 0]
    assert "No actions are overdue." in response.content.decode()


def test_figures_can_be_computed_for_some_actions_only(world):
    """The PDF reports draw the dashboard for one organisation, say."""
    d = dashboard(today=TODAY, actions=AgreedAction.objects.filter(organisation=world["solent"]))
    assert (d.open, d.overdue, d.due_soon) == (3, 2, 1)  # A3, A6, A10
    assert [(b.label, b.count) for b in d.by_service_area] == [
        ("Adult Social Care: Safeguarding", 2),
    ]


# The charts.


def test_charts_have_titles_descriptions_and_the_figures_from_the_data(world, manager_client):
    response = manager_client.get("/dashboard/")
    charts = {chart.slug: chart for chart, _ in response.context["dashboard"].charts()}

    area = charts["overdue-by-area"]
    assert area.title == "Overdue actions by service area"
    assert area.description == (
        "Adult Social Care: Safeguarding has the most overdue actions: 4 of 7."
    )
    assert area.rows == [
        ["Adult Social Care: Safeguarding", 4], ["Housing: Homelessness", 2],
        ["No service area", 1],
    ]  # fmt: skip
    assert area.categories == ["Safeguarding", "Homelessness", "No service area"]  # the axis

    weeks = charts["due-by-week"]
    assert weeks.categories[0] == "9 Jun" and weeks.categories[-1] == "25 Aug"
    # This week counts from today (A1, due on Tuesday, is overdue, not due); A14 is in
    # week 13.
    assert [row[1] for row in weeks.rows] == [1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert weeks.description == (
        "5 open actions fall due in the next 12 weeks. The busiest week is the one "
        "beginning 23 June 2025, with 2."
    )

    quarters = charts["completed-by-quarter"]
    assert quarters.rows == [
        ["Jul–Sep 2024", 1, 0],
        ["Oct–Dec 2024", 1, 1],
        ["Jan–Mar 2025", 0, 1],
        ["Apr–Jun 2025", 1, 2],
    ]
    assert [s.name for s in quarters.series] == ["On time", "Late"]
    assert quarters.description == (
        "Of 7 actions completed in the last 4 quarters, 4 were late (57%). "
        "So far in Apr–Jun 2025: 1 on time and 2 late."
    )

    page = response.content.decode()
    for chart in charts.values():
        svg = page[page.index("<svg", page.index(f'id="{chart.slug}-caption"')) :]
        root = ET.fromstring(svg[: svg.index("</svg>") + 6])
        assert root.find("{http://www.w3.org/2000/svg}title").text == chart.title
        assert chart.description in page
        assert f"{chart.title}: the figures" in page  # the table for screen readers


def test_charts_with_no_data_say_so(manager_client):
    charts = {c.slug: c for c, _ in manager_client.get("/dashboard/").context["dashboard"].charts()}
    assert charts["overdue-by-area"].description == "No actions are overdue."
    assert charts["due-by-week"].description == "No open actions fall due in the next 12 weeks."
    assert charts["completed-by-quarter"].description == (
        "No actions were completed in the last 4 quarters."
    )


# The list.


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"due_from": "31/13/2025"}, "Due on or after must be a real date"),
        ({"status": "finished"}, "Status: Select a valid choice."),
        ({"kind": "hug"}, "Kind of action: Select a valid choice."),
        ({"service_area": "999999"}, "Service area: Select a valid choice."),
        ({"owner": "abc"}, "Owner: Select a valid choice."),
        ({"organisation": "999999"}, "Organisation: Select a valid choice."),
        ({"overdue": "maybe"}, "Overdue: Select a valid choice."),
        ({"age": "2-3"}, "Days overdue: Select a valid choice."),
        ({"late": "very"}, "Completed late: Select a valid choice."),
        ({"sort": "complainant"}, "Sort by: Sort by one of"),
        (
            {"due_from": "2025-07-01", "due_to": "2025-06-01"},
            "Due on or before: The last due date must be on or after the first.",
        ),
    ],
)
def test_invalid_filter_values_are_errors_not_ignored(world, manager_client, params, message):
    response = manager_client.get(LIST, params)
    page = response.content.decode()
    assert "Some filters are not valid" in page
    assert message in page
    assert response.context["page"] is None  # no unfiltered list passed off as the result
    for download in ("/actions/download.csv", "/actions/download.xlsx"):
        response = manager_client.get(download, params)
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


def test_filters_by_kind_status_dates_and_completion(world, manager_client):
    assert _list(manager_client, {"kind": "service_improvement"}) == {"A4"}
    assert _list(manager_client, {"status": "withdrawn"}) == {"W1"}
    # On the date in force: A4's extension moved it into May, A8's out of April.
    # D2 was due on 20 May but extended to 5 June.
    assert _list(manager_client, {"due_from": "2025-05-12", "due_to": "2025-05-31"}) == {"A4"}
    assert _list(manager_client, {"due_from": "2025-04-01", "due_to": "2025-04-30"}) == {"D1"}
    assert _list(manager_client, {"overdue": "no", "status": "open"}) == {
        "A8", "A9", "A10", "A11", "A12", "A13", "A14",
    }  # fmt: skip
    assert _list(manager_client, {"late": "no", "completed_from": "2024-07-01"}) == {
        "D2", "D5", "D7",
    }  # fmt: skip


def test_list_is_sorted_by_each_column_and_paginated(world, manager_client, settings):
    def order(sort, **params):
        response = manager_client.get(LIST, {"overdue": "yes", "sort": sort, **params})
        return [a.description for a in response.context["page"].object_list]

    assert order("due") == ["A7", "A6", "A5", "A4", "A3", "A2", "A1"]
    assert order("-due") == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    assert order("amount") == ["A3", "A1", "A5", "A2", "A4", "A6", "A7"]  # none last
    assert order("-amount")[:3] == ["A5", "A1", "A3"]
    assert order("owner") == ["A6", "A4", "A1", "A5", "A2", "A7", "A3"]  # Able, Brown, none
    assert order("organisation") == ["A7", "A5", "A4", "A2", "A1", "A6", "A3"]
    assert order("kind") == ["A6", "A2", "A7", "A5", "A3", "A1", "A4"]
    assert order("status", status="open")[0] == "A7"
    assert order("reference") == ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]  # one complaint
    by_area = manager_client.get(LIST, {"overdue": "yes", "sort": "service_area"})
    areas = [
        (a.service_area.directorate, a.service_area.service) if a.service_area else ("~",)
        for a in by_area.context["page"].object_list
    ]  # no service area last
    assert areas == sorted(areas) and len(set(areas)) > 1
    page = manager_client.get(LIST, {"overdue": "yes", "sort": "amount"}).content.decode()
    assert 'aria-sort="ascending"' in page

    settings.LIST_PAGE_SIZE = 3
    first = manager_client.get(LIST, {"overdue": "yes", "sort": "due"})
    assert _names(first) == {"A7", "A6", "A5"}
    third = manager_client.get(LIST, {"overdue": "yes", "sort": "due", "page": 3})
    assert _names(third) == {"A1"}
    page = third.content.decode()
    assert "7 overdue actions the council answers for, page 3 of 3" in page
    # The downloads carry the filters and the order, not the page.
    assert 'href="/actions/download.csv?overdue=yes&amp;sort=due"' in page
    assert 'href="/actions/download.xlsx?overdue=yes&amp;sort=due"' in page


# The downloads.

HEADINGS = [
    "LGSCO reference", "Action kind", "Description", "Organisation", "Service area", "Owner",
    "Payee", "Amount (£)", "Deadline wording", "Due date", "Date in force", "Status",
    "Completed on", "Days overdue",
]  # fmt: skip


def test_csv_and_excel_hold_exactly_the_filtered_rows_of_every_page(
    world, manager_client, settings
):
    settings.LIST_PAGE_SIZE = 3  # the downloads are not limited to a page
    params = {"overdue": "yes", "sort": "due"}
    csv_response = manager_client.get("/actions/download.csv", params)
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="agreed-actions-2025-06-11.csv"' in csv_response["Content-Disposition"]
    rows = _csv(csv_response)
    assert rows[0] == HEADINGS
    assert [r[2] for r in rows[1:]] == ["A7", "A6", "A5", "A4", "A3", "A2", "A1"]
    a4 = rows[1:][3]
    assert a4 == [
        "24 005 859", "Service improvement", "A4", "Havant Borough Council",
        "Housing: Homelessness", "Ann Able", "Mr X", "", "within two months of the final "
        "decision", "2025-05-01", "2025-05-12", "Open", "", "30",
    ]  # fmt: skip
    assert [r[7] for r in rows[1:]] == ["", "", "1000.00", "", "100.50", "", "250.00"]
    assert [r[13] for r in rows[1:]] == ["91", "90", "31", "30", "8", "7", "1"]

    xlsx_response = manager_client.get("/actions/download.xlsx", params)
    assert xlsx_response.status_code == 200
    assert xlsx_response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = _xlsx(xlsx_response)
    assert sheet[0] == HEADINGS
    assert len(sheet) == len(rows)
    for excel_row, csv_row in zip(sheet[1:], rows[1:], strict=True):
        assert excel_row[2] == csv_row[2]  # the same rows in the same order
    a4 = sheet[1:][3]
    # Real dates and numbers, not text.
    assert isinstance(a4[9], datetime) and isinstance(a4[10], datetime)
    assert (a4[9].date(), a4[10].date()) == (date(2025, 5, 1), date(2025, 5, 12))
    assert a4[13] == 30 and isinstance(a4[13], int)
    assert a4[7] is None and a4[12] is None
    a5 = sheet[1:][2]
    assert a5[7] == 1000 and isinstance(a5[7], int | float)
    workbook = load_workbook(io.BytesIO(b"".join(
        manager_client.get("/actions/download.xlsx", params).streaming_content
    )))  # fmt: skip
    cells = list(workbook.active.iter_rows(min_row=4, max_row=4))[0]
    assert cells[7].data_type == "n" and cells[7].number_format == '"£"#,##0.00'
    assert cells[9].is_date and cells[9].number_format == "dd/mm/yyyy"
    assert cells[10].is_date and cells[13].data_type == "n"


def test_done_actions_export_their_completion_date_as_a_date(world, manager_client):
    params = {"late": "yes", "completed_from": "2025-04-01", "sort": "due"}
    rows = _csv(manager_client.get("/actions/download.csv", params))
    assert [(r[2], r[11], r[12], r[13]) for r in rows[1:]] == [
        ("D3", "Done", "2025-04-02", "0"), ("D1", "Done", "2025-05-02", "0"),
    ]  # fmt: skip
    sheet = _xlsx(manager_client.get("/actions/download.xlsx", params))
    assert all(isinstance(r[12], datetime) for r in sheet[1:])
    assert [(r[2], r[12].date()) for r in sheet[1:]] == [
        ("D3", date(2025, 4, 2)), ("D1", date(2025, 5, 2)),
    ]  # fmt: skip
    assert sheet[2][7] == 300 and sheet[2][4] == "Adult Social Care: Safeguarding"


def test_text_that_looks_like_a_formula_stays_text(world, manager_client):
    AgreedActionFactory(description='=HYPERLINK("http://evil.example","x")', kind="apology",
                        amount=None, due_date=date(2025, 6, 1))  # fmt: skip
    params = {"kind": "apology", "due_from": "2025-06-01", "due_to": "2025-06-01"}
    rows = _csv(manager_client.get("/actions/download.csv", params))
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example","x")'
    workbook = load_workbook(io.BytesIO(b"".join(
        manager_client.get("/actions/download.xlsx", params).streaming_content
    )))  # fmt: skip
    cell = workbook.active["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


# Who sees it.


def test_a_manager_signing_in_lands_on_the_dashboard(client, world):
    UserFactory(username="mgr", role="Managers")
    response = client.post(
        "/login/", {"username": "mgr", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/dashboard/"
    assert response.status_code == 200
    assert response.context["nav_items"][0] == ("remedies:dashboard", "Dashboard")


def test_a_service_manager_lands_on_my_actions_and_gets_403_on_the_dashboard(client, world):
    UserFactory(username="sm", role="Service managers")
    response = client.post(
        "/login/", {"username": "sm", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/actions/mine/"
    assert ("remedies:dashboard", "Dashboard") not in response.context["nav_items"]
    for url in ["/dashboard/", LIST, "/actions/download.csv", "/actions/download.xlsx"]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["Managers", "Complaints officers", "Monitoring officers"])
def test_roles_with_the_dashboard_permission_see_it(client, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    assert client.get("/dashboard/").status_code == 200
    assert client.get(LIST).status_code == 200


# Speed.


def _fill(n: int, decisions, orgs, areas, owners):
    """``n`` actions spread over every state, date band, area, owner and organisation."""
    AgreedAction.objects.bulk_create(
        AgreedAction(
            decision=decisions[i % 2],
            decision_date=decisions[i % 2].decision_date,
            kind=["financial", "apology", "other"][i % 3],
            amount=Decimal(i % 500) if i % 3 == 0 else None,
            organisation=orgs[i % len(orgs)],
            service_area=areas[i % (len(areas) + 1)] if i % (len(areas) + 1) < len(areas)
            else None,
            owner=owners[i % (len(owners) + 1)] if i % (len(owners) + 1) < len(owners) else None,
            description=f"Action {i}",
            payee_label="Mr X",
            due_date=date(2025, 2, 1) + timedelta(days=i % 300),
            status=DONE if i % 5 == 0 else OPEN,
            completed_on=date(2025, 2, 1) + timedelta(days=i % 130) if i % 5 == 0 else None,
        )
        for i in range(n)
    )  # fmt: skip


def _queries(client) -> dict[str, int]:
    counts = {}
    for name, url in [
        ("dashboard", "/dashboard/"),
        ("list", "/actions/?overdue=yes"),
        ("csv", "/actions/download.csv?overdue=yes"),
        ("xlsx", "/actions/download.xlsx?overdue=yes"),
    ]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200, name
            if response.streaming:
                body = b"".join(response.streaming_content)
        counts[name] = len(ctx.captured_queries)
        if name == "csv":
            counts["csv rows"] = body.count(b"\n") - 1
    return counts


def test_each_page_costs_the_same_queries_for_10_and_2000_actions(manager_client):
    orgs = [OrganisationFactory(name=f"Council {n}") for n in range(3)]
    areas = [ServiceAreaFactory(directorate="Adults", service=f"Team {n}") for n in range(4)]
    owners = [UserFactory(username=f"owner{n}") for n in range(5)]
    decisions = [
        DecisionFactory(complaint=ComplaintFactory(organisations=orgs),
                        decision_date=date(2025, 1, 6))
        for _ in range(2)
    ]  # fmt: skip
    _fill(10, decisions, orgs, areas, owners)
    few = _queries(manager_client)
    AgreedAction.objects.all().delete()
    _fill(2000, decisions, orgs, areas, owners)
    many = _queries(manager_client)
    assert many.pop("csv rows") == dashboard(today=TODAY).overdue > 500
    assert few.pop("csv rows") > 0
    assert few == many
    with CaptureQueriesContext(connection) as ctx:
        dashboard(today=TODAY)
    assert len(ctx.captured_queries) == 5  # figures, three breakdowns, enquiries


def test_enquiries_past_due_links_to_the_list_of_exactly_those(manager_client, db):
    from decisions.models import Enquiry

    complaint = ComplaintFactory(reference="25 000 777")
    late = Enquiry.objects.create(
        complaint=complaint, kind="initial", sent_on=date(2025, 5, 1), due_on=date(2025, 6, 1)
    )
    Enquiry.objects.create(  # answered late: not past due any more
        complaint=complaint, kind="further", sent_on=date(2025, 5, 1), due_on=date(2025, 5, 20),
        answered_on=date(2025, 6, 2),
    )  # fmt: skip
    Enquiry.objects.create(  # not yet due
        complaint=complaint, kind="draft", sent_on=date(2025, 6, 1), due_on=date(2025, 6, 30)
    )
    page = manager_client.get("/dashboard/").content.decode()
    assert 'href="/enquiries/past-due/">1</a>' in page
    listed = manager_client.get("/enquiries/past-due/")
    assert list(listed.context["page"].object_list) == [late]
    cells = " ".join(listed.content.decode().split())
    assert "25 000 777" in cells and ">10</td>" in cells.replace(" <", "<")  # 1 to 11 June
