from django.urls import path

from . import views

app_name = "remedies"

urlpatterns = [
    path("actions/mine/", views.my_actions, name="mine"),
    path("actions/mine/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/complete/", views.action_complete_page, name="complete"),
    path("actions/<int:pk>/extend/", views.action_extend_page, name="extend"),
    path("actions/<int:pk>/compliance/", views.action_compliance_page, name="compliance"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
