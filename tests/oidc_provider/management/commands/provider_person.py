"""Set a person at the test provider: their password, e-mail, names and groups."""

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", default="the provider's test pass phrase")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="")
        parser.add_argument("--groups", default="", help="comma-separated group ids")

    def handle(self, *args, username, password, email, name, groups, **options):
        user, _ = User.objects.get_or_create(username=username)
        user.email = email
        user.first_name, _, user.last_name = name.partition(" ")
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups.split(",") if g])
