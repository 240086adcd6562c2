"""Forms for agreed actions."""

import copy
import re
from datetime import date

from django import forms
from django.utils import timezone

from decisions.models import Decision, ServiceArea
from decisions.rules import add_to_form, not_before_decision, not_in_future
from ombudsman.forms import (
    ChooseLabels,
    DateField,
    PoundsField,
    RefusesControlCharacters,
    UserChoiceField,
)
from ombudsman.formsets import OwnRowsInlineFormSet

from . import rules
from .models import AgreedAction


class AgreedActionForm(RefusesControlCharacters, ChooseLabels, forms.ModelForm):
    """One agreed action, as a row of the log-a-decision page.

    The due date may be left empty: it is then worked out from the deadline wording and the
    decision date (see ``remedies.deadlines``). A date typed in by hand wins.
    """

    choose = {
        "kind": "Choose a kind of action",
        "organisation": "Choose an organisation",
        "service_area": "Choose a service area",
    }
    amount = PoundsField(label="Amount (£)", required=False)
    new_organisation = forms.CharField(
        label="Or a body not yet recorded",
        required=False,
        max_length=200,
        help_text="Its name, as listed under 'Organisations not yet recorded'.",
    )
    owner = UserChoiceField(required=False, empty_label="Choose an owner")

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
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "kind": {"required": rules.MISSING["kind"]},
            "organisation": {"required": rules.MISSING["organisation"]},
        }
        labels = {"deadline_phrase": "Deadline, as the decision words it"}
        help_texts = {
            "due_date": "Leave it empty to work it out from the deadline's wording.",
        }
        field_classes = {"due_date": DateField, "completed_on": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh row must be able to stay empty: "open" is only a default.
        self.fields["status"].required = False
        self.fields["organisation"].required = False

    # Set by the formset from the decision being logged (see BaseAgreedActionFormSet).
    decision_date: date | None = None
    default_organisation = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organisation"):
            cleaned["new_organisation"] = ""  # one chosen from the list wins
        elif not cleaned.get("new_organisation") and self.default_organisation is not None:
            # A new body named is recorded with the complaint's new organisations when saved.
            cleaned["organisation"] = self.default_organisation
        status = cleaned.get("status") or AgreedAction.Status.OPEN
        cleaned["status"] = status
        # A date worked out from the wording is worked out again from the new decision
        # date, so only a date typed in (now or before) is checked against it.
        typed = (
            self.instance.pk is None
            or "due_date" in self.changed_data
            or self.instance.due_date_set_by_hand
        )
        problems = rules.action_problems(
            kind=cleaned.get("kind"),
            organisation=cleaned.get("organisation") or cleaned.get("new_organisation"),
            amount=cleaned.get("amount"),
            status=status,
            completed_on=cleaned.get("completed_on"),
            due_date=cleaned.get("due_date") if typed else None,
            decision_date=self.decision_date,
        )
        add_to_form(self, problems)
        return cleaned

    def has_changed(self):
        # The status select always posts "open"; a row with nothing else is an empty row.
        if self.instance.pk is not None:
            return super().has_changed()
        return any(name != "status" for name in self.changed_data)


class BaseAgreedActionFormSet(OwnRowsInlineFormSet):
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
    message = not_before_decision(value, action.decision_date, label)
    if message:
        raise forms.ValidationError(message)


def _past_and_not_before_decision(value, action, label):
    """A date that has happened: not in the future, not before the decision."""
    _not_before_decision(value, action, label)
    message = not_in_future(value, timezone.localdate(), label)
    if message:
        raise forms.ValidationError(message)
    return value


class CompleteActionForm(RefusesControlCharacters, forms.Form):
    completed_on = DateField(
        label="Date completed",
        error_messages={"required": rules.MISSING["completed_on"]},
    )
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say briefly what was done."},
    )
    # The metaclass moves declared fields into base_fields, so this does not replace the
    # form's uploaded ``files``; the stubs see a class attribute of another type.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Evidence files",
        required=False,
        help_text="PDF, Word, images, or e-mails saved as .eml or .msg. Their content is "
        "checked, not only their names.",
    )
    evidence_sent_on = DateField(
        label="Evidence sent to the Ombudsman on",
        required=False,
        help_text="Leave empty if it has not been sent yet.",
    )

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action.kind == AgreedAction.Kind.REPORT_TO_COMMITTEE:
            # Completing it records the decision as reported to members, at this committee.
            self.fields["committee"] = forms.CharField(
                label="Committee that considered it",
                max_length=200,
                help_text="For example, Audit and Standards Committee. The decision is "
                "recorded as reported to members at this committee on the date completed.",
                error_messages={"required": "Enter the committee that considered the decision"},
            )
            self.order_fields(["completed_on", "committee"])

    def clean_completed_on(self):
        return _past_and_not_before_decision(
            self.cleaned_data["completed_on"], self.action, "The completion date"
        )

    def clean_evidence_sent_on(self):
        return _past_and_not_before_decision(
            self.cleaned_data["evidence_sent_on"], self.action, "The date evidence was sent"
        )


