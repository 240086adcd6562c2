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


class ReportScopeForm(RefusesControlCharacters, forms.Form):
    """Which report, for which period, service areas and decision."""

    kind = forms.ChoiceField(label="Report", choices=Kind.choices, widget=forms.RadioSelect)
    year = forms.TypedChoiceField(
        label="Ombudsman year (annual report)",
        coerce=int,
        required=False,
        help_text="1 April to 31 March.",
    )
    period_start = DateField(label="Period from (upheld decisions)", required=False)
    period_end = DateField(label="Period to (upheld decisions)", required=False)
    organisation = forms.ModelChoiceField(
        label="Council (upheld decisions)",
        queryset=Organisation.objects.filter(kind__in=COUNCIL_KINDS).order_by("name"),
        required=False,
        empty_label="Our council (the home authority)",
    )
    decision = ReportChoice(
        label="Public interest report",
        queryset=Decision.objects.filter(kind=Decision.Kind.REPORT)
        .select_related("complaint")
        .order_by("-decision_date"),
        required=False,
        empty_label="Choose a report",
    )
    service_areas = forms.ModelMultipleChoiceField(
        label="Service areas",
        queryset=ServiceArea.objects.order_by("directorate", "service"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every service area.",
    )
    unreported_only = forms.BooleanField(
        label="Only decisions not yet reported to members",
        required=False,
        help_text="Leaves out upheld decisions already put before members in an earlier "
        "report (section 5A of the Local Government and Housing Act 1989).",
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        current = ombudsman_year_of(today)
        years = statistics.selectable_years(
            statistics.years_with_decisions(statistics.home_authority()),
            current=current,
            chosen=current - 1,
        )
        year = cast(forms.TypedChoiceField, self.fields["year"])  # the field declared above
        year.choices = [(y, ombudsman_year_label(y)) for y in years]
        # Unless chosen, the last complete Ombudsman year: what committees report on.
        last = current - 1
        self.fields["year"].initial = last
        self.fields["period_start"].initial, self.fields["period_end"].initial = (
            ombudsman_year_bounds(last)
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.ANNUAL and not data.get("year"):
            self.add_error("year", "Choose the Ombudsman year the report is about.")
        if kind == Kind.UPHELD:
            start, end = data.get("period_start"), data.get("period_end")
            if not start and "period_start" not in self.errors:
                self.add_error("period_start", "Enter the first day of the period.")
            if not end and "period_end" not in self.errors:
                self.add_error("period_end", "Enter the last day of the period.")
            if start and end and end < start:
                self.add_error("period_end", "The period must end on or after its first day.")
            if start and start > self.today:
                self.add_error("period_start", "The period cannot start in the future.")
        if kind == Kind.PUBLIC_INTEREST and not data.get("decision"):
            self.add_error(
                "decision",
                "Choose the public interest report."
                if self.fields["decision"].queryset.exists()
                else "No public interest report is recorded: log it as a decision of the "
                "kind 'Report' first.",
            )
        return data

    def scope(self) -> Scope:
        data = self.cleaned_data
        kind = data["kind"]
        start = end = None
        if kind == Kind.ANNUAL:
            start, end = ombudsman_year_bounds(data["year"])
        elif kind == Kind.UPHELD:
            start, end = data["period_start"], data["period_end"]
        return Scope(
            kind=kind,
            period_start=start,
            period_end=end,
            service_areas=list(data["service_areas"]) if kind != Kind.PUBLIC_INTEREST else [],
            decision=data["decision"] if kind == Kind.PUBLIC_INTEREST else None,
            organisation=data["organisation"] if kind == Kind.UPHELD else None,
            unreported_only=bool(data["unreported_only"]) and kind in (Kind.UPHELD, Kind.ANNUAL),
            as_of=self.today,
        )


class FrontMatterForm(RefusesControlCharacters, forms.Form):
    """The committee paper's front matter, drafted from the data and edited by the
    monitoring officer."""

    meeting_title = forms.CharField(label="Title of meeting", max_length=200)
    meeting_date = DateField(label="Date of meeting")
    subject = forms.CharField(label="Subject", max_length=300)
    report_by = forms.CharField(label="Report by", max_length=200, help_text="A job title.")
    wards_affected = forms.CharField(label="Wards affected", max_length=200)
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
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    background = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    conclusion = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def clean(self):
        data = super().clean()
        if (
            "recommendations" not in self.errors  # refused already, with its reason
            and not data.get("for_information")
            and not (data.get("recommendations") or "").strip()
        ):
            self.add_error(
                "recommendations",
                "Enter the recommendations for decision, or tick 'For information only'.",
            )
        return data

    def front_matter(self) -> FrontMatter:
        data = self.cleaned_data
        return FrontMatter(**{name: data[name] for name in FrontMatter.__dataclass_fields__})
