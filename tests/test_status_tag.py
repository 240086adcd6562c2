"""The status of an agreed action as every page shows it (templates/includes/status.html):
one short tag, the days or the date beside it in plain text, decided by the models' own
rules and the dashboard's "due soon" window."""

import re
from datetime import date, timedelta

import pytest
from django.template import Context, Template

from remedies.models import AgreedAction, due_soon_q

from .factories import AgreedActionFactory, DecisionFactory

TODAY = date(2026, 12, 4)
TAG = Template("{% load status %}{% action_status action today %}")


def _render(action, today=TODAY) -> tuple[str, str]:
    """The tag's text and the plain text beside it."""
    html = TAG.render(Context({"action": action, "today": today}))
    tags = re.findall(r'<strong class="govuk-tag govuk-tag--\w+">([^<]*)</strong>', html)
    details = re.findall(r'<span class="app-status__detail">([^<]*)</span>', html)
    assert len(tags) == 1 and len(details) <= 1, html
    return tags[0], "".join(details)


def _action(**kwargs) -> AgreedAction:
    values = {"decision_date": date(2024, 1, 1), "status": AgreedAction.Status.OPEN}
    return AgreedAction(**{**values, **kwargs})


@pytest.mark.parametrize(
    ("fields", "tag", "detail"),
    [
        ({"due_date": TODAY - timedelta(days=570)}, "Overdue", "570 days overdue"),
        ({"due_date": TODAY - timedelta(days=1)}, "Overdue", "1 day overdue"),
        ({"due_date": TODAY}, "Due soon", "due today"),
        ({"due_date": TODAY + timedelta(days=1)}, "Due soon", "due tomorrow"),
        ({"due_date": TODAY + timedelta(days=14)}, "Due soon", "due in 14 days"),
        ({"due_date": TODAY + timedelta(days=15)}, "Open", "due in 15 days"),
        ({"due_date": None}, "Open", "No date: set one"),
        # The extension agreed with the Ombudsman is the date in force.
        (
            {"due_date": TODAY - timedelta(days=30), "extended_due_date": TODAY + timedelta(3)},
            "Due soon",
            "due in 3 days",
        ),
        (
            {"due_date": TODAY - timedelta(days=9), "status": "done", "completed_on": TODAY},
            "Done late",
            "4 Dec 2026",
        ),
        (
            {"due_date": TODAY, "status": "done", "completed_on": date(2026, 11, 30)},
            "Done",
            "30 Nov 2026",
        ),
        ({"due_date": None, "status": "done", "completed_on": TODAY}, "Done", "4 Dec 2026"),
        ({"due_date": TODAY - timedelta(days=90), "status": "withdrawn"}, "Withdrawn", ""),
    ],
)
def test_each_state_reads_as_one_short_tag_and_plain_text(fields, tag, detail):
    assert _render(_action(**fields)) == (tag, detail)


@pytest.mark.django_db
def test_due_soon_is_the_dashboards_due_soon():
    decision = DecisionFactory(decision_date=TODAY - timedelta(days=30))
    for days in range(-2, 18):
        AgreedActionFactory(decision=decision, due_date=TODAY + timedelta(days=days))
    counted = set(
        AgreedAction.objects.with_in_force().filter(due_soon_q(TODAY)).values_list("pk", flat=True)
    )
    tagged = {a.pk for a in AgreedAction.objects.all() if _render(a)[0] == "Due soon"}
    assert tagged == counted and len(counted) == 15
