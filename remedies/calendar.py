"""Each user's deadlines as an iCalendar feed (Outlook, Google Calendar), behind a secret
per-user address that the user can reset."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from ombudsman.control_characters import without_control_characters

from .models import CalendarFeed
from .reminders import action_short_text
from .selectors import my_open_actions


def calendar_feed_for(user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def calendar_feed_reset(user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed_for(user)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_ics(user) -> bytes:
    """All-day events on the date in force of each open action the user owns or leads."""
    cal = Calendar()
    cal.add("prodid", "-//Ombudsman decision tracker//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Ombudsman remedies due")
    cal.add("x-published-ttl", "PT6H")
    for action in my_open_actions(user).filter(in_force__isnull=False):
        reference = action.decision.complaint.reference
        event = Event()
        event.add("uid", f"action-{action.pk}@ombudsman-tracker")
        # Control characters already stored are left out: calendar programs stop at them.
        summary = f"Due: {action_short_text(action)} ({reference})"
        event.add("summary", without_control_characters(summary))
        event.add("dtstart", action.in_force)
        # An all-day event ends the next day; on the last day a date can hold (an extension
        # to 31/12/9999) there is none, and an all-day start without an end lasts that day.
        if action.in_force < date.max:
            event.add("dtend", action.in_force + timedelta(days=1))
        event.add("dtstamp", action.decision.created_at)
        url = settings.SITE_URL + reverse("remedies:action", args=[action.pk])
        event.add("url", url)
        event.add(
            "description",
            without_control_characters(
                f"{action.get_kind_display()} by {action.organisation.name}. "
                f"Ombudsman reference {reference}. {url}"
            ),
        )
        cal.add_component(event)
    return cal.to_ical()
