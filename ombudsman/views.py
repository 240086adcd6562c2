import logging
import sys

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.db import connection
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import sso
from .forms import LoginForm
from .models import SavedView
from .roles import ROLE_JOBS, role_administrators, start_page, what_page_needs
from .saved_views import LIST_URLS, saved_view_delete

logger = logging.getLogger(__name__)


def home(request):
    """Each role starts on its own page (roles.start_page); someone signed in with no role
    yet is told whom to ask, instead of being sent to a page that refuses them."""
    start = start_page(request.user)
    if start is None:
        context = {"roles": ROLE_JOBS.items(), "administrators": role_administrators()}
        return render(request, "no_role.html", context)
    return redirect(start.url_name)


def permission_denied(request, exception):
    """handler403: the page in the product's layout, saying which permission the page
    needs, which roles have it and who gives roles, with a way back."""
    match = getattr(request, "resolver_match", None)
    rule = getattr(match.func, "rule", None) if match else None  # access.requires sets it
    context = {
        "missing": what_page_needs(rule, request.user),
        "administrators": role_administrators(),
    }
    return render(request, "403.html", context, status=403)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent with a token that no longer matches (the page was open
    a long time, or the person signed in or out in another tab) or without the cookie. The
    link back is the page the form was on when the browser says so and it is one of ours."""
    referer = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {
        "form_url": referer if safe else "",
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
    }
    return render(request, "403_csrf.html", context, status=403)


def server_error(request):
    """handler500. Rendered without the request: no context processor runs, so the page
    neither asks for the user nor queries a database that may be what failed. If even that
    fails (a static file missing from the manifest, say), a plain page says the same.

    When the failure is the database not answering (down, restarting, out of connections)
    the page is 503 "service unavailable" with a link to try again. Django calls this view
    while it handles the exception, wherever it was raised (a view, or the session read in
    a middleware), so the exception is still in hand here."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return _service_unavailable(request)
    try:
        body = loader.render_to_string("500.html")
    except Exception:
        logger.exception("The error page could not be rendered; sent the plain one")
        body = PLAIN_SERVER_ERROR
    return HttpResponseServerError(body)


# What psycopg raises when it cannot connect or the connection went away.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _service_unavailable(request):
    path = request.get_full_path() if request.method == "GET" else request.path
    # Only a path on this site: never "//elsewhere" or "/\elsewhere" (another site).
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        path = "/"
    try:
        body = loader.render_to_string("503.html", {"try_again_url": path})
    except Exception:
        logger.exception("The unavailable page could not be rendered; sent the plain one")
        body = PLAIN_SERVICE_UNAVAILABLE
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "120"
    return response


PLAIN_SERVER_ERROR = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, there is a problem with the service – Ombudsman decision tracker</title>"
    "</head><body><h1>Sorry, there is a problem with the service</h1>"
    "<p>Try again later.</p>"
    "<p>If the problem continues, tell the tracker's administrator in your council, with "
    "the time it happened.</p></body></html>"
)

PLAIN_SERVICE_UNAVAILABLE = (
    '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
    "<title>Sorry, the service is unavailable – Ombudsman decision tracker</title>"
    "</head><body><h1>Sorry, the service is unavailable</h1>"
    "<p>Try again in a few minutes.</p></body></html>"
)


@never_cache
@require_POST
def session_extend(request):
    """ "Stay signed in": moves the session's expiry on to a whole SESSION_IDLE_MINUTES from
    now (always written, where another request writes it only when that moves it by over a
    minute: ombudsman/sessions.py). Anonymous users are sent to the login page as usual."""
    request.session.modified = True
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


@method_decorator(login_not_required, name="dispatch")
class SignIn(auth_views.LoginView):
    """The sign-in page: "Sign in with your council account" when single sign-on is set
    up, and the password form unless SSO_ONLY turned local passwords off; then a password
    sent here anyway is refused (403), and the break-glass administrators use their own
    page (``administrator_sign_in``)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True
    break_glass = False

    def dispatch(self, request, *args, **kwargs):
        if self.passwords_off() and request.method == "POST":
            return render(request, "registration/passwords_off.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def passwords_off(self) -> bool:
        return not self.break_glass and not sso.passwords_allowed()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso"] = sso.configured()
        context["passwords"] = not self.passwords_off()
        context["break_glass"] = self.break_glass
        return context


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Change one's own password; the new one must pass AUTH_PASSWORD_VALIDATORS. The
    session stays signed in (Django updates its hash); other sessions are signed out."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")
    success_message = "Your password has been changed"


@require_http_methods(["GET", "POST"])
def saved_view_delete_page(request, pk):
    """Asks, then deletes one of the person's saved views (another's is 404: it is not
    theirs to know of) and goes back to the list it was a view of."""
    view = get_object_or_404(SavedView, pk=pk, user=request.user)
    list_url = reverse(LIST_URLS[view.list_name])
    if request.method == "POST":
        saved_view_delete(view=view)
        messages.success(request, f"Your view “{view.name}” is deleted.")
        return redirect(list_url)
    return render(
        request, "saved_view_delete.html", {"view": view, "back_url": f"{list_url}?{view.query}"}
    )
