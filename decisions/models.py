"""Complaints at the Ombudsman, its decisions and findings, and the bodies involved.

Vocabulary follows the Ombudsman's own documents: a *complaint* is the case with its LGSCO
reference; each *decision* on it (a re-opened case gets another) has an outcome in the
Ombudsman's words, *findings* per complaint point, and agreed actions (in `remedies`).
"""

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Concat, Replace, Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ombudsman.indexes import SortIndex, TrigramIndex
from ombudsman.timing import ombudsman_year_label
from ombudsman.versioning import Versioned
from remedies.choices import ActionStatus

from .references import EXPECTED_FORM, STORED, reference_slug


class Organisation(models.Model):
    """A body in the Ombudsman's jurisdiction: a council, an NHS body or a provider."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County council"
        DISTRICT = "district", "District council"
        METROPOLITAN = "metropolitan", "Metropolitan borough"
        UNITARY = "unitary", "Unitary council"
        LONDON_BOROUGH = "london_borough", "London borough"
        NHS_TRUST = "nhs_trust", "NHS trust"
        ICB = "icb", "Integrated care board"
        PROVIDER = "provider", "Provider acting for a council"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=60, blank=True, help_text='How decisions refer to it, e.g. "the Council".'
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text="Residents, for upheld decisions per 100,000."
    )
    is_home_authority = models.BooleanField(
        default=False, help_text="The council this installation belongs to (only one)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_home_authority"],
                condition=Q(is_home_authority=True),
                name="organisation_one_home_authority",
                violation_error_message="Only one organisation can be the home authority.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """A directorate and service of the council, with its lead officer."""

    directorate = models.CharField(max_length=120)
    service = models.CharField(max_length=120)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_service_areas",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["directorate", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["directorate", "service"], name="service_area_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.directorate, self.service)

    @staticmethod
    def name_of(directorate: str, service: str) -> str:
        """How a service area is named everywhere: "Children's Services: Education"."""
        return f"{directorate}: {service}"

    @staticmethod
    def name_in_row(row: dict, prefix: str = "service_area__") -> str:
        """The name from a ``values()`` row holding ``<prefix>directorate`` and
        ``<prefix>service``; "" when the row has no service area."""
        if row.get(f"{prefix}service") is None:
            return ""
        return ServiceArea.name_of(row[f"{prefix}directorate"], row[f"{prefix}service"])

    @staticmethod
    def name_expression(prefix: str = "") -> Concat:
        """The same name worked out in the database, for grouping and ordering."""
        return Concat(
            f"{prefix}directorate", Value(": "), f"{prefix}service", output_field=CharField()
        )


class Category(models.Model):
    """The Ombudsman's two-level taxonomy, e.g. "Adult care services > Residential care"."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Empty for a top-level category.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["parent__name", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_in_parent"),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="category_unique_top_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.parent.name if self.parent is not None else None, self.name)

    @staticmethod
    def name_of(parent: str | None, name: str) -> str:
        """How a category is named everywhere: "Adult care services > Charging" (a top-level
        one, with no ``parent``, by its own name)."""
        return f"{parent} > {name}" if parent is not None else name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Categories have two levels: choose a top level."})


reference_validator = RegexValidator(
    STORED, message=f"Enter the Ombudsman reference as {EXPECTED_FORM}."
)


# Kept by decisions.complaint_columns from the complaint's decisions and actions.
LIST_COLUMNS = [
    "latest_decision", "latest_decision_date", "latest_outcome", "latest_kind",
    "open_actions", "area_directorate", "area_service",
]  # fmt: skip


def has_open_actions_q() -> Q:
    """A complaint with an agreed action still open: its kept count above nought (the
    decisions list's filter, its index, its download)."""
    return Q(open_actions__gt=0)


def reference_compact() -> Replace:
    """A complaint's reference without its spaces ("22010218"), which the list's search
    looks in (``decisions.references.compact`` of the words) and its index holds."""
    return Replace("reference", Value(" "), Value(""))


