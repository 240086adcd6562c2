"""Who may open what: every URL pattern of the project, for a visitor who is not signed in
and for each role, against the table of expected statuses below (MATRIX).

The table is the access policy in one place: a page added later without a row fails
`test_every_url_pattern_has_a_row_in_the_matrix`, naming it. Each role gets one set of
real objects (a decision with an agreed action owned by a service manager, its evidence
file, a stored committee report with its PDF, an enquiry, a calendar feed; the cases of two
other service areas, for who sees which) and opens every row's address; POST rows send a
form that would change data if it were accepted, so a refusal is checked by status and by
nothing having changed.

Service managers see only the cases they answer for (remedies.selectors): the rows on
decisions B and C, and `test_lists_downloads_and_the_calendar_hold_only_what_the_role_may_open`,
check it."""

# ruff: noqa: E501
# The matrix is a table read across, one page per line: wrapping its rows would hide it.

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from decisions.imports import template_rows
from decisions.models import CommitteeReport, DecisionDraft, Enquiry, Organisation
from ombudsman.models import SavedView
from remedies.calendar import calendar_feed_for
from remedies.models import AgreedAction, CalendarFeed, Evidence

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
)
from .spreadsheets import read_csv, read_xlsx

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REPORT_PDF = b"%PDF-1.7\n% a committee report as it was laid\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The columns of MATRIX, in order.
COLUMNS = [
    "anonymous",
    "no role",
    "officer",
    "SM owner",
    "SM other",
    "manager",
    "monitoring",
    "admin",
]

# Who opens the pages in each column. "SM owner" is checked twice: as the action's owner
# and as the lead of its service area, who may do the same.
ROLES = {
    "anonymous": "anonymous",
    "no role": "no role",
    "officer": "officer",
    "SM owner": "SM owner",
    "SM lead": "SM owner",
    "SM other": "SM other",
    "manager": "manager",
    "monitoring": "monitoring",
    "admin": "admin",
}

# The group of each signed-in column but the owner's (whose rights depend on the action).
ROLE_GROUPS = {
    "no role": None,
    "officer": "Complaints officers",
    "SM other": "Service managers",
    "manager": "Managers",
    "monitoring": "Monitoring officers",
}

