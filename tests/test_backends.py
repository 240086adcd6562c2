"""The permissions backend: a person's permissions in one query, the same as Django's."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .factories import UserFactory


def _fresh(user):
    """The user as a request loads it: nothing read about them yet."""
    return get_user_model().objects.get(pk=user.pk)


def _djangos(user) -> set[str]:
    return ModelBackend().get_all_permissions(_fresh(user))


@pytest.mark.django_db
def test_own_and_group_permissions_are_read_in_one_query_and_match_djangos(
    django_assert_num_queries,
):
    user = UserFactory(username="both", role="Service managers")
    user.user_permissions.add(Permission.objects.get(codename="add_enquiry"))
    person = _fresh(user)
    with django_assert_num_queries(1):
        held = person.get_all_permissions()
        # Django's backend after ours reads nothing again, whatever is asked.
        assert person.has_perm("decisions.add_enquiry")
        assert not person.has_perm("decisions.delete_decision")
    assert held == _djangos(user)
    assert "decisions.add_enquiry" in held  # their own
    assert "remedies.view_agreedaction" in held  # their group's


@pytest.mark.django_db
def test_a_person_with_no_group_has_only_their_own_permissions():
    user = UserFactory(username="own")
    user.user_permissions.add(Permission.objects.get(codename="view_decision"))
    assert _fresh(user).get_all_permissions() == {"decisions.view_decision"}


@pytest.mark.django_db
def test_an_inactive_person_has_no_permissions_and_a_superuser_has_all():
    inactive = UserFactory(username="gone", role="Managers")
    inactive.is_active = False
    inactive.save()
    assert _fresh(inactive).get_all_permissions() == set()
    admin = UserFactory(username="root")
    admin.is_superuser = True
    admin.save()
    assert _fresh(admin).get_all_permissions() == _djangos(admin)
    assert len(_djangos(admin)) == Permission.objects.count()


@pytest.mark.django_db
def test_signing_in_is_still_djangos_and_the_session_names_its_backend(client):
    UserFactory(username="olu", role="Complaints officers")
    response = client.post(
        "/login/", {"username": "olu", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    assert client.get("/decisions/").status_code == 200
