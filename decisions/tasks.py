"""Celery tasks of the decisions app: thin wrappers that take ids and call a service."""

from celery import shared_task

from .reports.services import report_render


@shared_task(name="decisions.render_committee_report")
def render_committee_report(report_id: int) -> bool:
    """Make a requested committee report's PDF (claimed first: never made twice)."""
    return report_render(report_id=report_id)
