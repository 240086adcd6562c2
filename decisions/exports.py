"""The decisions list as CSV and Excel: one row per complaint with its latest decision,
exactly the filtered rows in the list's order, read in chunks (the writers are in
``ombudsman/exports.py``). Complainants appear by the Ombudsman's label only."""

from collections.abc import Iterator
from itertools import islice

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, QuerySet

from ombudsman.exports import DATE, Column

from .models import Category, Decision, ServiceArea, has_open_actions_q
from .selectors import organisation_names

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
# Of each complaint of ``decisions.selectors.complaint_list``: the columns it keeps.
_FIELDS = (
    "pk", "reference", "council_reference", "complainant_label", "service_area_id",
    "category_id", "latest_decision_date", "latest_kind", "latest_outcome", "has_open",
    "latest_summary",
)  # fmt: skip


def export_rows(complaints: QuerySet) -> Iterator[list]:
    """One list of values per complaint of the (annotated, sorted) decisions list: the
    service areas' and categories' names read once, each chunk's organisations in one
    query.

    Read inside a transaction, so that PostgreSQL's cursor is not held past it: a cursor
    WITH HOLD (Django's outside a transaction) is computed whole before its first row
    comes back, where this one hands over each chunk as the list's index yields it, and
    the first rows of a national download go out at once. The transaction ends with the
    download (or when it is abandoned and the generator closed)."""
    areas = {area.pk: str(area) for area in ServiceArea.objects.all()}
    categories = {c.pk: str(c) for c in Category.objects.select_related("parent")}
    with transaction.atomic(savepoint=False):
        rows = (
            complaints.prefetch_related(None)
            .annotate(has_open=ExpressionWrapper(has_open_actions_q(), BooleanField()))
            .values_list(*_FIELDS)
            .iterator(CHUNK_SIZE)
        )
        while chunk := list(islice(rows, CHUNK_SIZE)):
            organisations = organisation_names([row[0] for row in chunk])
            for pk, reference, council_ref, label, area, category, *latest in chunk:
                decided, kind, outcome, has_open, summary = latest
                yield [
                    reference,
                    council_ref,
                    label,
                    "; ".join(organisations.get(pk, [])),
                    areas.get(area, ""),
                    categories.get(category, ""),
                    decided,
                    _KINDS.get(kind, ""),
                    _OUTCOMES.get(outcome, ""),
                    has_open,
                    summary or "",
                ]
