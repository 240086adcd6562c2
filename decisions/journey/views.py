"""The log-a-decision journey: the decision and complaint, its findings, its agreed
actions one short page each, a check-your-answers page, then one save.

Every page reads and writes the user's draft (``drafts``); nothing reaches the records
until the officer saves from the check page. A pasted decision fills the draft and lands
on the check page. The checks are the one-page form's (``DecisionBundle``): each step
checks its own part, the check page checks them all together before saving.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ombudsman.access import can_log_decision, requires
from ombudsman.people import person_name
from remedies.deadlines import counts_from_an_event
from remedies.selectors import reminder_recipient, visible_complaints

from .. import paste
from ..forms import ComplaintForm, DecisionForm, finding_formset
from ..models import Complaint, Decision, DecisionDraft
from ..references import InvalidReference, normalise_reference
from . import drafts
from .summary import action_lines, due_before, findings_to_check, problems_of

add_decision = requires(can_log_decision)


def _complaint_or_404(request, slug: str | None) -> Complaint | None:
    if slug is None:
        return None
    try:
        reference = normalise_reference(slug)
    except InvalidReference:
        raise Http404("Not an LGSCO reference.") from None
    return get_object_or_404(visible_complaints(request.user), reference=reference)


def _draft(request, pk) -> DecisionDraft:
    """The user's own draft: anyone else's, or one saved, discarded or expired, is 404."""
    draft = drafts.drafts_of(request.user).filter(pk=pk).first()
    if draft is None:
        raise Http404("No such decision in progress.")
    return draft


def _title(draft_or_complaint) -> str:
    complaint = getattr(draft_or_complaint, "complaint", draft_or_complaint)
    return f"Log a further decision on {complaint.reference}" if complaint else "Log a decision"


def _returning(request) -> bool:
    """Came from the check page ("Change"): go back there after this page."""
    return request.GET.get("next") == "check" or request.POST.get("next") == "check"


def _after(request, draft, step: str):
    if _returning(request):
        return redirect("decisions:draft_check", pk=draft.pk)
    return redirect(f"decisions:draft_{step}", pk=draft.pk)


def _back(request, draft, previous: str | None) -> str:
    if _returning(request) or previous is None:
        return reverse("decisions:draft_check", args=[draft.pk])
    return reverse(f"decisions:draft_{previous}", args=[draft.pk])


# --- Start: paste the text, or type it in ------------------------------------------------


@add_decision
def start(request, slug=None):
    """How to log it: from the published text (pasted or uploaded) or typed in. A
    complaint's slug makes it a further decision on that complaint (a re-opened case)."""
    complaint = _complaint_or_404(request, slug)
    paste_form = paste.PasteForm()
    status = 200
    if request.method == "POST":
        if "type" in request.POST:
            draft = drafts.draft_start(user=request.user, complaint=complaint)
            return redirect("decisions:draft_decision", pk=draft.pk)
        paste_form = paste.PasteForm(request.POST, request.FILES)
        prefill = paste.prefill_from_form(paste_form)
        if prefill is not None:
            draft = drafts.draft_start(
                user=request.user, complaint=complaint, data=prefill.data, notes=prefill.notes()
            )
            return redirect("decisions:draft_check", pk=draft.pk)
        status = 400
    return render(
        request,
        "decisions/journey/start.html",
        {
            "title": _title(complaint),
            "complaint": complaint,
            "paste_form": paste_form,
            "unfinished": drafts.drafts_of(request.user)[:10],
            "show_errors": status == 400,
        },
        status=status,
    )


# --- Step 1: the complaint and the decision ------------------------------------------------


