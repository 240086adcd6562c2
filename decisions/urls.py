from django.urls import path

from . import views
from .journey import views as journey
from .reports import views as report_views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.decision_list, name="list"),
    path("decisions/views/new/", views.decision_list_save_view, name="save_view"),
    path("decisions/new/", journey.start, name="new"),
    path("decisions/drafts/<uuid:pk>/decision/", journey.step_decision, name="draft_decision"),
    path("decisions/drafts/<uuid:pk>/findings/", journey.step_findings, name="draft_findings"),
    path("decisions/drafts/<uuid:pk>/actions/", journey.step_actions, name="draft_actions"),
    path("decisions/drafts/<uuid:pk>/actions/add/", journey.step_action, name="draft_action_add"),
    path(
        "decisions/drafts/<uuid:pk>/actions/<int:number>/",
        journey.step_action,
        name="draft_action",
    ),
    path(
        "decisions/drafts/<uuid:pk>/actions/<int:number>/remove/",
        journey.action_remove,
        name="draft_action_remove",
    ),
    path("decisions/drafts/<uuid:pk>/check/", journey.check, name="draft_check"),
    path("decisions/drafts/<uuid:pk>/cancel/", journey.cancel, name="draft_cancel"),
    path("decisions/drafts/<uuid:pk>/further/", journey.make_further, name="draft_further"),
    path("decisions/import/", views.decision_import, name="import"),
    path(
        "decisions/import/template.csv",
        views.decision_import_template,
        {"fmt": "csv"},
        name="import_template_csv",
    ),
    path(
        "decisions/import/template.xlsx",
        views.decision_import_template,
        {"fmt": "xlsx"},
        name="import_template_xlsx",
    ),
    path("decisions/download.csv", views.decision_list_download, {"fmt": "csv"}, name="csv"),
    path("decisions/download.xlsx", views.decision_list_download, {"fmt": "xlsx"}, name="xlsx"),
    path("decisions/<int:pk>/", views.decision_detail_page, name="detail"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="edit"),
    path("statistics/", views.annual_statistics_page, name="statistics"),
    path("statistics/letter/<int:year>/", views.annual_letter_enter, name="annual_letter"),
    path(
        "statistics/letter/<int:year>/check/",
        views.annual_letter_check,
        name="annual_letter_check",
    ),
    path(
        "statistics/download.csv",
        views.annual_statistics_download,
        {"fmt": "csv"},
        name="statistics_csv",
    ),
    path(
        "statistics/download.xlsx",
        views.annual_statistics_download,
        {"fmt": "xlsx"},
        name="statistics_xlsx",
    ),
    path("reports/", report_views.report_list, name="reports"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:pk>/", report_views.report_detail, name="report"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("reports/<int:pk>/try-again/", report_views.report_try_again, name="report_try_again"),
    path("reports/<int:pk>/withdraw/", report_views.report_withdraw_page, name="report_withdraw"),
    path("complaints/<str:slug>/", views.complaint_by_reference, name="complaint"),
    path("complaints/<str:slug>/enquiries/new/", views.enquiry_create, name="enquiry_new"),
    path("enquiries/<int:pk>/edit/", views.enquiry_edit, name="enquiry_edit"),
    path("enquiries/past-due/", views.enquiries_past_due, name="enquiries_past_due"),
    path(
        "complaints/<str:slug>/decisions/new/",
        journey.start,
        name="add_to_complaint",
    ),
]
