"""Register the tracker at the test provider: its client id, secret and redirect URIs."""

from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("client_secret")
        parser.add_argument("redirect_uris", nargs="+")

    def handle(self, *args, client_id, client_secret, redirect_uris, **options):
        Application.objects.filter(client_id=client_id).delete()
        # The secret is kept hashed: given here in clear, it is the tracker's to keep.
        Application.objects.create(
            name="Ombudsman decision tracker",
            client_id=client_id,
            client_secret=client_secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(redirect_uris),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
