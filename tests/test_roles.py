"""The roles as code: after `migrate` each role's group holds exactly the permissions of
ombudsman.roles.ROLE_PERMISSIONS, whatever was done to it by hand; and the named rules of
ombudsman.access that pages ask."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.template import Context, Template

from ombudsman import roles
from ombudsman.access import can_change_actions, can_complete, can_extend

from .factories import AgreedActionFactory, ServiceAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def _groups() -> dict[str, set[str]]:
    """Each group's permissions as the database has them, as "app_label.codename"."""
    held = {}
    for group in Group.objects.prefetch_related("permissions__content_type"):
        held[group.name] = {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        }
    return held


def _tamper() -> None:
    """What an administrator might do in the admin: take a permission from one role, give
    another one a right it should not have, delete a third role altogether."""
    managers = Group.objects.get(name="Managers")
    managers.permissions.remove(Permission.objects.get(codename="view_dashboard"))
    service_managers = Group.objects.get(name="Service managers")
    service_managers.permissions.add(Permission.objects.get(codename="add_decision"))
    Group.objects.filter(name="Monitoring officers").delete()


def test_after_migrate_each_role_holds_exactly_its_permissions():
    assert _groups() == roles.ROLE_PERMISSIONS


def test_migrate_puts_back_the_roles_changed_by_hand():
    _tamper()
    assert _groups() != roles.ROLE_PERMISSIONS
    call_command("migrate", verbosity=0)
    assert _groups() == roles.ROLE_PERMISSIONS


def test_sync_roles_repairs_the_roles_and_changes_nothing_when_run_again():
    _tamper()
    roles.sync_roles()
    after = _groups()
    assert after == roles.ROLE_PERMISSIONS
    group_ids = dict(Group.objects.values_list("name", "pk"))
    roles.sync_roles()
    assert _groups() == after
    assert dict(Group.objects.values_list("name", "pk")) == group_ids


def test_a_group_that_is_not_a_role_is_left_alone():
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_decision"))
    roles.sync_roles()
    assert _groups()["Auditors"] == {"decisions.view_decision"}


def test_a_permission_taken_out_of_the_table_is_taken_from_the_role(monkeypatch):
    table = {name: set(permissions) for name, permissions in roles.ROLE_PERMISSIONS.items()}
    table[roles.MANAGERS].discard("remedies.view_dashboard")
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", table)
    roles.sync_roles()
    assert "remedies.view_dashboard" not in _groups()["Managers"]
    manager = UserFactory(username="manager", role="Managers")
    assert not manager.has_perm("remedies.view_dashboard")
    assert roles.start_page(manager) == roles.DECISIONS


def test_a_permission_no_model_declares_is_refused_not_skipped(monkeypatch):
    table = {**roles.ROLE_PERMISSIONS, roles.MANAGERS: {"decisions.view_decisoin"}}
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", table)
    with pytest.raises(ImproperlyConfigured, match="decisions.view_decisoin"):
        roles.sync_roles()


# What a role may do to an agreed action it does not own.


@pytest.fixture
def people():
    return {
        "officer": UserFactory(username="officer", role="Complaints officers"),
        "owner": UserFactory(username="owner", role="Service managers"),
        "lead": UserFactory(username="lead", role="Service managers"),
        "other": UserFactory(username="other", role="Service managers"),
        "manager": UserFactory(username="manager", role="Managers"),
        "monitoring": UserFactory(username="monitoring", role="Monitoring officers"),
    }


def test_only_the_complaints_team_completes_an_action_it_does_not_own(people):
    area = ServiceAreaFactory(lead=people["lead"])
    action = AgreedActionFactory(owner=people["owner"], service_area=area)
    may = {who for who, user in people.items() if can_complete(user, action)}
    assert may == {"officer", "owner", "lead"}
    # Without an action: whether the role completes any at all (the page's first check).
    assert {who for who, user in people.items() if can_complete(user)} == {
        "officer", "owner", "lead", "other",
    }  # fmt: skip


def test_extensions_changes_and_assigning_are_the_complaints_teams_alone(people):
    action = AgreedActionFactory(owner=people["owner"])
    for rule in (can_extend, can_change_actions):
        assert {who for who, user in people.items() if rule(user, action)} == {"officer"}
    assert can_extend(UserFactory(username="root", is_superuser=True), action)


def test_a_template_asks_a_rule_by_name_and_an_unknown_name_is_an_error(people):
    template = Template('{% load access %}{% if user|can:"extend" %}yes{% else %}no{% endif %}')
    assert template.render(Context({"user": people["officer"]})) == "yes"
    assert template.render(Context({"user": people["owner"]})) == "no"
    with pytest.raises(KeyError):
        Template('{% load access %}{{ user|can:"fly" }}').render(Context({"user": people["owner"]}))
