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

from decisions.models import AnnualLetter, Decision, Organisation
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
    # No letter recorded for the year: the page has no comparison, the download neither.
    assert 'id="letter-comparison"' not in page
    assert not [r for r in rows if r[1] == "Annual review letter"]


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


def _letter(year=2023):
    """The letter for 2023-24 against _statistics' figures (2 investigations, 1 upheld,
    0.1 per 100,000, no compliance outcome, no satisfactory remedy)."""
    return AnnualLetter.objects.create(
        ombudsman_year=year,
        investigations=3,
        upheld=1,
        upheld_per_100k=Decimal("0.1"),
        compliance_outcomes=1,
        compliance_rate_percent=Decimal("100"),
        satisfactory_remedies=0,
    )


def _page_letter(page: str) -> dict[str, tuple[str, str]]:
    """The statistics page's letter table: figure -> (the letter, this product), as shown."""
    table = re.search(r'<table[^>]*id="letter-comparison".*?</table>', page, re.S).group(0)
    found = {}
    for row in re.findall(r'<tr [^>]*id="letter-[^"]+">(.*?)</tr>', table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        label, letter, product = (unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells[:3])
        found[label] = (letter, product)
    return found


LETTER_ROWS = {
    # figure: (the letter, this product, this product less the letter)
    "Detailed investigations": ("3", "2", "-1"),
    "Upheld decisions": ("1", "1", "0"),
    "Upheld rate (%)": ("33", "50", "17"),
    "Upheld decisions per 100,000 residents": ("0.1", "0.1", "0.0"),
    "Compliance outcomes": ("1", "0", "-1"),
    "Compliance rate (%)": ("100", "", ""),  # the product has no outcome: no rate
    "Satisfactory remedy decisions": ("0", "0", "0"),
    "Satisfactory remedy rate (%)": ("0", "0", "0"),
}


def test_the_downloads_carry_the_annual_letter_beside_the_products_figures(manager_client, home):
    _statistics(home)
    _letter()
    page = manager_client.get(URL, {"year": "2023"}).content.decode()
    shown = _page_letter(page)

    header, *rows = _csv_rows(manager_client.get("/statistics/download.csv", {"year": "2023"}))

    letter_rows = [r for r in rows if r[1] == "Annual review letter"]
    assert {r[0] for r in letter_rows} == {"2023-24"}
    got = {}
    for r in letter_rows:
        got.setdefault(r[2], {})[r[3]] = r[4]
    assert list(got) == list(LETTER_ROWS)  # the letter's order, as on the page
    for figure, (letter, product, gap) in LETTER_ROWS.items():
        assert got[figure] == {
            "The letter": letter,
            "This product": product,
            "Difference (this product less the letter)": gap,
        }, figure
    # The same figures as the page's table beside the letter.
    for figure, values in got.items():
        on_page = shown[figure.removesuffix(" (%)")]
        rate = figure.endswith("(%)")
        for downloaded, page_text in zip(
            (values["The letter"], values["This product"]), on_page, strict=True
        ):
            if downloaded == "":
                assert page_text in ("No rate", "Population not recorded"), figure
            else:
                assert page_text == downloaded.removesuffix(".0") + ("%" if rate else ""), figure
    # After the averages of the year, before its breakdowns, as on the page.
    tables = list(dict.fromkeys(r[1] for r in rows))
    assert tables.index("Annual review letter") == tables.index("Last five years") + 2
    assert tables[tables.index("Annual review letter") + 1].startswith("Detailed investigations by")

    response = manager_client.get("/statistics/download.xlsx", {"year": "2023"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    in_excel = [row for row in sheet.values if row[1] == "Annual review letter"]
    assert [list(r[:4]) for r in in_excel] == [r[:4] for r in letter_rows]
    for cells, csv_row in zip(in_excel, letter_rows, strict=True):
        assert _number(csv_row[4]) == (None if cells[4] is None else Decimal(str(cells[4])))
        assert cells[4] is None or isinstance(cells[4], int | float)  # numbers, to sum
