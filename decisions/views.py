"""Pages for complaints and decisions. Views stay thin: permission, form, service, render."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ombudsman import uploads
from ombudsman.access import (
    can_change_decision,
    can_change_enquiry,
    can_enter_annual_letter,
    can_log_decision,
    can_record_enquiry,
    can_view_decisions,
    can_view_enquiries,
    requires,
)
from ombudsman.exports import Column, download_response
from ombudsman.listing import filtered, list_context, list_download, save_view_page
from ombudsman.models import SavedView
from ombudsman.timing import ombudsman_year_label, ombudsman_year_of
from ombudsman.versioning import EditConflict, loaded_at_value, parse_loaded_at
from remedies.selectors import visible_complaints, visible_decisions, visible_enquiries

from . import imports, statistics
from .exports import COLUMNS as EXPORT_COLUMNS
from .exports import export_rows
from .filters import ComplaintFilter
from .forms import AnnualLetterForm, DecisionBundle, EnquiryForm
from .history import decision_history
from .models import AnnualLetter, ComparisonAverage, Decision, Enquiry
from .recording import decision_update, edit_stamp
from .references import InvalidReference, normalise_reference
from .selectors import complaint_list, decision_detail, with_organisation_names
from .services import annual_letter_save, enquiry_save
from .statistics.explanations import letter_explanations


def _complaint_filter(request) -> ComplaintFilter:
    """The list's filters over the complaints the user may see, validated."""
    return filtered(ComplaintFilter, request, visible_complaints(request.user, complaint_list()))


@requires(can_view_decisions)
def decision_list_download(request, fmt):
    """The filtered decisions list, every page in the list's order, as CSV or Excel."""
    return list_download(
        request,
        _complaint_filter(request),
        fmt,
        columns=EXPORT_COLUMNS,
        rows=export_rows,
        name="decisions",
        refused=decision_list,
    )


@requires(can_view_decisions)
def decision_list(request):
    context = list_context(
        request,
        _complaint_filter(request),
        noun="complaint",
        downloads=("decisions:csv", "decisions:xlsx"),
        saved_as=SavedView.List.DECISIONS,
        with_rows=with_organisation_names,
    )
    context["outcomes"] = dict(Decision.Outcome.choices)
    return render(request, "decisions/decision_list.html", context)


@requires(can_view_decisions)
def decision_list_save_view(request):
    """Saves the decisions list's filters (this page's query) as one of the person's views."""
    return save_view_page(
        request, _complaint_filter(request), saved_as=SavedView.List.DECISIONS, noun="complaint"
    )