# Expected status of each page for each role. {placeholders} are the objects made in
# `world` below; 999999 is an id that does not exist. POST rows are sent after every GET,
# in this order. 302 is the sign-in redirect for "anonymous", the admin sign-in for
# signed-in users without staff status on /admin/ pages, and a real redirect elsewhere
# (the complaint's address to its latest decision, a saved form to its page).
#
# anonymous: not signed in | no role: signed in, in no group | officer: Complaints officers
# SM owner: Service managers, the action's owner (or lead of its service area, A)
# SM other: Service managers, neither; lead of service area B (decision B, its action and
#   evidence) and owner of one of the two actions of decision C, in a third service area
# manager: Managers | monitoring: Monitoring officers | admin: superuser
# Another service's decision, action or evidence is 404 for a service manager, as if it did
# not exist; an action they see but may not complete is 403.
MATRIX = [
    # pattern name                          method  path                                          anon  none  off   SMown SMoth mgr   mon   admin
    ("home",                                "GET",  "/",                                          302,  200,  302,  302,  302,  302,  302,  302),
    ("healthz",                             "GET",  "/healthz",                                   200,  200,  200,  200,  200,  200,  200,  200),
    ("login",                               "GET",  "/login/",                                    200,  302,  302,  302,  302,  302,  302,  302),
    ("administrator_sign_in",               "GET",  "/login/administrator/",                      200,  302,  302,  302,  302,  302,  302,  302),
    ("sso_failed",                          "GET",  "/login/failed/",                             200,  200,  200,  200,  200,  200,  200,  200),
    # Single sign-on's own pages are not found while it is not set up (tests/test_sso.py).
    ("oidc_authentication_init",            "GET",  "/oidc/authenticate/",                        404,  404,  404,  404,  404,  404,  404,  404),
    ("oidc_authentication_callback",        "GET",  "/oidc/callback/",                            404,  404,  404,  404,  404,  404,  404,  404),
    # The second factor: everyone's own page; entering a code sends someone with no app to
    # set one up, and setting up sends someone who has one (the admin, here) to their page.
    ("two_factor",                          "GET",  "/account/two-factor/",                       302,  200,  200,  200,  200,  200,  200,  200),
    ("two_factor_verify",                   "GET",  "/account/two-factor/code/",                  302,  302,  302,  302,  302,  302,  302,  200),
    ("two_factor_set_up",                   "GET",  "/account/two-factor/set-up/",                302,  200,  200,  200,  200,  200,  200,  302),
    ("logout",                              "GET",  "/logout/",                                   302,  405,  405,  405,  405,  405,  405,  405),
    ("password_change",                     "GET",  "/account/password/",                         302,  200,  200,  200,  200,  200,  200,  200),
    ("session_extend",                      "GET",  "/session/extend/",                           302,  405,  405,  405,  405,  405,  405,  405),
    ("session_extend",                      "POST", "/session/extend/",                           302,  204,  204,  204,  204,  204,  204,  204),
    ("admin:index",                         "GET",  "/admin/",                                    302,  302,  302,  302,  302,  302,  302,  200),
    ("admin:login",                         "GET",  "/admin/login/",                              200,  200,  200,  200,  200,  200,  200,  302),
    ("admin:remedies_agreedaction_changelist", "GET", "/admin/remedies/agreedaction/",            302,  302,  302,  302,  302,  302,  302,  200),
    ("admin:remedies_reminder_run_sweep",   "GET",  "/admin/remedies/reminder/run-sweep/",        302,  302,  302,  302,  302,  302,  302,  405),
    ("admin:remedies_reminder_run_sweep",   "POST", "/admin/remedies/reminder/run-sweep/",        302,  302,  302,  302,  302,  302,  302,  302),
    ("decisions:list",                      "GET",  "/decisions/",                                302,  403,  200,  200,  200,  200,  200,  200),
    ("decisions:csv",                       "GET",  "/decisions/download.csv",                    302,  403,  200,  200,  200,  200,  200,  200),
    ("decisions:xlsx",                      "GET",  "/decisions/download.xlsx",                   302,  403,  200,  200,  200,  200,  200,  200),
    # Saving a list's filters as one's own view: whoever may see the list.
    ("decisions:save_view",                 "GET",  "/decisions/views/new/",                      302,  403,  200,  200,  200,  200,  200,  200),
    ("decisions:save_view",                 "POST", "/decisions/views/new/",                      302,  403,  302,  302,  302,  302,  302,  302),
    ("decisions:new",                       "GET",  "/decisions/new/",                            302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:new",                       "POST", "/decisions/new/",                            302,  403,  302,  403,  403,  403,  403,  302),
    # A decision being logged is its author's alone: the superuser gets 404 for another's.
    ("decisions:draft_decision",            "GET",  "/decisions/drafts/{draft}/decision/",        302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_decision",            "POST", "/decisions/drafts/{draft}/decision/",        302,  403,  302,  403,  403,  403,  403,  404),
    ("decisions:draft_findings",            "GET",  "/decisions/drafts/{draft}/findings/",        302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_findings",            "POST", "/decisions/drafts/{draft}/findings/",        302,  403,  302,  403,  403,  403,  403,  404),
    ("decisions:draft_actions",             "GET",  "/decisions/drafts/{draft}/actions/",         302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_action_add",          "GET",  "/decisions/drafts/{draft}/actions/add/",     302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_action_add",          "POST", "/decisions/drafts/{draft}/actions/add/",     302,  403,  302,  403,  403,  403,  403,  404),
    ("decisions:draft_action",              "GET",  "/decisions/drafts/{draft}/actions/1/",       302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_action",              "GET",  "/decisions/drafts/{draft}/actions/99/",      302,  403,  404,  403,  403,  403,  403,  404),
    ("decisions:draft_action",              "POST", "/decisions/drafts/{draft}/actions/1/",       302,  403,  302,  403,  403,  403,  403,  404),
    ("decisions:draft_action_remove",       "GET",  "/decisions/drafts/{draft}/actions/2/remove/", 302, 403,  405,  403,  403,  403,  403,  405),
    ("decisions:draft_action_remove",       "POST", "/decisions/drafts/{draft}/actions/2/remove/", 302, 403,  302,  403,  403,  403,  403,  404),
    ("decisions:draft_check",               "GET",  "/decisions/drafts/{draft}/check/",           302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_check",               "GET",  "/decisions/drafts/00000000-0000-0000-0000-000000000000/check/", 302, 403, 404, 403, 403, 403, 403, 404),
    ("decisions:draft_further",             "GET",  "/decisions/drafts/{draft}/further/",         302,  403,  405,  403,  403,  403,  403,  405),
    ("decisions:draft_further",             "POST", "/decisions/drafts/{draft}/further/",         302,  403,  404,  403,  403,  403,  403,  404),
    ("decisions:draft_check",               "POST", "/decisions/drafts/{draft}/check/",           302,  403,  302,  403,  403,  403,  403,  404),
    ("decisions:draft_cancel",              "GET",  "/decisions/drafts/{draft}/cancel/",          302,  403,  200,  403,  403,  403,  403,  404),
    ("decisions:draft_cancel",              "POST", "/decisions/drafts/{draft}/cancel/",          302,  403,  404,  403,  403,  403,  403,  404),
    ("decisions:import",                    "GET",  "/decisions/import/",                         302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:import",                    "POST", "/decisions/import/",                         302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:import_template_csv",       "GET",  "/decisions/import/template.csv",             302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:import_template_xlsx",      "GET",  "/decisions/import/template.xlsx",            302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:detail",                    "GET",  "/decisions/{decision}/",                     302,  403,  200,  200,  404,  200,  200,  200),
    ("decisions:detail",                    "GET",  "/decisions/{decision_b}/",                   302,  403,  200,  404,  200,  200,  200,  200),
    # Decision C holds one action SM other owns: they see the decision, with that action only.
    ("decisions:detail",                    "GET",  "/decisions/{decision_c}/",                   302,  403,  200,  404,  200,  200,  200,  200),
    ("decisions:detail",                    "GET",  "/decisions/999999/",                         302,  403,  404,  404,  404,  404,  404,  404),
    ("decisions:edit",                      "GET",  "/decisions/{decision}/edit/",                302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:edit",                      "GET",  "/decisions/999999/edit/",                    302,  403,  404,  403,  403,  403,  403,  404),
    ("decisions:edit",                      "POST", "/decisions/{decision}/edit/",                302,  403,  302,  403,  403,  403,  403,  302),
    ("decisions:complaint",                 "GET",  "/complaints/{slug}/",                        302,  403,  302,  302,  404,  302,  302,  302),
    ("decisions:complaint",                 "GET",  "/complaints/{slug_b}/",                      302,  403,  302,  404,  302,  302,  302,  302),
    ("decisions:complaint",                 "GET",  "/complaints/{slug_c}/",                      302,  403,  302,  404,  302,  302,  302,  302),
    ("decisions:complaint",                 "GET",  "/complaints/99-999-999/",                    302,  403,  404,  404,  404,  404,  404,  404),
    ("decisions:complaint",                 "GET",  "/complaints/not-a-reference/",               302,  403,  404,  404,  404,  404,  404,  404),
    ("decisions:add_to_complaint",          "GET",  "/complaints/{slug}/decisions/new/",          302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:add_to_complaint",          "POST", "/complaints/{slug}/decisions/new/",          302,  403,  302,  403,  403,  403,  403,  302),
    ("decisions:enquiry_new",               "GET",  "/complaints/{slug}/enquiries/new/",          302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:enquiry_new",               "POST", "/complaints/{slug}/enquiries/new/",          302,  403,  302,  403,  403,  403,  403,  302),
    ("decisions:enquiry_edit",              "GET",  "/enquiries/{enquiry}/edit/",                 302,  403,  200,  403,  403,  403,  403,  200),
    ("decisions:enquiry_edit",              "GET",  "/enquiries/999999/edit/",                    302,  403,  404,  403,  403,  403,  403,  404),
    ("decisions:enquiry_edit",              "POST", "/enquiries/{enquiry}/edit/",                 302,  403,  302,  403,  403,  403,  403,  302),
    ("decisions:enquiries_past_due",        "GET",  "/enquiries/past-due/",                       302,  403,  200,  200,  200,  200,  200,  200),
    ("decisions:statistics",                "GET",  "/statistics/",                               302,  403,  200,  200,  200,  200,  200,  200),
    # The annual review letter of a year that has ended; the current one's has not come.
    ("decisions:annual_letter",             "GET",  "/statistics/letter/2024/",                   302,  403,  403,  403,  403,  200,  200,  200),
    ("decisions:annual_letter",             "GET",  "/statistics/letter/2025/",                   302,  403,  403,  403,  403,  404,  404,  404),
    ("decisions:annual_letter",             "POST", "/statistics/letter/2024/",                   302,  403,  403,  403,  403,  302,  302,  302),
    # Nothing to check before the figures are entered: back to the question page.
    ("decisions:annual_letter_check",       "GET",  "/statistics/letter/2024/check/",             302,  403,  403,  403,  403,  302,  302,  302),
    ("decisions:annual_letter_check",       "POST", "/statistics/letter/2024/check/",             302,  403,  403,  403,  403,  302,  302,  302),
    ("decisions:statistics_csv",            "GET",  "/statistics/download.csv",                   302,  403,  200,  200,  200,  200,  200,  200),
    ("decisions:statistics_xlsx",           "GET",  "/statistics/download.xlsx",                  302,  403,  200,  200,  200,  200,  200,  200),
    ("decisions:reports",                   "GET",  "/reports/",                                  302,  403,  200,  403,  403,  200,  200,  200),
    ("decisions:report_new",                "GET",  "/reports/new/",                              302,  403,  403,  403,  403,  403,  200,  200),
    ("decisions:report_new",                "POST", "/reports/new/",                              302,  403,  403,  403,  403,  403,  302,  302),
    ("decisions:report",                    "GET",  "/reports/{report}/",                         302,  403,  200,  403,  403,  200,  200,  200),
    ("decisions:report",                    "GET",  "/reports/999999/",                           302,  403,  404,  403,  403,  404,  404,  404),
    ("decisions:report_download",           "GET",  "/reports/{report}/download/",                302,  403,  200,  403,  403,  200,  200,  200),
    ("decisions:report_download",           "GET",  "/reports/999999/download/",                  302,  403,  404,  403,  403,  404,  404,  404),
    ("decisions:report_try_again",          "GET",  "/reports/{report_failed}/try-again/",        302,  405,  405,  405,  405,  405,  405,  405),
    ("decisions:report_try_again",          "POST", "/reports/{report_failed}/try-again/",        302,  403,  403,  403,  403,  403,  302,  302),
    ("decisions:report_withdraw",           "GET",  "/reports/{report}/withdraw/",                302,  403,  403,  403,  403,  403,  200,  200),
    ("decisions:report_withdraw",           "GET",  "/reports/999999/withdraw/",                  302,  403,  403,  403,  403,  403,  404,  404),
    ("decisions:report_withdraw",           "POST", "/reports/{report}/withdraw/",                302,  403,  403,  403,  403,  403,  302,  302),
    ("remedies:dashboard",                  "GET",  "/dashboard/",                                302,  403,  200,  403,  403,  200,  200,  200),
    ("remedies:action_list",                "GET",  "/actions/",                                  302,  403,  200,  403,  403,  200,  200,  200),
    ("remedies:action_csv",                 "GET",  "/actions/download.csv",                      302,  403,  200,  403,  403,  200,  200,  200),
    ("remedies:action_xlsx",                "GET",  "/actions/download.xlsx",                     302,  403,  200,  403,  403,  200,  200,  200),
    ("remedies:save_view",                  "GET",  "/actions/views/new/",                        302,  403,  200,  403,  403,  200,  200,  200),
    ("remedies:save_view",                  "POST", "/actions/views/new/",                        302,  403,  302,  403,  403,  302,  302,  302),
    # A saved view is its person's alone (the manager's here): 404 for anyone else, the superuser too.
    ("saved_view_delete",                   "GET",  "/saved-views/{saved_view}/delete/",          302,  404,  404,  404,  404,  200,  404,  404),
    ("saved_view_delete",                   "GET",  "/saved-views/999999/delete/",                302,  404,  404,  404,  404,  404,  404,  404),
    ("saved_view_delete",                   "POST", "/saved-views/{saved_view}/delete/",          302,  404,  404,  404,  404,  302,  404,  404),
    ("remedies:assign",                     "GET",  "/actions/assign/",                           302,  403,  400,  403,  403,  403,  403,  400),
    ("remedies:assign",                     "POST", "/actions/assign/",                           302,  403,  302,  403,  403,  403,  403,  302),
    ("remedies:mine",                       "GET",  "/actions/mine/",                             302,  403,  200,  200,  200,  200,  200,  200),
    ("remedies:mine_csv",                   "GET",  "/actions/mine/download.csv",                 302,  403,  200,  200,  200,  200,  200,  200),
    ("remedies:mine_xlsx",                  "GET",  "/actions/mine/download.xlsx",                302,  403,  200,  200,  200,  200,  200,  200),
    ("remedies:calendar_reset",             "GET",  "/actions/mine/calendar/reset/",              302,  405,  405,  405,  405,  405,  405,  405),
    ("remedies:calendar_reset",             "POST", "/actions/mine/calendar/reset/",              302,  403,  302,  302,  302,  302,  302,  302),
    ("remedies:action",                     "GET",  "/actions/{action}/",                         302,  403,  200,  200,  404,  200,  200,  200),
    ("remedies:action",                     "GET",  "/actions/{action_b}/",                       302,  403,  200,  404,  200,  200,  200,  200),
    ("remedies:action",                     "GET",  "/actions/{action_c_owned}/",                 302,  403,  200,  404,  200,  200,  200,  200),
    ("remedies:action",                     "GET",  "/actions/{action_c_other}/",                 302,  403,  200,  404,  404,  200,  200,  200),
    ("remedies:action",                     "GET",  "/actions/999999/",                           302,  403,  404,  404,  404,  404,  404,  404),
    ("remedies:extend",                     "GET",  "/actions/{action}/extend/",                  302,  403,  200,  403,  403,  403,  403,  200),
    ("remedies:extend",                     "POST", "/actions/{action}/extend/",                  302,  403,  302,  403,  403,  403,  403,  302),
    ("remedies:compliance",                 "GET",  "/actions/{action}/compliance/",              302,  403,  200,  403,  403,  403,  403,  200),
    ("remedies:compliance",                 "POST", "/actions/{action}/compliance/",              302,  403,  302,  403,  403,  403,  403,  302),
    ("remedies:change",                     "GET",  "/actions/{action}/change/",                  302,  403,  200,  403,  403,  403,  403,  200),
    ("remedies:change",                     "GET",  "/actions/999999/change/",                    302,  403,  404,  403,  403,  403,  403,  404),
    ("remedies:change",                     "POST", "/actions/{action}/change/",                  302,  403,  302,  403,  403,  403,  403,  302),
    ("remedies:complete",                   "GET",  "/actions/{action}/complete/",                302,  403,  200,  200,  404,  403,  403,  200),
    ("remedies:complete",                   "GET",  "/actions/{action_b}/complete/",              302,  403,  200,  404,  200,  403,  403,  200),
    ("remedies:complete",                   "GET",  "/actions/{action_c_owned}/complete/",        302,  403,  200,  404,  200,  403,  403,  200),
    ("remedies:complete",                   "GET",  "/actions/{action_c_other}/complete/",        302,  403,  200,  404,  404,  403,  403,  200),
    ("remedies:complete",                   "GET",  "/actions/999999/complete/",                  302,  403,  404,  404,  404,  403,  403,  404),
    ("remedies:complete",                   "POST", "/actions/{action}/complete/",                302,  403,  302,  302,  404,  403,  403,  302),
    ("remedies:complete",                   "POST", "/actions/{action_c_other}/complete/",        302,  403,  302,  404,  404,  403,  403,  302),
    ("remedies:evidence",                   "GET",  "/evidence/{evidence}/",                      302,  403,  200,  200,  404,  200,  200,  200),
    ("remedies:evidence",                   "GET",  "/evidence/{evidence_b}/",                    302,  403,  200,  404,  200,  200,  200,  200),
    ("remedies:evidence",                   "GET",  "/evidence/{evidence_c_owned}/",              302,  403,  200,  404,  200,  200,  200,  200),
    ("remedies:evidence",                   "GET",  "/evidence/{evidence_c_other}/",              302,  403,  200,  404,  404,  200,  200,  200),
    ("remedies:evidence",                   "GET",  "/evidence/999999/",                          302,  403,  404,  404,  404,  404,  404,  404),
    ("remedies:calendar",                   "GET",  "/calendar/{token}.ics",                      200,  200,  200,  200,  200,  200,  200,  200),
    ("remedies:calendar",                   "GET",  "/calendar/not-the-token.ics",                404,  404,  404,  404,  404,  404,  404,  404),
]  # fmt: skip

# What a 200 must be served as (downloads are files, not pages).
CONTENT_TYPES = {
    "healthz": "text/plain",
    "decisions:csv": "text/csv",
    "decisions:xlsx": XLSX,
    "decisions:import_template_csv": "text/csv",
    "decisions:import_template_xlsx": XLSX,
    "decisions:report_download": "application/pdf",
    "decisions:statistics_csv": "text/csv",
    "decisions:statistics_xlsx": XLSX,
    "remedies:action_csv": "text/csv",
    "remedies:action_xlsx": XLSX,
    "remedies:mine_csv": "text/csv",
    "remedies:mine_xlsx": XLSX,
    "remedies:evidence": "application/pdf",
    "remedies:calendar": "text/calendar",
}

# Where a signed-in user's GET redirect goes (POST redirects are checked by their effect),
# given the user and the row's path as written in MATRIX.
REDIRECTS = {
    # Each role's start page; someone with no role is shown a page there instead (200).
    "home": lambda user, row: {
        "officer": "/dashboard/",
        "owner": "/actions/mine/",
        "lead": "/actions/mine/",
        "other": "/actions/mine/",
        "manager": "/dashboard/",
        "monitoring": "/reports/",
        "admin": "/dashboard/",
    }[user.username],
    "login": lambda user, row: "/",
    "administrator_sign_in": lambda user, row: "/",
    "two_factor_verify": lambda user, row: "/account/two-factor/set-up/?next=%2F",
    "two_factor_set_up": lambda user, row: "/account/two-factor/",
    "admin:login": lambda user, row: "/admin/",
    # A complaint's address opens its decision: {slug_b} opens {decision_b}.
    "decisions:complaint": lambda user, row: row.replace(
        "/complaints/{slug", "/decisions/{decision"
    ),
    "decisions:annual_letter_check": lambda user, row: row.removesuffix("check/"),
}

# Accepted POSTs that save nothing by design: the steps of logging a decision only change
# the officer's draft (nothing is recorded before "Save decision" on the check page), an
# upload to the import is checked and kept in the session until the officer imports it;
# "Stay signed in" only moves the session's expiry on.
SAVES_NOTHING = {
    "decisions:import", "session_extend", "decisions:draft_decision", "decisions:draft_findings",
    "decisions:draft_action_add", "decisions:draft_action", "decisions:draft_action_remove",
    "decisions:draft_further", "decisions:draft_cancel", "decisions:annual_letter",
}  # fmt: skip

# A page that saves nothing but keeps the user's work in progress in a row of its own.
KEEPS_WORK_IN_PROGRESS = {"decisions:import": "decisions.PendingImport"}

# Admin pages every registered model has (list, add, change, delete, history) and the
# admin site's own: covered by the admin rows above and by
# `test_the_superuser_opens_every_admin_list_and_add_page`. Any other admin page (a
# custom view such as "Run the overdue sweep now") needs its own row.
ADMIN_SITE_PAGES = {"index", "login", "logout", "password_change", "password_change_done",
                    "autocomplete", "jsi18n", "view_on_site", "app_list"}  # fmt: skip
ADMIN_MODEL_PAGES = ("changelist", "add", "change", "delete", "history", "simple_history",
                     "password_change")  # fmt: skip


@dataclass
class World:
    users: dict = field(default_factory=dict)
    args: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Eight users a test: the real hasher's slowness guards passwords, not these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(db) -> World:
    users = {
        "no role": UserFactory(username="norole"),
        "officer": UserFactory(username="officer", role="Complaints officers"),
        "SM owner": UserFactory(username="owner", role="Service managers"),
        "SM lead": UserFactory(username="lead", role="Service managers"),
        "SM other": UserFactory(username="other", role="Service managers"),
        "manager": UserFactory(username="manager", role="Managers"),
        "monitoring": UserFactory(username="monitoring", role="Monitoring officers"),
        "admin": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }
    home = OrganisationFactory(
        name="Fenland County Council", kind=Organisation.Kind.COUNTY, population=700_000,
        is_home_authority=True,
    )  # fmt: skip
    area = ServiceAreaFactory(directorate="Adults", service="Mental health", lead=users["SM lead"])
    complaint = ComplaintFactory(reference="24 005 859a", organisations=[home], service_area=area)
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    FindingFactory(decision=decision)
    action = AgreedActionFactory(
        decision=decision, kind="apology", amount=None, owner=users["SM owner"],
        service_area=area, deadline_phrase="within one month of the final decision",
        due_date=date(2025, 3, 13), description="Apologise to Mr X",
    )  # fmt: skip
    evidence = _evidence_of(action, users["SM owner"])
    enquiry = Enquiry.objects.create(
        complaint=complaint, kind=Enquiry.Kind.INITIAL, sent_on=date(2025, 3, 1),
        due_on=date(2025, 3, 28),
    )  # fmt: skip
    other_cases = _other_cases(users, home)
    report = CommitteeReport.objects.create(
        kind=CommitteeReport.Kind.OVERDUE, parameters={"kind": "overdue"},
        meeting_title="Audit and Standards Committee", meeting_date=date(2025, 6, 20),
        subject="Overdue remedies", created_by=users["monitoring"],
    )  # fmt: skip
    # A stored PDF consistent with its checksum, as the Celery task leaves it.
    report.pdf.save(report.filename, ContentFile(REPORT_PDF), save=False)
    report.sha256 = hashlib.sha256(REPORT_PDF).hexdigest()
    report.status = CommitteeReport.Status.READY
    report.save()
    # One that could not be made, with its "Try again".
    report_failed = CommitteeReport.objects.create(
        kind=CommitteeReport.Kind.OVERDUE, parameters={"kind": "overdue"},
        meeting_title="Audit and Standards Committee", meeting_date=date(2025, 6, 20),
        subject="Overdue remedies", created_by=users["monitoring"], status="failed",
        attempts=3, last_error="The worker stopped before it finished, 3 times.",
    )  # fmt: skip
    feed = calendar_feed_for(users["SM owner"])
    saved_view = SavedView.objects.create(
        user=users["manager"], list_name=SavedView.List.ACTIONS, name="Overdue",
        query="overdue=yes",
    )  # fmt: skip
    world = World(objects={"home": home})
    draft = _draft_of(users["officer"], world)
    return World(
        users=users,
        args={
            "decision": decision.pk,
            "action": action.pk,
            "evidence": evidence.pk,
            "enquiry": enquiry.pk,
            "report": report.pk,
            "report_failed": report_failed.pk,
            "slug": complaint.slug,
            **other_cases,
            "token": feed.token,
            "saved_view": saved_view.pk,
            "draft": draft.pk,
        },
        objects={"home": home, "decision": decision, "action": action},
    )


def _evidence_of(action, uploader) -> Evidence:
    return Evidence.objects.create(
        action=action, file=SimpleUploadedFile("x.pdf", PDF), original_name="proof.pdf",
        extension=".pdf", content_type="application/pdf", kind_label="PDF", size=len(PDF),
        uploaded_by=uploader,
    )  # fmt: skip


def _other_cases(users, home) -> dict:
    """The cases of two other service areas, with their actions, evidence and an enquiry
    past due: B, led by SM other, and C, led by nobody, where SM other owns one of the two
    actions. Their ids by name, for the rows of MATRIX."""
    area_b = ServiceAreaFactory(directorate="Housing", service="Leasehold", lead=users["SM other"])
    area_c = ServiceAreaFactory(directorate="Regeneration", service="Parking", lead=None)
    complaint_b = ComplaintFactory(
        reference="23 011 222", organisations=[home], service_area=area_b
    )
    complaint_c = ComplaintFactory(
        reference="23 012 333", organisations=[home], service_area=area_c
    )
    decision_b = DecisionFactory(complaint=complaint_b, decision_date=date(2025, 3, 3))
    decision_c = DecisionFactory(complaint=complaint_c, decision_date=date(2025, 3, 4))
    action_b = AgreedActionFactory(
        decision=decision_b, service_area=area_b, owner=None, description="Repair the roof",
        due_date=date(2025, 5, 3),
    )  # fmt: skip
    action_c_owned = AgreedActionFactory(
        decision=decision_c, service_area=area_c, owner=users["SM other"],
        description="Refund the parking fine", due_date=date(2025, 5, 4),
    )  # fmt: skip
    action_c_other = AgreedActionFactory(
        decision=decision_c, service_area=area_c, owner=users["officer"],
        description="Review the permit policy", due_date=date(2025, 6, 4),
    )  # fmt: skip
    Enquiry.objects.create(
        complaint=complaint_b, kind=Enquiry.Kind.INITIAL, sent_on=date(2025, 3, 1),
        due_on=date(2025, 3, 29),
    )  # fmt: skip
    return {
        "decision_b": decision_b.pk,
        "decision_c": decision_c.pk,
        "slug_b": complaint_b.slug,
        "slug_c": complaint_c.slug,
        "action_b": action_b.pk,
        "action_c_owned": action_c_owned.pk,
        "action_c_other": action_c_other.pk,
        "evidence_b": _evidence_of(action_b, users["SM other"]).pk,
        "evidence_c_owned": _evidence_of(action_c_owned, users["SM other"]).pk,
        "evidence_c_other": _evidence_of(action_c_other, users["officer"]).pk,
    }


def _template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows())
    return buffer.getvalue().encode()


def _decision_fields(world) -> dict:
    home = world.objects["home"]
    return {
        "complaint-reference": "24 999 001", "complaint-complainant_label": "Ms D",
        "complaint-organisations": [str(home.pk)], "decision-decision_date": "2025-05-01",
        "decision-kind": "statement", "decision-outcome": "upheld",
        "decision-summary": "Fault this time.",
    }  # fmt: skip


def _action_fields(world, index: int) -> dict:
    p = f"actions-{index}-"
    return {
        p + "kind": "apology", p + "organisation": str(world.objects["home"].pk),
        p + "payee_label": "Ms D", p + "deadline_phrase": "within one month of the final decision",
        p + "status": "open",
    }  # fmt: skip


def _draft_of(user, world) -> DecisionDraft:
    """A decision the officer has typed in but not saved: complete, with one action."""
    data = {
        **_decision_fields(world), **_action_fields(world, 0),
        "findings-TOTAL_FORMS": "0", "findings-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0",
    }  # fmt: skip
    data = {k: v if isinstance(v, list) else [v] for k, v in data.items()}
    return DecisionDraft.objects.create(user=user, data=data)


# The figures of an annual review letter, as a manager types them.
ANNUAL_LETTER = {
    "investigations": "30", "upheld": "21", "upheld_per_100k": "3", "compliance_outcomes": "18",
    "compliance_rate_percent": "100", "satisfactory_remedies": "2", "average_upheld_rate": "85",
    "average_upheld_per_100k": "4.5", "average_compliance_rate": "100",
    "average_satisfactory_remedy": "7",
}  # fmt: skip


# A form for each POST row that changes data when it is accepted (but SAVES_NOTHING; checked by
# `test_every_form_the_matrix_sends_is_saved_when_an_allowed_user_sends_it`), so a refusal that
# changes nothing is a real refusal, not a form too broken to save.
POSTS = {
    "admin:remedies_reminder_run_sweep": lambda w: {},
    "session_extend": lambda w: {},
    "decisions:new": lambda w: {"type": "1"},
    "decisions:draft_decision": _decision_fields,
    "decisions:draft_findings": lambda w: {
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-point": "Delay",
        "findings-0-fault": "yes",
        "findings-0-result": "upheld",
    },  # fmt: skip
    "decisions:draft_action_add": lambda w: _action_fields(w, 1),
    "decisions:draft_action": lambda w: {**_action_fields(w, 0), "actions-0-payee_label": "Mr D"},
    "decisions:draft_action_remove": lambda w: {},
    "decisions:draft_further": lambda w: {},
    "decisions:draft_check": lambda w: {},
    "decisions:draft_cancel": lambda w: {},
    "decisions:import": lambda w: {
        "file": SimpleUploadedFile("past.csv", _template_csv(), "text/csv")
    },
    "decisions:edit": lambda w: {"decision-outcome": "not_upheld"},
    "decisions:add_to_complaint": lambda w: {"type": "1"},
    "decisions:enquiry_new": lambda w: {"kind": "further", "sent_on": "2025-05-01"},
    "decisions:enquiry_edit": lambda w: {
        "kind": "initial",
        "sent_on": "2025-03-01",
        "due_on": "2025-03-28",
        "answered_on": "2025-03-20",
    },  # fmt: skip
    "decisions:report_new": lambda w: {
        "kind": "overdue",
        "meeting_title": "Audit and Standards Committee",
        "meeting_date": "2025-06-20",
        "subject": "Overdue remedies",
        "report_by": "Monitoring Officer",
        "wards_affected": "All",
        "for_information": "on",
        "purpose": "P.",
        "background": "B.",
        "conclusion": "C.",
        "action": "generate",
    },  # fmt: skip
    "decisions:report_try_again": lambda w: {},
    "decisions:report_withdraw": lambda w: {"reason": "Made for the wrong meeting."},
    "decisions:annual_letter": lambda w: dict(ANNUAL_LETTER),
    "decisions:annual_letter_check": lambda w: dict(ANNUAL_LETTER),
    "remedies:calendar_reset": lambda w: {},
    "remedies:extend": lambda w: {"new_due_date": "2025-07-31", "reason": "Agreed by e-mail."},
    "remedies:compliance": lambda w: {"evidence_sent_on": "", "compliance_outcome": "not_complied"},
    "remedies:change": lambda w: {"payee_label": "Mrs Y", "notes": "Corrected."},
    "remedies:assign": lambda w: {
        # The version the list would show now: earlier rows may have changed the action.
        "actions": f"{w.args['action']}:{AgreedAction.objects.get(pk=w.args['action']).version}",
        # The owner it has: the owner's own rows (completing it) come later.
        "owner": str(w.users["SM owner"].pk),
    },
    "remedies:complete": lambda w: {"completed_on": "2025-06-01", "note": "Apology sent."},
    "decisions:save_view": lambda w: {"name": "Upheld this year"},
    "remedies:save_view": lambda w: {"name": "Overdue in Adults"},
    "saved_view_delete": lambda w: {},
}


class _FormAsShown(HTMLParser):
    """The values a browser would send back from the page's form that posts to the page
    itself (not, say, the "Sign out" form in the header)."""

    def __init__(self, path):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._path = path
        self._inside = self._done = False
        self._select = self._textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self._done:
            self._inside = attrs.get("action") in (None, "", self._path)
        if not self._inside or not (attrs.get("name") or tag == "option"):
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "checkbox", "radio"):
            self._add(attrs["name"], attrs.get("value"))
        elif tag == "input" and kind in ("checkbox", "radio") and "checked" in attrs:
            self._add(attrs["name"], attrs.get("value", "on"))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value"))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")

    def handle_endtag(self, tag):
        if tag == "form" and self._inside:
            self._inside, self._done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def _send(client, path, name, world, *, shown):
    """POST the row's form as a browser would: the form of the page as it is shown now to
    someone allowed (with the versions an edit form carries back), changed by the row's
    fields. `shown` is a client signed in as the superuser."""
    page = shown.get(path)
    form = _FormAsShown(path)
    if page.status_code == 200 and page["Content-Type"].startswith("text/html"):
        form.feed(page.content.decode())
    data = {k: v if len(v) > 1 else v[0] for k, v in form.values.items()}
    data.pop("csrfmiddlewaretoken", None)
    return client.post(path, {**data, **POSTS[name](world)})


def _state() -> dict:
    """Everything a refused request must leave as it was: the number of rows of every
    model of the product (history included, so any save shows), the rows the forms
    change, and the calendar addresses."""
    models = [
        m
        for app in ("ombudsman", "decisions", "remedies")
        for m in apps.get_app_config(app).get_models()
    ]
    # One query for every count: the snapshot is taken twice for each POST of each role.
    quote = connection.ops.quote_name
    # Only the table names of the product's own models go into this SQL, never input.
    counts = ", ".join(f"(SELECT count(*) FROM {quote(m._meta.db_table)})" for m in models)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        state = dict(zip((m._meta.label for m in models), cursor.fetchone(), strict=True))
    for label in (
        "decisions.Decision", "decisions.Enquiry", "remedies.AgreedAction",
        "decisions.CommitteeReport",
    ):  # fmt: skip
        state[f"{label} rows"] = list(apps.get_model(label).objects.order_by("pk").values())
    state["calendar tokens"] = sorted(CalendarFeed.objects.values_list("token", flat=True))
    return state


def _is_sign_in(location: str) -> bool:
    return location.startswith(("/login/", "/admin/login/"))


def _roles_named(html: str) -> set[str] | None:
    """The roles a 403 page says have the permission the page needs; None when it names no
    permission."""
    if "It needs the permission" not in html:
        return None
    listed = re.search(
        r"(?:these roles have|this role has):</p>\s*<ul class=\"govuk-list[^\"]*\">(.*?)</ul>",
        html,
        re.S,
    )
    return set(re.findall(r"<li>(.*?)</li>", listed.group(1))) if listed else set()


def _check(
    response, *, name, method, row, statuses, path, column, user, world, before
) -> list[str]:
    """What else a user would notice beyond the status: where a redirect goes, what a
    download is served as, what a refusal says the page needs, and whether a POST changed
    anything."""
    problems = []
    where = f"{method} {path} as {column}"
    location = response.get("Location", "")
    status = response.status_code
    if status == 302 and column == "anonymous":
        # The admin's own pages send visitors to the admin's sign-in, the rest to ours.
        sign_in = {f"/login/?next={quote(path)}", f"/admin/login/?next={quote(path)}"}
        if location not in sign_in:
            problems.append(f"{where}: sent to {location}, not to sign in")
    elif status == 302 and path.startswith("/admin/") and not user.is_staff:
        if location != f"/admin/login/?next={quote(path)}":
            problems.append(f"{where}: sent to {location}, not to the admin sign-in")
    elif status == 302:
        if _is_sign_in(location):
            problems.append(f"{where}: a signed-in user sent to sign in again ({location})")
        if method == "GET" and name in REDIRECTS:
            expected = REDIRECTS[name](user, row).format(**world.args)
            if location != expected:
                problems.append(f"{where}: redirected to {location}, expected {expected}")
    if status == 403 and column != "anonymous":
        # The roles the 403 page names as having what the page needs are the roles this
        # row lets in (a status other than 403), whatever the further rule of one record.
        named = _roles_named(response.content.decode())
        let_in = {
            group for c, group in ROLE_GROUPS.items()
            if group and statuses[COLUMNS.index(c)] != 403
        }  # fmt: skip
        if named != let_in:
            problems.append(f"{where}: the 403 page names {named}, the matrix lets in {let_in}")
    if status == 200 and method == "GET":
        expected_type = CONTENT_TYPES.get(name, "text/html")
        if not response["Content-Type"].startswith(expected_type):
            problems.append(f"{where}: served as {response['Content-Type']}, not {expected_type}")
        attached = response.get("Content-Disposition", "").startswith("attachment")
        if name in CONTENT_TYPES and name not in ("healthz", "remedies:calendar") and not attached:
            problems.append(f"{where}: a file shown in the browser, not downloaded")
        if name == "decisions:report_download" and response.content != REPORT_PDF:
            problems.append(f"{where}: not the stored PDF byte for byte")
        if name == "remedies:evidence" and b"".join(response.streaming_content) != PDF:
            problems.append(f"{where}: not the stored evidence file")
    if method == "POST":
        refused = status in (403, 404, 405) or (status == 302 and _is_sign_in(location))
        after = _state()
        changed = after != before
        if not refused and name in KEEPS_WORK_IN_PROGRESS:
            # Its own scratch row (a checked import file waiting) is not saved data.
            scratch = KEEPS_WORK_IN_PROGRESS[name]
            changed = {k: v for k, v in after.items() if k != scratch} != {
                k: v for k, v in before.items() if k != scratch
            }
        if refused and changed:
            problems.append(f"{where}: refused with {status} but data changed")
        if not refused and not changed and name not in SAVES_NOTHING:
            problems.append(f"{where}: accepted with {status} but nothing was saved")
        if not refused and changed and name in SAVES_NOTHING:
            problems.append(f"{where}: saved data, which it never should")
    return problems


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_gets_the_status_in_the_matrix_for_every_page(client, world, role):
    column = ROLES[role]
    user = world.users.get(role)
    if user is not None:
        client.force_login(user)
    index = COLUMNS.index(column)
    rows = [r for r in MATRIX if r[1] == "GET"] + [r for r in MATRIX if r[1] == "POST"]
    expected, got, problems = {}, {}, []
    shown = Client()
    shown.force_login(world.users["admin"])
    for name, method, template, *statuses in rows:
        path = template.format(**world.args)
        key = f"{method} {path}  ({name})"
        expected[key] = statuses[index]
        before = _state() if method == "POST" else None
        if method == "POST":
            response = _send(client, path, name, world, shown=shown)
        else:
            response = client.get(path)
        got[key] = response.status_code
        problems += _check(
            response, name=name, method=method, row=template, statuses=statuses, path=path,
            column=column, user=user or _Anonymous(), world=world, before=before,
        )  # fmt: skip
    assert got == expected
    assert problems == []


class _Anonymous:
    is_staff = False

    def has_perm(self, perm):
        return False


def _project_patterns(resolver=None, prefix="", namespace=""):
    """(name, route) of every URL pattern, recursing into includes (the admin too)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _project_patterns(entry, prefix + str(entry.pattern), inner)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, prefix + str(entry.pattern)


def _generic_admin_page(name: str | None, route: str) -> bool:
    if not route.startswith("admin/"):
        return False
    if name is None:
        return True  # a model's old-style change address or the catch-all redirect
    short = name.removeprefix("admin:")
    models = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    return short in ADMIN_SITE_PAGES or any(
        short == f"{model}_{page}" for model in models for page in ADMIN_MODEL_PAGES
    )


def test_every_url_pattern_has_a_row_in_the_matrix():
    patterns = list(_project_patterns())
    unnamed = [route for name, route in patterns if name is None and not route.startswith("admin/")]
    assert unnamed == [], f"URL patterns without a name cannot be checked: {unnamed}"
    project = {name for name, route in patterns if not _generic_admin_page(name, route)}
    known = {row[0] for row in MATRIX}
    missing = sorted(project - known)
    gone = sorted(known - {name for name, _ in patterns})
    assert missing == [], f"pages with no row in MATRIX (add one per role): {missing}"
    assert gone == [], f"rows in MATRIX for pages that no longer exist: {gone}"


def test_each_row_of_the_matrix_opens_the_page_it_names(world):
    for name, _, template, *_ in MATRIX:
        path = template.format(**world.args)
        assert resolve(path).view_name == name, path


def test_every_form_the_matrix_sends_is_saved_when_an_allowed_user_sends_it(client, world):
    """So a refusal that changes nothing is a real refusal, not a form too broken to save:
    sent by the complaints team (or the monitoring officer, the owner, the superuser), each
    form of the matrix changes data."""
    senders = {
        "decisions:report_new": "monitoring",
        "decisions:report_try_again": "monitoring",
        "decisions:report_withdraw": "monitoring",
        "decisions:annual_letter_check": "manager",
        "admin:remedies_reminder_run_sweep": "admin",
        "remedies:complete": "SM owner",
        "saved_view_delete": "manager",
    }
    shown = Client()
    shown.force_login(world.users["admin"])
    for name in POSTS:
        if name in SAVES_NOTHING:
            continue
        client.force_login(world.users[senders.get(name, "officer")])
        path = next(t for n, m, t, *_ in MATRIX if n == name and m == "POST")
        path = path.format(**world.args)
        before = _state()
        response = _send(client, path, name, world, shown=shown)
        assert response.status_code == 302, (name, response.status_code)
        assert _state() != before, f"{name}: the form saved nothing"


def test_the_superuser_opens_every_admin_list_and_add_page(client, world):
    client.force_login(world.users["admin"])
    failures = {}
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        lists = client.get(base)
        if lists.status_code != 200:
            failures[base] = lists.status_code
        adds = client.get(base + "add/")
        expected = 200 if model_admin.has_add_permission(lists.wsgi_request) else 403
        if adds.status_code != expected:
            failures[base + "add/"] = adds.status_code
    assert failures == {}


def test_the_calendar_address_works_without_a_session_and_stops_when_reset(client, world):
    path = f"/calendar/{world.args['token']}.ics"
    assert client.get(path).status_code == 200
    client.force_login(world.users["SM owner"])
    client.post("/actions/mine/calendar/reset/")
    client.logout()
    assert client.get(path).status_code == 404


# What each role finds listed, and nothing else: the complaints of the decisions list and
# its downloads, the complaints with an enquiry past due, and the actions (by description)
# of "My actions", its downloads and the calendar feed. A service manager's lists hold only
# what they may open; everyone else's hold every case.
A, B, C = "24 005 859a", "23 011 222", "23 012 333"
APOLOGY, ROOF, REFUND, POLICY = (
    "Apologise to Mr X", "Repair the roof", "Refund the parking fine", "Review the permit policy",
)  # fmt: skip
LISTED = {
    # role          complaints    enquiries  my actions
    "officer":     ({A, B, C},    {A, B},    {POLICY}),
    "SM owner":    ({A},          {A},       {APOLOGY}),
    "SM lead":     ({A},          {A},       {APOLOGY}),
    "SM other":    ({B, C},       {B},       {ROOF, REFUND}),
    "manager":     ({A, B, C},    {A, B},    set()),
    "monitoring":  ({A, B, C},    {A, B},    set()),
    "admin":       ({A, B, C},    {A, B},    set()),
}  # fmt: skip


@pytest.mark.parametrize("role", list(LISTED))
def test_lists_downloads_and_the_calendar_hold_only_what_the_role_may_open(client, world, role):
    complaints, enquiries, mine = LISTED[role]
    user = world.users[role]
    client.force_login(user)
    page = client.get("/decisions/").content.decode()
    assert {ref for ref in (A, B, C) if ref in page} == complaints
    assert {row[0] for row in read_csv(client.get("/decisions/download.csv"))[1:]} == complaints
    assert {row[0] for row in read_xlsx(client.get("/decisions/download.xlsx"))[1:]} == complaints
    past_due = client.get("/enquiries/past-due/").content.decode()
    assert {ref for ref in (A, B, C) if ref in past_due} == enquiries
    assert {row[2] for row in read_csv(client.get("/actions/mine/download.csv"))[1:]} == mine
    assert {row[2] for row in read_xlsx(client.get("/actions/mine/download.xlsx"))[1:]} == mine
    descriptions = dict(AgreedAction.objects.values_list("pk", "description"))
    feed = client.get(f"/calendar/{calendar_feed_for(user).token}.ics").content.decode()
    in_feed = {descriptions[int(pk)] for pk in re.findall(r"UID:action-(\d+)@", feed)}
    assert in_feed == mine


def test_a_service_manager_sees_of_a_decision_only_the_actions_they_may_open(client, world):
    """Decision C holds an action SM other owns and one they do not: its page lists, and
    its history tells, only the first."""
    client.force_login(world.users["SM other"])
    page = client.get(f"/decisions/{world.args['decision_c']}/").content.decode()
    assert REFUND in page
    assert POLICY not in page
    assert f"/actions/{world.args['action_c_other']}/" not in page
    client.force_login(world.users["officer"])
    page = client.get(f"/decisions/{world.args['decision_c']}/").content.decode()
    assert REFUND in page and POLICY in page


def test_rights_beyond_a_service_managers_do_not_widen_what_they_see(client, world):
    """Given the complaints team's and the dashboard's permissions but not the one to see
    every case, a service manager still reaches only their own: the dashboard counts, the
    actions list holds, and the pages that change or add to a case find, only theirs."""
    user = world.users["SM other"]
    for codename in ("change_decision", "add_decision", "add_enquiry", "change_enquiry",
                     "change_agreedaction", "view_dashboard"):  # fmt: skip
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    theirs = {world.args[k] for k in ("action_b", "action_c_owned")}
    board = client.get("/dashboard/").context["dashboard"]
    assert (board.open, board.enquiries_past_due) == (len(theirs), 1)
    assert {row[2] for row in read_csv(client.get("/actions/download.csv"))[1:]} == {ROOF, REFUND}
    listed = client.get("/actions/").content.decode()
    assert ROOF in listed and REFUND in listed and APOLOGY not in listed
    for path in (
        f"/decisions/{world.args['decision']}/edit/",
        f"/complaints/{world.args['slug']}/decisions/new/",
        f"/complaints/{world.args['slug']}/enquiries/new/",
        f"/enquiries/{world.args['enquiry']}/edit/",
    ):
        assert client.get(path).status_code == 404, path
    action = world.objects["action"]
    before = _state()
    response = client.post(
        "/actions/assign/",
        {"actions": f"{action.pk}:{action.version}", "owner": str(user.pk)},
    )
    assert response.status_code in (400, 409)
    assert _state() == before


def test_roles_exist_with_their_permissions(db):
    officers = Group.objects.get(name="Complaints officers")
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in officers.permissions.all()}
    assert {"decisions.add_decision", "decisions.change_decision",
            "remedies.change_agreedaction"} <= perms  # fmt: skip
    for name in ("Service managers", "Managers", "Monitoring officers"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert "view_decision" in codenames
        assert "add_decision" not in codenames


def test_navigation_offers_only_what_the_user_may_do(client, world):
    client.force_login(world.users["manager"])
    assert 'href="/decisions/new/"' not in client.get("/decisions/").content.decode()
    client.force_login(world.users["officer"])
    assert 'href="/decisions/new/"' in client.get("/decisions/").content.decode()


def test_login_page_signs_in_and_lands_on_the_users_first_page(client, world):
    response = client.post(
        "/login/", {"username": "officer", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).status_code == 200
    client.logout()
    bad = client.post("/login/", {"username": "officer", "password": "wrong"})
    assert "Please enter a correct username and password" in bad.content.decode()
