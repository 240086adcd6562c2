"""The decisions list and "My actions" download as CSV and Excel: exactly the rows the
page lists, with real dates in Excel, labels not names, in a fixed number of queries."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from decisions.models import Decision
from ombudsman.exports import DATE, POUNDS, Column, download_response
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .spreadsheets import read_csv as _csv
from .spreadsheets import read_xlsx as _xlsx

TODAY = date(2025, 6, 11)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def decisions(db):
    council = OrganisationFactory(name="Havant Borough Council")
    trust = OrganisationFactory(name="Solent NHS Trust")
    area = ServiceAreaFactory(directorate="Housing", service="Homelessness")
    rows = []
    for n, (outcome, day) in enumerate(
        [
            (Decision.Outcome.UPHELD, date(2025, 3, 1)),
            (Decision.Outcome.NOT_UPHELD, date(2025, 1, 15)),
            (Decision.Outcome.UPHELD, date(2024, 11, 30)),
        ]
    ):
        complaint = ComplaintFactory(
            reference=f"24 000 00{n}",
            complainant_label=["Mr X", "Ms Y", "Mrs Z"][n],
            organisations=[council, trust] if n == 0 else [council],
            service_area=area,
            category=category("Housing > Homelessness"),
        )
        rows.append(
            DecisionFactory(
                complaint=complaint, decision_date=day, outcome=outcome, summary=f"S{n}"
            )
        )
    AgreedActionFactory(decision=rows[0], due_date=date(2025, 5, 1))  # open
    return rows


def test_decisions_download_holds_exactly_the_filtered_rows_of_every_page(
    decisions, officer_client, settings
):
    settings.LIST_PAGE_SIZE = 1
    params = {"outcome": "upheld", "sort": "decided"}
    rows = _csv(officer_client.get("/decisions/download.csv", params))
    assert rows[0] == [
        "LGSCO reference", "Council's reference", "Complainant", "Organisations",
        "Service area", "Category", "Latest decision", "Decision kind", "Outcome",
        "Open actions", "Summary",
    ]  # fmt: skip
    assert rows[1:] == [
        ["24 000 002", "", "Mrs Z", "Havant Borough Council", "Housing: Homelessness",
         "Housing > Homelessness", "2024-11-30", "Decision statement", "Upheld", "No", "S2"],
        ["24 000 000", "", "Mr X", "Havant Borough Council; Solent NHS Trust",
         "Housing: Homelessness", "Housing > Homelessness", "2025-03-01",
         "Decision statement", "Upheld", "Yes", "S0"],
    ]  # fmt: skip

    response = officer_client.get("/decisions/download.xlsx", params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="decisions-2025-06-11.xlsx"' in response["Content-Disposition"]
    sheet = _xlsx(response)
    assert [r[0] for r in sheet[1:]] == ["24 000 002", "24 000 000"]
    assert isinstance(sheet[1][6], datetime) and sheet[1][6].date() == date(2024, 11, 30)


def test_the_list_page_offers_the_download_of_its_filtered_rows(decisions, officer_client):
    page = officer_client.get("/decisions/", {"outcome": "upheld"}).content.decode()
    assert 'href="/decisions/download.csv?outcome=upheld&amp;sort=-decided"' in page


def test_a_bad_filter_shows_the_error_rather_than_every_row(decisions, officer_client):
    response = officer_client.get("/decisions/download.csv", {"decided_from": "31/02/2025"})
    assert response["Content-Type"].startswith("text/html")
    assert not response.streaming


def test_decisions_download_costs_the_same_queries_for_few_and_many(db, officer_client):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            b"".join(officer_client.get("/decisions/download.csv").streaming_content)
        return len(ctx.captured_queries)

    for _ in range(3):
        DecisionFactory()
    few = queries()
    for _ in range(40):
        DecisionFactory()
    assert queries() == few


def test_my_actions_download_lists_my_open_actions_soonest_first(db, client):
    owner = UserFactory(
        username="owner", first_name="Priya", last_name="Shah", role="Service managers"
    )
    other = UserFactory(username="other", role="Service managers")
    AgreedActionFactory(owner=owner, due_date=date(2025, 7, 1), description="Second")
    AgreedActionFactory(owner=owner, due_date=date(2025, 6, 1), description="First")
    AgreedActionFactory(owner=owner, status=AgreedAction.Status.DONE, completed_on=TODAY)
    AgreedActionFactory(owner=other, due_date=date(2025, 6, 5), description="Not mine")
    client.force_login(owner)

    page = client.get("/actions/mine/").content.decode()
    assert 'href="/actions/mine/download.xlsx"' in page
    rows = _csv(client.get("/actions/mine/download.csv"))
    assert [r[2] for r in rows[1:]] == ["First", "Second"]
    assert rows[1][5] == "Priya Shah"  # the owner: staff, not a complainant
    assert rows[1][13] == "10"  # days overdue on 11 June
    sheet = _xlsx(client.get("/actions/mine/download.xlsx"))
    assert [r[2] for r in sheet[1:]] == ["First", "Second"]
    assert isinstance(sheet[1][9], datetime)


def test_an_action_without_an_owner_exports_no_owner_rather_than_none(db, manager, client):
    AgreedActionFactory(owner=None, description="Nobody's", due_date=date(2025, 6, 1))
    client.force_login(manager)
    rows = _csv(client.get("/actions/download.csv"))
    assert rows[1][2] == "Nobody's" and rows[1][5] == ""


def test_service_managers_may_not_download_the_decisions_list_unless_they_may_view_it(db, client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/decisions/download.csv").status_code == 403
    assert client.get("/actions/mine/download.csv").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_download_abandoned_after_its_first_rows_leaves_no_transaction_open(client, monkeypatch):
    """The decisions CSV reads its rows through a cursor inside a transaction (so that
    they stream); a person who cancels the download ends that transaction too."""
    monkeypatch.setattr("decisions.exports.CHUNK_SIZE", 2)
    for n in range(5):
        DecisionFactory(complaint=ComplaintFactory(reference=f"24 000 10{n}"))
    client.force_login(UserFactory(username="officer", role="Complaints officers"))
    response = client.get("/decisions/download.csv")
    chunks = iter(response.streaming_content)
    assert next(chunks).decode().lstrip("\ufeff").startswith("LGSCO reference")
    assert next(chunks).decode().startswith("24 000 104")
    assert connection.in_atomic_block  # the rows are still being read
    response.close()
    assert not connection.in_atomic_block
    # The next page is served as usual.
    assert client.get("/decisions/").status_code == 200


def test_the_excel_download_sends_its_first_bytes_before_it_has_read_every_row():
    """A national download starts at once: the workbook's bytes go out as its rows are
    read, not once the whole file is built, and it still opens as a workbook."""
    read = 0

    def rows():
        nonlocal read
        for n in range(20_000):
            read += 1
            yield [f"24 {n:06d}", date(2025, 4, 1), Decimal("150.00"), f"=not a formula {n}"]

    columns = [Column("LGSCO reference"), Column("Due", DATE), Column("Amount", POUNDS)]
    columns.append(Column("Description"))
    response = download_response("xlsx", columns, rows(), name="actions-2025-06-11")
    assert response.streaming
    assert 'filename="actions-2025-06-11.xlsx"' in response["Content-Disposition"]
    chunks = iter(response.streaming_content)
    sent = [next(chunks), next(chunks)]  # the zip's first header, then the first rows
    assert 0 < read < 20_000
    sent.extend(chunks)
    assert read == 20_000
    sheet = list(load_workbook(io.BytesIO(b"".join(sent))).active.iter_rows(values_only=True))
    assert sheet[0] == ("LGSCO reference", "Due", "Amount", "Description")
    assert len(sheet) == 20_001
    reference, due, amount, text = sheet[-1]
    assert (reference, due.date(), amount, text) == ("24 019999", date(2025, 4, 1), 150, text)
    assert text == "=not a formula 19999"  # text, not a formula
