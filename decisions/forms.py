"""Forms of the log-a-decision and edit pages.

A decision is logged on one page: the complaint, the decision, its findings and its agreed
actions. ``DecisionBundle`` holds the four parts, validates them together (the actions'
dates depend on the decision's date) and hands clean data to ``decisions.recording``.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone

from ombudsman.forms import ChooseLabels, DateField, RefusesControlCharacters, UserChoiceField
from ombudsman.formsets import OwnRowsInlineFormSet
from remedies.deadlines import add_working_days
from remedies.forms import agreed_action_formset
from remedies.rules import default_organisation
from remedies.selectors import decision_date_conflicts

from . import rules
from .models import Complaint, Decision, Enquiry, Finding, Organisation
from .references import InvalidReference, normalise_reference


class ComplaintForm(RefusesControlCharacters, ChooseLabels, forms.ModelForm):
    choose = {"service_area": "Choose a service area", "category": "Choose a category"}

    reference = forms.CharField(
        label="LGSCO reference",
        max_length=20,
        help_text="As the Ombudsman prints it, for example 22 010 218 or 24 005 859a.",
        error_messages={"required": rules.MISSING["reference"]},
    )
    related_references = forms.CharField(
        label="Related complaints",
        required=False,
        help_text="LGSCO references of earlier or re-opened cases, separated by commas.",
    )
    officer = UserChoiceField(
        required=False, label="Officer in charge", empty_label="Choose an officer"
    )
    new_organisations = forms.CharField(
        label="Organisations not yet recorded",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Bodies the decision names that are not in the list above, one per line: "
        "they are added when you save.",
    )

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "council_reference",
            "complainant_label",
            "organisations",
            "service_area",
            "category",
            "officer",
            "received_on",
        ]
        widgets = {
            "organisations": forms.CheckboxSelectMultiple,
        }
        field_classes = {"received_on": DateField}
        error_messages = {
            "organisations": {"required": rules.MISSING["organisations"]},
            "complainant_label": {"required": rules.MISSING["complainant_label"]},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_complaint = None
        self.fields["organisations"].queryset = Organisation.objects.order_by(
            "-is_home_authority", "name"
        )
        self.fields["category"].queryset = (
            self.fields["category"].queryset.filter(parent__isnull=False).select_related("parent")
        )
        # Every decision names the complainant by the Ombudsman's label (rules).
        self.fields["complainant_label"].required = True
        # Either chosen from the list or named as new (see clean()).
        self.fields["organisations"].required = False
        if self.instance.pk:
            self.initial.setdefault(
                "related_references",
                ", ".join(c.reference for c in self.instance.related.order_by("reference")),
            )

    def clean_new_organisations(self):
        names = []
        for line in self.cleaned_data["new_organisations"].splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > 200:
                raise forms.ValidationError("An organisation's name is at most 200 characters.")
            if name.casefold() not in (n.casefold() for n in names):
                names.append(name)
        return names

    def clean(self):
        data = super().clean()
        organisations = [*(data.get("organisations") or []), *(data.get("new_organisations") or [])]
        problems = rules.complaint_problems(
            reference=data.get("reference"),
            organisations=organisations,
            complainant_label=data.get("complainant_label"),
        )
        rules.add_to_form(self, problems)
        return data

    def clean_reference(self):
        try:
            reference = normalise_reference(self.cleaned_data["reference"])
        except InvalidReference as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        existing = Complaint.objects.filter(reference=reference).exclude(pk=self.instance.pk)
        self.existing_complaint = existing.first()
        if self.existing_complaint is not None:
            raise forms.ValidationError(
                f"A complaint with reference {reference} is already recorded.",
                code="duplicate",
            )
        return reference

    def clean_related_references(self):
        raw = self.cleaned_data["related_references"]
        references, bad = [], []
        for part in (p.strip() for p in raw.split(",")):
            if not part:
                continue
            try:
                references.append(normalise_reference(part))
            except InvalidReference:
                bad.append(part)
        if bad:
            raise forms.ValidationError(
                f"{', '.join(bad)}: not an LGSCO reference. Use the form 22 010 218."
            )
        found = {c.reference: c for c in Complaint.objects.filter(reference__in=references)}
        missing = [r for r in references if r not in found]
        if missing:
            raise forms.ValidationError(
                f"No complaint is recorded with reference {', '.join(missing)}."
            )
        return [found[r] for r in dict.fromkeys(references) if found[r].pk != self.instance.pk]


class DecisionForm(RefusesControlCharacters, ChooseLabels, forms.ModelForm):
    choose = {"outcome": "Choose an outcome"}

    class Meta:
        model = Decision
        fields = [
            "decision_date",
            "kind",
            "outcome",
            "satisfactory_remedy",
            "summary",
            "full_text",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "full_text": forms.Textarea(attrs={"rows": 6}),
        }
        field_classes = {"decision_date": DateField}
        labels = {"decision_date": "Date of decision"}
        error_messages = {
            "decision_date": {"required": rules.MISSING["decision_date"]},
            "outcome": {"required": rules.MISSING["outcome"]},
        }

    def clean(self):
        cleaned = super().clean()
        problems = rules.decision_problems(
            decision_date=cleaned.get("decision_date"),
            outcome=cleaned.get("outcome"),
            satisfactory_remedy=bool(cleaned.get("satisfactory_remedy")),
            today=timezone.localdate(),
        )
        rules.add_to_form(self, problems)
        return cleaned


class FindingForm(RefusesControlCharacters, ChooseLabels, forms.ModelForm):
    choose = {"fault": "Choose whether there was fault", "result": "Choose a result"}

    injustice = forms.NullBooleanField(
        required=False,
        label="Caused injustice",
        widget=forms.Select(choices=[("unknown", "Not stated"), ("true", "Yes"), ("false", "No")]),
    )

    class Meta:
        model = Finding
        fields = ["point", "fault", "injustice", "result"]
        widgets = {"point": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"point": {"required": rules.MISSING["point"]}}

    def clean(self):
        cleaned = super().clean()
        problems = rules.finding_problems(
            point=cleaned.get("point"), fault=cleaned.get("fault"), result=cleaned.get("result")
        )
        rules.add_to_form(self, problems)
        return cleaned


def finding_formset(*, extra: int, can_delete: bool):
    return forms.inlineformset_factory(
        Decision, Finding, form=FindingForm, formset=OwnRowsInlineFormSet, extra=extra,
        can_delete=can_delete,
    )  # fmt: skip


class DecisionBundle:
    """The complaint, decision, findings and actions of one page, validated together.

    ``complaint`` is given when a new decision is added to an existing complaint (a
    re-opened case): the complaint part is then not shown. ``decision`` is given on the
    edit page. ``extra_findings`` / ``extra_actions`` are the empty rows shown.
    """

    def __init__(
        self,
        data=None,
        *,
        complaint: Complaint | None = None,
        decision: Decision | None = None,
        extra_findings: int = 1,
        extra_actions: int = 2,
    ):
        self.editing = decision is not None
        self.complaint = decision.complaint if decision else complaint
        self.decision = decision
        self.complaint_form = (
            ComplaintForm(data, prefix="complaint", instance=self.complaint)
            if complaint is None
            else None
        )
        self.decision_form = DecisionForm(data, prefix="decision", instance=decision)
        self.findings = finding_formset(extra=extra_findings, can_delete=self.editing)(
            data, prefix="findings", instance=decision or Decision()
        )
        self.actions = agreed_action_formset(extra=extra_actions, can_delete=self.editing)(
            data, prefix="actions", instance=decision or Decision()
        )

    def _prepare_actions(self) -> None:
        """Give the actions formset what it needs from the other parts before it validates."""
        if self.decision_form.is_valid():
            self.actions.decision_date = self.decision_form.cleaned_data["decision_date"]
        organisations = None
        self.new_organisation_names = []
        if self.complaint_form is not None:
            if self.complaint_form.is_valid():
                organisations = list(self.complaint_form.cleaned_data["organisations"])
                self.new_organisation_names = self.complaint_form.cleaned_data["new_organisations"]
        elif self.complaint is not None:  # always: its part is left out only when it is given
            organisations = list(self.complaint.organisations.all())
        # A body to be added is one more, but not one an action can default to yet.
        if organisations and not self.new_organisation_names:
            self.actions.default_organisation = default_organisation(organisations)

    def action_form(self, index: int):
        """One action's form, to check on its own page: it may not be left empty."""
        self._prepare_actions()
        form = self.actions.forms[index]
        form.empty_permitted = False
        return form

    def is_valid(self) -> bool:
        self._prepare_actions()
        parts = [self.decision_form, self.findings, self.actions]
        if self.complaint_form is not None:
            parts.insert(0, self.complaint_form)
        valid = all([part.is_valid() for part in parts])  # validate every part
        named = {n.casefold() for n in self.new_organisation_names}
        for form in self.actions.forms:
            name = form.cleaned_data.get("new_organisation") if form.is_valid() else ""
            if name and name.casefold() not in named:
                form.add_error(
                    "new_organisation",
                    f"Add {name} under 'Organisations not yet recorded' too, or choose the "
                    "organisation from the list.",
                )
                valid = False
        if valid and not self.editing and self.complaint is not None:
            # A further decision is another day's: one of the same date is this one again.
            decided = self.decision_form.cleaned_data["decision_date"]
            if self.complaint.decisions.filter(decision_date=decided).exists():
                self.decision_form.add_error(
                    "decision_date",
                    f"Complaint {self.complaint.reference} already has a decision of "
                    f"{decided:%-d %B %Y}: it is recorded, not a further decision.",
                )
                valid = False
        if valid and self.editing:
            kept = [
                f.instance
                for f in self.actions.forms
                if f.instance.pk and not self.actions._should_delete_form(f)
            ]
            problems = decision_date_conflicts(
                kept, self.decision_form.cleaned_data["decision_date"], include_form_fields=False
            )
            for problem in problems:
                self.decision_form.add_error("decision_date", problem)
            valid = not problems
        return valid

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in page order."""
        items: list[tuple[str, str]] = []
        parts = [("", self.complaint_form), ("", self.decision_form)]
        parts += [(f"Finding {i}: ", f) for i, f in enumerate(self.findings.forms, 1)]
        parts += [(f"Action {i}: ", f) for i, f in enumerate(self.actions.forms, 1)]
        for label, form in parts:
            if form is None:
                continue
            for name, errors in form.errors.items():
                anchor = form[name].auto_id if name in form.fields else f"{form.prefix}-start"
                if name in form.fields and form[name].widget_type in (
                    "checkboxselectmultiple",
                    "radioselect",
                ):
                    anchor = f"{anchor}_0"
                items.extend((anchor, f"{label}{error}") for error in errors)
        for formset in (self.findings, self.actions):
            items.extend((f"{formset.prefix}-start", e) for e in formset.non_form_errors())
        return items

    # Clean data for decisions.recording, once is_valid() is True.

    def complaint_fields(self) -> dict:
        if self.complaint_form is None:
            raise ValueError("A further decision's complaint is recorded already: no fields.")
        data = dict(self.complaint_form.cleaned_data)
        return {
            "organisations": data.pop("organisations"),
            "new_organisations": data.pop("new_organisations"),
            "related": data.pop("related_references"),
            "fields": data,
        }

    def decision_fields(self) -> dict:
        return dict(self.decision_form.cleaned_data)

    def finding_rows(self) -> list[dict]:
        return _rows(self.findings, ["point", "fault", "injustice", "result"])

    def action_rows(self) -> list[dict]:
        rows = _rows(
            self.actions,
            [
                "kind", "description", "organisation", "new_organisation", "service_area",
                "owner", "payee_label", "amount", "deadline_phrase", "due_date", "status",
                "completed_on", "notes",
            ],
        )  # fmt: skip
        for row, form in zip(
            rows, (f for f in self.actions.forms if _kept(self.actions, f)), strict=True
        ):
            # A date typed in (or changed) by the officer wins over the wording; one left
            # untouched on an action whose date was worked out is worked out again.
            if "due_date" in form.changed_data or form.instance.pk is None:
                row["due_date_set_by_hand"] = row["due_date"] is not None
            else:
                row["due_date_set_by_hand"] = form.instance.due_date_set_by_hand
        return rows


def _kept(formset, form) -> bool:
    """A row that is either an existing record or a new row with something in it."""
    return form.instance.pk is not None or form.has_changed()


def _rows(formset, fields: list[str]) -> list[dict]:
    """Clean rows of a formset: ``id`` (None for new), the fields, and ``delete``."""
    rows = []
    for form in formset.forms:
        if not _kept(formset, form):
            continue
        row = {name: form.cleaned_data.get(name) for name in fields}
        row["id"] = form.instance.pk
        # An existing row the officer did not touch is not written again.
        row["changed"] = form.instance.pk is None or form.has_changed()
        row["delete"] = bool(formset.can_delete and formset._should_delete_form(form))
        rows.append(row)
    return rows


class EnquiryForm(RefusesControlCharacters, ChooseLabels, forms.ModelForm):
    choose = {"kind": "Choose which enquiry"}

    """An enquiry from the Ombudsman. With no due date given, the default period
    (ENQUIRY_DEFAULT_WORKING_DAYS working days after it was sent) is used."""

    class Meta:
        model = Enquiry
        fields = ["kind", "sent_on", "due_on", "answered_on", "notes"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"sent_on": DateField, "due_on": DateField, "answered_on": DateField}
        error_messages = {
            "kind": {"required": "Choose which enquiry this is."},
            "sent_on": {"required": "Enter the date the Ombudsman sent the enquiry."},
        }
        help_texts = {
            "due_on": "The date in the Ombudsman's letter. Leave empty to use the usual period.",
        }

    def clean(self):
        cleaned = super().clean()
        sent, due, answered = (cleaned.get(k) for k in ("sent_on", "due_on", "answered_on"))
        today = timezone.localdate()
        if sent and sent > today:
            self.add_error("sent_on", "The date sent cannot be in the future.")
        if sent and due and due < sent:
            self.add_error("due_on", "The answer cannot be due before the enquiry was sent.")
        if sent and answered and answered < sent:
            self.add_error("answered_on", "The answer cannot come before the enquiry was sent.")
        if answered and answered > today:
            self.add_error("answered_on", "The date answered cannot be in the future.")
        if sent and not due and not self.errors:
            cleaned["due_on"] = add_working_days(sent, settings.ENQUIRY_DEFAULT_WORKING_DAYS)
            self.instance.due_on = cleaned["due_on"]
        return cleaned


# --- The Ombudsman's annual review letter ------------------------------------------------


def _count(label: str, *, example: int, hint: str) -> forms.IntegerField:
    """A whole number from the letter, with messages that name it (GOV.UK: "Enter...")."""
    return forms.IntegerField(
        label=label[0].upper() + label[1:],
        min_value=0,
        max_value=1_000_000,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the number of {label}",
            "invalid": f"The number of {label} must be a whole number, like {example}",
            "min_value": f"The number of {label} must be 0 or more",
            "max_value": f"The number of {label} must be 1,000,000 or fewer",
        },
    )


def _figure(label: str, *, example: str, hint: str, percentage=False, required=True):
    """A figure the letter prints with at most one decimal place: a percentage from 0 to
    100, or upheld decisions per 100,000 residents."""
    most = 100 if percentage else 9999
    what = f"The {label}"
    # Django formats these messages with their limit: a percent sign is doubled.
    most_text = "100%% or less" if percentage else "9999 or less"
    return forms.DecimalField(
        label=label[0].upper() + label[1:] + (" (%)" if percentage else ""),
        required=required,
        min_value=0,
        max_value=most,
        decimal_places=1,
        max_digits=5,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {label}",
            "invalid": f"{what} must be a number, like {example}",
            "min_value": f"{what} must be 0 or more",
            "max_value": f"{what} must be {most_text}",
            "max_decimal_places": f"{what} can have one decimal place at most, like {example}",
            "max_digits": f"{what} can have one decimal place at most, like {example}",
            "max_whole_digits": f"{what} must be {most_text}",
        },
    )


class AnnualLetterForm(forms.Form):
    """The figures of the Ombudsman's annual review letter for one year, in the letter's
    order, and the averages for similar authorities it prints (only for a council the
    Ombudsman compares: ``with_averages``). Each hint says where the letter gives it."""

    investigations = _count(
        "detailed investigations",
        example=30,
        hint='Under "Complaints upheld": "Statistics are based on a total of 30 investigations".',
    )
    upheld = _count("upheld decisions", example=21, hint='For example "21 upheld decisions".')
    upheld_per_100k = _figure(
        "upheld decisions per 100,000 residents",
        example="3 or 4.5",
        hint='For example "This is 3 upheld decisions per 100,000 residents".',
    )
    compliance_outcomes = _count(
        "compliance outcomes",
        example=18,
        hint='Under "Compliance with Ombudsman recommendations": "Statistics are based on a '
        'total of 18 compliance outcomes".',
    )
    compliance_rate_percent = _figure(
        "compliance rate",
        example="100",
        hint='"In 100% of cases we were satisfied the organisation had successfully '
        'implemented our recommendations". Leave it empty if there were no compliance '
        "outcomes.",
        percentage=True,
        required=False,
    )
    satisfactory_remedies = _count(
        "satisfactory remedy decisions",
        example=2,
        hint='Under "Satisfactory remedy provided by the organisation": for example "2 '
        'satisfactory remedy decisions".',
    )
    average_upheld_rate = _figure(
        "average upheld rate",
        example="85",
        hint='"This compares to an average of 85% in similar organisations".',
        percentage=True,
        required=False,
    )
    average_upheld_per_100k = _figure(
        "average upheld decisions per 100,000 residents",
        example="4.5",
        hint='"The average for authorities of this type is 4.5 upheld decisions per 100,000 '
        'residents".',
        required=False,
    )
    average_compliance_rate = _figure(
        "average compliance rate",
        example="100",
        hint="The average beside the council's compliance rate.",
        percentage=True,
        required=False,
    )
    average_satisfactory_remedy = _figure(
        "average satisfactory remedy rate",
        example="7",
        hint="The average beside the council's satisfactory remedy rate.",
        percentage=True,
        required=False,
    )

    FIGURES = (
        "investigations", "upheld", "upheld_per_100k", "compliance_outcomes",
        "compliance_rate_percent", "satisfactory_remedies",
    )  # fmt: skip
    # The form's names of the averages, and ComparisonAverage's.
    AVERAGES = {
        "average_upheld_rate": "upheld_rate_percent",
        "average_upheld_per_100k": "upheld_per_100k",
        "average_compliance_rate": "compliance_rate_percent",
        "average_satisfactory_remedy": "satisfactory_remedy_percent",
    }

    def __init__(self, *args, with_averages: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_averages:
            for name in self.AVERAGES:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        investigations, upheld = cleaned.get("investigations"), cleaned.get("upheld")
        if investigations is not None and upheld is not None and upheld > investigations:
            self.add_error(
                "upheld",
                f"The upheld decisions cannot be more than the {investigations} detailed "
                "investigations",
            )
        satisfactory = cleaned.get("satisfactory_remedies")
        if upheld is not None and satisfactory is not None and satisfactory > upheld:
            self.add_error(
                "satisfactory_remedies",
                f"The satisfactory remedy decisions cannot be more than the {upheld} upheld "
                "decisions",
            )
        outcomes, rate = cleaned.get("compliance_outcomes"), cleaned.get("compliance_rate_percent")
        if "compliance_rate_percent" not in self.errors and outcomes is not None:
            if outcomes > 0 and rate is None:
                self.add_error("compliance_rate_percent", "Enter the compliance rate")
            elif outcomes == 0 and rate is not None:
                self.add_error(
                    "compliance_rate_percent",
                    "Leave the compliance rate empty: the letter has no compliance outcomes",
                )
        return cleaned

    def figures(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIGURES}

    def averages(self) -> dict | None:
        """ComparisonAverage's fields, or None when the form has no averages."""
        if "average_upheld_rate" not in self.fields:
            return None
        return {field: self.cleaned_data[name] for name, field in self.AVERAGES.items()}

    @classmethod
    def initial_from(cls, letter, average) -> dict:
        """The form's values for a letter already recorded and its year's averages."""
        initial = {}
        if letter is not None:
            initial = {name: getattr(letter, name) for name in cls.FIGURES}
        if average is not None:
            initial |= {name: getattr(average, field) for name, field in cls.AVERAGES.items()}
        return {k: _plain(v) for k, v in initial.items() if v is not None}


def _plain(value):
    """3.0 as "3", 4.5 as "4.5": the letter's way, not the database's."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value
