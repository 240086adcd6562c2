import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from hypothesis import example, given
from hypothesis import strategies as st

from decisions.imports import NAMES
from decisions.models import CommitteeReport, Decision, PendingImport

from ..bombs import BOMBS
from .kit import (
    IMG,
    INPUTS_TRIED,
    LONG,
    NUL,
    ODD_TEXT,
    SCRIPT,
    SQL,
    PageForm,
    _filled,
    _fuzzable,
    as_text,
    assert_error_shown,
    assert_escaped,
    changed_tables,
    check_refused,
    examples,
    follow,
    hostile_text,
    malformed_amount,
    malformed_date,
    named,
    number_text,
    page_form,
    rolled_back,
    row_counts,
    signed_in,
    slots,
    spoil,
    upload_bytes,
)

pytestmark = pytest.mark.django_db

# --- Filters, downloads and the statistics year ----------------------------------------------

# Every list page's GET parameters: the filter form's fields, and the sort and page that its
# links carry. Each list's downloads take the same query.
LISTS = {
    "decision list": ("/decisions/", "q", ["/decisions/download.csv", "/decisions/download.xlsx"]),
    "action list": ("/actions/", "due_from", ["/actions/download.csv", "/actions/download.xlsx"]),
}


@examples(25)
@given(which=st.sampled_from(sorted(LISTS)), picks=slots)
@example(which="decision list", picks={"q": SQL[0]})
@example(which="decision list", picks={"decided_from": "31/2/2023", "sort": SCRIPT})
@example(which="decision list", picks={"organisation": SQL[1], "page": "-1"})
@example(which="action list", picks={"due_from": "99999", "owner": NUL})
@example(which="action list", picks={"sort": LONG, "page": "99999999999999999999"})
def test_list_filters_and_downloads_take_any_query(officer, decision, which, picks):
    INPUTS_TRIED[f"{which} filters"] += 1
    page_url, field_name, downloads = LISTS[which]
    client = signed_in(officer)
    form = page_form(client.get(page_url).content.decode(), field_name)
    kinds = {**form.kinds, "sort": "text", "page": "text"}  # as the list's links carry them
    form = PageForm(form.action, form.method, form.fields, kinds)
    names = _fuzzable(form)
    spoilt = spoil(form, names, picks)
    query = {k: v for k, v in form.data(spoilt).items() if k != "csrfmiddlewaretoken"}
    before = row_counts()
    response = client.get(page_url, query)
    # Refused filters are shown with their messages, the rows left out.
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert_escaped(html)
    if response.status_code == 400:
        assert_error_shown(html)
    for url in downloads:
        download = client.get(url, query)
        assert download.status_code in (200, 400), (url, download.status_code)
        if not download.get("Content-Disposition", "").startswith("attachment"):
            # Refused filters: the list with their messages, never every row instead.
            assert_error_shown(download.content.decode())
    assert not changed_tables(before)


@examples(15)
@given(year=st.one_of(number_text, hostile_text))
@example(year=NUL)
@example(year="99999999999999999999")
@example(year="-1")
def test_the_statistics_page_takes_any_year(officer, decision, year):
    INPUTS_TRIED["statistics year"] += 1
    response = signed_in(officer).get("/statistics/", {"year": year})
    assert response.status_code in (200, 400), response.status_code
    assert_escaped(response.content.decode())


# --- The committee report builder -----------------------------------------------------------

REPORTS_NEW = "/reports/new/"


def _report_scope(start="2025-01-01", end="2025-05-31") -> dict:
    return {"kind": "upheld", "period_start": start, "period_end": end}


@pytest.fixture
def front_matter_form(monitoring_officer, decision) -> PageForm:
    html = signed_in(monitoring_officer).get(REPORTS_NEW, _report_scope()).content.decode()
    return page_form(html, "meeting_title")


@examples(25)
@given(picks=slots)
@example(picks={"kind": NUL})
@example(picks={"period_start": "31/2/2023", "period_end": "0"})
@example(picks={"year": "99999999999999999999", "kind": "annual"})
@example(picks={"upheld_areas": SQL[1], "organisation": SCRIPT})
def test_choosing_what_a_report_covers_refuses_or_drafts_it(monitoring_officer, decision, picks):
    INPUTS_TRIED["report scope"] += 1
    client = signed_in(monitoring_officer)
    form = page_form(client.get(REPORTS_NEW).content.decode(), "kind")
    form = _filled(form, _report_scope())
    spoilt = spoil(form, _fuzzable(form), picks)
    before = row_counts()
    response = client.get(REPORTS_NEW, form.data(spoilt))
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert_escaped(html)
    if response.status_code == 400:
        assert_error_shown(html)
    else:
        assert 'name="meeting_title"' in html, "A valid scope drafts the front matter."
    assert not changed_tables(before)


