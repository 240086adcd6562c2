"""Log a decision from its published text: the text from a paste or an uploaded file, and
the log-a-decision form filled from what the parser found.

The parser (``decisions.parsing``) is pure; this module matches what it found against the
records (organisations by name or short name, the category by "Top > Sub"), builds the
form's data as if the officer had typed it, and lists what was not found so that the page
can mark it. Nothing is saved here: the officer checks the form and saves it as usual.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict

from ombudsman import uploads
from ombudsman.control_characters import control_characters_as_text
from remedies.deadlines import due_date_from_phrase
from remedies.models import AgreedAction

from .models import Category, Decision, Finding, Organisation
from .parsing import NotADecision, html_to_text, parse_decision

KIND_LABELS = dict(AgreedAction.Kind.choices)


class PasteError(ValueError):
    """The text or file cannot be read as a decision; the message says why."""


def text_from_upload(name: str, data: bytes) -> str:
    """The text of an uploaded .txt, .html or .pdf decision, read within the upload
    limits (``ombudsman.uploads``)."""
    lower = name.lower()
    if not data:
        raise PasteError("The file is empty.")
    if len(data) > uploads.DECISION_FILE_MAX_BYTES:
        raise PasteError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the largest accepted is "
            f"{uploads.DECISION_FILE_MAX_BYTES // 1024 // 1024} MB."
        )
    if lower.endswith(".pdf"):
        if not data.startswith(b"%PDF"):
            raise PasteError("The file is named .pdf but is not a PDF.")
        try:
            text = uploads.pdf_text(data, max_characters=uploads.DECISION_TEXT_MAX_CHARACTERS)
        except uploads.UploadRefused as exc:
            raise PasteError(str(exc)) from exc
        if not text.strip():
            raise PasteError(
                "The PDF holds no text (it may be a scanned image): paste the text instead."
            )
        return text
    if not lower.endswith((".txt", ".html", ".htm")):
        raise PasteError("Upload the decision as a .txt, .html or .pdf file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Windows text, as saved by Notepad
    if "\x00" in text:
        raise PasteError("The file is not text.")
    if not lower.endswith((".html", ".htm")):
        return text
    if len(text) > uploads.DECISION_HTML_MAX_CHARACTERS:
        raise PasteError(
            f"The web page is {len(text):,} characters long; the longest that can be read is "
            f"{uploads.DECISION_HTML_MAX_CHARACTERS:,}. Save the page as text, or copy and "
            "paste the decision."
        )
    return html_to_text(text)


@dataclass
class Prefill:
    """The form's data and what the page tells the officer about it."""

    data: QueryDict
    missing: list[str] = field(default_factory=list)  # labels of fields to fill in
    new_organisations: list[str] = field(default_factory=list)  # named but not recorded
    actions: list[dict] = field(default_factory=list)  # what was found, for the summary
    # The actions offered marked done, as remedies provided beforehand: "Action 2: ..."
    already_done: list[str] = field(default_factory=list)
    total_money: Decimal | None = None
    # Numbers (from 1) of the findings whose result the decision does not settle.
    findings_without_result: list[int] = field(default_factory=list)

    def notes(self) -> dict:
        """What the check page tells the officer about the reading, as JSON can keep it."""
        return {
            "pasted": True,
            "missing": self.missing,
            "new_organisations": self.new_organisations,
            "actions_found": len(self.actions),
            "already_done": self.already_done,
            "total_money": f"{self.total_money:.2f}" if self.total_money is not None else None,
            "findings_without_result": self.findings_without_result,
        }


_BRACKETED = re.compile(r"\([^)]*\)")
_SPELLINGS = [
    ("&", " and "),
    (",", " "),
    ("integrated care board", "icb"),
    ("nhs foundation trust", "nhs trust"),
]


def organisation_key(name: str) -> str:
    """A name folded so that the ways a decision and the records write one body agree:
    "NHS Cambridgeshire & Peterborough ICB" and "NHS Cambridgeshire and Peterborough
    Integrated Care Board" give the same key."""
    # A bracketed abbreviation is not part of the name: "Change Grow Live (CGL)".
    folded = " " + _BRACKETED.sub(" ", name.casefold()) + " "
    for written, common in _SPELLINGS:
        folded = folded.replace(written, common)
    return " ".join(folded.split())


