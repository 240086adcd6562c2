"""Forms for agreed actions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from decisions.models import Decision
from ombudsman.forms import DateInput, PoundsField, UserChoiceField

from .models import AgreedAction


class AgreedActionForm(forms.ModelForm):
    """One agreed action, as a row of the log-a-decision page.

    The due date may be left empty: it is then worked out from the deadline wording and the
    decision date (see ``remedies.deadlines``). A date typed in by hand wins.
    """

    amount = PoundsField(label="Amount (£)", required=False)
    new_organisation = forms.CharField(
        label="Or a body not yet recorded",
        required=False,
        max_length=200,
        help_text="Its name, as listed under 'Organisations not yet recorded'.",
    )
    owner = UserChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name"),
        required=False,
    )

    class Meta:
        model = AgreedAction
        fields = [
            "kind",
            "description",
            "organisation",
            "service_area",
            "owner",
            "payee_label",
            "amount",
            "deadline_phrase",
            "due_date",
            "status",
            "completed_on",
            "notes",
        ]
        widgets = {
            "due_date": DateInput(),
            "completed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "kind": {"required": "Choose what kind of action this is."},
            "organisation": {"required": "Choose the organisation that must do this."},
        }
        labels = {"deadline_phrase": "Deadline, as the decision words it"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh row must be able to stay empty: "open" is only a default.
        self.fields["status"].required = False
        self.fields["organisation"].required = False

    # Set by the formset from the decision being logged (see BaseAgreedActionFormSet).
    decision_date = None
    default_organisation = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):
            cleaned["new_organisation"] = ""  # one chosen from the list wins
        elif cleaned.get("new_organisation"):
            pass  # recorded with the complaint's new organisations when saved
        elif not cleaned.get("organisation"):
            if self.default_organisation is not None:
                cleaned["organisation"] = self.default_organisation
            else:
                self.add_error("organisation", "Choose the organisation that must do this.")
        status = cleaned.get("status") or AgreedAction.Status.OPEN
        cleaned["status"] = status
        completed_on = cleaned.get("completed_on")
        if status == AgreedAction.Status.DONE and not completed_on:
            self.add_error("completed_on", "Enter the date the action was completed.")
        if status != AgreedAction.Status.DONE and completed_on:
            self.add_error("status", "An action with a completion date must be marked done.")
        if cleaned.get("amount") is not None and cleaned.get("kind") not in (
            None,
            AgreedAction.Kind.FINANCIAL,
        ):
            self.add_error("amount", "Only a financial remedy has an amount.")
        if self.decision_date is not None:
            due = cleaned.get("due_date")
            # A date worked out from the wording is worked out again from the new decision
            # date, so only a date typed in (now or before) is checked against it.
            typed = (
                self.instance.pk is None
                or "due_date" in self.changed_data
                or self.instance.due_date_set_by_hand
            )
            if due and typed and due < self.decision_date:
                self.add_error(
                    "due_date",
                    "The due date cannot be before the decision date "
                    f"({self.decision_date:%-d %B %Y}).",
                )
            if completed_on and completed_on < self.decision_date:
                self.add_error(
                    "completed_on",
                    "The completion date cannot be before the decision date "
                    f"({self.decision_date:%-d %B %Y}).",
                )
        return cleaned

    def has_changed(self):
        # The status select always posts "open"; a row with nothing else is an empty row.
        if self.instance.pk is not None:
            return super().has_changed()
        return any(name != "status" for name in self.changed_data)


class BaseAgreedActionFormSet(forms.BaseInlineFormSet):
    """Agreed actions of one decision.

    The view sets ``decision_date`` (from the decision form) and ``default_organisation``
    (when the complaint names a single organisation) before validating.
    """

    decision_date = None
    default_organisation = None

    # Drop-downs read from the database once per page, not once per row.
    shared_choice_fields = ("organisation", "service_area", "owner")

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.decision_date = self.decision_date
        form.default_organisation = self.default_organisation
        cache = self.__dict__.setdefault("_choices_cache", {})
        for name in self.shared_choice_fields:
            field = form.fields[name]
            if name not in cache:
                cache[name] = list(field.choices)
            field.choices = cache[name]
        return form


def agreed_action_formset(*, extra: int, can_delete: bool):
    return forms.inlineformset_factory(
        Decision,
        AgreedAction,
        form=AgreedActionForm,
        formset=BaseAgreedActionFormSet,
        extra=extra,
        can_delete=can_delete,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _not_before_decision(value, action, label):
    if value and value < action.decision_date:
        raise forms.ValidationError(
            f"{label} cannot be before the decision date ({action.decision_date:%-d %B %Y})."
        )


def _past_and_not_before_decision(value, action, label):
    """A date that has happened: not in the future, not before the decision."""
    _not_before_decision(value, action, label)
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


class CompleteActionForm(forms.Form):
    completed_on = forms.DateField(
        label="Date completed",
        widget=DateInput(),
        error_messages={
            "required": "Enter the date the action was completed.",
            "invalid": "Enter the date completed as a real date, like 13/03/2025.",
        },
    )
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say briefly what was done."},
    )
    files = MultipleFileField(
        label="Evidence files",
        required=False,
        help_text="PDF, Word, images, or e-mails saved as .eml or .msg. Their content is "
        "checked, not only their names.",
    )
    evidence_sent_on = forms.DateField(
        label="Evidence sent to the Ombudsman on",
        required=False,
        widget=DateInput(),
        help_text="Leave empty if it has not been sent yet.",
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_completed_on(self):
        return _past_and_not_before_decision(
            self.cleaned_data["completed_on"], self.action, "The completion date"
        )

    def clean_evidence_sent_on(self):
        return _past_and_not_before_decision(
            self.cleaned_data["evidence_sent_on"], self.action, "The date evidence was sent"
        )


class ExtensionForm(forms.Form):
    new_due_date = forms.DateField(
        label="New due date",
        widget=DateInput(),
        error_messages={
            "required": "Enter the new due date.",
            "invalid": "Enter the new due date as a real date, like 30/04/2025.",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the extension."},
    )
    agreed_in_writing = forms.BooleanField(
        label="The Ombudsman has agreed this new date in writing", required=False
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_new_due_date(self):
        value = self.cleaned_data["new_due_date"]
        current = self.action.effective_due_date
        if current and value <= current:
            raise forms.ValidationError(
                f"The new due date must be after the date now in force ({current:%-d %B %Y})."
            )
        _not_before_decision(value, self.action, "The new due date")
        return value


class ComplianceForm(forms.Form):
    evidence_sent_on = forms.DateField(
        label="Evidence sent to the Ombudsman on", required=False, widget=DateInput()
    )
    compliance_outcome = forms.ChoiceField(
        label="The Ombudsman's compliance outcome",
        choices=[("", "Not yet known"), *AgreedAction.ComplianceOutcome.choices],
        required=False,
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean_evidence_sent_on(self):
        return _past_and_not_before_decision(
            self.cleaned_data["evidence_sent_on"], self.action, "The date evidence was sent"
        )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("compliance_outcome")
        if outcome in ("complied", "complied_late") and self.action.status != "done":
            self.add_error(
                "compliance_outcome",
                "Mark the action done, with its completion date, before recording that "
                "the council complied.",
            )
        return cleaned
