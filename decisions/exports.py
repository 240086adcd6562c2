"""The decisions list as CSV and Excel: one row per complaint with its latest decision,
exactly the filtered rows in the list's order, read in chunks (the writers are in
``ombudsman/exports.py``). Complainants appear by the Ombudsman's label only."""

from collections.abc import Iterator

from django.db.models import QuerySet

from ombudsman.exports import DATE, Column

from .models import Decision

CHUNK_SIZE = 2000
COLUMNS = [
    Column("LGSCO reference", None, 12),
    Column("Council's reference", None, 16),
    Column("Complainant", None, 10),
    Column("Organisations", None, 40),
    Column("Service area", None, 30),
    Column("Category", None, 30),
    Column("Latest decision", DATE, 12),
    Column("Decision kind", None, 18),
    Column("Outcome", None, 24),
    Column("Open actions", None, 8),
    Column("Summary", None, 60),
]
_OUTCOMES = dict(Decision.Outcome.choices)
_KINDS = dict(Decision.Kind.choices)


def export_rows(complaints: QuerySet) -> Iterator[list]:
    """One list of values per complaint of the (annotated, sorted) decisions list."""
    for complaint in complaints.iterator(chunk_size=CHUNK_SIZE):
        area = complaint.service_area
        yield [
            complaint.reference,
            complaint.council_reference,
            complaint.complainant_label,
            "; ".join(o.name for o in complaint.organisations.all()),
            str(area) if area else "",
            str(complaint.category) if complaint.category else "",
            complaint.latest_decision_date,
            _KINDS.get(complaint.latest_kind, ""),
            _OUTCOMES.get(complaint.latest_outcome, ""),
            complaint.has_open_actions,
            complaint.latest_summary or "",
        ]
