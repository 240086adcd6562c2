from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OmbudsmanConfig(AppConfig):
    name = "ombudsman"

    def ready(self):
        # Here, not at the top: roles imports the auth models, which need the apps ready.
        from .roles import sync_roles_after_migrate  # noqa: PLC0415

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="ombudsman.roles")