@add_decision
def step_decision(request, pk):
    draft = _draft(request, pk)
    posted = request.method == "POST"
    data = request.POST if posted else drafts.as_querydict(draft)
    bound = posted or any(k.startswith(drafts.COMPLAINT_DECISION) for k in draft.data)
    complaint_form = None
    if draft.complaint is None:
        complaint_form = ComplaintForm(data if bound else None, prefix="complaint")
    decision_form = DecisionForm(data if bound else None, prefix="decision")
    if posted:
        drafts.draft_put(draft, request.POST, prefixes=drafts.COMPLAINT_DECISION)
        forms_ok = [f.is_valid() for f in (complaint_form, decision_form) if f is not None]
        if all(forms_ok):
            return _after(request, draft, "findings")
    return render(
        request,
        "decisions/journey/step_decision.html",
        {
            "draft": draft,
            "title": _title(draft),
            "complaint_form": complaint_form,
            "decision_form": decision_form,
            "forms": [f for f in (complaint_form, decision_form) if f is not None],
            "show_errors": posted,
            "back_url": _back(request, draft, None) if _returning(request) else None,
            "returning": _returning(request),
        },
        status=400 if posted else 200,
    )


# --- Step 2: findings ------------------------------------------------------------------------


@add_decision
def step_findings(request, pk):
    draft = _draft(request, pk)
    show_errors = False
    status = 200
    if request.method == "POST":
        drafts.draft_put(draft, request.POST, prefixes=("findings-",))
        if "add_finding" in request.POST:
            drafts.row_added(draft, "findings")
        elif "remove_finding" in request.POST:
            try:
                drafts.row_remove(draft, "findings", int(request.POST["remove_finding"]))
            except ValueError:
                pass
        else:
            formset = finding_formset(extra=0, can_delete=False)(
                drafts.as_querydict(draft), prefix="findings", instance=Decision()
            )
            if formset.is_valid():
                return _after(request, draft, "actions")
            show_errors, status = True, 400
    formset = finding_formset(extra=0, can_delete=False)(
        drafts.as_querydict(draft), prefix="findings", instance=Decision()
    )
    if show_errors:
        formset.is_valid()
    return render(
        request,
        "decisions/journey/step_findings.html",
        {
            "draft": draft,
            "title": _title(draft),
            "formset": formset,
            "show_errors": show_errors,
            "back_url": _back(request, draft, "decision"),
            "returning": _returning(request),
            "without_result": draft.notes.get("findings_without_result", []),
        },
        status=status,
    )


# --- Step 3: agreed actions, one page each -------------------------------------------------


@add_decision
def step_actions(request, pk):
    """The actions so far, each with Change and Remove, and "Add an action"."""
    draft = _draft(request, pk)
    bundle = drafts.bundle_of(draft)
    bundle.is_valid()
    return render(
        request,
        "decisions/journey/step_actions.html",
        {
            "draft": draft,
            "title": _title(draft),
            "actions": action_lines(bundle),
            "back_url": _back(request, draft, "findings"),
        },
    )


@add_decision
def step_action(request, pk, number=None):
    """One action (``number`` from 1), or a new one when ``number`` is None."""
    draft = _draft(request, pk)
    total = drafts.count(draft, "actions")
    index = total if number is None else number - 1
    if not 0 <= index <= total or (number is not None and index == total):
        raise Http404("No such action in this decision.")
    if index >= drafts.MAX_ROWS:
        messages.error(request, f"A decision can have at most {drafts.MAX_ROWS} actions here.")
        return redirect("decisions:draft_actions", pk=draft.pk)
    posted = request.method == "POST"
    data = drafts.as_querydict(draft)
    prefix = drafts.action_prefix(index)
    if posted:
        for name in [k for k in data if k.startswith(prefix)]:
            del data[name]
        for name in request.POST:
            if name.startswith(prefix):
                data.setlist(name, request.POST.getlist(name))
    data["actions-TOTAL_FORMS"] = str(max(total, index + 1))
    form = drafts.action_form(draft, data, index)
    if posted and form.is_valid():
        drafts.action_put(draft, request.POST, index=index)
        return _after(request, draft, "actions")
    return render(
        request,
        "decisions/journey/step_action.html",
        {
            "draft": draft,
            "title": _title(draft),
            "form": form,
            "number": index + 1,
            "new": number is None,
            "deadline_on_event": counts_from_an_event(str(form["deadline_phrase"].value() or "")),
            "show_errors": posted,
            "back_url": _back(request, draft, "actions"),
            "returning": _returning(request),
        },
        status=400 if posted else 200,
    )


