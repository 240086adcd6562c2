"""Bounds on the work an uploaded file can cause, in one place, and the checks that hold
every upload to them.

A file's size alone does not bound what reading it costs: a 1 MB workbook can hold a
million rows, a 50 KB PDF a content stream that takes minutes to read, and a small
archive can inflate to gigabytes. So each kind of upload is bounded by what reading it
does as well: rows are counted as they are read and reading stops one past the limit;
an archive's declared sizes are checked before anything in it is opened (``zipfile``
never inflates an entry past its declared size); a PDF is read under tighter limits than
pypdf's own, page by page, stopping at a page count, a number of characters and a time.

Whatever passes a limit is refused with ``UploadRefused``, whose message is shown next
to the upload field. The evidence size limit is a setting (``EVIDENCE_MAX_BYTES``): each
council decides what its storage takes.
"""

import io
import re
import time
import zipfile

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError

MB = 1024 * 1024

# --- The bulk import of past decisions (.csv, .xlsx) ------------------------------------
IMPORT_MAX_BYTES = 5 * MB
IMPORT_MAX_ROWS = 5_000  # decisions' rows, blank lines not counted
IMPORT_MAX_LINES = 50_000  # lines read, blank ones included (Excel keeps formatted rows)
IMPORT_MAX_COLUMNS = 50  # the template has 20
IMPORT_MAX_CHARACTERS = 5_000_000  # all the cells' text: 1,000 characters a row
# A workbook's sheets are read row by row, and reading stops at the row limit; but
# openpyxl reads its other parts (shared strings, styles) whole on opening, at about
# 20 microseconds an element: 5 MB of them is a few seconds' work.
IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 25 * MB  # a 5,000-row workbook takes about 6 MB
IMPORT_XLSX_MAX_PARTS_BYTES = 5 * MB  # all but the sheets

# --- A decision's text, uploaded to fill the log-a-decision form (.txt, .html, .pdf) ----
DECISION_FILE_MAX_BYTES = 10 * MB
DECISION_TEXT_MAX_CHARACTERS = 400_000  # a long public interest report has 60,000
# Turning HTML into text takes about 2 seconds a million characters of markup; the
# Ombudsman's own page for a decision has about 100,000.
DECISION_HTML_MAX_CHARACTERS = 2_000_000
PDF_MAX_PAGES = 100
PDF_MAX_SECONDS = 5.0  # reading a real decision's PDF takes a few hundredths of a second
# pypdf's limits (its defaults are 75 MB a stream and 2 million tokens: a minute's work).
PDF_LIMITS = {
    "zlib_maximum_output_length": 5 * MB,
    "lzw_maximum_output_length": 5 * MB,
    "run_length_maximum_output_length": 5 * MB,
    "brotli_maximum_output_length": 5 * MB,
    "array_based_stream_maximum_output_length": 5 * MB,
    "maximum_declared_stream_length": 5 * MB,
    "stream_parsing_work_maximum_count": 100_000,  # a dense page needs about 10,000
    "xform_maximum_invocations_per_extraction": 500,
    "page_tree_maximum_entries": 10 * PDF_MAX_PAGES,
}

# --- Archives: .xlsx imports and .docx evidence -----------------------------------------
ARCHIVE_MAX_ENTRIES = 1_000  # a Word document with many images has a few hundred
DOCX_MAX_UNCOMPRESSED_BYTES = 100 * MB  # photographs hardly compress: about their size
ARCHIVE_MAX_RATIO = 100  # a 5,000-row workbook inflates about 17 times
ARCHIVE_RATIO_FROM_BYTES = 1 * MB  # smaller entries may inflate as they like


class UploadRefused(ValueError):
    """The file would cost more to read than any genuine one; the message says why."""


def _megabytes(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1024:,.0f} KB"


def archive_check(entries: list[zipfile.ZipInfo], *, what: str, max_bytes: int) -> None:
    """Refuse an archive (``what``: "Excel workbook", "Word document") that would inflate
    past ``max_bytes`` or the limits above, from the sizes its directory declares, before
    any entry is opened."""
    if len(entries) > ARCHIVE_MAX_ENTRIES:
        raise UploadRefused(
            f"The {what} holds {len(entries):,} parts; a genuine one holds far fewer. "
            "Save it again from Word or Excel, or as a PDF."
        )
    total = sum(entry.file_size for entry in entries)
    if total > max_bytes:
        raise UploadRefused(
            f"The {what} would take {_megabytes(total)} once opened; the most that can be "
            f"opened is {_megabytes(max_bytes)}. Split it into smaller files."
        )
    for entry in entries:
        if entry.file_size > ARCHIVE_RATIO_FROM_BYTES and entry.file_size > ARCHIVE_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise UploadRefused(
                f"The {what} is compressed far more than a genuine one (a part of it "
                f"would grow {entry.file_size // max(entry.compress_size, 1):,} times "
                "when opened), so it is not opened. Save it again from Word or Excel."
            )


