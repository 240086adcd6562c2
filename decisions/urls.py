from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.decision_list, name="list"),
    path("decisions/new/", views.decision_create, name="new"),
    path("decisions/<int:pk>/", views.decision_detail_page, name="detail"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="edit"),
    path("statistics/", views.annual_statistics_page, name="statistics"),
    path("complaints/<str:slug>/", views.complaint_by_reference, name="complaint"),
    path("complaints/<str:slug>/enquiries/new/", views.enquiry_create, name="enquiry_new"),
    path("enquiries/<int:pk>/edit/", views.enquiry_edit, name="enquiry_edit"),
    path(
        "complaints/<str:slug>/decisions/new/",
        views.decision_add_to_complaint,
        name="add_to_complaint",
    ),
]