class ExtensionForm(RefusesControlCharacters, forms.Form):
    new_due_date = DateField(
        label="New due date",
        error_messages={
            "required": "Enter the new due date.",
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


class ComplianceForm(RefusesControlCharacters, forms.Form):
    evidence_sent_on = DateField(label="Evidence sent to the Ombudsman on", required=False)
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
        problems = rules.compliance_problems(
            compliance_outcome=cleaned.get("compliance_outcome") or "", status=self.action.status
        )
        add_to_form(self, problems)
        return cleaned


# --- Changing one action, and assigning several at once -----------------------------------


class ActionChangeForm(AgreedActionForm):
    """One agreed action on its own Change page: what it is, who must do it, by when and
    who answers for it. The rules are those of the log-a-decision row (the due date not
    before the decision, an amount only on a financial remedy...). Completion, extensions
    and the compliance outcome have pages of their own.

    ``due_date_set_by_hand`` in the cleaned data: a date typed or changed here wins over
    the wording; one left as shown keeps how it was set; none means "work it out"."""

    # The page offers the bodies recorded, not new ones: None drops an inherited declared
    # field, as Django documents, which the stubs read as a field of another type.
    new_organisation = None  # type: ignore[assignment]

    class Meta(AgreedActionForm.Meta):
        # "status" only because the row form's __init__ adjusts it: removed below.
        fields = [
            "kind", "description", "organisation", "payee_label", "amount", "deadline_phrase",
            "due_date", "service_area", "owner", "notes", "status",
        ]  # fmt: skip
        labels = {
            **AgreedActionForm.Meta.labels,
            "kind": "Kind of action",
            "organisation": "Organisation that must do it",
            "payee_label": "Payee",
            "due_date": "Due date",
        }
        help_texts = {
            "payee_label": 'Anonymised, as the Ombudsman writes it: "Mr X".',
            "due_date": "Leave empty to work it out from the deadline wording.",
            "owner": "Leave empty for the lead of the service area.",
        }

    def __init__(self, *args, action: AgreedAction, **kwargs):
        # A copy: a refused form must not change the action the page shows around it.
        super().__init__(*args, instance=copy.copy(action), **kwargs)
        del self.fields["status"]  # the action keeps its own: completion has its page
        self.decision_date = action.decision_date
        # The row form declares the owner's field (people with a role), so its hint is set here.
        self.fields["owner"].help_text = self.Meta.help_texts["owner"]
        area = action.decision.complaint.service_area
        if area is not None:
            hint = f"Leave empty for the complaint's service area ({area})."
            self.fields["service_area"].help_text = hint

    def clean(self):
        cleaned = super().clean()
        cleaned.pop("status", None)  # the row form's default "open", not this page's
        if "due_date" in self.changed_data:
            cleaned["due_date_set_by_hand"] = cleaned.get("due_date") is not None
        else:
            cleaned["due_date_set_by_hand"] = self.instance.due_date_set_by_hand
        return cleaned


class ActionVersionsField(forms.Field):
    """The actions chosen in a list, each sent as "<id>:<version the list showed>"; cleans
    to a dict of id to version."""

    widget = forms.MultipleHiddenInput
    most = 1000
    default_error_messages = {
        "required": "Select the actions to assign.",
        "invalid": "The actions selected could not be read: go back and select them again.",
        "too_many": "Select at most 1,000 actions at once.",
    }

    def to_python(self, value) -> dict[int, int]:
        if not value:
            return {}
        if not isinstance(value, list | tuple):
            value = [value]
        if len(value) > self.most:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many")
        chosen = {}
        for item in value:
            found = re.fullmatch(r"([0-9]{1,18}):([0-9]{1,9})", str(item))
            if found is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            chosen[int(found[1])] = int(found[2])
        return chosen


class AssignForm(RefusesControlCharacters, forms.Form):
    """Several actions, chosen in a list, to be given an owner, a service area or both."""

    actions = ActionVersionsField(label="Actions")
    owner = UserChoiceField(
        required=False,
        label="Owner",
        empty_label="Choose an owner",
        help_text="Leave as it is to keep each action's owner (an owner who was only the "
        "old service area's lead becomes the new one's).",
    )
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.all(),
        required=False,
        label="Service area",
        empty_label="Choose a service area",
        help_text="Leave as it is to keep each action's service area.",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            not self.has_error("owner")
            and not self.has_error("service_area")
            and cleaned.get("owner") is None
            and cleaned.get("service_area") is None
        ):
            self.add_error("owner", "Choose an owner, a service area or both.")
        return cleaned
