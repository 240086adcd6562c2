"""The statistics page's year list (shared with the report builder) and its downloads."""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from decisions.models import Decision, Organisation
from decisions.reports.forms import ReportScopeForm
from decisions.statistics import offered_years
from ombudsman.timing import ombudsman_year_label, ombudsman_year_of

from .factories import ComplaintFactory, DecisionFactory, OrganisationFactory, ServiceAreaFactory

URL = "/statistics/"


@pytest.fixture
def home(db):
    return OrganisationFactory(
        name="Cambridgeshire County Council",
        kind=Organisation.Kind.COUNTY,
        population=700_000,
        is_home_authority=True,
    )


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def _decision(orgs, day, outcome=Decision.Outcome.UPHELD, **complaint_fields):
    complaint = ComplaintFactory(organisations=orgs, **complaint_fields)
    return DecisionFactory(complaint=complaint, decision_date=day, outcome=outcome)


def _years_with_a_gap(home):
    """Decisions in 2021-22 and 2023-24 (none in 2022-23), and in 2024-25 only a joint
    decision about two other bodies: the demo's 24 005 859a is such a one."""
    trust = OrganisationFactory(name="North Trust", kind=Organisation.Kind.NHS_TRUST)
    other = OrganisationFactory(name="Peterborough City Council")
    _decision([home], date(2021, 6, 1))
    _decision([home], date(2024, 3, 31))  # the last day of 2023-24
    _decision([trust, other], date(2025, 2, 13))


def test_the_statistics_page_and_the_report_builder_offer_the_same_years(manager_client, home):
    _years_with_a_gap(home)
    today = timezone.localdate()
    current = ombudsman_year_of(today)
    expected = sorted({current, 2024, 2023, 2021}, reverse=True)

    assert offered_years(today=today) == expected
    page = manager_client.get(URL)
    assert [value for value, _ in page.context["year_options"]] == expected
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.content.decode())
    assert options == [(str(y), ombudsman_year_label(y)) for y in expected]
    assert ("2024", "2024-25") in options and ("2022", "2022-23") not in options
    form = ReportScopeForm(today=today)
    assert [value for value, _ in form.fields["year"].choices] == expected
    # The builder starts on the last year before the current one that it offers.
    assert form.fields["year"].initial == next(y for y in expected if y < current)


def test_a_year_asked_for_in_the_address_is_shown_and_selected(manager_client, home):
    _years_with_a_gap(home)
    page = manager_client.get(URL, {"year": "2022"}).content.decode()
    assert '<option value="2022" selected>2022-23</option>' in page


def _statistics(home):
    care = ServiceAreaFactory(directorate="Adults", service="Care")
    _decision([home], date(2023, 6, 1), service_area=care)
    _decision([home], date(2023, 7, 1), Decision.Outcome.NOT_UPHELD, service_area=care)
    _decision([home], date(2021, 5, 1))


def _page_years(page: str) -> list[str]:
    table = re.search(r'<table[^>]*id="previous-years".*?</table>', page, re.S).group(0)
    rows = re.findall(r'<tr class="govuk-table__row" id="year-\d+">\s*<th[^>]*>(.*?)</th>', table)
    return [unescape(re.sub(r"<[^>]+>", "", r)).strip() for r in rows]


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_figures_and_years_the_page_shows(manager_client, home):
    _statistics(home)
    page = manager_client.get(URL, {"year": "2023"}).content.decode()
    assert 'href="/statistics/download.csv?year=2023"' in page
    assert 'href="/statistics/download.xlsx?year=2023"' in page
    assert "Download as CSV" in page and "Download as Excel (.xlsx)" in page

    response = manager_client.get("/statistics/download.csv", {"year": "2023"})

    assert response.status_code == 200
    assert 'filename="ombudsman-statistics-2023-24.csv"' in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header == ["Ombudsman year", "Table", "Row", "Figure", "Value"]
    trend = {(r[0], r[3]): r[4] for r in rows if r[1] == "Last five years"}
    # The same five years as the page's table, newest first there, oldest first here.
    years = list(dict.fromkeys(r[0] for r in rows if r[1] == "Last five years"))
    assert years == list(reversed(_page_years(page))) == [
        "2019-20", "2020-21", "2021-22", "2022-23", "2023-24",
    ]  # fmt: skip
    assert trend["2023-24", "Detailed investigations"] == "2"
    assert trend["2023-24", "Upheld"] == "1"
    assert trend["2023-24", "Upheld rate (%)"] == "50"
    assert trend["2021-22", "Upheld"] == "1"
    assert trend["2022-23", "Upheld rate (%)"] == ""  # no investigations: no rate, as "–"
    by_area = [r for r in rows if r[1] == "Detailed investigations by service area"]
    assert ["2023-24", by_area[0][1], "Adults: Care", "Investigations", "2"] in by_area
    outcomes = {r[2]: r[4] for r in rows if r[1] == "All decisions by outcome"}
    assert outcomes["Upheld"] == "1" and outcomes["Not upheld"] == "1"


def test_the_excel_download_holds_the_same_rows_as_the_csv(manager_client, home):
    _statistics(home)
    csv_rows = _csv_rows(manager_client.get("/statistics/download.csv", {"year": "2023"}))

    response = manager_client.get("/statistics/download.xlsx", {"year": "2023"})

    assert response.status_code == 200
    assert "ombudsman-statistics-2023-24.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    xlsx_rows = [["" if v is None else str(v) for v in row] for row in sheet.values]
    assert [r[:4] for r in xlsx_rows] == [r[:4] for r in csv_rows]
    # The same values: an Excel number reads back as "0.0" where the CSV says "0".
    values = [
        (_number(x[4]), _number(c[4])) for x, c in zip(xlsx_rows[1:], csv_rows[1:], strict=True)
    ]
    assert all(x == c for x, c in values) and len(values) > 20
    assert isinstance(sheet["E2"].value, int)  # a number a spreadsheet can sum


def test_a_download_for_a_year_that_cannot_be_shown_is_the_page_with_its_error(
    manager_client, home
):
    response = manager_client.get("/statistics/download.csv", {"year": "2023-24"})
    assert response.status_code == 400
    assert "Choose an Ombudsman year" in response.content.decode()
