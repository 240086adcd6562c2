"""The four roles: the permissions each holds (ROLE_PERMISSIONS, which the database follows
after every `migrate`: `sync_roles`), where each person starts, what the 403 page says a
page needs and who can give a role.

What each permission lets someone do, and what a role may do to an agreed action it does
not own, are the named rules of ombudsman.access; pages ask those, never a group name.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q

from . import access
from .people import name_order

COMPLAINTS_OFFICERS = "Complaints officers"
MANAGERS = "Managers"
MONITORING_OFFICERS = "Monitoring officers"
SERVICE_MANAGERS = "Service managers"

# Every role reads every kind of record; which cases a role sees is
# decisions.view_every_complaint's (remedies.selectors).
_READ = {
    "decisions.view_organisation", "decisions.view_servicearea", "decisions.view_category",
    "decisions.view_complaint", "decisions.view_decision", "decisions.view_finding",
    "decisions.view_enquiry", "remedies.view_agreedaction", "remedies.view_extension",
    "remedies.view_evidence", "remedies.view_reminder", "remedies.view_reminderemail",
}  # fmt: skip

# The permissions of each role, exactly: after `migrate` each group holds these and no
# others (sync_roles), so a change here reaches the database on the next deployment and a
# permission given to a group by hand does not last. access.ANY_ACTION
# (decisions.change_decision) is what lets a role act on an agreed action it does not own;
# without it, a role that may complete actions completes only those its members own or
# whose service area they lead (access.can_complete).
ROLE_PERMISSIONS = {
    # Log and correct decisions, their findings, enquiries and agreed actions; act on every
    # action; the dashboard, the weekly digest records and the committee reports.
    COMPLAINTS_OFFICERS: _READ | {
        "decisions.add_complaint", "decisions.change_complaint",
        "decisions.add_decision", "decisions.change_decision",
        "decisions.add_finding", "decisions.change_finding", "decisions.delete_finding",
        "decisions.add_enquiry", "decisions.change_enquiry", "decisions.delete_enquiry",
        "remedies.add_agreedaction", "remedies.change_agreedaction",
        "remedies.delete_agreedaction", "remedies.add_extension", "remedies.add_evidence",
        "remedies.view_dashboard", "remedies.view_weeklydigest",
        "decisions.view_committeereport", "decisions.view_every_complaint",
    },
    # Follow what is overdue: the dashboard, the weekly digest, the committee reports;
    # enter the figures of the Ombudsman's annual review letter to check them.
    MANAGERS: _READ | {
        "remedies.view_dashboard", "remedies.view_weeklydigest",
        "decisions.view_committeereport", "decisions.view_every_complaint",
        "decisions.change_annualletter",
    },
    # Make the committee reports, and withdraw one made by mistake; enter the annual review
    # letter's figures too, since the Ombudsman sends the letter to monitoring officers
    # directly for their report to members.
    MONITORING_OFFICERS: _READ | {
        "remedies.view_dashboard", "decisions.view_committeereport",
        "decisions.generate_committeereport", "decisions.withdraw_committeereport",
        "decisions.view_every_complaint", "decisions.change_annualletter",
    },
    # Their own cases only; complete, with evidence, the actions they own or lead.
    SERVICE_MANAGERS: _READ | {
        "remedies.change_agreedaction", "remedies.add_extension", "remedies.add_evidence",
    },
}  # fmt: skip


def _declared_permissions(registry) -> set[str]:
    """Every permission the models of ``registry`` declare, as "app_label.codename"."""
    declared = set()
    for model in registry.get_models():
        opts = model._meta
        codenames = [get_permission_codename(action, opts) for action in opts.default_permissions]
        codenames += [codename for codename, _ in opts.permissions]
        declared |= {f"{opts.app_label}.{codename}" for codename in codenames}
    return declared


def sync_roles(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make the database follow ROLE_PERMISSIONS: create the permissions, then each role's
    group if missing, and give each group exactly its permissions (taking away any other).
    Idempotent. Run after every `migrate` (ombudsman.apps), with the migrated state's
    ``apps``; a permission of a model that state does not have yet (a migrate to an
    earlier migration) waits for the migrate that makes it."""
    wanted = set().union(*ROLE_PERMISSIONS.values())
    unknown = wanted - _declared_permissions(global_apps)
    if unknown:
        raise ImproperlyConfigured(f"ROLE_PERMISSIONS names no such permission: {sorted(unknown)}")
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    rows = permission_model.objects.using(using).filter(
        codename__in={p.split(".")[1] for p in wanted}
    )
    pks = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in rows.values_list("pk", "content_type__app_label", "codename")
    }
    with transaction.atomic(using=using):
        for name, permissions in ROLE_PERMISSIONS.items():
            group, _ = group_model.objects.using(using).get_or_create(name=name)
            group.permissions.set([pks[p] for p in permissions if p in pks])


def sync_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate receiver (ombudsman.apps): the roles after `migrate`, and after a test
    database's flush. The signal is sent once for each app with models, after that app's
    permissions are made; the roles span apps, so they are set once, after the last."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module]
    if not with_models or sender.label != with_models[-1].label:
        return
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # a test's available_apps without auth
        return
    sync_roles(apps=apps, using=using)


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


def start_page(user) -> StartPage | None:
    """Where the user lands after signing in and on "/": the start page of their first role
    (ROLE_ORDER) that they may open; the dashboard for a superuser; the decisions list for
    anyone else who may see decisions. None for someone with nothing to open: they are told
    to ask for a role, rather than sent to a page that refuses them."""
    if user.is_superuser:
        return DASHBOARD
    names = set(user.groups.values_list("name", flat=True))
    for role in ROLE_ORDER:
        if role in names and access.may_open(user, START_PAGES[role].url_name):
            return START_PAGES[role]
    if access.may_open(user, DECISIONS.url_name):
        return DECISIONS
    return None


@dataclass(frozen=True)
class Missing:
    """What the 403 page says a page needs: the permission's name, the roles that have it
    and any further rule."""

    permission_name: str
    roles: list[str]
    note: str


def what_page_needs(rule: access.Rule | None, user) -> Missing | None:
    """What the 403 page says a page with ``rule`` needs: the permission of it ``user``
    lacks, the roles (groups) that hold that permission as the database has them now, and
    the rule's further rule; None for a page without a rule."""
    if rule is None:
        return None
    app_label, codename = rule.lacking(user).split(".")
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None:
        return None
    names = list(Group.objects.filter(permissions=permission).values_list("name", flat=True))
    order = {role: i for i, role in enumerate(ROLE_ORDER)}
    names.sort(key=lambda name: (order.get(name, len(order)), name))
    return Missing(permission_name=permission.name, roles=names, note=rule.note)


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
        .order_by(*name_order())[:limit]
    )
