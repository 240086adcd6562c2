"""Pages for committee reports: the builder with its preview, the list of reports made,
a report's page (progress, then the download) and the download of the stored PDF."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ombudsman.access import can_make_reports, can_read_reports, can_withdraw_reports, requires

from ..models import CommitteeReport
from .content import report_content
from .drafts import draft_front_matter
from .forms import FrontMatterForm, ReportScopeForm, WithdrawForm
from .render import report_context
from .services import (
    NotWithdrawable,
    report_queue,
    report_request,
    report_retry,
    report_withdraw,
    stored_pdf_intact,
)

Kind = CommitteeReport.Kind
# The reports this person is waiting for (asked for, or watched being made): "The report
# is ready." is said once, on the first view after it became ready, then never again.
AWAITED = "reports_awaited"
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
        _await(request, report)
        if not report_queue(report=report):
            messages.info(request, QUEUE_DOWN)
        return redirect(report)
    if action == "edit":
        return _builder(request, scope_form, front_form)
    content = report_content(scope, today=today)
    context = report_context(front=front, content=content, made_on=today, for_pdf=False)
    context.update({"scope_form": scope_form, "front_form": front_form})
    return render(request, "decisions/report_preview.html", context)


def _await(request, report: CommitteeReport) -> None:
    awaited = request.session.get(AWAITED, [])
    if report.pk not in awaited:
        request.session[AWAITED] = [*awaited, report.pk][-20:]


def _just_ready(request, report: CommitteeReport) -> bool:
    """Whether this view is the first since the report this person awaited became ready."""
    awaited = request.session.get(AWAITED, [])
    if report.pk not in awaited or not report.is_finished:
        return False
    request.session[AWAITED] = [pk for pk in awaited if pk != report.pk]
    return report.status == CommitteeReport.Status.READY


@requires(can_read_reports)
def report_detail(request, pk):
    report = get_object_or_404(
        CommitteeReport.objects.select_related("created_by", "withdrawn_by"), pk=pk
    )
    if not report.is_finished:
        _await(request, report)
    reported = (
        report.decisions.select_related("complaint").order_by("decision_date", "id")
        if report.status == CommitteeReport.Status.READY
        else []
    )
    return render(
        request,
        "decisions/report_detail.html",
        {"report": report, "reported": reported, "just_ready": _just_ready(request, report)},
    )


@requires(can_withdraw_reports)
def report_withdraw_page(request, pk):
    """Confirm withdrawing a report made by mistake, with the reason (GET shows the
    question; only a POST withdraws)."""
    report = get_object_or_404(CommitteeReport, pk=pk, status=CommitteeReport.Status.READY)
    if report.is_withdrawn:
        return redirect(report)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report_withdraw(report=report, user=request.user, reason=form.cleaned_data["reason"])
        except NotWithdrawable:
            pass  # withdrawn meanwhile, by someone else: its page says so
        else:
            messages.success(
                request, "The report has been withdrawn. Its PDF is kept, marked withdrawn."
            )
        return redirect(report)
    return render(
        request,
        "decisions/report_withdraw.html",
        {"report": report, "form": form},
        status=400 if form.errors else 200,
    )


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
    # Served exactly as laid (its checksum is what members were given); a withdrawn one is
    # named so, and its page and the list say when, by whom and why.
    name = f"WITHDRAWN-{report.filename}" if report.is_withdrawn else report.filename
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = f'"{report.sha256}"'
    response["Cache-Control"] = "private, no-store"
    return response