def _sort_indexes(name: str, *fields: str) -> list[models.Index]:
    """The indexes of one sort of the list: ``fields`` ascending, and all descending with
    empty values last (``ombudsman.listing.SortedFilterSet.sorted_qs``)."""
    return [
        models.Index(fields=list(fields), name=f"complaint_{name}_asc"),
        SortIndex(
            *(F(field).desc(nulls_last=True) for field in fields), name=f"complaint_{name}_desc"
        ),
    ]


class Complaint(Versioned):
    """A case at the Ombudsman, known by its LGSCO reference."""

    reference = models.CharField(
        "LGSCO reference",
        max_length=12,
        unique=True,
        validators=[reference_validator],
        error_messages={"unique": "A complaint with this LGSCO reference already exists."},
    )
    council_reference = models.CharField("council's own reference", max_length=60, blank=True)
    complainant_label = models.CharField(
        max_length=60,
        blank=True,
        help_text='The anonymised label the Ombudsman uses, e.g. "Mr X". Never a real name.',
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="complaints", verbose_name="organisations complained about"
    )
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name="officer in charge",
    )
    received_on = models.DateField("date the Ombudsman told us", null=True, blank=True)
    related = models.ManyToManyField(
        "self",
        blank=True,
        verbose_name="related complaints",
        help_text="Earlier or re-opened cases, or the complaint behind an own-initiative "
        "investigation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # What the decisions list shows, filters and sorts by, kept on the complaint so that a
    # page of the list reads one page of an index rather than every complaint's decisions
    # and actions. Only decisions.complaint_columns writes them, from the records, in the
    # transaction of each write to them (see there); never edited, nor kept in history.
    latest_decision = models.ForeignKey(
        "Decision", on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    # Null without a decision, so that such a complaint sorts last as empty values do.
    latest_decision_date = models.DateField(null=True, editable=False)
    latest_outcome = models.CharField(max_length=20, null=True, editable=False)  # noqa: DJ001
    latest_kind = models.CharField(max_length=10, null=True, editable=False)  # noqa: DJ001
    open_actions = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many of its agreed actions are open."
    )
    # Its service area's names, for sorting by service area without joining every row;
    # null without one, so that it sorts last as the join's nulls did.
    area_directorate = models.CharField(max_length=120, null=True, editable=False)  # noqa: DJ001
    area_service = models.CharField(max_length=120, null=True, editable=False)  # noqa: DJ001

    history = HistoricalRecords(m2m_fields=[organisations], excluded_fields=LIST_COLUMNS)

    class Meta:
        ordering = ["-reference"]
        indexes = [
            # One for each way the decisions list sorts (decisions.filters.ComplaintFilter:
            # ascending, and descending with empty values last), so that a page is the
            # first rows of an index; reference ascending has its unique index.
            *_sort_indexes("decided", "latest_decision_date", "reference"),
            *_sort_indexes("outcome", "latest_outcome", "reference"),
            *_sort_indexes("area", "area_directorate", "area_service", "reference"),
            SortIndex(F("reference").desc(nulls_last=True), name="complaint_reference_desc"),
            # "Has open actions", yes or no, and the number of complaints listed without a
            # filter: counted from this small index alone.
            models.Index(fields=["open_actions"], name="complaint_open_actions"),
            # "Has open actions": the newest first.
            SortIndex(
                F("latest_decision_date").desc(nulls_last=True),
                F("reference").desc(nulls_last=True),
                name="complaint_open_decided_desc",
                condition=has_open_actions_q(),
            ),
            # The list's search (decisions.filters.ComplaintFilter.filter_text): part of a
            # reference, and the council's own reference, whatever their case.
            TrigramIndex(
                OpClass(Upper(reference_compact()), name="gin_trgm_ops"),
                name="complaint_reference_trgm",
            ),
            models.Index(Upper("council_reference"), name="complaint_council_ref_upper"),
        ]
        # Without it a person sees only the cases of the service areas they lead and the
        # actions they own (remedies.selectors.sees_every_case and the rules after it).
        permissions = [
            (
                "view_every_complaint",
                "Can see the complaints, decisions, actions and evidence of every service area",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        # The list columns are decisions.complaint_columns' to write: a complaint saved
        # from a copy in hand never puts back the values it was read with.
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in LIST_COLUMNS
            ]
        super().save(*args, **kwargs)

    @property
    def slug(self) -> str:
        return reference_slug(self.reference)

    @property
    def has_open_actions(self) -> bool:
        return self.open_actions > 0

    @property
    def service_area_name(self) -> str | None:
        """Its service area's name from the names it keeps (no read of the service
        area); None without one."""
        if self.area_directorate is None:
            return None
        return ServiceArea.name_of(self.area_directorate, self.area_service or "")


def past_due_q(day) -> Q:
    """Not answered and due before ``day``: on its due date an answer is not yet late."""
    return Q(answered_on__isnull=True, due_on__lt=day)


class EnquiryQuerySet(models.QuerySet):
    """When an enquiry's answer is owed: the one definition the dashboard, the list of
    enquiries past due, the sweep and My actions use."""

    def unanswered(self) -> "EnquiryQuerySet":
        return self.filter(answered_on__isnull=True)

    def past_due_on(self, day) -> "EnquiryQuerySet":
        return self.filter(past_due_q(day))


class Enquiry(models.Model):
    """A request from the Ombudsman during an investigation, with its own deadline."""

    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial enquiries"
        FURTHER = "further", "Further enquiries"
        DRAFT = "draft", "Comments on a draft decision"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="enquiries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField("date sent by the Ombudsman")
    due_on = models.DateField("date the answer is due", null=True, blank=True)
    answered_on = models.DateField("date answered", null=True, blank=True)
    notes = models.TextField(blank=True)
    # Set by the overdue sweep on the first morning the answer is found past its date.
    overdue_since = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["sent_on"]
        verbose_name_plural = "enquiries"
        indexes = [models.Index(fields=["answered_on", "due_on"], name="enquiry_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("sent_on")),
                name="enquiry_due_not_before_sent",
                violation_error_message="The answer cannot be due before the enquiry was sent.",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=models.F("sent_on")),
                name="enquiry_answer_not_before_sent",
                violation_error_message="The answer cannot come before the enquiry was sent.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.complaint}"

    @property
    def is_answered_late(self) -> bool:
        return bool(self.answered_on and self.due_on and self.answered_on > self.due_on)

    def days_overdue(self, today) -> int:
        if self.answered_on or not self.due_on:
            return 0
        return max(0, (today - self.due_on).days)


class Decision(Versioned):
    """One decision of the Ombudsman on a complaint."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", "Decision statement"
        REPORT = "report", "Report (public interest report)"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        CLOSED_AFTER_INITIAL_ENQUIRIES = (
            "closed_initial",
            "Closed after initial enquiries",
        )
        REFERRED_BACK = "referred_back", "Referred back for local resolution"
        INCOMPLETE_INVALID = "incomplete", "Incomplete/invalid"
        ADVICE_GIVEN = "advice", "Advice given"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="decisions")
    decision_date = models.DateField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATEMENT)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, db_index=True)
    satisfactory_remedy = models.BooleanField(
        "council had already provided a satisfactory remedy",
        default=False,
        help_text="Upheld, and the Ombudsman agreed with how the council had already put "
        "things right.",
    )
    summary = models.TextField(blank=True)
    full_text = models.TextField("full text of the decision", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decision_date", "-id"]
        indexes = [
            models.Index(fields=["complaint", "-decision_date", "-id"], name="decision_latest"),
            # The decisions list's search: words anywhere in a summary, whatever their case.
            TrigramIndex(
                OpClass(Upper("summary"), name="gin_trgm_ops"), name="decision_summary_trgm"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfactory_remedy=False) | Q(outcome="upheld"),
                name="decision_satisfactory_remedy_only_if_upheld",
                violation_error_message="Only an upheld decision can record a satisfactory "
                "remedy already provided by the council.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} ({self.decision_date:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.pk])

    @property
    def is_report(self) -> bool:
        return self.kind == self.Kind.REPORT


class Finding(models.Model):
    """The Ombudsman's view on one point of the complaint."""

    class Fault(models.TextChoices):
        YES = "yes", "Fault"
        NO = "no", "No fault"
        NO_FINDING = "no_finding", "No finding"

    class Result(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly", "Partly upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        NO_FINDING = "no_finding", "No finding"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="findings")
    point = models.TextField("complaint point")
    fault = models.CharField(max_length=12, choices=Fault.choices, blank=True)
    injustice = models.BooleanField("caused injustice", null=True, blank=True)
    result = models.CharField(max_length=12, choices=Result.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(fault="") | ~Q(result=""),
                name="finding_has_fault_or_result",
                violation_error_message="Record the fault finding, the result, or both.",
            ),
        ]

    def __str__(self) -> str:
        return self.point[:60]


# The kinds of council the Ombudsman compares with one another in its annual review letters.
COUNCIL_KINDS = [
    Organisation.Kind.COUNTY,
    Organisation.Kind.DISTRICT,
    Organisation.Kind.METROPOLITAN,
    Organisation.Kind.UNITARY,
    Organisation.Kind.LONDON_BOROUGH,
]


def _published_average(label: str, *, percentage: bool = False) -> models.DecimalField:
    """One of the Ombudsman's published averages: one decimal place, empty when it
    published none; a percentage is from 0 to 100."""
    return models.DecimalField(
        label,
        max_digits=4 if percentage else 5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), *([MaxValueValidator(100)] if percentage else [])],
        help_text="Leave empty if the Ombudsman did not publish this average.",
    )


