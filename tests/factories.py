"""factory_boy factories for the domain models (no shared fixtures with fixed ids).

Every concrete model of the project's apps has one (tests/test_factories.py checks it):
each makes a valid row on its own, with the rows it needs made by sub-factories.
"""

import secrets
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from decisions.complaint_columns import refresh_list_columns
from decisions.models import (
    LIST_COLUMNS,
    AnnualLetter,
    Category,
    CommitteeReport,
    ComparisonAverage,
    Complaint,
    Decision,
    DecisionDraft,
    Enquiry,
    Finding,
    KeptRepeat,
    Organisation,
    PendingImport,
    ReportedDecision,
    ServiceArea,
    YearBreakdown,
    YearSummary,
    YearSummaryState,
)
from ombudsman.models import DirectoryGroupRole, SavedView, SingleSignOnAccount
from remedies.models import (
    AgreedAction,
    CalendarFeed,
    Evidence,
    Extension,
    Reminder,
    ReminderEmail,
    StatutoryDutyTemplate,
    WeeklyDigest,
)

# The smallest file that reads as a PDF, as an upload of evidence would be.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Example Borough Council {n}")
    kind = Organisation.Kind.UNITARY


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ("directorate", "service")

    directorate = "Adult Social Care"
    service = factory.Sequence(lambda n: f"Service {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    """A top-level category; pass ``parent`` for a second-level one."""

    class Meta:
        model = Category
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None


def category(path: str) -> Category:
    """A seeded category by its "Top > Sub" name."""
    top, sub = (part.strip() for part in path.split(">"))
    return Category.objects.get(name=sub, parent__name=top)


class KeepsListColumns:
    """A factory of records the decisions list reads: rows made around the services get
    their complaint's list columns worked out after, as a service leaves them."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        made = super()._create(model_class, *args, **kwargs)  # type: ignore[misc]
        complaint = cls._complaint_of(made)  # type: ignore[attr-defined]
        refresh_list_columns([complaint.pk])
        complaint.refresh_from_db(fields=LIST_COLUMNS)
        return made


class ComplaintFactory(KeepsListColumns, factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    @staticmethod
    def _complaint_of(complaint):
        return complaint

    reference = factory.Sequence(lambda n: f"25 {n // 1000 % 1000:03d} {n % 1000:03d}")
    complainant_label = "Mr X"

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create:
            self.organisations.set(extracted or [OrganisationFactory()])


class DecisionFactory(KeepsListColumns, factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    @staticmethod
    def _complaint_of(decision):
        return decision.complaint

    complaint = factory.SubFactory(ComplaintFactory)
    decision_date = date(2025, 2, 13)
    outcome = Decision.Outcome.UPHELD
    summary = "We found fault by the Council."


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    decision = factory.SubFactory(DecisionFactory)
    point = "Delay in answering the complaint"
    fault = Finding.Fault.YES
    result = Finding.Result.UPHELD


class AgreedActionFactory(KeepsListColumns, factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedAction

    @staticmethod
    def _complaint_of(action):
        return action.decision.complaint

    decision = factory.SubFactory(DecisionFactory)
    decision_date = factory.LazyAttribute(lambda a: a.decision.decision_date)
    kind = AgreedAction.Kind.FINANCIAL
    organisation = factory.LazyAttribute(lambda a: a.decision.complaint.organisations.first())
    payee_label = "Mr X"
    amount = Decimal("200.00")
    deadline_phrase = "within two months of the final decision"


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    complaint = factory.SubFactory(ComplaintFactory)
    kind = Enquiry.Kind.INITIAL
    sent_on = date(2025, 3, 1)
    due_on = date(2025, 3, 29)


class ComparisonAverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComparisonAverage
        django_get_or_create = ("ombudsman_year", "authority_kind")

    ombudsman_year = 2023
    authority_kind = Organisation.Kind.COUNTY
    upheld_rate_percent = Decimal("80")
    upheld_per_100k = Decimal("4.5")
    compliance_rate_percent = Decimal("100")
    satisfactory_remedy_percent = Decimal("10")


class YearSummaryFactory(factory.django.DjangoModelFactory):
    """A year's kept counts (decisions.statistics.summary keeps the real ones)."""

    class Meta:
        model = YearSummary
        django_get_or_create = ("ombudsman_year",)

    ombudsman_year = 2023
    decisions_recorded = 30
    investigations = 30
    upheld = 21
    satisfactory_remedies = 2
    compliance_outcomes = 18
    complied = 13
    complied_late = 5


class YearBreakdownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearBreakdown
        django_get_or_create = ("ombudsman_year", "table", "label")

    ombudsman_year = 2023
    table = YearBreakdown.Table.SERVICE_AREA
    label = "Adult Social Care: Charging"
    investigations = 4
    upheld = 3


class YearSummaryStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearSummaryState
        django_get_or_create = ("id",)

    id = 1
    home_authority = factory.SubFactory(OrganisationFactory, is_home_authority=True)
    built_at = factory.LazyFunction(timezone.now)


class ComplaintCountFactory(factory.django.DjangoModelFactory):
    """The kept number of complaints (one row; PostgreSQL's migration makes it)."""

    class Meta:
        model = "decisions.ComplaintCount"
        django_get_or_create = ("id",)

    id = 1
    complaints = 0


class KeptRepeatFactory(factory.django.DjangoModelFactory):
    """A decision upheld in its service area and category within 24 months of another
    complaint's, as ``repeats_kept`` keeps it (the tests build these by a rebuild)."""

    class Meta:
        model = KeptRepeat

    decision = factory.SubFactory(
        DecisionFactory,
        complaint=factory.SubFactory(
            ComplaintFactory,
            service_area=factory.SubFactory(ServiceAreaFactory),
            category=factory.SubFactory(CategoryFactory),
        ),
    )
    decision_date = factory.SelfAttribute("decision.decision_date")
    service_area = factory.SelfAttribute("decision.complaint.service_area")
    category = factory.SelfAttribute("decision.complaint.category")
    in_area = True


class CommitteeReportFactory(factory.django.DjangoModelFactory):
    """A report as requested, waiting for the worker to make its PDF."""

    class Meta:
        model = CommitteeReport

    kind = CommitteeReport.Kind.OVERDUE
    parameters = factory.LazyFunction(lambda: {"kind": "overdue"})
    meeting_title = "Audit and Standards Committee"
    meeting_date = date(2025, 6, 20)
    subject = "Overdue remedies"
    created_by = factory.SubFactory(UserFactory)


class ReportedDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedDecision

    report = factory.SubFactory(CommitteeReportFactory)
    decision = factory.SubFactory(DecisionFactory)
    committee = "Governance and Audit and Standards Committee"
    reported_on = factory.LazyFunction(timezone.localdate)


class DecisionDraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionDraft

    user = factory.SubFactory(UserFactory)
    # The log-a-decision form's fields as posted: name to list of values.
    data = factory.LazyFunction(lambda: {"reference": ["25 000 001"]})
    notes = factory.LazyFunction(lambda: {"found": ["reference"]})


class PendingImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PendingImport

    user = factory.SubFactory(UserFactory)
    name = "decisions.csv"
    # The file's rows as read: {column: text}, with ``_row`` the row number in the file.
    rows = factory.LazyFunction(lambda: [{"_row": 2, "reference": "25 000 001"}])


class ExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Extension

    action = factory.SubFactory(AgreedActionFactory)
    previous_due_date = factory.LazyAttribute(lambda e: e.action.due_date)
    new_due_date = date(2025, 6, 30)
    reason = "The Ombudsman agreed more time to arrange the payment."
    agreed_in_writing = True
    created_by = factory.SubFactory(UserFactory)


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A PDF stored under MEDIA_ROOT: point MEDIA_ROOT at a temporary folder first."""

    class Meta:
        model = Evidence

    action = factory.SubFactory(AgreedActionFactory)
    file = factory.django.FileField(filename="proof.pdf", data=PDF)
    original_name = "proof.pdf"
    extension = ".pdf"
    content_type = "application/pdf"
    kind_label = "PDF"
    size = len(PDF)
    uploaded_by = factory.SubFactory(UserFactory)


class ReminderFactory(factory.django.DjangoModelFactory):
    """A reminder about an action; pass ``action=None, enquiry=...`` for an enquiry's."""

    class Meta:
        model = Reminder

    action = factory.SubFactory(AgreedActionFactory)
    enquiry = None
    kind = Reminder.Kind.UPCOMING
    due_date = date(2025, 4, 13)
    recipient = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


class StatutoryDutyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatutoryDutyTemplate

    title = factory.Sequence(lambda n: f"Statutory duty {n}")
    legal_basis = "Local Government Act 1974, section 31"
    deadline_phrase = "within three months"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class WeeklyDigestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyDigest

    recipient = factory.SubFactory(UserFactory)
    week_starting = date(2025, 6, 2)  # a Monday


class AnnualLetterFactory(factory.django.DjangoModelFactory):
    """The 2023-24 letter's figures: 30 investigations, 21 upheld, 3 per 100,000, 18
    compliance outcomes at 100%, 2 satisfactory remedies."""

    class Meta:
        model = AnnualLetter
        django_get_or_create = ("ombudsman_year",)

    ombudsman_year = 2023
    investigations = 30
    upheld = 21
    upheld_per_100k = Decimal("3")
    compliance_outcomes = 18
    compliance_rate_percent = Decimal("100")
    satisfactory_remedies = 2


class SavedViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedView

    user = factory.SubFactory(UserFactory)
    list_name = SavedView.List.ACTIONS
    name = factory.Sequence(lambda n: f"Overdue in Adult Social Care {n}")
    query = "overdue=yes"


class DirectoryGroupRoleFactory(factory.django.DjangoModelFactory):
    """A group of the council's directory (its id, as Entra ID sends it) and the role its
    members have."""

    class Meta:
        model = DirectoryGroupRole

    group_id = factory.Sequence(lambda n: f"5e1b7a0c-0000-4000-8000-{n:012d}")
    role = factory.LazyFunction(lambda: Group.objects.get(name="Complaints officers"))
    description = "Complaints team"


class SingleSignOnAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SingleSignOnAccount

    user = factory.SubFactory(UserFactory)
    issuer = "https://login.microsoftonline.com/00000000-0000-4000-8000-000000000000/v2.0"
    subject = factory.Sequence(lambda n: f"subject-{n}")


class ReminderEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderEmail

    recipient = factory.SubFactory(UserFactory)
    day = factory.LazyFunction(timezone.localdate)
    created_at = factory.LazyFunction(timezone.now)


class OpenActionTallyFactory(factory.django.DjangoModelFactory):
    """A line of the dashboard's open-action tally (the tests build these by a rebuild)."""

    class Meta:
        model = "remedies.OpenActionTally"

    organisation = factory.SubFactory(OrganisationFactory)
    service_area = 0
    owner = 0
    open = 1
    dated = 1


class CompletionTallyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "remedies.CompletionTally"

    organisation = factory.SubFactory(OrganisationFactory)
    completed_on = date(2026, 1, 5)
    on_time = 1


class ActionTallyStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "remedies.ActionTallyState"
