"""A person is shown one way everywhere: their full name, else their user name; what
"nobody" reads as is the page's to say."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from ombudsman.audit import person as audit_person
from ombudsman.people import name_columns, name_in_row, person_name
from remedies.exports import export_rows
from remedies.models import AgreedAction

from .factories import AgreedActionFactory, UserFactory

User = get_user_model()


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Jane", "Smith", "Jane Smith"),
        ("Jane", "", "Jane"),
        ("", "Smith", "Smith"),
        ("", "", "jsmith"),
        ("  ", "", "jsmith"),
    ],
)
def test_person_is_full_name_else_user_name(first, last, expected):
    user = User(username="jsmith", first_name=first, last_name=last)
    assert person_name(user) == expected
    assert Template("{% load people %}{{ u|person }}").render(Context({"u": user})) == expected


def test_nobody_is_empty_so_that_each_page_says_what_nobody_is():
    assert person_name(None) == ""
    page = Template('{% load people %}{{ owner|person|default:"No owner" }}')
    assert page.render(Context({"owner": None})) == "No owner"
    assert audit_person(None) == "System"


def test_a_values_row_gives_the_same_name_as_the_user():
    row = dict(zip(name_columns("owner"), ["Jane", "Smith", "jsmith"], strict=True))
    assert name_in_row(row, "owner") == "Jane Smith"
    nobody = dict.fromkeys(name_columns("owner"))
    assert name_in_row(nobody, "owner") == ""  # never "None None"


@pytest.mark.django_db
def test_download_shows_the_owner_as_every_page_does():
    named = AgreedActionFactory(owner=UserFactory(first_name="Ann", last_name="Able"))
    bare = AgreedActionFactory(owner=UserFactory(username="bare", first_name="", last_name=""))
    unowned = AgreedActionFactory(owner=None)
    actions = AgreedAction.objects.filter(pk__in=[named.pk, bare.pk, unowned.pk])
    owners = [row[5] for row in export_rows(actions, today=named.decision.decision_date)]
    assert sorted(owners) == ["", "Ann Able", "bare"]
