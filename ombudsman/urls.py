from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import AdminLoginForm, LoginForm

admin.site.site_header = "Ombudsman decision tracker: administration"
admin.site.site_title = "Ombudsman decision tracker"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("admin/", admin.site.urls),
    path("", include("decisions.urls")),
    path("", include("remedies.urls")),
]
