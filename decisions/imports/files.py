"""The import file: its columns (the documented layout) and reading it into rows."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportColumn:
    name: str
    required: bool
    help: str
    example: str = ""
    per_decision: bool = True  # repeated on every row of one decision


COLUMNS = [
    ImportColumn(
        "reference", True, "The LGSCO reference, e.g. 22 010 218 or 24 005 859a.", "24 005 859a"
    ),
    ImportColumn(
        "organisations",
        True,
        "Bodies complained about, separated by ';', as named in the administration.",
        "Cambridgeshire County Council",
    ),
    ImportColumn(
        "complainant", True, 'The Ombudsman\'s anonymised label, e.g. "Mr X". Never a name.', "Mr X"
    ),
    ImportColumn(
        "service area",
        False,
        '"Directorate: Service", as in the administration.',
        "Adult Social Care: Safeguarding",
    ),
    ImportColumn(
        "category",
        False,
        'The Ombudsman\'s category, "Top > Sub".',
        "Adult care services > Safeguarding",
    ),
    ImportColumn(
        "decision date", True, "DD/MM/YYYY or YYYY-MM-DD; not in the future.", "13/02/2025"
    ),
    ImportColumn(
        "decision kind", False, "Decision statement (the default) or Report.", "Decision statement"
    ),
    ImportColumn(
        "outcome",
        True,
        "Upheld, Not upheld, Closed after initial enquiries, Referred back for local resolution, "
        "Incomplete/invalid or Advice given.",
        "Upheld",
    ),
    ImportColumn(
        "satisfactory remedy",
        False,
        "Yes if the council had already put things right (upheld only).",
        "No",
    ),
    ImportColumn(
        "summary", False, "The decision's summary.", "The Council delayed a care assessment."
    ),
    ImportColumn(
        "action kind",
        False,
        "Empty for a decision with no actions; else e.g. Apology, Financial remedy, Service "
        "improvement.",
        "Financial remedy",
        False,
    ),
    ImportColumn(
        "action description",
        False,
        "What is to be done, in brief.",
        "Pay Mr X £200 for distress",
        False,
    ),
    ImportColumn(
        "action organisation",
        False,
        "Who must do it, when not the only body complained about.",
        "",
        False,
    ),
    ImportColumn("payee", False, 'Who is paid: the anonymised label, e.g. "Mr X".', "Mr X", False),
    ImportColumn("amount", False, "Pounds, e.g. 200 or 150.50.", "200", False),
    ImportColumn(
        "deadline",
        False,
        'The deadline as the decision words it, e.g. "within one month of the final decision".',
        "within one month of the final decision",
        False,
    ),
    ImportColumn(
        "due date", False, "DD/MM/YYYY; worked out from the deadline when empty.", "", False
    ),
    ImportColumn("status", False, "Open (the default), Done or Withdrawn.", "Done", False),
    ImportColumn("completed on", False, "DD/MM/YYYY, for a done action.", "10/03/2025", False),
    ImportColumn(
        "compliance outcome",
        False,
        "Complied, Complied late or Not complied, as the Ombudsman recorded it.",
        "Complied",
        False,
    ),
]
NAMES = [c.name for c in COLUMNS]
REQUIRED = [c.name for c in COLUMNS if c.required]
DECISION_COLUMNS = [c.name for c in COLUMNS if c.per_decision]


class ImportFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


# --- Reading the file ----------------------------------------------------------------


def _header(cells) -> list[str]:
    return [" ".join(str(c or "").split()).lower() for c in cells]


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    unknown = [h for h in header if h and h not in NAMES]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing the column(s) " + ", ".join(f"'{m}'" for m in missing))
        if unknown:
            parts.append(
                "has column(s) this import does not know: " + ", ".join(f"'{u}'" for u in unknown)
            )
        raise ImportFileError(
            "The first row must name the columns of the template: the file is "
            + " and ".join(parts)
            + ". Download the template to see the layout."
        )
    duplicated = {h for h in header if h and header.count(h) > 1}
    if duplicated:
        raise ImportFileError(f"The column(s) {', '.join(sorted(duplicated))} appear twice.")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def read_table(name: str, data: bytes) -> list[dict]:
    """The file's rows as {column: text}, with ``_row`` their row number in the file.
    Raises ImportFileError with a message for the officer when the file cannot be used."""
    lower = name.lower()
    if not data:
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest accepted is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    if lower.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif lower.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise ImportFileError("Upload a .csv or .xlsx file (Excel 2007 or later).")
    if not table:
        raise ImportFileError("The file has no rows.")
    header = _header(table[0])
    _check_header(header)
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = [_cell_text(c) for c in cells]
        if not any(values):
            continue  # blank lines are not rows
        row = {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}
        row["_row"] = number
        rows.append(row)
    if not rows:
        raise ImportFileError("The file has column headings but no decisions under them.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at a time."
        )
    return rows


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "The file is not UTF-8 text (byte "
            f"{exc.start + 1} cannot be read). In Excel, save it as 'CSV UTF-8 (Comma "
            "delimited)', or upload the .xlsx file itself."
        ) from exc
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV text file.")
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(f"The Excel workbook could not be read: {exc}") from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def template_rows() -> list[list[str]]:
    """The template: headings, a row of examples, and a second action of the same
    decision, so the layout explains itself."""
    example = [c.example for c in COLUMNS]
    second = list(example)
    for i, c in enumerate(COLUMNS):
        if not c.per_decision:
            second[i] = {
                "action kind": "Apology", "action description": "Apologise to Mr X",
                "deadline": "within one month of the final decision", "status": "Done",
                "completed on": "03/03/2025", "compliance outcome": "Complied",
            }.get(c.name, "")  # fmt: skip
    return [NAMES, example, second]