_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b")
_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b")


def workbook_check(archive: zipfile.ZipFile) -> None:
    """Refuse an import workbook that would cost too much to open (see the limits).

    Opening a workbook, openpyxl looks for the size each sheet declares at its start
    (Excel, LibreOffice and Google Sheets all write it) and, where there is none, reads
    the whole sheet to find it: so a sheet must declare its size before its rows."""
    entries = archive.infolist()
    archive_check(entries, what="Excel workbook", max_bytes=IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES)
    sheets = [e for e in entries if e.filename.startswith("xl/worksheets/")]
    parts = sum(e.file_size for e in entries) - sum(e.file_size for e in sheets)
    if parts > IMPORT_XLSX_MAX_PARTS_BYTES:
        raise UploadRefused(
            f"The Excel workbook's text and styles take {_megabytes(parts)} once opened; the "
            f"most that can be read is {_megabytes(IMPORT_XLSX_MAX_PARTS_BYTES)}. Copy the "
            "rows into a new workbook, or save the sheet as CSV."
        )
    for sheet in sheets:
        if not sheet.filename.endswith(".xml"):
            continue
        with archive.open(sheet) as part:
            head = part.read(16 * 1024)
        declared = _DIMENSION.search(head)
        rows = _SHEET_DATA.search(head)
        if declared is None or (rows is not None and rows.start() < declared.start()):
            raise UploadRefused(
                "The Excel workbook's sheets do not say how large they are, as Excel's own "
                "files do. Open it in Excel and save it again, or save the sheet as CSV."
            )


class _TooSlow(Exception):
    pass


class _TooLong(Exception):
    pass


PDF_TOO_COMPLEX = (
    "The PDF is too large or complex to read as a decision (more than {pages} pages, or "
    "pages far larger than a decision's). Paste the decision's text instead."
)


def pdf_text(data: bytes, *, max_characters: int) -> str:
    """The text of a PDF, page by page, within the limits above.

    pypdf is run under tighter limits than its own; the time is checked at every
    operator of a page's content, so a page built to be slow to read stops within the
    time limit; extraction stops once the text passes ``max_characters``. Any exception
    pypdf raises on a damaged or hostile file becomes ``UploadRefused``."""
    deadline = time.monotonic() + PDF_MAX_SECONDS
    length = 0

    def in_time(*_args):
        if time.monotonic() > deadline:
            raise _TooSlow

    def counted(text, *_args):
        nonlocal length
        length += len(text)
        if length > max_characters:
            raise _TooLong

    pages = []
    try:
        with apply_configuration(None, **PDF_LIMITS):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise UploadRefused(
                    "The PDF is protected by a password: save it without one, or paste the "
                    "decision's text instead."
                )
            if len(reader.pages) > PDF_MAX_PAGES:
                raise UploadRefused(
                    f"The PDF has {len(reader.pages):,} pages; a decision has far fewer. Upload "
                    f"at most {PDF_MAX_PAGES} pages, or paste the decision's text instead."
                )
            for page in reader.pages:
                in_time()
                pages.append(
                    page.extract_text(visitor_operand_before=in_time, visitor_text=counted) or ""
                )
    except UploadRefused:
        raise
    except _TooSlow:
        raise UploadRefused(
            f"The PDF takes too long to read (more than {PDF_MAX_SECONDS:g} seconds; a "
            "decision takes a fraction of one). Paste the decision's text instead."
        ) from None
    except _TooLong:
        raise UploadRefused(
            f"The PDF holds more than {max_characters:,} characters of text; a decision is "
            "far shorter. Upload one decision at a time."
        ) from None
    except LimitReachedError:
        raise UploadRefused(PDF_TOO_COMPLEX.format(pages=PDF_MAX_PAGES)) from None
    except Exception as exc:  # pypdf raises many kinds (and RecursionError) on a bad file
        raise UploadRefused(
            f"The PDF could not be read ({type(exc).__name__}): it may be damaged. Paste the "
            "decision's text instead."
        ) from exc
    return "\n".join(pages)
