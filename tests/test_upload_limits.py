"""Every upload is bounded by the work reading it causes, not only by its size (issue 13,
point 5): rows counted as they are read, archives checked before they are opened, PDFs
read page by page within a page count, characters and a time. Each refusal is a message
next to the upload field, under the error summary; never a server error or a worker held.

Every hostile file is built in memory, small (tests/bombs.py)."""

import io
import random
import time
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from decisions.imports import NAMES, ImportFileError, read_table
from decisions.models import Complaint
from decisions.paste import PasteError, text_from_upload
from ombudsman import uploads
from remedies.evidence import EvidenceRejected, check_evidence

from .bombs import HEADER_ROW, ROW, cell, pdf, text_op, word_document, workbook, zeros_document
from .factories import OrganisationFactory

IMPORT = "/decisions/import/"
PASTE = "/decisions/new/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-06-11", tick=False):
        yield


# --- The bulk import ------------------------------------------------------------------------


def _import_refused(client, name: str, data: bytes) -> str:
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, data), "action": "check"})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["file"]
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#id_file"' in html
    assert escape(message) in html.split('class="govuk-error-message"', 1)[1]
    assert not Complaint.objects.exists()
    return message


def test_a_compact_workbook_of_a_million_rows_is_refused_before_it_is_opened(officer_client):
    # The tester's file: 1.2 million rows in under 1 MB. Its sheet would take 30 MB once
    # opened, which no 5,000-row import needs.
    data = workbook(b"<row><c><v>1</v></c></row>" * 1_200_000)
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    message = _import_refused(officer_client, "decisions.xlsx", data)
    assert time.monotonic() - started < 5
    assert "Excel workbook would take 30 MB once opened" in message
    assert "the most that can be opened is 25 MB" in message


def test_reading_a_workbook_stops_one_row_past_the_limit(officer_client):
    # 6,000 rows, then a damaged end: read to the end, the damage would be reported.
    data = workbook(ROW * 6_000 + b"<row><c><v>not closed")
    message = _import_refused(officer_client, "decisions.xlsx", data)
    assert message == "The file has more than 5,000 rows; import at most 5,000 at a time."


def test_a_csv_past_the_row_limit_is_refused_with_the_limit():
    data = (",".join(NAMES) + "\n" + "24 100 001\n" * 5_001).encode()
    with pytest.raises(ImportFileError, match="more than 5,000 rows"):
        read_table("decisions.csv", data)
    assert len(read_table("decisions.csv", data[: -len("24 100 001\n")])) == 5_000


def test_blank_lines_are_not_rows_but_are_bounded_too():
    blank = (",".join(NAMES) + "\n24 100 001\n" + "\n" * 60_000).encode()
    with pytest.raises(ImportFileError, match="more than 50,000 lines, blank ones included"):
        read_table("decisions.csv", blank)
    # An Excel sheet whose last formatted row is far below its data.
    sheet = workbook(ROW + b'<row r="1048576"><c r="A1048576" s="1"/></row>')
    with pytest.raises(ImportFileError, match="more than 50,000 lines"):
        read_table("decisions.xlsx", sheet)


def test_a_cell_far_to_the_right_does_not_widen_every_row():
    # One cell in the last column Excel has: each of the 5,000 rows is read 20 columns
    # wide, not 16,384.
    far = b'<row r="2">' + cell("24 100 001", "A2") + cell("x", "XFD2") + b"</row>"
    started = time.monotonic()
    rows = read_table("decisions.xlsx", workbook(far + ROW * 4_999))
    assert len(rows) == 5_000 and time.monotonic() - started < 10
    heading = workbook(ROW, header=HEADER_ROW.replace(b"</row>", cell("notes", "XFD1") + b"</row>"))
    with pytest.raises(ImportFileError, match="more than 50 columns"):
        read_table("decisions.xlsx", heading)


def test_a_workbook_whose_sheet_does_not_declare_its_size_is_refused_before_it_is_read():
    # openpyxl would read the whole sheet on opening to find its size: 10 seconds for
    # 25 MB of rows.
    unsized = workbook(ROW * 10, size=b"")
    with pytest.raises(ImportFileError, match="sheets do not say how large they are"):
        read_table("decisions.xlsx", unsized)
    late = workbook(ROW * 10, size=b"", after=b'<dimension ref="A1"/>')
    with pytest.raises(ImportFileError, match="sheets do not say how large they are"):
        read_table("decisions.xlsx", late)


def test_a_workbook_that_inflates_a_thousand_times_is_refused():
    bomb = workbook(ROW, extra={"xl/media/padding.bin": bytes(5 * 1024 * 1024)})
    with pytest.raises(ImportFileError, match="compressed far more than a genuine one"):
        read_table("decisions.xlsx", bomb)


def test_a_workbook_whose_shared_strings_would_take_long_to_read_is_refused():
    # openpyxl reads every shared string on opening, whatever the rows use.
    strings = b"<sst>" + b"".join(b"<si><t>%d</t></si>" % i for i in range(400_000)) + b"</sst>"
    with pytest.raises(ImportFileError, match="text and styles take 8 MB once opened; the mos"):
        read_table("decisions.xlsx", workbook(ROW, extra={"xl/sharedStrings.xml": strings}))


