from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ombudsman.forms import RefusesControlCharacters
from remedies.selectors import decision_date_conflicts
from remedies.services import actions_follow_decision_date

from .models import (
    AnnualLetter,
    Category,
    CommitteeReport,
    ComparisonAverage,
    Complaint,
    Decision,
    DecisionDraft,
    Enquiry,
    Finding,
    Organisation,
    PendingImport,
    ReportedDecision,
    ServiceArea,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "population", "is_home_authority"]
    list_filter = ["kind", "is_home_authority"]
    search_fields = ["name", "short_name"]


@admin.register(AnnualLetter)
class AnnualLetterAdmin(admin.ModelAdmin):
    """The figures of the Ombudsman's annual review letters, as managers entered them on
    the statistics page (where they are meant to be changed)."""

    list_display = ["ombudsman_year", "investigations", "upheld", "compliance_outcomes"]
    list_filter = ["ombudsman_year"]
    search_fields = ["ombudsman_year__exact"]


@admin.register(ComparisonAverage)
class ComparisonAverageAdmin(SimpleHistoryAdmin):
    """The Ombudsman's averages for similar authorities, from its annual review letters."""

    list_display = [
        "year_label",
        "authority_kind",
        "upheld_rate_percent",
        "upheld_per_100k",
        "compliance_rate_percent",
        "satisfactory_remedy_percent",
    ]
    list_filter = ["authority_kind", "ombudsman_year"]
    search_fields = ["ombudsman_year__exact", "authority_kind"]

    @admin.display(description="Ombudsman year", ordering="ombudsman_year")
    def year_label(self, obj):
        return obj.year_label


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["directorate", "service", "lead"]
    list_filter = ["directorate"]
    search_fields = ["directorate", "service"]
    autocomplete_fields = ["lead"]


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent"]


class EnquiryInline(admin.TabularInline):
    model = Enquiry
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "complainant_label", "service_area", "category", "officer"]
    list_filter = ["service_area", "category__parent", "organisations"]
    search_fields = ["reference", "council_reference", "complainant_label"]
    list_select_related = ["service_area", "category__parent", "officer"]
    filter_horizontal = ["organisations"]
    autocomplete_fields = ["related", "officer"]
    inlines = [EnquiryInline]


@admin.register(Enquiry)
class EnquiryAdmin(SimpleHistoryAdmin):
    list_display = ["complaint", "kind", "sent_on", "due_on", "answered_on"]
    list_filter = ["kind"]
    list_select_related = ["complaint"]
    search_fields = ["complaint__reference"]
    date_hierarchy = "sent_on"
    autocomplete_fields = ["complaint"]


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0


class DecisionAdminForm(RefusesControlCharacters, forms.ModelForm):
    class Meta:
        model = Decision
        fields = "__all__"  # noqa: DJ007 - the admin edits every field

    def clean_decision_date(self):
        value = self.cleaned_data["decision_date"]
        if self.instance.pk:
            problems = decision_date_conflicts(self.instance.actions.all(), value)
            if problems:
                raise forms.ValidationError(problems)
        return value


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    form = DecisionAdminForm
    list_display = ["complaint", "decision_date", "kind", "outcome", "satisfactory_remedy"]
    list_filter = ["outcome", "kind", "satisfactory_remedy"]
    search_fields = ["complaint__reference", "summary"]
    date_hierarchy = "decision_date"
    autocomplete_fields = ["complaint", "created_by"]
    list_select_related = ["complaint"]
    inlines = [FindingInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "decision_date" in form.changed_data:
            # Keep the actions' copy of the date and their worked-out due dates in step.
            actions_follow_decision_date(decision=obj, user=request.user)


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "fault", "injustice", "result"]
    list_filter = ["fault", "result"]
    list_select_related = ["decision__complaint"]
    search_fields = ["decision__complaint__reference", "point"]
    autocomplete_fields = ["decision"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reports are kept exactly as made: the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CommitteeReport)
class CommitteeReportAdmin(ReadOnlyAdmin):
    list_display = ["subject", "kind", "meeting_title", "meeting_date", "status", "created_at"]
    list_filter = ["kind", "status", "meeting_date"]
    search_fields = ["subject", "meeting_title", "sha256"]
    date_hierarchy = "created_at"


@admin.register(ReportedDecision)
class ReportedDecisionAdmin(ReadOnlyAdmin):
    list_display = ["decision", "report"]
    list_filter = ["report__meeting_date"]
    search_fields = ["decision__complaint__reference", "report__subject"]
    list_select_related = ["decision__complaint", "report"]


@admin.register(PendingImport)
class PendingImportAdmin(ReadOnlyAdmin):
    """Import files checked and not yet imported: who, which file, when (they are gone a
    day later anyway). The rows stay out of sight."""

    list_display = ["user", "name", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "user__last_name", "name"]
    list_select_related = ["user"]
    fields = readonly_fields = ("user", "name", "add_further", "created_at")


@admin.register(DecisionDraft)
class DecisionDraftAdmin(ReadOnlyAdmin):
    """Decisions being logged: who started each and when it was last changed, so that an
    administrator can discard one left behind (they are forgotten a week after their last
    change anyway). What was typed stays its author's to see."""

    list_display = ["user", "complaint", "created_at", "updated_at"]
    list_filter = ["updated_at"]
    search_fields = ["user__username", "user__last_name", "complaint__reference"]
    list_select_related = ["user", "complaint"]
    fields = readonly_fields = ("user", "complaint", "created_at", "updated_at")
