"""Celery tasks of the decisions app: thin wrappers that take ids and call a service."""

from celery import shared_task

from .complaint_count import complaint_count_rebuild
from .reports.services import RENDER_TIME_LIMIT, REPORTS, report_render
from .statistics.summary import list_columns_rebuild, year_summaries_rebuild


@shared_task(
    name="decisions.render_committee_report",
    soft_time_limit=RENDER_TIME_LIMIT - 20,
    time_limit=RENDER_TIME_LIMIT,
)
def render_committee_report(report_id: int) -> bool:
    """Make a requested committee report's PDF (claimed first: never made twice)."""
    return report_render(report_id=report_id)


@shared_task(name="decisions.requeue_committee_reports", ignore_result=True)
def requeue_committee_reports() -> dict:
    """Every minute: give back the claims of dead workers, queue the reports waiting."""
    return REPORTS.requeue()


@shared_task(name="decisions.rebuild_year_summaries", ignore_result=True)
def rebuild_year_summaries() -> int:
    """Every night: count the annual statistics' years, and work out the repeat faults,
    from the records again."""
    return year_summaries_rebuild()


@shared_task(name="decisions.rebuild_list_columns", ignore_result=True)
def rebuild_list_columns() -> int:
    """Every night: work out every complaint's decisions-list columns from the records
    again (writes only those that differ: none, unless written around the services),
    and count the complaints for the list's kept number (``complaint_count``)."""
    changed = list_columns_rebuild()
    complaint_count_rebuild()
    return changed