class _Organisations(dict):
    """Recorded organisations by folded name and short name ("CGL"); "the Council" is
    never matched by its short name (every council is one)."""

    def __init__(self):
        super().__init__()
        organisations = list(Organisation.objects.all())
        for org in organisations:
            self[organisation_key(org.name)] = org
        for org in organisations:
            short = organisation_key(org.short_name or "")
            if short and not short.startswith("the "):
                self.setdefault(short, org)

    def get(self, name, default=None):
        return super().get(organisation_key(name or ""), default)


def _category(path: str | None) -> Category | None:
    if not path or ">" not in path:
        return None
    top, sub = (p.strip() for p in path.split(">", 1))
    return Category.objects.filter(name__iexact=sub, parent__name__iexact=top).first()


# Where each field the paste may not find is typed in, on the journey's decision page.
FIELD_ANCHORS = {
    "LGSCO reference": "id_complaint-reference",
    "Organisations complained about": "id_complaint-organisations_0",
    "Complainant's label": "id_complaint-complainant_label",
    "Category": "id_complaint-category",
    "Outcome": "id_decision-outcome",
    "Decision date": "id_decision-decision_date-day",
    "Summary": "id_decision-summary",
}

FIELD_LABELS = {
    "reference": "LGSCO reference",
    "organisations": "Organisations complained about",
    "complainant": "Complainant's label",
    "category": "Category",
    "outcome": "Outcome",
    "decision_date": "Decision date",
    "summary": "Summary",
}


def prefill_from_text(text: str) -> Prefill:
    """Parse ``text`` and build the log-a-decision form's data from it. Control characters
    that come with copied text are read as a reader would (a form feed or vertical tab as
    a line break, others left out), so that no field filled from the text holds one."""
    text = control_characters_as_text(text).strip()
    if not text:
        raise PasteError("Paste the text of a decision, or choose a file.")
    if len(text) > uploads.DECISION_TEXT_MAX_CHARACTERS:
        raise PasteError(
            f"The text is {len(text):,} characters long; a decision is far shorter. Paste one "
            "decision at a time."
        )
    try:
        parsed = parse_decision(text)
    except NotADecision as exc:
        raise PasteError(str(exc)) from exc

    organisations = _Organisations()
    data = QueryDict(mutable=True)
    missing: list[str] = []
    new_organisations: list[str] = []
    unresolved_findings: list[int] = []

    def put(name: str, value, label_key: str | None = None):
        if value in (None, "", []):
            if label_key:
                missing.append(FIELD_LABELS[label_key])
            return
        data[name] = value

    put("complaint-reference", parsed.reference, "reference")
    put("complaint-complainant_label", parsed.complainant, "complainant")
    matched = []
    # The bodies complained about, and any other body the agreed actions bind (a joint
    # decision's page is titled with one of them).
    named = list(parsed.organisations or [])
    for action in parsed.actions or []:
        if action.organisation and not any(
            organisation_key(action.organisation) == organisation_key(n) for n in named
        ):
            named.append(action.organisation)
    for name in named:
        org = organisations.get(name)
        if org is None:
            new_organisations.append(name)
        elif org.pk not in matched:
            matched.append(org.pk)
    if matched:
        data.setlist("complaint-organisations", [str(pk) for pk in matched])
    if new_organisations:
        data["complaint-new_organisations"] = "\n".join(new_organisations)
    if not matched and not new_organisations:
        missing.append(FIELD_LABELS["organisations"])
    category = _category(parsed.category)
    put("complaint-category", category.pk if category else None, "category")
    put(
        "decision-decision_date",
        parsed.decision_date.isoformat() if parsed.decision_date else None,
        "decision_date",
    )
    data["decision-kind"] = Decision.Kind.REPORT if parsed.is_report else Decision.Kind.STATEMENT
    put("decision-outcome", parsed.outcome, "outcome")
    put("decision-summary", parsed.summary, "summary")
    data["decision-full_text"] = text

    # The findings the text states (fault and injustice as the Ombudsman put them), with
    # the result the decision gives them: fault in an upheld decision upholds the point,
    # no fault in a decision not upheld does not. Any other result is the officer's to
    # choose, and the check page asks for it.
    findings = list(parsed.findings or [])
    results: dict[tuple[bool | None, str | None], str] = {
        (True, Decision.Outcome.UPHELD): Finding.Result.UPHELD,
        (False, Decision.Outcome.NOT_UPHELD): Finding.Result.NOT_UPHELD,
    }
    for i, finding in enumerate(findings):
        prefix = f"findings-{i}-"
        data[prefix + "point"] = finding.text
        if finding.fault is not None:
            data[prefix + "fault"] = "yes" if finding.fault else "no"
        data[prefix + "injustice"] = {True: "true", False: "false", None: "unknown"}[
            finding.injustice
        ]
        result = results.get((finding.fault, parsed.outcome))
        if result:
            data[prefix + "result"] = result
        else:
            unresolved_findings.append(i + 1)
    _management(data, "findings", len(findings) + (0 if findings else 1))

    # Remedies the council had already provided, which the decision relied on, are
    # actions already done: offered marked done (on the decision's date, the earliest an
    # action can be completed), for the officer to untick if they are not.
    actions = list(parsed.actions or [])
    _management(data, "actions", len(actions))
    summary = []
    for i, action in enumerate(actions):
        prefix = f"actions-{i}-"
        data[prefix + "kind"] = action.kind or ""
        data[prefix + "description"] = action.text or ""
        org = organisations.get(action.organisation)
        if org is None and len(matched) == 1 and not action.organisation:
            org = next(o for o in organisations.values() if o.pk == matched[0])
        if org is not None:
            data[prefix + "organisation"] = str(org.pk)
        elif action.organisation:
            data[prefix + "new_organisation"] = next(
                (
                    n
                    for n in new_organisations
                    if organisation_key(n) == organisation_key(action.organisation)
                ),
                action.organisation,
            )
        data[prefix + "payee_label"] = action.payee or ""
        data[prefix + "amount"] = f"{action.amount:.2f}" if action.amount is not None else ""
        data[prefix + "deadline_phrase"] = action.due_phrase or ""
        if action.already_done:
            data[prefix + "status"] = AgreedAction.Status.DONE
            if parsed.decision_date:
                data[prefix + "completed_on"] = parsed.decision_date.isoformat()
        else:
            data[prefix + "status"] = AgreedAction.Status.OPEN
        due = (
            due_date_from_phrase(action.due_phrase, parsed.decision_date)
            if action.due_phrase and parsed.decision_date
            else None
        )
        summary.append(
            {
                "number": i + 1,
                "kind": KIND_LABELS.get(action.kind, ""),
                "organisation": org.name if org else (action.organisation or ""),
                "organisation_found": org is not None,
                "payee": action.payee or "",
                "amount": action.amount,
                "due_phrase": action.due_phrase or "",
                "due": due,
                "due_on_event": action.due_on_event,
                "already_done": action.already_done,
            }
        )
    return Prefill(
        data=data,
        missing=missing,
        new_organisations=new_organisations,
        actions=summary,
        already_done=[
            f"Action {number}: {a.text}"
            for number, a in enumerate(actions, start=1)
            if a.already_done
        ],
        total_money=parsed.total_money,
        findings_without_result=unresolved_findings,
    )


