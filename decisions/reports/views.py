"""Pages for committee reports: the builder with its preview, the list of reports made,
a report's page (progress, then the download) and the download of the stored PDF."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ombudsman.access import can_make_reports, can_read_reports, requires

from ..models import CommitteeReport
from .content import report_content
from .drafts import draft_front_matter
from .forms import FrontMatterForm, ReportScopeForm
from .render import report_context
from .services import report_queue, report_request, report_retry, stored_pdf_intact

Kind = CommitteeReport.Kind
QUEUE_DOWN = (
    "The report is queued. The job queue is not running at the moment: the report will "
    "be made when it is back, with nothing more for you to do."
)


@requires(can_read_reports)
def report_list(request):
    reports = CommitteeReport.objects.select_related("created_by")
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "decisions/report_list.html", {"page": page})


def _builder(request, scope_form, front_form, status=200):
    return render(
        request,
        "decisions/report_builder.html",
        {"scope_form": scope_form, "front_form": front_form, "kinds": Kind},
        status=status,
    )


@requires(can_make_reports)
def report_new(request):
    """Step one (GET): what the report covers; the front matter is then drafted from the
    data. Step two (POST): preview it in the browser, or make the PDF."""
    today = timezone.localdate()
    if request.method != "POST":
        bound = "kind" in request.GET
        scope_form = ReportScopeForm(request.GET if bound else None, today=today)
        front_form = None
        if bound and scope_form.is_valid():
            content = report_content(scope_form.scope(), today=today)
            front_form = FrontMatterForm(initial=draft_front_matter(content).as_dict())
        return _builder(request, scope_form, front_form, 400 if scope_form.errors else 200)

    scope_form = ReportScopeForm(request.POST, today=today)
    front_form = FrontMatterForm(request.POST)
    if not scope_form.is_valid():
        return _builder(request, scope_form, None, 400)
    if not front_form.is_valid():
        return _builder(request, scope_form, front_form, 400)
    action = request.POST.get("action")
    scope, front = scope_form.scope(), front_form.front_matter()
    if action == "generate":
        report = report_request(scope=scope, front=front, user=request.user)
        if not report_queue(report=report):
            messages.info(request, QUEUE_DOWN)
        return redirect(report)
    if action == "edit":
        return _builder(request, scope_form, front_form)
    content = report_content(scope, today=today)
    context = report_context(front=front, content=content, made_on=today, for_pdf=False)
    context.update({"scope_form": scope_form, "front_form": front_form})
    return render(request, "decisions/report_preview.html", context)


@requires(can_read_reports)
def report_detail(request, pk):
    report = get_object_or_404(CommitteeReport.objects.select_related("created_by"), pk=pk)
    reported = (
        report.decisions.select_related("complaint").order_by("decision_date", "id")
        if report.status == CommitteeReport.Status.READY
        else []
    )
    return render(request, "decisions/report_detail.html", {"report": report, "reported": reported})


@require_POST
@requires(can_make_reports)
def report_try_again(request, pk):
    """A failed report made again from what it was made from."""
    report = get_object_or_404(CommitteeReport, pk=pk)
    if report_retry(report=report) and not report_queue(report=report):
        messages.info(request, QUEUE_DOWN)
    return redirect(report)


@requires(can_read_reports)
def report_download(request, pk):
    """The PDF exactly as it was made, byte for byte, checked against its checksum."""
    report = get_object_or_404(CommitteeReport, pk=pk, status=CommitteeReport.Status.READY)
    data = stored_pdf_intact(report)
    if data is None:
        return render(request, "decisions/report_damaged.html", {"report": report}, status=409)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["ETag"] = f'"{report.sha256}"'
    response["Cache-Control"] = "private, no-store"
    return response