def _posted_rows(data, prefix: str, add: bool) -> int:
    """Empty rows to build for a formset: as many as were posted, plus one when the
    "add another" button was pressed. Bounded so a forged count cannot make thousands."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except ValueError:
        return 0
    extra = max(0, min(total - initial, 100)) + (1 if add else 0)
    data[f"{prefix}-TOTAL_FORMS"] = str(initial + extra)
    return extra


def _bundle_page(request, *, template, title, complaint=None, decision=None, on_valid, extra=None):
    conflict = None
    if request.method == "POST":
        data = request.POST.copy()
        adding_finding = "add_finding" in data
        adding_action = "add_action" in data
        bundle = DecisionBundle(
            data,
            complaint=complaint,
            decision=decision,
            extra_findings=_posted_rows(data, "findings", adding_finding),
            extra_actions=_posted_rows(data, "actions", adding_action),
        )
        adding_row = adding_finding or adding_action
        if not adding_row and bundle.is_valid():
            try:
                return on_valid(bundle)
            except EditConflict as exc:
                conflict = exc.changes
        # While a row is being added nothing is checked, so no errors are shown yet.
        show_errors = not adding_row
    else:
        bundle = DecisionBundle(
            complaint=complaint,
            decision=decision,
            extra_findings=0 if decision else 1,
            extra_actions=0 if decision else 2,
        )
        show_errors = False
    stamp = {}
    if decision is not None:
        # The versions the page shows travel with the form. After a refusal the person
        # has seen what changed, so the form now carries the current versions.
        if request.method == "POST" and conflict is None:
            stamp = {
                "stamp": request.POST.get("stamp", ""),
                "loaded_at": request.POST.get("loaded_at", ""),
            }
        else:
            stamp = {"stamp": edit_stamp(decision), "loaded_at": loaded_at_value()}
    return render(
        request,
        template,
        {
            "bundle": bundle,
            "conflict": conflict,
            **stamp,
            "title": title,
            "complaint": complaint or (decision.complaint if decision else None),
            "decision": decision,
            "show_errors": show_errors,
            **(extra or {}),
        },
        status=409 if conflict is not None else 400 if show_errors else 200,
    )


@requires(can_change_decision)
def decision_edit(request, pk):
    decision = get_object_or_404(visible_decisions(request.user).select_related("complaint"), pk=pk)

    def on_valid(bundle):
        decision_update(
            user=request.user,
            decision=decision,
            complaint_data=bundle.complaint_fields(),
            decision_data=bundle.decision_fields(),
            findings=bundle.finding_rows(),
            actions=bundle.action_rows(),
            seen_stamp=request.POST.get("stamp", ""),
            loaded_at=parse_loaded_at(request.POST.get("loaded_at")),
        )
        messages.success(request, "Changes saved.")
        return redirect(decision)

    return _bundle_page(
        request,
        template="decisions/decision_form.html",
        title=f"Change decision on {decision.complaint.reference}",
        decision=decision,
        on_valid=on_valid,
    )


@requires(can_view_decisions)
def decision_detail_page(request, pk):
    try:
        decision = decision_detail(pk, request.user)
    except Decision.DoesNotExist:
        raise Http404("No such decision.") from None
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "complaint": decision.complaint,
            "history": decision_history(decision, viewer=request.user),
            "today": timezone.localdate(),
        },
    )


def _reference_from_slug(slug: str) -> str:
    try:
        return normalise_reference(slug)
    except InvalidReference:
        raise Http404("Not an LGSCO reference.") from None


@requires(can_view_decisions)
def complaint_by_reference(request, slug):
    """/complaints/24-005-859a/ opens the complaint's latest decision that the user may
    see."""
    complaint = get_object_or_404(
        visible_complaints(request.user), reference=_reference_from_slug(slug)
    )
    latest = (
        visible_decisions(request.user, complaint.decisions.all())
        .order_by("-decision_date", "-id")
        .first()
    )
    if latest is None:
        raise Http404("No decision recorded on this complaint.")
    return redirect(latest)


@requires(can_record_enquiry)
def enquiry_create(request, slug):
    complaint = get_object_or_404(
        visible_complaints(request.user), reference=_reference_from_slug(slug)
    )
    return _enquiry_page(request, complaint=complaint, enquiry=Enquiry(complaint=complaint))


@requires(can_change_enquiry)
def enquiry_edit(request, pk):
    enquiry = get_object_or_404(visible_enquiries(request.user).select_related("complaint"), pk=pk)
    return _enquiry_page(request, complaint=enquiry.complaint, enquiry=enquiry)


def _enquiry_page(request, *, complaint, enquiry):
    form = EnquiryForm(request.POST or None, instance=enquiry)
    if request.method == "POST":
        if form.is_valid():
            saved = enquiry_save(enquiry=form.save(commit=False))
            messages.success(
                request, f"{saved.get_kind_display()} recorded, due {saved.due_on:%-d %B %Y}."
            )
            return redirect("decisions:complaint", slug=complaint.slug)
    return render(
        request,
        "decisions/enquiry_form.html",
        {"form": form, "complaint": complaint, "enquiry": enquiry},
        status=400 if form.errors else 200,
    )


@requires(can_view_decisions)
def annual_statistics_page(request):
    """What the Ombudsman's annual review letter will say for a year (?year=2023 for
    2023-24; the current year by default), next to similar authorities and earlier years.
    A year that cannot be shown is an error on the page, never quietly another year."""
    current = ombudsman_year_of(timezone.localdate())
    raw = request.GET.get("year", "")
    stats, year_error = None, ""
    try:
        year = statistics.parse_year(raw, latest=current) if raw else current
    except statistics.InvalidYear as error:
        year, year_error = current, str(error)
        home = statistics.home_authority()
    else:
        stats = statistics.annual_statistics(year)
        home = stats.home_authority
    # The report builder's list too; a year asked for in the address is added to it.
    offered = statistics.offered_years(today=timezone.localdate())
    years = statistics.selectable_years(offered, current=current, chosen=year)
    return render(
        request,
        "decisions/statistics.html",
        {
            "stats": stats,
            "year_error": year_error,
            "home_authority": home,
            "chosen": year,
            "year_options": [(y, ombudsman_year_label(y)) for y in years],
            "charts": statistics.trend_charts(stats) if stats else [],
            "letter": _letter_check(request, stats, current) if stats else None,
        },
        status=400 if year_error else 200,
    )


def _letter_check(request, stats, current: int) -> dict:
    """The year's annual review letter beside the product's figures, each difference in
    words, and the decisions (those the viewer may see) that may explain them."""
    letter, rows = statistics.annual_letter_comparison(stats)
    check = {
        "record": letter,
        "year_over": stats.year < current,
        "may_enter": can_enter_annual_letter(request.user),
    }
    if not rows:
        return check
    differing = {row.key for row in rows if not row.agrees}
    explanations = []
    if differing:
        explanations = [
            e
            for e in letter_explanations(
                stats.year,
                home=stats.home_authority,
                decisions=visible_decisions(request.user),
            )
            if e.affects & differing
        ]
    return check | {"rows": rows, "differing": len(differing), "explanations": explanations}


# The annual review letter: a question page, then check answers.


def _letter_year(year: int) -> int:
    """A year whose letter may be entered: one that has ended (the letter comes after
    31 March), from 1974-75."""
    if not statistics.FIRST_YEAR <= year < ombudsman_year_of(timezone.localdate()):
        raise Http404("No annual review letter for this year.")
    return year


def _letter_form(data=None, *, initial=None) -> tuple[AnnualLetterForm, object]:
    home = statistics.home_authority()
    return AnnualLetterForm(data, initial=initial, with_averages=statistics.is_compared(home)), home


def _letter_session_key(year: int) -> str:
    return f"annual_letter_{year}"


@requires(can_enter_annual_letter)
def annual_letter_enter(request, year):
    """The letter's figures for a year. Sent, they are kept in the session (nothing is
    saved yet) for the check page; its Change links come back here with them."""
    year = _letter_year(year)
    key = _letter_session_key(year)
    if request.method == "POST":
        form, home = _letter_form(request.POST)
        if form.is_valid():
            request.session[key] = {name: request.POST.get(name, "") for name in form.fields}
            return redirect("decisions:annual_letter_check", year=year)
    else:
        initial = request.session.get(key)
        if initial is None:
            home = statistics.home_authority()
            average = None
            if home is not None:
                average = ComparisonAverage.objects.filter(
                    ombudsman_year=year, authority_kind=home.kind
                ).first()
            initial = AnnualLetterForm.initial_from(
                AnnualLetter.objects.filter(ombudsman_year=year).first(), average
            )
        form, home = _letter_form(initial=initial)
    return _letter_form_page(request, form, home, year)


def _letter_form_page(request, form, home, year: int):
    return render(
        request,
        "decisions/annual_letter_form.html",
        {
            "form": form,
            "home": home,
            "year": year,
            "label": ombudsman_year_label(year),
            "similar": statistics.similar_authorities(home),
            "recorded": AnnualLetter.objects.filter(ombudsman_year=year).exists(),
        },
        status=400 if form.errors else 200,
    )


@requires(can_enter_annual_letter)
def annual_letter_check(request, year):
    """Check the letter's figures, then save them. The page's form carries the figures it
    shows, so what is saved is what was checked."""
    year = _letter_year(year)
    key = _letter_session_key(year)
    data = request.POST if request.method == "POST" else request.session.get(key)
    if data is None:
        return redirect("decisions:annual_letter", year=year)
    form, home = _letter_form(data)
    if not form.is_valid():
        if request.method == "POST":
            return _letter_form_page(request, form, home, year)
        return redirect("decisions:annual_letter", year=year)
    if request.method == "POST":
        annual_letter_save(
            year=year,
            figures=form.figures(),
            averages=form.averages(),
            home=home,
            user=request.user,
        )
        request.session.pop(key, None)
        messages.success(
            request,
            f"The annual review letter's figures for {ombudsman_year_label(year)} are saved.",
        )
        return redirect(f"{reverse('decisions:statistics')}?year={year}#annual-letter")
    return render(
        request,
        "decisions/annual_letter_check.html",
        {
            "form": form,
            "year": year,
            "label": ombudsman_year_label(year),
            "similar": statistics.similar_authorities(home),
            "values": {name: data.get(name, "") for name in form.fields},
            "figure_rows": _answers(form, AnnualLetterForm.FIGURES),
            "average_rows": _answers(
                form, [n for n in AnnualLetterForm.AVERAGES if n in form.fields]
            ),
        },
    )


def _answers(form, names) -> list[tuple[str, str, str]]:
    """(label, value as the letter prints it, field id) for the check page's rows."""
    rows = []
    for name in names:
        value = form.cleaned_data.get(name)
        shown = statistics.format_figure(value) if value is not None else "Not given"
        if value is not None and name.endswith(("_percent", "_rate", "_remedy")):
            shown += "%"
        rows.append((str(form[name].label), shown, form[name].id_for_label))
    return rows


