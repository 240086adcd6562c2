"""The report builder's two forms: what the report covers, then its front matter."""

from datetime import date
from typing import cast

from django import forms

from ombudsman.forms import DateField, RefusesControlCharacters
from ombudsman.timing import ombudsman_year_bounds, ombudsman_year_label, ombudsman_year_of

from .. import statistics
from ..models import COUNCIL_KINDS, CommitteeReport, Decision, Organisation, ServiceArea
from .content import Scope
from .drafts import FrontMatter

Kind = CommitteeReport.Kind


class ReportChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.complaint.reference}, {obj.decision_date:%-d %B %Y}"


def _areas(help_text: str = "Leave all unticked for every service area.") -> forms.Field:
    return forms.ModelMultipleChoiceField(
        label="Service areas",
        queryset=ServiceArea.objects.order_by("directorate", "service"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


def _unreported() -> forms.Field:
    return forms.BooleanField(
        label="Only decisions not yet reported to members",
        required=False,
        help_text="Leaves out upheld decisions already put before members in an earlier "
        "report (section 5A of the Local Government and Housing Act 1989).",
    )


class ReportScopeForm(RefusesControlCharacters, forms.Form):
    """Which report, and what it covers. Each kind of report has its own fields, named
    after it (``annual_areas``, ``upheld_areas`` ...): the builder shows only the chosen
    kind's (GOV.UK radios with conditional reveal), and a hidden kind's fields, which the
    browser still sends, are never read."""

    kind = forms.ChoiceField(
        label="Which report do you want to make?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which report to make",
            "invalid_choice": "Choose one of the kinds of report listed",
        },
    )
    # An annual report.
    year = forms.TypedChoiceField(
        label="Ombudsman year",
        coerce=int,
        required=False,
        help_text="1 April to 31 March.",
        error_messages={"invalid_choice": "Choose one of the Ombudsman years listed"},
    )
    annual_areas = _areas()
    annual_unreported = _unreported()
    # Upheld decisions in a period.
    period_start = DateField(label="Period from", required=False)
    period_end = DateField(label="Period to", required=False)
    organisation = forms.ModelChoiceField(
        label="Council",
        queryset=Organisation.objects.filter(kind__in=COUNCIL_KINDS).order_by("name"),
        required=False,
        empty_label="Our council (the home authority)",
        error_messages={"invalid_choice": "Choose one of the councils listed"},
    )
    upheld_areas = _areas()
    upheld_unreported = _unreported()
    # A public interest report.
    decision = ReportChoice(
        label="Public interest report",
        queryset=Decision.objects.filter(kind=Decision.Kind.REPORT)
        .select_related("complaint")
        .order_by("-decision_date"),
        required=False,
        empty_label="Choose a report",
        error_messages={"invalid_choice": "Choose one of the public interest reports listed"},
    )
    # Overdue remedies.
    overdue_areas = _areas()

    # The fields of each kind, in the order the builder shows them; those marked required
    # are needed for that kind (the form cannot say so to Django: the others' are hidden).
    KIND_FIELDS = {
        Kind.ANNUAL: ["year", "annual_areas", "annual_unreported"],
        Kind.UPHELD: [
            "period_start",
            "period_end",
            "organisation",
            "upheld_areas",
            "upheld_unreported",
        ],
        Kind.PUBLIC_INTEREST: ["decision"],
        Kind.OVERDUE: ["overdue_areas"],
    }
    REQUIRED_FOR_KIND = {"year", "period_start", "period_end", "decision"}

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        current = ombudsman_year_of(today)
        years = statistics.offered_years(today=today)  # the statistics page's list
        year = cast(forms.TypedChoiceField, self.fields["year"])  # the field declared above
        year.choices = [(y, ombudsman_year_label(y)) for y in years]
        # Unless chosen, the last complete Ombudsman year: what committees report on (the
        # latest before it with a decision when it has none, as it is then not offered).
        last = current - 1
        self.fields["year"].initial = next((y for y in years if y <= last), current)
        self.fields["period_start"].initial, self.fields["period_end"].initial = (
            ombudsman_year_bounds(last)
        )

    def kind_groups(self) -> list[dict]:
        """Each kind of report with its bound fields, for the radios' conditional reveal."""
        return [
            {
                "value": value,
                "label": label,
                "fields": [self[name] for name in self.KIND_FIELDS[Kind(value)]],
            }
            for value, label in Kind.choices
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # Only the chosen kind's fields count: a hidden kind's errors are not the user's.
        if kind in self.KIND_FIELDS:
            for other, names in self.KIND_FIELDS.items():
                if other != kind:
                    for name in names:
                        self.errors.pop(name, None)
        if kind == Kind.ANNUAL and not data.get("year") and "year" not in self.errors:
            self.add_error("year", "Choose the Ombudsman year the report is about")
        if kind == Kind.UPHELD:
            start, end = data.get("period_start"), data.get("period_end")
            if not start and "period_start" not in self.errors:
                self.add_error("period_start", "Enter the first day of the period")
            if not end and "period_end" not in self.errors:
                self.add_error("period_end", "Enter the last day of the period")
            if start and end and end < start:
                self.add_error("period_end", "The period must end on or after its first day")
            if start and start > self.today:
                self.add_error("period_start", "The period cannot start in the future")
        if kind == Kind.PUBLIC_INTEREST and not data.get("decision"):
            if "decision" not in self.errors:
                self.add_error(
                    "decision",
                    "Choose the public interest report"
                    if self.fields["decision"].queryset.exists()
                    else "No public interest report is recorded: log it as a decision of the "
                    "kind 'Report' first",
                )
        return data

    def scope(self) -> Scope:
        data = self.cleaned_data
        kind = data["kind"]
        start = end = None
        areas: list[ServiceArea] = []
        unreported = False
        if kind == Kind.ANNUAL:
            start, end = ombudsman_year_bounds(data["year"])
            areas, unreported = list(data["annual_areas"]), data["annual_unreported"]
        elif kind == Kind.UPHELD:
            start, end = data["period_start"], data["period_end"]
            areas, unreported = list(data["upheld_areas"]), data["upheld_unreported"]
        elif kind == Kind.OVERDUE:
            areas = list(data["overdue_areas"])
        return Scope(
            kind=kind,
            period_start=start,
            period_end=end,
            service_areas=areas,
            decision=data["decision"] if kind == Kind.PUBLIC_INTEREST else None,
            organisation=data["organisation"] if kind == Kind.UPHELD else None,
            unreported_only=bool(unreported),
            as_of=self.today,
        )


class FrontMatterForm(RefusesControlCharacters, forms.Form):
    """The committee paper's front matter, drafted from the data and edited by the
    monitoring officer."""

    meeting_title = forms.CharField(
        label="Title of meeting",
        max_length=200,
        error_messages={"required": "Enter the title of the meeting"},
    )
    meeting_date = DateField(
        label="Date of meeting", error_messages={"required": "Enter the date of the meeting"}
    )
    subject = forms.CharField(
        label="Subject", max_length=300, error_messages={"required": "Enter the subject"}
    )
    report_by = forms.CharField(
        label="Report by",
        max_length=200,
        help_text="A job title.",
        error_messages={"required": "Enter who the report is by, as a job title"},
    )
    wards_affected = forms.CharField(
        label="Wards affected",
        max_length=200,
        error_messages={"required": "Enter the wards affected, or All"},
    )
    for_information = forms.BooleanField(
        label="For information only (no decision is asked of the committee)", required=False
    )
    recommendations = forms.CharField(
        label="Recommendations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the committee is asked to decide. Needed unless the report is for "
        "information only.",
    )
    requested_by = forms.CharField(
        label="Requested by",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who asked for the report, or the duty it is made under. Left empty, the "
        "report has no such section.",
    )
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the purpose of the report"},
    )
    background = forms.CharField(
        label="Background",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Enter the background"},
    )
    conclusion = forms.CharField(
        label="Conclusion",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the conclusion"},
    )

    def clean(self):
        data = super().clean()
        if (
            "recommendations" not in self.errors  # refused already, with its reason
            and not data.get("for_information")
            and not (data.get("recommendations") or "").strip()
        ):
            self.add_error(
                "recommendations",
                "Enter the recommendations for decision, or tick 'For information only'",
            )
        return data

    def front_matter(self) -> FrontMatter:
        data = self.cleaned_data
        return FrontMatter(**{name: data[name] for name in FrontMatter.__dataclass_fields__})


class WithdrawForm(RefusesControlCharacters, forms.Form):
    reason = forms.CharField(
        label="Why is the report being withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, made for the wrong period. This is kept with the report.",
        error_messages={"required": "Enter why the report is being withdrawn"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why the report is being withdrawn")
        return reason