@add_decision
@require_POST
def action_remove(request, pk, number):
    draft = _draft(request, pk)
    drafts.row_remove(draft, "actions", number - 1)
    messages.success(request, f"Action {number} removed.")
    return _after(request, draft, "actions")


# --- Check and save ---------------------------------------------------------------------------


@add_decision
def check(request, pk):
    draft = _draft(request, pk)
    if request.method == "POST":
        try:
            decision = drafts.draft_save(draft=draft, user=request.user)
        except drafts.DraftInvalid as invalid:
            return _check_page(request, draft, invalid.bundle, submitted=True)
        except DecisionDraft.DoesNotExist:
            raise Http404("This decision has already been saved or discarded.") from None
        _saved_messages(request, decision)
        return redirect(decision)
    bundle = drafts.bundle_of(draft)
    bundle.is_valid()
    return _check_page(request, draft, bundle, submitted=False)


def _check_page(request, draft, bundle, *, submitted: bool):
    problems = problems_of(bundle, draft)
    lines = action_lines(bundle)
    existing = getattr(bundle.complaint_form, "existing_complaint", None)
    return render(
        request,
        "decisions/journey/check.html",
        {
            "draft": draft,
            "title": _title(draft),
            "bundle": bundle,
            "complaint": draft.complaint,
            "actions": lines,
            "past_due": due_before(lines, timezone.localdate()),
            "problems": problems,
            "to_check": findings_to_check(bundle, draft),
            "submitted": submitted,
            "existing_complaint": existing,
            "notes": draft.notes,
            "not_found": [
                (label, paste.FIELD_ANCHORS.get(label, ""))
                for label in draft.notes.get("missing", [])
            ],
            "back_url": reverse("decisions:draft_actions", args=[draft.pk]),
        },
        status=400 if submitted else 200,
    )


def _saved_messages(request, decision) -> None:
    actions = list(
        decision.actions.select_related(
            "owner",
            "service_area__lead",
            "decision__complaint__service_area__lead",
            "decision__complaint__officer",
        )
    )
    what = f"Decision on {decision.complaint.reference} recorded"
    if actions:
        what += f" with {len(actions)} agreed action{'s' if len(actions) != 1 else ''}"
    messages.success(request, what + ".")
    unowned = [a for a in actions if a.owner_id is None]
    if unowned:
        recipient = reminder_recipient(unowned[0])
        who = (
            f"reminders will go to {person_name(recipient)}"
            if recipient
            else "nobody can be reminded of them yet"
        )
        many = len(unowned) != 1
        messages.warning(
            request,
            f"{len(unowned)} action{'s have' if many else ' has'} no owner: {who}. "
            "Give them owners below.",
        )


# --- Cancel, and a reference already recorded ------------------------------------------------


@add_decision
def cancel(request, pk):
    draft = _draft(request, pk)
    if request.method == "POST":
        complaint = draft.complaint
        draft.delete()
        messages.success(request, "The decision was not saved and what you entered is gone.")
        if complaint is not None:
            return redirect("decisions:complaint", slug=complaint.slug)
        return redirect("decisions:list")
    return render(
        request,
        "decisions/journey/cancel.html",
        {
            "draft": draft,
            "title": "Discard this decision?",
            "back_url": reverse("decisions:draft_check", args=[draft.pk]),
        },
    )


@add_decision
@require_POST
def make_further(request, pk):
    """The reference typed or pasted is already recorded: log this as a further decision
    on that complaint, keeping the decision, findings and actions entered."""
    draft = _draft(request, pk)
    raw = (draft.data.get("complaint-reference") or [""])[0]
    try:
        reference = normalise_reference(raw)
    except InvalidReference:
        raise Http404("Not an LGSCO reference.") from None
    complaint = get_object_or_404(visible_complaints(request.user), reference=reference)
    drafts.draft_made_further(draft, complaint)
    messages.success(
        request,
        f"This is now a further decision on complaint {complaint.reference}; what you "
        "entered for the decision, its findings and actions is kept.",
    )
    return redirect("decisions:draft_check", pk=draft.pk)
