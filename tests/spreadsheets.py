"""Reading the CSV and Excel downloads back, as a spreadsheet would; writing a CSV file
of decisions to import."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from decisions.imports import NAMES


def csv_upload(rows: list[dict], name="decisions.csv", header=None) -> SimpleUploadedFile:
    """An import file of ``rows`` ({column: text}), under the template's columns unless
    ``header`` names others."""
    header = header or NAMES
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(f'"{row.get(h, "")}"' for h in header))
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"))


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def read_xlsx(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]
