from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST


def home(request):
    """Managers and the complaints team start from the dashboard; others from the list."""
    if request.user.has_perm("remedies.view_dashboard"):
        return redirect("remedies:dashboard")
    return redirect("decisions:list")


@never_cache
@require_POST
def session_extend(request):
    """ "Stay signed in": any request moves the session's expiry on (SESSION_SAVE_EVERY_REQUEST);
    this one does nothing else. Anonymous users are sent to the login page as usual."""
    return HttpResponse(status=204)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 only when the database answers; 503 otherwise (for container health checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Change one's own password; the new one must pass AUTH_PASSWORD_VALIDATORS. The
    session stays signed in (Django updates its hash); other sessions are signed out."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")
    success_message = "Your password has been changed"
