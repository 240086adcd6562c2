from django.urls import path

from . import views

app_name = "remedies"

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/views/new/", views.action_list_save_view, name="save_view"),
    path("actions/download.csv", views.action_list_download, {"fmt": "csv"}, name="action_csv"),
    path("actions/download.xlsx", views.action_list_download, {"fmt": "xlsx"}, name="action_xlsx"),
    path("actions/assign/", views.actions_assign_page, name="assign"),
    path("actions/mine/", views.my_actions, name="mine"),
    path("actions/mine/download.csv", views.my_actions_download, {"fmt": "csv"}, name="mine_csv"),
    path(
        "actions/mine/download.xlsx", views.my_actions_download, {"fmt": "xlsx"}, name="mine_xlsx"
    ),
    path("actions/mine/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/complete/", views.action_complete_page, name="complete"),
    path("actions/<int:pk>/extend/", views.action_extend_page, name="extend"),
    path("actions/<int:pk>/compliance/", views.action_compliance_page, name="compliance"),
    path("actions/<int:pk>/change/", views.action_change_page, name="change"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
