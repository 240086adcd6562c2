from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import sso, two_factor, views
from .forms import AdminLoginForm

admin.site.site_header = "Ombudsman decision tracker: administration"
admin.site.site_title = "Ombudsman decision tracker"
admin.site.login_form = AdminLoginForm

# Error pages in the product's layout: templates/400.html and 404.html are rendered by
# Django's own views, 403.html, 403_csrf.html (settings.CSRF_FAILURE_VIEW) and 500.html by
# ours, which add what a page needs or make the page safe to render after a failure.
handler403 = "ombudsman.views.permission_denied"
handler500 = "ombudsman.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.SignIn.as_view(), name="login"),
    path(
        "login/administrator/",
        views.SignIn.as_view(break_glass=True),
        name="administrator_sign_in",
    ),
    path("login/failed/", sso.failed, name="sso_failed"),
    # Single sign-on (mozilla-django-oidc's views as ombudsman.sso adapts them, under the
    # names the library reverses); not found while it is not set up.
    path("oidc/authenticate/", sso.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChange.as_view(), name="password_change"),
    path("account/two-factor/", two_factor.status, name="two_factor"),
    path("account/two-factor/code/", two_factor.verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", two_factor.set_up, name="two_factor_set_up"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("saved-views/<int:pk>/delete/", views.saved_view_delete_page, name="saved_view_delete"),
    path("admin/", admin.site.urls),
    path("", include("decisions.urls")),
    path("", include("remedies.urls")),
]
