from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OmbudsmanConfig(AppConfig):
    name = "ombudsman"

    def ready(self):
        # Here, not at the top: roles imports the auth models, which need the apps ready.
        from .roles import sync_roles_after_migrate  # noqa: PLC0415

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="ombudsman.roles")
        # The second factor's receiver of user_logged_in notes in the session whether the
        # person has an authenticator app, so that no page asks: connected here, not when
        # the middleware first loads, so that a session begun before any request (a
        # command's, a worker's first) notes it too.
        from . import two_factor  # noqa: F401, PLC0415
