"""Rules every request and response follows, whichever page it is for."""

from django.core.exceptions import SuspiciousOperation
from django.utils.cache import patch_cache_control


class NulInQueryString(SuspiciousOperation):
    """A NUL in a web address's query: no filter can use it, and PostgreSQL's text cannot
    hold it (the admin's list filters passed it to a query: a server error)."""


class RefuseNulInAdminQuery:
    """In the admin, a query string with a NUL (%00) in a name or value is the 400 page,
    before a list filter, search or autocomplete puts it in a query. The product's own
    pages read their queries through forms, which refuse it next to the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        if any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            raise NulInQueryString("The query string holds a NUL character.")
        return None


def no_store_when_signed_in(get_response):
    """Pages and downloads for someone signed in hold council records: no browser or proxy
    may keep a copy (the back button after signing out, a shared computer). The sign-in
    page and static files are for anyone and keep their caching."""

    def middleware(request):
        response = get_response(request)
        # A server error may be the database failing: do not read the session again.
        if response.status_code < 500 and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
