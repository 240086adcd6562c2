from django.conf import settings


def navigation(request):
    """Links for the service navigation; each shown only to users who may follow it.

    Also the idle time after which the session ends, for the sign-out warning."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.has_perm("remedies.view_dashboard"):
        items.append(("remedies:dashboard", "Dashboard"))
    if user.has_perm("decisions.view_decision"):
        items.append(("decisions:list", "Decisions"))
        items.append(("decisions:statistics", "Statistics"))
    if user.has_perm("decisions.view_committeereport"):
        items.append(("decisions:reports", "Committee reports"))
    if user.has_perm("remedies.view_agreedaction"):
        items.append(("remedies:mine", "My actions"))
    if user.has_perm("decisions.add_decision"):
        items.append(("decisions:new", "Log a decision"))
    if user.is_staff:
        items.append(("admin:index", "Administration"))
    return {"nav_items": items, "session_idle_seconds": settings.SESSION_COOKIE_AGE}
