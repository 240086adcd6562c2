"""The four roles (Django groups made by remedies/migrations/0002_roles.py) and the rules
that depend on them: where each person starts, what a page needs and who can give it.

Pages, the 403 page and the post-login redirect ask these functions rather than testing
group names or permission codenames of their own.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

COMPLAINTS_OFFICERS = "Complaints officers"
MANAGERS = "Managers"
MONITORING_OFFICERS = "Monitoring officers"
SERVICE_MANAGERS = "Service managers"

# Someone may hold several roles; the job listed first decides where they start. The
# complaints team runs the whole process, managers watch it, the monitoring officer reports
# on it and a service manager only sees their own actions.
ROLE_ORDER = (COMPLAINTS_OFFICERS, MANAGERS, MONITORING_OFFICERS, SERVICE_MANAGERS)

# What each role is for, in the words the no-role page uses to help someone ask for one.
ROLE_JOBS = {
    COMPLAINTS_OFFICERS: "log the Ombudsman's decisions and track the actions agreed",
    MANAGERS: "follow what is overdue or due soon on the dashboard",
    MONITORING_OFFICERS: "make the reports to the scrutiny committee",
    SERVICE_MANAGERS: "complete, with evidence, the actions of the service they lead or own",
}


@dataclass(frozen=True)
class StartPage:
    url_name: str
    label: str


DASHBOARD = StartPage("remedies:dashboard", "Dashboard")
DECISIONS = StartPage("decisions:list", "Decisions")
START_PAGES = {
    COMPLAINTS_OFFICERS: DASHBOARD,
    MANAGERS: DASHBOARD,
    MONITORING_OFFICERS: StartPage("decisions:reports", "Committee reports"),
    SERVICE_MANAGERS: StartPage("remedies:mine", "My actions"),
}


@dataclass(frozen=True)
class PageNeed:
    """What a page asks of the person opening it: a permission ("app.codename") and, where
    the permission is not enough on its own, the further rule in words."""

    permission: str
    note: str = ""


_COMPLETE_NOTE = (
    "Service managers may complete only the actions they own or whose service area they lead."
)
_UPDATE_NOTE = (
    "Extensions and the Ombudsman's compliance outcome are recorded by the complaints team."
)

# The permission each page's view asks for (see its decorator), by URL name, for the 403
# page to say what is missing. tests/test_access.py checks each entry against the access
# matrix, so a change of a view's permission that is not made here fails a test.
PAGE_NEEDS = {
    "decisions:list": PageNeed("decisions.view_decision"),
    "decisions:csv": PageNeed("decisions.view_decision"),
    "decisions:xlsx": PageNeed("decisions.view_decision"),
    "decisions:detail": PageNeed("decisions.view_decision"),
    "decisions:complaint": PageNeed("decisions.view_decision"),
    "decisions:statistics": PageNeed("decisions.view_decision"),
    "decisions:new": PageNeed("decisions.add_decision"),
    "decisions:draft_decision": PageNeed("decisions.add_decision"),
    "decisions:draft_findings": PageNeed("decisions.add_decision"),
    "decisions:draft_actions": PageNeed("decisions.add_decision"),
    "decisions:draft_action_add": PageNeed("decisions.add_decision"),
    "decisions:draft_action": PageNeed("decisions.add_decision"),
    "decisions:draft_action_remove": PageNeed("decisions.add_decision"),
    "decisions:draft_check": PageNeed("decisions.add_decision"),
    "decisions:draft_cancel": PageNeed("decisions.add_decision"),
    "decisions:draft_further": PageNeed("decisions.add_decision"),
    "decisions:import": PageNeed("decisions.add_decision"),
    "decisions:import_template_csv": PageNeed("decisions.add_decision"),
    "decisions:import_template_xlsx": PageNeed("decisions.add_decision"),
    "decisions:add_to_complaint": PageNeed("decisions.add_decision"),
    "decisions:edit": PageNeed("decisions.change_decision"),
    "decisions:enquiry_new": PageNeed("decisions.add_enquiry"),
    "decisions:enquiry_edit": PageNeed("decisions.change_enquiry"),
    "decisions:enquiries_past_due": PageNeed("decisions.view_enquiry"),
    "decisions:reports": PageNeed("decisions.view_committeereport"),
    "decisions:report": PageNeed("decisions.view_committeereport"),
    "decisions:report_download": PageNeed("decisions.view_committeereport"),
    "decisions:report_new": PageNeed("decisions.generate_committeereport"),
    "decisions:report_try_again": PageNeed("decisions.generate_committeereport"),
    "remedies:dashboard": PageNeed("remedies.view_dashboard"),
    "remedies:action_list": PageNeed("remedies.view_dashboard"),
    "remedies:action_csv": PageNeed("remedies.view_dashboard"),
    "remedies:action_xlsx": PageNeed("remedies.view_dashboard"),
    "remedies:mine": PageNeed("remedies.view_agreedaction"),
    "remedies:mine_csv": PageNeed("remedies.view_agreedaction"),
    "remedies:mine_xlsx": PageNeed("remedies.view_agreedaction"),
    "remedies:calendar_reset": PageNeed("remedies.view_agreedaction"),
    "remedies:action": PageNeed("decisions.view_decision"),
    "remedies:evidence": PageNeed("decisions.view_decision"),
    "remedies:complete": PageNeed("remedies.change_agreedaction", _COMPLETE_NOTE),
    "remedies:extend": PageNeed("decisions.change_decision", _UPDATE_NOTE),
    "remedies:change": PageNeed("decisions.change_decision"),
    "remedies:assign": PageNeed("decisions.change_decision"),
    "remedies:compliance": PageNeed("decisions.change_decision", _UPDATE_NOTE),
}


def may_open(user, url_name: str) -> bool:
    need = PAGE_NEEDS.get(url_name)
    return need is None or user.has_perm(need.permission)


def start_page(user) -> StartPage | None:
    """Where the user lands after signing in and on "/": the start page of their first role
    (ROLE_ORDER) that they may open; the dashboard for a superuser; the decisions list for
    anyone else who may see decisions. None for someone with nothing to open: they are told
    to ask for a role, rather than sent to a page that refuses them."""
    if user.is_superuser:
        return DASHBOARD
    names = set(user.groups.values_list("name", flat=True))
    for role in ROLE_ORDER:
        if role in names and may_open(user, START_PAGES[role].url_name):
            return START_PAGES[role]
    if may_open(user, DECISIONS.url_name):
        return DECISIONS
    return None


@dataclass(frozen=True)
class Missing:
    """What the 403 page says a page needs: the permission's name, the roles that have it
    and any further rule."""

    permission_name: str
    roles: list[str]
    note: str


def what_page_needs(url_name: str | None) -> Missing | None:
    """The permission a page needs and the roles (groups) that hold it, as the database has
    them now; None for a page not in PAGE_NEEDS."""
    need = PAGE_NEEDS.get(url_name or "")
    if need is None:
        return None
    app_label, codename = need.permission.split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return None
    names = list(Group.objects.filter(permissions=permission).values_list("name", flat=True))
    order = {role: i for i, role in enumerate(ROLE_ORDER)}
    names.sort(key=lambda name: (order.get(name, len(order)), name))
    return Missing(permission_name=permission.name, roles=names, note=need.note)


def role_administrators(limit: int = 5):
    """The people who can give someone a role: active administrators (staff) who are
    superusers or may change users. The first few, by name."""
    may_change_users = Q(is_superuser=True)
    for via in ("user_permissions", "groups__permissions"):
        may_change_users |= Q(
            **{f"{via}__codename": "change_user", f"{via}__content_type__app_label": "auth"}
        )
    return list(
        get_user_model()
        .objects.filter(may_change_users, is_active=True, is_staff=True)
        .distinct()
        .order_by("last_name", "first_name", "username")[:limit]
    )