def _management(data: QueryDict, prefix: str, rows: int) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = str(rows)
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    data[f"{prefix}-MIN_NUM_FORMS"] = "0"
    data[f"{prefix}-MAX_NUM_FORMS"] = "1000"


class DecisionTextField(forms.CharField):
    """The pasted decision: text to read, not to store as typed, so its control
    characters (a NUL too) are read as ``prefill_from_text`` reads them, not refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_python(self, value):
        return super().to_python(control_characters_as_text(value or ""))


class PasteForm(forms.Form):
    text = DecisionTextField(
        label="The decision's text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="As copied from the Ombudsman's web page (its menus and 'Back to top' "
        "lines can stay) or from its report.",
    )
    file = forms.FileField(
        label="Or upload it",
        required=False,
        help_text=f".txt, .html or .pdf, at most "
        f"{uploads.DECISION_FILE_MAX_BYTES // 1024 // 1024} MB.",
        error_messages={"empty": "The file is empty."},
    )


def prefill_from_form(form: PasteForm) -> Prefill | None:
    """The prefill from a bound PasteForm, or None with the reason added to the form."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    try:
        if upload is not None:
            if upload.size > uploads.DECISION_FILE_MAX_BYTES:
                raise PasteError(
                    f"The file is {upload.size / 1024 / 1024:.1f} MB; the largest "
                    f"accepted is {uploads.DECISION_FILE_MAX_BYTES // 1024 // 1024} MB."
                )
            text = text_from_upload(upload.name, upload.read())
        else:
            text = form.cleaned_data["text"]
        return prefill_from_text(text)
    except PasteError as exc:
        form.add_error("file" if upload is not None else "text", str(exc))
        return None
