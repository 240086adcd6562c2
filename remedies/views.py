"""Pages for agreed actions: my actions, an action's page, completing it with evidence,
extensions, the compliance outcome, evidence downloads, the calendar feed, and the
managers' dashboard with the list of actions behind its figures and its downloads."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from ombudsman.access import (
    can_change_actions,
    can_complete,
    can_extend,
    can_have_actions,
    can_record_compliance,
    can_view_dashboard,
    can_view_decisions,
    requires,
)
from ombudsman.exports import download_response
from ombudsman.listing import filtered, list_context, list_download, save_view_page
from ombudsman.models import SavedView
from ombudsman.people import person_name
from ombudsman.versioning import EditConflict, changes_since, loaded_at_value, parse_loaded_at

from .calendar import calendar_feed_for, calendar_feed_reset, calendar_ics
from .dashboard import dashboard, recent_repeat_faults
from .evidence import EvidenceRejected, evidence_file_name
from .exports import COLUMNS as EXPORT_COLUMNS
from .exports import export_rows
from .filters import WHOSE_ALL, ActionFilter
from .forms import (
    ActionChangeForm,
    AssignForm,
    CompleteActionForm,
    ComplianceForm,
    ExtensionForm,
)
from .models import AgreedAction, CalendarFeed
from .selectors import (
    action_label,
    action_timeline,
    actions_to_assign,
    assignment_problems,
    my_open_actions,
    my_open_enquiries,
    stale_actions,
    visible_actions,
    visible_decisions,
    visible_enquiries,
    visible_evidence,
)
from .services import (
    AssignRefused,
    action_change,
    action_complete,
    action_extend,
    action_record_compliance,
    actions_assign,
    assignment_for,
)


def _action(request, pk) -> AgreedAction:
    """The action if the user may see it; else 404, as for an action that does not exist."""
    return get_object_or_404(
        visible_actions(request.user).select_related(
            "decision__complaint", "organisation", "service_area", "owner", "completed_by"
        ),
        pk=pk,
    )


@requires(can_have_actions)
def my_actions(request):
    today = timezone.localdate()
    feed = calendar_feed_for(request.user)
    return render(
        request,
        "remedies/my_actions.html",
        {
            "actions": my_open_actions(request.user),
            "enquiries": my_open_enquiries(request.user),
            "today": today,
            "feed_url": request.build_absolute_uri(reverse("remedies:calendar", args=[feed.token])),
        },
    )


@requires(can_have_actions)
def my_actions_download(request, fmt):
    """The open actions on "My actions", soonest due first, as CSV or Excel."""
    today = timezone.localdate()
    rows = export_rows(my_open_actions(request.user), today=today)
    return download_response(fmt, EXPORT_COLUMNS, rows, name=f"my-actions-{today:%Y-%m-%d}")


@requires(can_view_decisions)
def action_detail(request, pk):
    action = _action(request, pk)
    return render(
        request,
        "remedies/action_detail.html",
        {
            "action": action,
            "complaint": action.decision.complaint,
            "extensions": action.extensions.all(),
            "evidence": action.evidence.all(),
            "timeline": action_timeline(action),
            "today": timezone.localdate(),
            "may_update": can_complete(request.user, action),
            "may_change": can_change_actions(request.user),
        },
    )


def _update_page(request, pk, *, rule, form_class, template, on_valid, texts, open_only=True):
    """The form of one of the pages that update an action, which the view's ``rule`` lets
    the user open (it is checked again here for the action itself)."""
    action = _action(request, pk)
    if not rule(request.user, action):
        raise PermissionDenied
    stale = request.method == "POST" and request.POST.get("version") != str(action.version)
    # A stale form goes on to the version check, which shows what changed meanwhile.
    if open_only and action.status != AgreedAction.Status.OPEN and not stale:
        messages.error(request, f"This action is already {action.get_status_display().lower()}.")
        return redirect("remedies:action", pk=action.pk)
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, action=action)
        seen = {
            "version": request.POST.get("version", ""),
            "loaded_at": request.POST.get("loaded_at", ""),
        }
        if form.is_valid():
            try:
                with transaction.atomic():
                    _check_version(action, seen)
                    on_valid(action, form.cleaned_data)
            except EvidenceRejected as exc:
                form.add_error("files", str(exc))
            except EditConflict as exc:
                conflict = exc.changes
            else:
                return redirect("remedies:action", pk=action.pk)
        status = 409 if conflict is not None else 400
    else:
        form = form_class(action=action, initial=_initial(form_class, action))
        status = 200
    if request.method == "GET" or conflict is not None:
        # After a refusal the person has seen what changed: the form now carries the
        # current version.
        action.refresh_from_db(fields=["version"])
        seen = {"version": action.version, "loaded_at": loaded_at_value()}
    return render(
        request,
        template,
        {"form": form, "action": action, "conflict": conflict, **seen, **texts},
        status=status,
    )


def _check_version(action: AgreedAction, seen: dict) -> None:
    """Lock the action and refuse if it has been saved since the page showed ``seen``."""
    current = AgreedAction.objects.select_for_update().values_list("version", flat=True)
    if str(current.get(pk=action.pk)) != seen["version"]:
        loaded_at = parse_loaded_at(seen["loaded_at"])
        raise EditConflict(changes_since(action_timeline(action), loaded_at))


def _initial(form_class, action):
    if form_class is CompleteActionForm:
        return {"completed_on": timezone.localdate()}
    if form_class is ComplianceForm:
        return {
            "evidence_sent_on": action.evidence_sent_on,
            "compliance_outcome": action.compliance_outcome or action.suggested_compliance_outcome,
        }
    return {}


@requires(can_complete)
def action_complete_page(request, pk):
    def on_valid(action, data):
        action_complete(
            action=action,
            user=request.user,
            completed_on=data["completed_on"],
            note=data["note"],
            files=data["files"],
            evidence_sent_on=data["evidence_sent_on"],
            committee=data.get("committee", ""),
        )
        messages.success(request, "Action marked done.")

    return _update_page(
        request, pk, rule=can_complete,
        form_class=CompleteActionForm, template="remedies/action_complete.html",
        on_valid=on_valid, texts={"heading": "Complete with evidence", "button": "Mark done"},
    )  # fmt: skip


@requires(can_extend)
def action_extend_page(request, pk):
    def on_valid(action, data):
        action_extend(
            action=action,
            user=request.user,
            new_due_date=data["new_due_date"],
            reason=data["reason"],
            agreed_in_writing=data["agreed_in_writing"],
        )
        messages.success(request, f"New due date {data['new_due_date']:%-d %B %Y} recorded.")

    return _update_page(
        request, pk, rule=can_extend,
        form_class=ExtensionForm, template="remedies/action_extend.html",
        on_valid=on_valid, texts={"heading": "Record an extension", "button": "Save extension"},
    )  # fmt: skip


@requires(can_record_compliance)
def action_compliance_page(request, pk):
    def on_valid(action, data):
        action_record_compliance(
            action=action,
            evidence_sent_on=data["evidence_sent_on"],
            outcome=data["compliance_outcome"],
        )
        messages.success(request, "Compliance recorded.")

    return _update_page(
        request, pk, rule=can_record_compliance,
        form_class=ComplianceForm, template="remedies/action_compliance.html",
        on_valid=on_valid,
        texts={"heading": "The Ombudsman's compliance outcome", "button": "Save"},
        open_only=False,
    )  # fmt: skip


@requires(can_change_actions)
def action_change_page(request, pk):
    def on_valid(action, data):
        action_change(action=action, user=request.user, data=data)
        messages.success(request, "Agreed action changed.")

    return _update_page(
        request, pk, rule=can_change_actions,
        form_class=ActionChangeForm, template="remedies/action_change.html",
        on_valid=on_valid, texts={"heading": "Change agreed action", "button": "Save changes"},
        open_only=False,
    )  # fmt: skip


# Assigning several actions at once: chosen by their checkboxes on a decision's page or
# the actions list (a GET form that carries each action's id and the version the list
# showed), then an owner and/or a service area, then a check page whose "Assign" posts.

_SAFE_NEXT = re.compile(r"/[^/\\\s\x00-\x1f\x7f][^\\\s\x00-\x1f\x7f]*|/")


def _back_to(request, value: str) -> str:
    """The page the actions were chosen on, if it is one of ours; else the actions list."""
    if (
        len(value) <= 2000
        and _SAFE_NEXT.fullmatch(value)
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
    ):
        return value
    return reverse("remedies:action_list")


def _assigned_message(count: int, owner, service_area) -> str:
    what = f"{count} action{'s' if count != 1 else ''}"
    who = person_name(owner)
    if who and service_area:
        return f"{what} assigned to {who}, {service_area}"
    if who:
        return f"{what} assigned to {who}"
    return f"{what} moved to {service_area}"


@require_http_methods(["GET", "POST"])
@requires(can_change_actions)
def actions_assign_page(request):
    """Choose an owner and/or a service area for the actions selected, check, assign."""
    data = request.POST if request.method == "POST" else request.GET
    back = _back_to(request, data.get("next", ""))
    checking = request.method == "POST" or data.get("step") == "check"
    form = AssignForm(data)
    valid = form.is_valid()
    chosen = form.cleaned_data.get("actions") or {}
    actions = list(actions_to_assign(chosen, request.user)) if chosen else []
    context = {
        "form": form,
        "actions": actions,
        "chosen": chosen,
        "back": back,
        "choose_url": _choose_url(data),
    }
    if not checking or not valid:
        if not checking or form.has_error("actions"):
            # Nothing chosen yet, or nothing to choose for: only the selection is at fault.
            form.errors.pop("owner", None)
            form.errors.pop("service_area", None)
        status = 200 if not form.errors else 400
        return render(request, "remedies/actions_assign.html", context, status=status)

    owner, area = form.cleaned_data["owner"], form.cleaned_data["service_area"]
    if request.method == "POST":
        try:
            assigned = actions_assign(
                actions_with_versions=chosen, user=request.user, owner=owner, service_area=area
            )
        except AssignRefused as exc:
            problems = exc.problems
        else:
            messages.success(request, _assigned_message(len(assigned), owner, area))
            return redirect(back)
    else:
        problems = assignment_problems(actions, chosen, owner=owner)
    # Refused: a conflict when the list was out of date, else a choice that cannot stand.
    status = (409 if stale_actions(actions, chosen) else 400) if problems else 200
    rows = [
        (action, action_label(action), *assignment_for(action, owner=owner, service_area=area))
        for action in actions
    ]
    context |= {"rows": rows, "problems": problems, "owner": owner, "service_area": area}
    return render(request, "remedies/actions_assign_check.html", context, status=status)


def _choose_url(data) -> str:
    """The choosing step again, with what was chosen (the check page's Change links)."""
    keep = [(k, v) for k in ("actions", "next", "owner", "service_area") for v in data.getlist(k)]
    return reverse("remedies:assign") + "?" + urlencode(keep)


@requires(can_view_decisions)
def evidence_download(request, pk):
    """Evidence is served only to signed-in users allowed to see its action (else 404), as
    a download (never rendered inline by the browser)."""
    evidence = get_object_or_404(visible_evidence(request.user), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        # Files kept before names followed the content get the extension of what it is.
        handle, as_attachment=True,
        filename=evidence_file_name(evidence.original_name, evidence.extension),
        content_type=evidence.content_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
def calendar_feed(request, token):
    """The secret address is the only credential: calendar programs cannot sign in."""
    # Tokens are URL-safe base64 (secrets.token_urlsafe); anything else, a NUL included,
    # which PostgreSQL refuses in a query, is no calendar.
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", token):
        raise Http404("No such calendar.")
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not can_have_actions(feed.user):
        raise Http404("No such calendar.")
    response = HttpResponse(calendar_ics(feed.user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
@requires(can_have_actions)
def calendar_reset(request):
    calendar_feed_reset(request.user)
    messages.success(
        request, "Your calendar address has been changed; the old one no longer works."
    )
    return redirect("remedies:mine")


# The overdue-remedy dashboard and the list of actions behind its figures.


# What a row of the actions list shows (templates/remedies/action_list.html, its status
# and its checkbox): the page reads these columns only, not every column of five tables
# (a decision's full text, a person's password hash).
LIST_ROW_FIELDS = (
    "version", "decision_id", "kind", "description", "payee_label", "amount", "due_date",
    "extended_due_date", "status", "completed_on",
    "decision__complaint__reference", "organisation__name",
    "service_area__directorate", "service_area__service",
    "owner__first_name", "owner__last_name", "owner__username",
)  # fmt: skip


def _action_filter(request, today, *, fields: tuple[str, ...] = ()) -> ActionFilter:
    """The list's filters over the actions the user may see, validated; of each action
    only ``fields`` (with the keys) when given."""
    queryset = (
        visible_actions(request.user)
        .with_in_force()
        .select_related("decision__complaint", "organisation", "service_area", "owner")
    )
    if fields:
        queryset = queryset.only(*fields)
    return filtered(ActionFilter, request, queryset, today=today)


@requires(can_view_dashboard)
def dashboard_page(request):
    today = timezone.localdate()
    everyone = request.GET.get("whose") == WHOSE_ALL
    all_repeats = request.GET.get("repeats") == "all"
    return render(
        request,
        "remedies/dashboard.html",
        {
            "dashboard": dashboard(
                today=today,
                actions=visible_actions(request.user),
                enquiries=visible_enquiries(request.user),
                everyone=everyone,
            ),
            "list_url": reverse("remedies:action_list"),
            "repeats": recent_repeat_faults(
                today=today, decisions=visible_decisions(request.user), everything=all_repeats
            ),
            # The same dashboard with every repeat fault listed, or the short lists again.
            "repeats_url": "?"
            + urlencode(
                {
                    **({"whose": WHOSE_ALL} if everyone else {}),
                    **({} if all_repeats else {"repeats": "all"}),
                }
            )
            + "#repeat-faults",
        },
    )


@requires(can_view_dashboard)
def action_list(request):
    today = timezone.localdate()
    filterset = _action_filter(request, today, fields=LIST_ROW_FIELDS)
    context = list_context(
        request,
        filterset,
        noun="action",
        downloads=("remedies:action_csv", "remedies:action_xlsx"),
        saved_as=SavedView.List.ACTIONS,
    )
    return render(
        request,
        "remedies/action_list.html",
        {
            **context,
            "council_only": filterset.data.get("whose") != WHOSE_ALL,
            "today": today,
            "may_assign": can_change_actions(request.user),
        },
    )


@requires(can_view_dashboard)
def action_list_save_view(request):
    """Saves the actions list's filters (this page's query) as one of the person's views."""
    today = timezone.localdate()
    return save_view_page(
        request, _action_filter(request, today), saved_as=SavedView.List.ACTIONS, noun="action"
    )


@requires(can_view_dashboard)
def action_list_download(request, fmt):
    """The filtered list, all pages in the list's order, as CSV or Excel."""
    today = timezone.localdate()
    return list_download(
        request,
        _action_filter(request, today),
        fmt,
        columns=EXPORT_COLUMNS,
        rows=lambda actions: export_rows(actions, today=today),
        name="agreed-actions",
        refused=action_list,
    )