@examples(30)
@given(picks=slots, generate=st.booleans())
@named("subject", date_field="meeting_date", generate=False)
@example(picks={"background": f"{SCRIPT}{NUL}"}, generate=True)
@example(picks={"meeting_title": LONG, "recommendations": IMG}, generate=True)
@example(picks={"purpose": ODD_TEXT[8] + ODD_TEXT[5] + ODD_TEXT[7]}, generate=True)
def test_the_report_front_matter_refuses_or_makes_the_report(
    monitoring_officer,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    front_matter_form,
    picks,
    generate,
):
    """Previewed in the browser, or made into a PDF (Celery runs eagerly in the tests):
    refused with messages and nothing saved, or shown escaped and, for "Make the PDF",
    one report made with the text sent."""
    INPUTS_TRIED["report front matter"] += 1
    settings.MEDIA_ROOT = tmp_path / "media"
    form = front_matter_form
    spoilt = spoil(form, [n for n in _fuzzable(form) if n != "action"], picks)
    with rolled_back():
        client = signed_in(monitoring_officer)
        before = row_counts()
        data = {**form.data(spoilt), "action": "generate" if generate else "preview"}
        with django_capture_on_commit_callbacks(execute=True):  # the PDF is made at once
            response = client.post(REPORTS_NEW, data)
        if response.status_code == 400:
            check_refused(response, before, spoilt)
            return
        if not generate:
            assert response.status_code == 200, response.status_code
            assert_escaped(response.content.decode())
            assert not changed_tables(before), "A preview saved something."
            return
        assert response.status_code == 302, response.status_code
        html = follow(client, response)
        report = CommitteeReport.objects.get(
            pk=int(response["Location"].rstrip("/").split("/")[-1])
        )
        assert report.status == CommitteeReport.Status.READY, (report.status, report.last_error)
        assert report.subject == as_text(data["subject"][0])
        assert "The report is ready." in html


# --- Importing past decisions from a file ---------------------------------------------------

IMPORT = "/decisions/import/"


def _import_row(**values) -> dict:
    """One row of an import file that imports: a decision with one agreed action."""
    base = {
        "reference": "24 100 001", "organisations": "Westmere Borough Council",
        "complainant": "Mr X", "service area": "Adult Social Care: Safeguarding",
        "decision date": "13/02/2025", "decision kind": "Decision statement",
        "outcome": "Upheld", "satisfactory remedy": "No",
        "summary": "Delay in a safeguarding enquiry.", "action kind": "Financial remedy",
        "payee": "Mr X", "amount": "£250", "deadline": "within one month of the final decision",
    }  # fmt: skip
    return {**base, **values}


def _import_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NAMES, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _records_changed(before: dict) -> dict:
    """The tables changed, but for the checked file's rows waiting to be imported."""
    changed = changed_tables(before)
    changed.pop("decisions_pendingimport", None)
    return changed


def _import_column_values():
    value = st.one_of(hostile_text, malformed_date, malformed_amount)
    return st.dictionaries(st.sampled_from(NAMES), value, min_size=1, max_size=3)


@examples(25)
@given(changes=st.lists(_import_column_values(), min_size=1, max_size=3), valid_only=st.booleans())
@example(changes=[{"summary": SCRIPT}, {"reference": SQL[0]}], valid_only=True)
@example(changes=[{"complainant": NUL}], valid_only=False)
@example(changes=[{"amount": "NaN", "decision date": "31/2/2023"}], valid_only=True)
@example(changes=[{"action description": LONG}], valid_only=True)
@example(changes=[{"organisations": IMG, "payee": '=HYPERLINK("x")'}], valid_only=True)
def test_importing_hostile_rows_reports_them_by_row_or_imports_them(
    officer, council, area, changes, valid_only
):
    """Each row starts from one that imports, under its own reference, with a few cells
    replaced. The check saves nothing; then "import all" is refused while any row has an
    error, and "import only the valid" imports exactly the decisions without one."""
    INPUTS_TRIED["import a file"] += 1
    rows = [
        _import_row(**{"reference": f"24 100 {i + 1:03d}", **change})
        for i, change in enumerate(changes)
    ]
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        upload = SimpleUploadedFile("decisions.csv", _import_csv(rows))
        response = client.post(IMPORT, {"file": upload, "action": "check"})
        assert response.status_code in (200, 400), response.status_code
        html = response.content.decode()
        assert_escaped(html)
        assert not _records_changed(before), "Checking a file saved something."
        plan = response.context["plan"]
        if plan is None:  # the file itself was refused
            assert_error_shown(html)
            return
        for error in plan.errors:  # each by its row and column, with its message
            assert f'numeric">{error.row}</td>' in html, error
            assert escape(error.message) in html, error
        new = [d for d in plan.decisions if d.status == "new"]
        action = "import_valid" if valid_only else "import_all"
        response = client.post(IMPORT, {"action": action})
        if plan.errors and not valid_only:
            assert response.status_code == 400
            assert not _records_changed(before), "'Import all' with errors saved something."
            return
        assert response.status_code == 302, response.status_code
        assert not PendingImport.objects.exists(), "The imported rows were kept."
        follow(client, response)
        imported = Decision.objects.filter(complaint__reference__in=[d.reference for d in new])
        assert imported.count() == len(new)


@examples(10)
@given(name=st.sampled_from(["decisions.xlsx", "decisions.csv"]), data=upload_bytes)
@example(name="decisions.xlsx", data=BOMBS["rows.xlsx"])
@example(name="decisions.xlsx", data=BOMBS["unsized.xlsx"])
@example(name="decisions.xlsx", data=BOMBS["inflates.docx"])
@example(name="decisions.csv", data=(",".join(NAMES) + "\n" + "x\n" * 5_001).encode())
def test_importing_a_hostile_file_is_refused_next_to_the_field(officer, council, name, data):
    """Junk, and files built to cost a worker minutes (issue 13): each refused at once,
    with the message next to the upload field, and nothing saved or kept."""
    INPUTS_TRIED["import a file"] += 1
    with rolled_back():
        client = signed_in(officer)
        before = row_counts()
        upload = SimpleUploadedFile(name, data)
        response = client.post(IMPORT, {"file": upload, "action": "check"})
        assert response.status_code == 400, response.status_code
        assert response.context["plan"] is None
        assert_error_shown(response.content.decode())
        assert not changed_tables(before), "Refusing a file saved something."
