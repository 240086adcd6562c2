"""The project's URLs plus pages that fail, to see the 400, 403 and 500 pages as a person
would (tests/test_error_pages.py and the accessibility audit use it)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from ombudsman import urls as project

SECRET = "a detail only a traceback would show"


def bad_request(request):
    raise SuspiciousOperation(SECRET)


def forbidden(request):
    raise PermissionDenied(SECRET)


def server_error(request):
    raise RuntimeError(SECRET)


urlpatterns = [
    path("test/bad-request/", bad_request, name="test_bad_request"),
    path("test/forbidden/", forbidden, name="test_forbidden"),
    path("test/server-error/", server_error, name="test_server_error"),
    *project.urlpatterns,
]
handler403 = project.handler403
handler500 = project.handler500