@requires(can_view_decisions)
def annual_statistics_download(request, fmt):
    """The statistics page's figures for the same year (?year=), as CSV or Excel; the
    page with its error for a year it cannot show, or with no home authority."""
    current = ombudsman_year_of(timezone.localdate())
    raw = request.GET.get("year", "")
    try:
        year = statistics.parse_year(raw, latest=current) if raw else current
    except statistics.InvalidYear:
        return annual_statistics_page(request)
    stats = statistics.annual_statistics(year)
    if stats.home_authority is None:
        return annual_statistics_page(request)
    _, letter_rows = statistics.annual_letter_comparison(stats)
    return download_response(
        fmt,
        statistics.DOWNLOAD_COLUMNS,
        statistics.statistics_rows(stats, letter_rows),
        name=f"ombudsman-statistics-{stats.label}",
    )


# Bulk import of past decisions.

IMPORT_SESSION_KEY = "decision_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="One row per agreed action, the decision's columns repeated on each of "
        f"its rows; at most {uploads.IMPORT_MAX_BYTES // uploads.MB} MB and "
        f"{uploads.IMPORT_MAX_ROWS:,} rows.",
        error_messages={"required": "Choose the file to import.", "empty": "The file is empty."},
    )
    add_further = forms.BooleanField(
        label="Add decisions on references already recorded as further decisions (re-opened cases)",
        required=False,
    )