def test_the_text_of_an_import_is_bounded(monkeypatch):
    monkeypatch.setattr(uploads, "IMPORT_MAX_CHARACTERS", 1_000)
    data = (",".join(NAMES) + "\n" + "24 100 001,x\n" * 60 + "24 100 001," + "y" * 500).encode()
    with pytest.raises(ImportFileError, match="more than 1,000 characters of text"):
        read_table("decisions.csv", data)


def test_a_csv_field_longer_than_the_csv_reader_takes_is_a_message():
    data = (",".join(NAMES) + '\n"' + "x" * 200_000 + '"\n').encode()
    with pytest.raises(ImportFileError, match="Line 2 of the file cannot be read as CSV"):
        read_table("decisions.csv", data)


# --- The decision's text, uploaded ---------------------------------------------------------


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Westmere Borough Council", short_name="the Council")


def _paste_refused(client, name: str, data: bytes) -> str:
    response = client.post(PASTE, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    (message,) = response.context["paste_form"].errors["file"]
    html = response.content.decode()
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert escape(message) in html
    return message


def test_a_small_pdf_with_a_huge_content_stream_is_refused_at_once(officer_client, council):
    # 40 KB that inflates to 16 MB of drawing operators: a minute's work for pypdf.
    data = pdf([text_op("Mr X complained") * 500_000])
    assert len(data) < 100 * 1024
    started = time.monotonic()
    message = _paste_refused(officer_client, "decision.pdf", data)
    assert time.monotonic() - started < 3
    assert message.startswith("The PDF is too large or complex to read as a decision")


def test_a_pdf_of_thousands_of_pages_is_refused_by_its_page_count(council):
    many = pdf([text_op("page")] * uploads.PDF_MAX_PAGES + [text_op("one more")])
    with pytest.raises(PasteError, match="The PDF has 101 pages; a decision has far fewer"):
        text_from_upload("decision.pdf", many)
    thousands = pdf([text_op("page")] * 20_000, compress=False)
    started = time.monotonic()
    with pytest.raises(PasteError, match="too large or complex"):
        text_from_upload("decision.pdf", thousands)
    assert time.monotonic() - started < 5


def test_reading_a_pdf_stops_at_the_time_limit(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_MAX_SECONDS", 0.2)
    slow = pdf([text_op("Mr X") * 3_000] * 50)
    started = time.monotonic()
    with pytest.raises(PasteError, match=r"takes too long to read \(more than 0.2 seconds"):
        text_from_upload("decision.pdf", slow)
    assert time.monotonic() - started < 1.5


def test_reading_a_pdf_stops_at_the_character_limit(monkeypatch):
    monkeypatch.setattr(uploads, "DECISION_TEXT_MAX_CHARACTERS", 1_000)
    long = pdf([text_op("The Council should apologise to Mr X. ") * 40] * 3)
    with pytest.raises(PasteError, match="more than 1,000 characters of text"):
        text_from_upload("decision.pdf", long)
    assert "apologise" in text_from_upload("decision.pdf", pdf([text_op("apologise")]))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(pdf([text_op("x")])[:200], id="cut-short"),
        pytest.param(
            pdf([text_op("x")]).replace(b"/FlateDecode", b"/LZWDecode"), id="wrong-filter"
        ),
        pytest.param(b"%PDF-1.7\n" + b"[" * 100_000, id="nested-arrays"),
    ],
)
def test_a_damaged_pdf_gets_a_message_never_a_server_error(officer_client, council, data):
    message = _paste_refused(officer_client, "decision.pdf", data)
    assert "PDF" in message


def test_a_pdf_that_pypdf_finds_past_its_own_limits_is_a_message(officer_client, council):
    # pypdf's LimitReachedError: uncaught, this was a server error.
    data = pdf([text_op("x") * 2_000_000])
    assert "too large or complex" in _paste_refused(officer_client, "decision.pdf", data)


def test_a_web_page_longer_than_can_be_read_quickly_is_refused(council):
    page = ("<div>" * 2_000_001).encode()
    with pytest.raises(PasteError, match="The web page is 10,000,005 characters long"):
        text_from_upload("decision.html", page)


# --- Evidence -------------------------------------------------------------------------------


def _evidence(data: bytes):
    return check_evidence(io.BytesIO(data), size=len(data), max_bytes=20 * 1024 * 1024)


def test_a_word_document_that_inflates_past_the_limit_is_not_evidence():
    bomb = zeros_document(128 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with pytest.raises(EvidenceRejected, match="Word document would take 128 MB once opened"):
        _evidence(bomb)


def test_a_word_document_compressed_a_thousand_times_is_not_evidence():
    with pytest.raises(EvidenceRejected, match="compressed far more than a genuine one"):
        _evidence(zeros_document(2 * 1024 * 1024))
    # A genuine document, two megabytes of varied text, is evidence.
    chance = random.Random(13)  # noqa: S311 - the same words on every run, nothing secret
    vocabulary = "the council apologised to mr x on march paid within one month".split()
    words = " ".join(chance.choice(vocabulary) for _ in range(420_000)).encode()
    assert len(words) > 2 * 1024 * 1024
    assert _evidence(word_document(b"<w:t>" + words + b"</w:t>")).extension == ".docx"


def test_a_word_document_of_thousands_of_parts_is_not_evidence():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(uploads.ARCHIVE_MAX_ENTRIES):
            archive.writestr(f"word/media/{number}.xml", "")
    with pytest.raises(EvidenceRejected, match="holds 1,002 parts"):
        _evidence(buffer.getvalue())
