"""A person's permissions read in one plain query: an authentication backend that answers
"may they?" and leaves signing in to Django's ``ModelBackend``, which follows it.

Every page asks for the signed-in person's permissions (the rule its view requires, the
navigation's links). Django's backend reads them with two queries built by the ORM, one
for the person's own permissions and one for their groups': building them cost more than
running them, about 3 ms a page of the 25 a page took (measured on the demo data). The
query here reads both at once and is written once, from the models' own table and column
names. A superuser's permissions (every one) and everything else are Django's.

``ModelBackend`` after this one finds the permissions already read (Django's backends keep
them on the user object, as ``_perm_cache``) and asks nothing more. Sessions name the
backend that signed the person in, ``ModelBackend`` as before.
"""

from functools import cache

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@cache
def _permissions_sql() -> str:
    """SELECT app label, codename of the permissions a user holds, directly or through a
    group; one parameter, twice: the user's id."""
    q = connection.ops.quote_name
    user_model = get_user_model()

    def table(model) -> str:
        return q(model._meta.db_table)

    def column(model, field: str) -> str:
        return q(model._meta.get_field(field).column)

    own = user_model._meta.get_field("user_permissions").remote_field.through
    in_group = user_model._meta.get_field("groups").remote_field.through
    group_has = Group._meta.get_field("permissions").remote_field.through
    user_fk = str(user_model._meta.model_name)  # the through tables' field to the user
    permission_id, type_id = column(Permission, "id"), column(ContentType, "id")
    # Names from the models' metadata, quoted; the user's id is a parameter.
    return (
        f"SELECT ct.{column(ContentType, 'app_label')}, p.{column(Permission, 'codename')} "  # noqa: S608
        f"FROM {table(Permission)} p "
        f"JOIN {table(ContentType)} ct ON ct.{type_id} = p.{column(Permission, 'content_type')} "
        f"WHERE p.{permission_id} IN (SELECT {column(own, 'permission')} FROM {table(own)} "
        f"WHERE {column(own, user_fk)} = %s) "
        f"OR p.{permission_id} IN (SELECT gp.{column(group_has, 'permission')} "
        f"FROM {table(group_has)} gp JOIN {table(in_group)} ug "
        f"ON ug.{column(in_group, 'group')} = gp.{column(group_has, 'group')} "
        f"WHERE ug.{column(in_group, user_fk)} = %s)"
    )


class PermissionsBackend(backends.ModelBackend):
    """Django's, with an active person's permissions (their own and their groups') read in
    one query, kept on the user object for the request as Django's are. It signs nobody
    in: ``ModelBackend``, next in AUTHENTICATION_BACKENDS, checks passwords (once)."""

    def authenticate(self, request, **credentials):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if (
            not user_obj.is_active
            or user_obj.is_anonymous
            or obj is not None
            or user_obj.is_superuser
        ):
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor}
        return user_obj._perm_cache