class ComparisonAverage(models.Model):
    """The Ombudsman's published averages for one kind of council in one Ombudsman year
    (1 April to 31 March), entered by an administrator from its annual review letters."""

    ombudsman_year = models.PositiveSmallIntegerField(
        "Ombudsman year",
        validators=[MinValueValidator(1974), MaxValueValidator(2100)],
        help_text="The year it starts in: 2023 for 2023-24 (1 April 2023 to 31 March 2024).",
    )
    authority_kind = models.CharField(
        "kind of authority", max_length=20, choices=[(k.value, k.label) for k in COUNCIL_KINDS]
    )
    upheld_rate_percent = _published_average("upheld rate (%)", percentage=True)
    upheld_per_100k = _published_average("upheld decisions per 100,000 residents")
    compliance_rate_percent = _published_average("compliance rate (%)", percentage=True)
    satisfactory_remedy_percent = _published_average(
        "satisfactory remedy rate (%)", percentage=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ombudsman_year", "authority_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["ombudsman_year", "authority_kind"],
                name="comparison_average_once_per_year_and_kind",
                violation_error_message="Averages for this kind of authority and year are "
                "already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(upheld_rate_percent__isnull=True)
                | Q(upheld_rate_percent__gte=0, upheld_rate_percent__lte=100),
                name="comparison_average_upheld_rate_is_a_percentage",
                violation_error_message="The upheld rate is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(upheld_per_100k__isnull=True) | Q(upheld_per_100k__gte=0),
                name="comparison_average_per_100k_not_negative",
                violation_error_message="Upheld decisions per 100,000 cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(compliance_rate_percent__isnull=True)
                | Q(compliance_rate_percent__gte=0, compliance_rate_percent__lte=100),
                name="comparison_average_compliance_rate_is_a_percentage",
                violation_error_message="The compliance rate is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(satisfactory_remedy_percent__isnull=True)
                | Q(satisfactory_remedy_percent__gte=0, satisfactory_remedy_percent__lte=100),
                name="comparison_average_satisfactory_remedy_is_a_percentage",
                violation_error_message="The satisfactory remedy rate is a percentage from 0 "
                "to 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_authority_kind_display()} averages, {self.year_label}"

    @property
    def year_label(self) -> str:
        """The year as the Ombudsman writes it: "2023-24"."""
        return ombudsman_year_label(self.ombudsman_year)


class AnnualLetter(models.Model):
    """The figures of the Ombudsman's annual review letter for one Ombudsman year, as the
    letter prints them, entered by a manager when the letter arrives: the statistics page
    sets them beside the product's own count. One letter a year. The averages for similar
    authorities the letter also prints are kept with the others in ComparisonAverage."""

    ombudsman_year = models.PositiveSmallIntegerField(
        "Ombudsman year",
        unique=True,
        validators=[MinValueValidator(1974), MaxValueValidator(2100)],
        error_messages={"unique": "The letter for this year is already recorded."},
    )
    investigations = models.PositiveIntegerField("detailed investigations")
    upheld = models.PositiveIntegerField("upheld decisions")
    upheld_per_100k = models.DecimalField(
        "upheld decisions per 100,000 residents",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    compliance_outcomes = models.PositiveIntegerField("compliance outcomes")
    compliance_rate_percent = models.DecimalField(
        "compliance rate (%)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Empty when the letter has no compliance outcomes.",
    )
    satisfactory_remedies = models.PositiveIntegerField("satisfactory remedy decisions")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-ombudsman_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upheld__lte=F("investigations")),
                name="annual_letter_upheld_within_investigations",
                violation_error_message="Upheld decisions cannot outnumber the detailed "
                "investigations.",
            ),
            models.CheckConstraint(
                condition=Q(satisfactory_remedies__lte=F("upheld")),
                name="annual_letter_satisfactory_within_upheld",
                violation_error_message="Satisfactory remedy decisions cannot outnumber the "
                "upheld decisions.",
            ),
            models.CheckConstraint(
                condition=Q(compliance_outcomes=0, compliance_rate_percent__isnull=True)
                | Q(
                    compliance_outcomes__gt=0,
                    compliance_rate_percent__gte=0,
                    compliance_rate_percent__lte=100,
                ),
                name="annual_letter_compliance_rate_with_outcomes",
                violation_error_message="A compliance rate from 0 to 100% goes with compliance "
                "outcomes, and none without.",
            ),
            models.CheckConstraint(
                condition=Q(upheld_per_100k__gte=0),
                name="annual_letter_per_100k_not_negative",
                violation_error_message="Upheld decisions per 100,000 cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"Annual review letter {self.year_label}"

    @property
    def year_label(self) -> str:
        return ombudsman_year_label(self.ombudsman_year)


# The statistics page's figures, kept per Ombudsman year (decisions.statistics.summary):
# the writing services add what each write changes, in its transaction, and a nightly
# job rebuilds them all from the records. Nobody edits them.


class YearSummary(models.Model):
    """One Ombudsman year's counts for the annual statistics: the sums over the records
    that ``decisions.statistics.queries.year_counts`` works out from scratch. Plain
    integers, not positive ones: a write is never refused because of a summary that
    something outside the services left wrong (the nightly rebuild mends it)."""

    ombudsman_year = models.PositiveSmallIntegerField(unique=True)
    # Every decision recorded in the year, whoever it is about: the years offered.
    decisions_recorded = models.IntegerField(default=0)
    investigations = models.IntegerField(default=0)
    upheld = models.IntegerField(default=0)
    satisfactory_remedies = models.IntegerField(default=0)
    compliance_outcomes = models.IntegerField(default=0)
    complied = models.IntegerField(default=0)
    complied_late = models.IntegerField(default=0)
    not_complied = models.IntegerField(default=0)
    actions_completed = models.IntegerField(default=0)
    actions_completed_late = models.IntegerField(default=0)
    enquiries_answered = models.IntegerField(default=0)
    enquiries_answered_late = models.IntegerField(default=0)

    class Meta:
        ordering = ["ombudsman_year"]
        verbose_name_plural = "year summaries"

    def __str__(self) -> str:
        return f"Statistics kept for {ombudsman_year_label(self.ombudsman_year)}"


class YearBreakdown(models.Model):
    """One line of a year's breakdown: the detailed investigations and upheld decisions
    of a service area or a top-level category, or the decisions of an outcome."""

    class Table(models.TextChoices):
        SERVICE_AREA = "service_area", "By service area"
        CATEGORY = "category", "By category"
        OUTCOME = "outcome", "By outcome"

    ombudsman_year = models.PositiveSmallIntegerField()
    table = models.CharField(max_length=12, choices=Table.choices)
    # The service area's or category's name, "" for none recorded; the outcome's value.
    label = models.TextField(blank=True)
    investigations = models.IntegerField(default=0)
    upheld = models.IntegerField(default=0)
    decisions = models.IntegerField(default=0)

    class Meta:
        ordering = ["ombudsman_year", "table", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["ombudsman_year", "table", "label"], name="year_breakdown_one_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_table_display()}, {ombudsman_year_label(self.ombudsman_year)}"


class ComplaintCount(models.Model):
    """One row: how many complaints there are, for the decisions list's count when nothing
    narrows it (a read of one row where counting 200,000 complaints takes milliseconds).

    Kept by PostgreSQL itself, in the transaction of every write: triggers on the
    complaints' table add what a statement inserts and take away what it deletes, however
    it is written (a service, the admin, a bulk load). ``decisions.complaint_count`` reads
    it, and counts the complaints instead when there is no row (SQLite; a database
    emptied by TRUNCATE)."""

    complaints = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.complaints} complaints"


class YearSummaryState(models.Model):
    """One row: whether the year summaries are complete (built by a rebuild, and kept
    since) and for which home authority. Until then the page counts from the records."""

    home_authority = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    built_at = models.DateTimeField(null=True, blank=True)
    # Whether the repeat faults (``KeptRepeat``) were built with them: rebuilt and kept
    # together, they are read only when both are.
    repeats_built = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Year summaries built {self.built_at or 'never'}"


class KeptRepeat(models.Model):
    """An upheld decision about the home authority, as the repeat faults see it
    (``decisions.statistics.repeats``): the earlier upheld decision it repeats on the same
    or a related complaint (``earlier``); its complaint's service area and category, when
    it has both, and whether it is upheld there within 24 months of another complaint
    (``in_area``). A row for each decision upheld again or with both. Only
    ``decisions.statistics.repeats_kept`` writes these rows, from the records, in the
    transaction of each write to them, as the year summaries are kept; never edited."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    decision_date = models.DateField()
    earlier = models.ForeignKey(
        Decision, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    in_area = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The latest upheld again, newest first, and their number.
            models.Index(
                fields=["-decision_date", "-decision"],
                condition=Q(earlier__isnull=False),
                name="kept_repeat_upheld_again",
            ),
            # The service areas and categories with a repeat in a period: index rows only.
            models.Index(
                fields=["decision_date", "service_area", "category"],
                condition=Q(in_area=True),
                name="kept_repeat_in_area",
            ),
            # A service area and category's decisions, in order.
            models.Index(
                fields=["service_area", "category", "decision_date", "decision"],
                condition=Q(service_area__isnull=False),
                name="kept_repeat_group",
            ),
        ]

    def __str__(self) -> str:
        return f"Repeat fault: decision {self.decision_id}"


def _report_path(report: "CommitteeReport", filename: str) -> str:
    return f"reports/{report.created_at:%Y}/report-{report.pk}.pdf"


class CommitteeReport(models.Model):
    """A scrutiny-committee report, kept exactly as laid: the PDF as generated, the
    parameters it was made from, who made it, when, and the PDF's SHA-256 checksum.

    The row is written once when requested and once when the PDF is stored; nothing
    regenerates a stored PDF, so later changes to the data never change it."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual Ombudsman report"
        UPHELD = "upheld", "Upheld decisions in a period"
        PUBLIC_INTEREST = "public_interest", "A public interest report and the council's response"
        OVERDUE = "overdue", "Overdue remedies"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RENDERING = "rendering", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    # Everything the report was made from, as chosen and drafted: the period, service
    # areas and decision by name, and the front matter. Kept as laid.
    parameters = models.JSONField(default=dict)
    meeting_title = models.CharField("title of meeting", max_length=200)
    meeting_date = models.DateField("date of meeting")
    subject = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.CharField(max_length=200, blank=True)
    # The outbox (ombudsman.outbox): when a worker took it, how many times, what went wrong.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    pdf = models.FileField(upload_to=_report_path, blank=True)
    sha256 = models.CharField("SHA-256 checksum", max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A report made by mistake is withdrawn, not deleted: its PDF stays as laid, marked
    # withdrawn, and it no longer counts as putting its decisions before members.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(blank=True)
    decisions: "models.ManyToManyField[Decision, ReportedDecision]" = models.ManyToManyField(
        Decision, through="ReportedDecision", related_name="committee_reports", blank=True
    )
    history = HistoricalRecords(excluded_fields=["progress", "claimed_at", "attempts"])

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("generate_committeereport", "Can generate committee reports"),
            ("withdraw_committeereport", "Can withdraw committee reports"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="committee_report_period_in_order",
                violation_error_message="The period must end on or after its start.",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(sha256="") & ~Q(pdf="")),
                name="committee_report_ready_has_its_pdf",
                violation_error_message="A ready report has its PDF and checksum.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | (Q(status="ready") & ~Q(withdrawal_reason="")),
                name="committee_report_withdrawn_when_ready_with_a_reason",
                violation_error_message="Only a report that was made can be withdrawn, and "
                "only with a reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.meeting_title}, {self.meeting_date:%-d %B %Y})"

    def get_absolute_url(self) -> str:
        return reverse("decisions:report", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def filename(self) -> str:
        return f"committee-report-{self.pk}-{self.meeting_date:%Y-%m-%d}.pdf"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status == self.Status.READY and not self.is_withdrawn


def reported_to_members_q(path: str = "") -> Q:
    """The one definition of "reported to members" (the monitoring officer's s5A duty), on
    ReportedDecision rows (``path`` leads to them from the queried model).

    A record counts when the committee report that put the decision before members was
    made and has not been withdrawn, or when the decision's "report to committee" agreed
    action (a council's duty to its members) was completed and is still done."""
    by_report = Q(**{f"{path}report__status": CommitteeReport.Status.READY}) & Q(
        **{f"{path}report__withdrawn_at__isnull": True}
    )
    by_action = Q(**{f"{path}report__isnull": True}) & Q(
        **{f"{path}action__status": ActionStatus.DONE}
    )
    return by_report | by_action


class ReportedDecisionQuerySet(models.QuerySet):
    def standing(self) -> "ReportedDecisionQuerySet":
        """The records that still say the decision was reported (reported_to_members_q)."""
        return self.filter(reported_to_members_q())


class ReportedDecision(models.Model):
    """The monitoring officer's s5A duty: when a decision was put before members, at which
    committee, and how: in a committee report made here (``report``), or by completing the
    decision's "report to committee" agreed action (``action``). Whether a record still
    counts is ``reported_to_members_q``."""

    report = models.ForeignKey(
        CommitteeReport, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    action = models.ForeignKey(
        "remedies.AgreedAction",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reported_in")
    committee = models.CharField(max_length=200, blank=True)
    reported_on = models.DateField()

    objects = ReportedDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["reported_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "decision"], name="reported_decision_once_per_report"
            ),
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(report__isnull=True),
                name="reported_decision_once_per_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} reported to {self.committee or 'members'} on {self.reported_on}"


class JSONTextField(models.TextField):
    """JSON kept as text. PostgreSQL's jsonb refuses the NUL character, which a form can
    be sent; a draft keeps what was typed as it was typed, for the form to refuse it with
    a message."""

    # Its values are any JSON, as models.JSONField's: what django-stubs' mypy plugin reads
    # to type the model's attribute (a TextField's would be str).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or not isinstance(value, str):
            return value
        return json.loads(value)

    def get_prep_value(self, value):
        return json.dumps(value)


class DecisionDraft(models.Model):
    """A decision being logged, step by step: what the officer has typed (or the paste
    filled in) so far, kept on the server until they save or cancel it, so that it
    survives a refused page, the browser's back button and a break. Only its author sees
    it. ``data`` holds the log-a-decision form's fields as posted (name to list of values);
    ``notes`` what reading the pasted text found and did not."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decision_drafts"
    )
    # A further decision on a complaint already recorded (a re-opened case).
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    data = JSONTextField(default=dict)
    notes = JSONTextField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Draft {self.pk} by {self.user_id}"


class PendingImport(models.Model):
    """An import file checked and waiting to be imported: its rows as read, kept on the
    server rather than in the session (which is written again on every request) until the
    officer imports them, uploads another file or cancels, and for a day at most. Only an
    id is kept in the session."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports"
    )
    name = models.CharField("file name", max_length=255)
    add_further = models.BooleanField(default=False)
    rows = JSONTextField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Import of {self.name} by {self.user_id}"
