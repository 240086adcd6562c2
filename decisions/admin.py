from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from ombudsman.forms import RefusesControlCharacters
from remedies.selectors import decision_date_conflicts
from remedies.services import actions_follow_decision_date

from .complaint_count import complaint_count_rebuild
from .models import (
    AnnualLetter,
    Category,
    CommitteeReport,
    ComparisonAverage,
    Complaint,
    ComplaintCount,
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
from .statistics.summary import (
    list_columns_rebuild,
    year_summaries_kept,
    year_summaries_rebuild,
    year_summaries_touch,
)

# The administration changes records the annual statistics count. Its saves and deletes
# keep the year summaries as the services do (decisions.statistics.summary).


class KeepsYearSummaries:
    """For the records of complaints: each POST runs inside ``year_summaries_kept``, and
    each object's complaint (as stored, and as saved) is counted before it changes."""

    model: type[models.Model]
    # From the model to its complaint's id, for a queryset's values_list.
    complaint_path = "complaint_id"

    def complaint_of(self, obj) -> int | None:
        return obj.complaint_id

    def _complaints(self, obj) -> list[int | None]:
        stored = self.model._default_manager.filter(pk=obj.pk).values_list(
            self.complaint_path, flat=True
        )
        return [*(stored if obj.pk else []), self.complaint_of(obj)]

    def _kept(self, request, view, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with year_summaries_kept():
            return view(request, *args, **kwargs)

    def changeform_view(self, request, *args, **kwargs):
        return self._kept(request, super().changeform_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._kept(request, super().changelist_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._kept(request, super().delete_view, *args, **kwargs)

    def history_form_view(self, request, *args, **kwargs):
        return self._kept(request, super().history_form_view, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        year_summaries_touch(self._complaints(obj))
        super().save_model(request, obj, form, change)
        year_summaries_touch([self.complaint_of(obj)])  # a new complaint counted nothing

    def delete_model(self, request, obj):
        year_summaries_touch(self._complaints(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        year_summaries_touch(queryset.values_list(self.complaint_path, flat=True))
        super().delete_queryset(request, queryset)


class RebuildsYearSummaries:
    """For what every figure depends on (which organisation is the home authority, an
    organisation's kind, the names the breakdowns show): a change to one of
    ``figure_fields``, or a delete, rebuilds the year summaries, if they are kept."""

    figure_fields: tuple[str, ...] = ()

    def _rebuild(self) -> None:
        if YearSummaryState.objects.filter(built_at__isnull=False).exists():
            year_summaries_rebuild()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if set(form.changed_data) & set(self.figure_fields):
            self._rebuild()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._rebuild()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._rebuild()


@admin.register(Organisation)
class OrganisationAdmin(RebuildsYearSummaries, SimpleHistoryAdmin):
    figure_fields = ("kind", "is_home_authority")
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
class ServiceAreaAdmin(RebuildsYearSummaries, SimpleHistoryAdmin):
    figure_fields = ("directorate", "service")
    list_display = ["directorate", "service", "lead"]
    list_filter = ["directorate"]
    search_fields = ["directorate", "service"]
    autocomplete_fields = ["lead"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and set(form.changed_data) & {"directorate", "service"}:
            # Its complaints keep its names, for the decisions list's sort by service area.
            list_columns_rebuild(obj.complaints.values_list("pk", flat=True))


@admin.register(Category)
class CategoryAdmin(RebuildsYearSummaries, SimpleHistoryAdmin):
    figure_fields = ("name", "parent")
    list_display = ["__str__", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "parent__name"]
    list_select_related = ["parent"]


class EnquiryInline(admin.TabularInline):
    model = Enquiry
    extra = 0


@admin.register(Complaint)
class ComplaintAdmin(KeepsYearSummaries, SimpleHistoryAdmin):
    list_display = ["reference", "complainant_label", "service_area", "category", "officer"]
    list_filter = ["service_area", "category__parent", "organisations"]
    search_fields = ["reference", "council_reference", "complainant_label"]
    list_select_related = ["service_area", "category__parent", "officer"]
    filter_horizontal = ["organisations"]
    autocomplete_fields = ["related", "officer"]
    inlines = [EnquiryInline]
    complaint_path = "pk"

    def complaint_of(self, obj) -> int | None:
        return obj.pk


@admin.register(Enquiry)
class EnquiryAdmin(KeepsYearSummaries, SimpleHistoryAdmin):
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
class DecisionAdmin(KeepsYearSummaries, SimpleHistoryAdmin):
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


class KeptFiguresAdmin(ReadOnlyAdmin):
    """The year summaries are the services' to keep: shown, never edited or deleted."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YearSummary)
class YearSummaryAdmin(KeptFiguresAdmin):
    list_display = ["ombudsman_year", "decisions_recorded", "investigations", "upheld"]
    list_display += ["compliance_outcomes", "actions_completed", "enquiries_answered"]
    list_filter = ["ombudsman_year"]
    search_fields = ["ombudsman_year__exact"]


@admin.register(YearBreakdown)
class YearBreakdownAdmin(KeptFiguresAdmin):
    list_display = ["ombudsman_year", "table", "label", "investigations", "upheld", "decisions"]
    list_filter = ["table", "ombudsman_year"]
    search_fields = ["label"]


@admin.register(KeptRepeat)
class KeptRepeatAdmin(KeptFiguresAdmin):
    """The repeat faults kept with the year summaries (``repeats_kept``)."""

    list_display = ["decision", "decision_date", "earlier", "service_area", "category"]
    list_display += ["in_area"]
    list_filter = ["in_area", "decision_date"]
    search_fields = ["decision__complaint__reference"]
    list_select_related = ["decision__complaint", "earlier__complaint", "service_area"]
    list_select_related += ["category__parent"]


@admin.register(YearSummaryState)
class YearSummaryStateAdmin(KeptFiguresAdmin):
    """Whether the year summaries are built, and for which home authority; the action
    counts them from the records again, as the nightly job does."""

    list_display = ["__str__", "home_authority", "built_at", "repeats_built"]
    list_filter = ["built_at"]
    search_fields = ["home_authority__name"]
    actions = ["rebuild"]

    @admin.action(description="Count the year summaries from the records again")
    def rebuild(self, request, queryset):
        years = year_summaries_rebuild()
        self.message_user(request, f"Year summaries rebuilt: {years} year(s).")


@admin.register(ComplaintCount)
class ComplaintCountAdmin(KeptFiguresAdmin):
    """The number of complaints PostgreSQL keeps for the decisions list; the action counts
    them again, as the nightly job does."""

    list_display = ["__str__", "complaints"]
    list_filter = ["complaints"]
    search_fields = ["complaints__exact"]
    actions = ["recount"]

    @admin.action(description="Count the complaints again")
    def recount(self, request, queryset):
        n = complaint_count_rebuild()
        self.message_user(request, f"Complaints counted again: {n}.")