def _import_page(request, form, plan=None, status=200):
    return render(
        request,
        "decisions/import.html",
        {
            "form": form,
            "plan": plan,
            "columns": imports.COLUMNS,
            **({s: plan.count(s) for s in ("further", "present", "invalid")} if plan else {}),
        },
        status=status,
    )


@requires(can_log_decision)
def decision_import(request):
    """Upload, check every row, then import all (or, explicitly, only the valid ones).
    The checked rows wait in the database; the session holds only their id."""
    today = timezone.localdate()
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "cancel":
        imports.pending_import_discard(user=request.user)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, "The import was cancelled: nothing was imported.")
        return redirect("decisions:import")
    if request.method == "POST" and action in ("import_all", "import_valid"):
        outcome = imports.pending_import_apply(
            user=request.user,
            pending_id=request.session.get(IMPORT_SESSION_KEY),
            today=today,
            only_valid=action == "import_valid",
        )
        if outcome is None:
            messages.error(request, "Nothing to import: upload the file again.")
            return redirect("decisions:import")
        if outcome.made is None:
            return _import_page(request, ImportForm(), outcome.plan, status=400)
        request.session.pop(IMPORT_SESSION_KEY, None)
        made, plan = outcome.made, outcome.plan
        skipped = plan.count("present")
        left_out = plan.count("invalid")
        text = f"Imported {len(made)} decision{'s' if len(made) != 1 else ''} from {outcome.name}."
        if skipped:
            text += f" {skipped} already recorded were left as they were."
        if left_out:
            text += f" {left_out} with errors were not imported."
        messages.success(request, text)
        return redirect("decisions:list")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > uploads.IMPORT_MAX_BYTES:
            raise imports.ImportFileError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the largest accepted is "
                f"{uploads.IMPORT_MAX_BYTES // uploads.MB} MB. Split it into smaller files."
            )
        rows = imports.read_table(upload.name, upload.read())
    except imports.ImportFileError as exc:
        form.add_error("file", str(exc))
        return _import_page(request, form, status=400)
    add = form.cleaned_data["add_further"]
    plan = imports.plan_import(rows, today=today, add_further=add)
    pending = imports.pending_import_save(
        user=request.user, name=upload.name, rows=rows, add_further=add
    )
    request.session[IMPORT_SESSION_KEY] = str(pending.pk)
    return _import_page(request, ImportForm(), plan, status=400 if plan.errors else 200)


@requires(can_log_decision)
def decision_import_template(request, fmt):
    columns = [Column(c.name, None, max(12, len(c.name) + 2)) for c in imports.COLUMNS]
    return download_response(
        fmt, columns, imports.template_rows()[1:], name="decisions-import-template"
    )


@requires(can_view_enquiries)
def enquiries_past_due(request):
    """The Ombudsman's enquiries not answered by their date, longest overdue first: the
    list behind the dashboard's "Enquiries past due"."""
    today = timezone.localdate()
    enquiries = (
        visible_enquiries(request.user)
        .past_due_on(today)
        .select_related("complaint__officer", "complaint__service_area")
        .order_by("due_on", "id")
    )
    page = Paginator(enquiries, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "decisions/enquiries_past_due.html", {"page": page, "today": today})
