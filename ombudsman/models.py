"""Models of the list machinery shared by the apps: a person's saved views of a list."""

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
