"""Who may do what, as named rules: `can_log_decision(user)`, `can_complete(user, action)`.

Views (through `requires`), the navigation, each role's start page, the 403 page and the
templates (`{% if user|can:"complete" %}`) ask these rules; nothing else asks a permission
codename. Each rule is the permissions it needs (all of them) and, for a rule on one agreed
action, the further test of that action. The roles that hold the permissions are the table
in ombudsman.roles.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import get_urlconf, resolve, reverse

# The complaints team's mark. With it a role acts on every agreed action: completes,
# extends, changes and assigns it, and records the Ombudsman's compliance outcome. Without
# it, someone may complete only the actions they own or whose service area they lead.
ANY_ACTION = "decisions.change_decision"


def _answers_for(user, action) -> bool:
    """The action is the user's: they own it or lead its service area."""
    lead_id = action.service_area.lead_id if action.service_area_id else None
    return user.pk in (action.owner_id, lead_id)


@dataclass(frozen=True)
class Rule:
    """Something a person may do. ``permissions`` are all needed; ``of_object``, when
    given, further tests the one object the person would do it to. ``note`` says that
    further rule in words, for the 403 page."""

    permissions: tuple[str, ...]
    note: str = ""
    of_object: Callable | None = None

    def __call__(self, user, obj=None) -> bool:
        """Whether ``user`` may do this (to ``obj``; without one, to some object)."""
        if not user.has_perms(self.permissions):
            return False
        return obj is None or self.of_object is None or self.of_object(user, obj)

    def lacking(self, user) -> str:
        """The first of the rule's permissions ``user`` lacks; the first of them all when
        they have every one (and so were refused by the further rule)."""
        return next((p for p in self.permissions if not user.has_perm(p)), self.permissions[0])


_COMPLAINTS_TEAM = (ANY_ACTION, "remedies.change_agreedaction")
_COMPLETE_NOTE = (
    "Service managers may complete only the actions they own or whose service area they lead."
)
_UPDATE_NOTE = (
    "Extensions and the Ombudsman's compliance outcome are recorded by the complaints team."
)

can_view_decisions = Rule(("decisions.view_decision",))
can_log_decision = Rule(("decisions.add_decision",))
can_change_decision = Rule(("decisions.change_decision",))
can_record_enquiry = Rule(("decisions.add_enquiry",))
can_change_enquiry = Rule(("decisions.change_enquiry",))
can_view_enquiries = Rule(("decisions.view_enquiry",))
can_read_reports = Rule(("decisions.view_committeereport",))
can_make_reports = Rule(("decisions.generate_committeereport",))
# A report made by mistake: the monitoring officer (and an administrator) withdraws it.
can_withdraw_reports = Rule(("decisions.withdraw_committeereport",))
can_view_dashboard = Rule(("remedies.view_dashboard",))
# Entering (and correcting) the figures of the Ombudsman's annual review letter, to check
# them against the product's: managers, the monitoring officer (to whom the Ombudsman now
# sends the letter directly, for the report to members) and administrators.
can_enter_annual_letter = Rule(("decisions.change_annualletter",))
# "My actions", its downloads and the calendar feed of them.
can_have_actions = Rule(("remedies.view_agreedaction",))
can_view_every_complaint = Rule(("decisions.view_every_complaint",))
can_complete = Rule(
    ("remedies.change_agreedaction",),
    _COMPLETE_NOTE,
    lambda user, action: user.has_perm(ANY_ACTION) or _answers_for(user, action),
)
# Agreed with the Ombudsman by the complaints team, not by the owner of the action, who
# asks the team (see the action's page).
can_extend = Rule(_COMPLAINTS_TEAM, _UPDATE_NOTE)
can_record_compliance = can_extend
# What an action is and who answers for it: its Change page and assigning several at once.
can_change_actions = Rule(_COMPLAINTS_TEAM)
can_run_sweep = Rule(("remedies.change_reminder",))

# By name without "can_", for templates: {% if user|can:"record_compliance" %}.
RULES = {
    name.removeprefix("can_"): rule
    for name, rule in list(globals().items())
    if name.startswith("can_") and isinstance(rule, Rule)
}


def requires(rule: Rule):
    """Decorate a view: someone who may not do ``rule`` (to any object) gets 403, before
    anything is looked up, so a refusal never tells which ids exist. Anonymous users were
    sent to sign in by LoginRequiredMiddleware first. The view keeps the rule as
    ``view.rule``, for the 403 page, the navigation and the start pages to read."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.rule = rule
        return checked

    return decorator


def page_rule(url_name: str) -> Rule | None:
    """The rule the view of ``url_name`` (a page without arguments) requires, if any."""
    return _page_rule(url_name, get_urlconf() or settings.ROOT_URLCONF)


@cache
def _page_rule(url_name: str, urlconf: str) -> Rule | None:
    # The navigation asks this of every link on every page: the answer depends only on
    # the URL patterns, so it is worked out (reverse, then resolve) once per name.
    return getattr(resolve(reverse(url_name, urlconf), urlconf).func, "rule", None)


def may_open(user, url_name: str) -> bool:
    rule = page_rule(url_name)
    return rule is None or rule(user)
