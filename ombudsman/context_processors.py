from django.conf import settings

from .access import may_open
from .two_factor import awaiting

# The service navigation, in order: each link shown only to those its page lets in.
NAVIGATION = (
    ("remedies:dashboard", "Dashboard"),
    ("decisions:list", "Decisions"),
    ("decisions:statistics", "Statistics"),
    ("decisions:reports", "Committee reports"),
    ("remedies:mine", "My actions"),
    ("decisions:new", "Log a decision"),
)


def navigation(request):
    """Links for the service navigation; each shown only to users who may follow it (the
    rule its page's view requires).

    Also the seconds without a request after which the session ends, for the sign-out
    warning: what the server keeps (ombudsman/sessions.py), up to SESSION_COOKIE_AGE."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    waiting = awaiting(request)  # part way through signing in: only "Sign out"
    items = (
        []
        if waiting
        else [(url_name, label) for url_name, label in NAVIGATION if may_open(user, url_name)]
    )
    if user.is_staff and not waiting:
        items.append(("admin:index", "Administration"))
    seconds_left = getattr(request.session, "seconds_left", None)
    idle = seconds_left() if seconds_left is not None else settings.SESSION_COOKIE_AGE
    return {
        "nav_items": items,
        "awaiting_second_factor": waiting,
        "session_idle_seconds": idle,
        "session_seconds": settings.SESSION_COOKIE_AGE,
    }
