"""Models shared by the apps: a person's saved views of a list; single sign-on (the roles
of the directory's groups, and whom each account is at the identity provider)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class SavedView(models.Model):
    """A list's filters (its query string) saved under a name by one person, for that
    person alone. The query is checked by the list's filters when it is opened, as any
    query is: one that has gone stale (a service area since removed) gets the list's own
    error messages."""

    class List(models.TextChoices):
        DECISIONS = "decisions", "Decisions"
        ACTIONS = "actions", "Agreed actions"

    NAME_MAX_LENGTH = 80

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(max_length=20, choices=List.choices)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "user",
                "list_name",
                Lower("name"),
                name="saved_view_name_unique_per_person_and_list",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DirectoryGroupRole(models.Model):
    """A group of the council's directory (its identity provider) whose members have a
    role in the tracker: set by an administrator, read at every single sign-on
    (``ombudsman.sso``), so that someone moved between groups or removed from one has
    the roles of their groups at their next sign-in."""

    group_id = models.CharField(
        "group ID",
        max_length=255,
        help_text="As the identity provider sends it in the groups claim: in Microsoft "
        "Entra ID, the group's object ID (for example 1b9e5c2a-...).",
    )
    role = models.ForeignKey(
        "auth.Group",
        on_delete=models.CASCADE,
        related_name="directory_groups",
        help_text="The tracker's role the group's members have.",
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="The group's name in the directory, to recognise it."
    )

    class Meta:
        ordering = ["role__name", "group_id"]
        verbose_name = "directory group's role"
        verbose_name_plural = "directory groups' roles"
        constraints = [
            models.UniqueConstraint("group_id", "role", name="directory_group_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.description or self.group_id}: {self.role}"


class SingleSignOnAccount(models.Model):
    """Whom the identity provider says a person is (its issuer and their subject, which
    never changes, unlike a name or an e-mail address): the account single sign-on made
    for them at their first sign-in, and finds again at the next."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    first_signed_in = models.DateTimeField(auto_now_add=True)
    last_signed_in = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "single sign-on account"
        constraints = [
            models.UniqueConstraint("issuer", "subject", name="single_sign_on_subject_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"
