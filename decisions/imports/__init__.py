"""Bulk import of past decisions from a CSV or Excel file.

The layout is one row per agreed action, with the decision's columns repeated on each of
its rows; a decision with no actions is one row with the action columns empty. Rows with
the same LGSCO reference and decision date are one decision.

Everything is checked before anything is written: the file (type, size, encoding,
columns), then every row and column against the data already recorded. An import writes
all its decisions in one transaction, or nothing. A decision already recorded (the same
reference and date) is left as it is, so importing the same file again changes nothing.
A reference already recorded with another date is a re-opened case: it is refused unless
the officer chooses to add such decisions to the complaints already recorded.

A checked file's rows wait in the database (``PendingImport``), not the session, until
the officer imports them; reading a file is bounded by ``ombudsman.uploads``.
"""

from .checks import ImportPlan, PlannedDecision, RowError, plan_import
from .files import COLUMNS, NAMES, ImportFileError, read_table, template_rows
from .pending import (
    ImportOutcome,
    pending_import_apply,
    pending_import_discard,
    pending_import_save,
)
from .writing import import_apply

__all__ = [
    "COLUMNS", "NAMES", "ImportFileError", "ImportOutcome", "ImportPlan", "PlannedDecision",
    "RowError", "import_apply", "pending_import_apply", "pending_import_discard",
    "pending_import_save", "plan_import", "read_table", "template_rows",
]  # fmt: skip
