"""Sessions that end after SESSION_IDLE_MINUTES without a request, without writing the
session on every request.

Django's SESSION_SAVE_EVERY_REQUEST moves the expiry on by writing the session row on
every request: an UPDATE and a commit a page. Here a request writes it only when that
moves the expiry on by more than ``REFRESH_AFTER`` (a minute): so a session ends between
SESSION_IDLE_MINUTES less a minute and SESSION_IDLE_MINUTES after the last request, never
later. The page says how many seconds are left (``seconds_left``), so that the sign-out
warning comes two minutes before the end the server keeps; "Stay signed in" always writes.
"""

from datetime import datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils import timezone

REFRESH_AFTER = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, remembering when the stored session expires."""

    stored_expiry: datetime | None = None

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create=False):
        super().save(must_create=must_create)
        self.stored_expiry = self.get_expiry_date()

    def refresh_due(self, now: datetime | None = None) -> bool:
        """Whether this request moves the expiry on: the stored one is over a minute
        short of a full idle period from now. False for a session not in the database."""
        if self.stored_expiry is None:
            return False
        now = now or timezone.now()
        full = now + timedelta(seconds=self.get_session_cookie_age())
        return self.stored_expiry <= full - REFRESH_AFTER

    def seconds_left(self, now: datetime | None = None) -> int:
        """Seconds without a request before the session ends, once this request is
        answered (a full idle period if this request writes the session)."""
        now = now or timezone.now()
        if self.stored_expiry is None or self.modified or self.refresh_due(now):
            return self.get_session_cookie_age()
        return max(0, round((self.stored_expiry - now).total_seconds()))


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, with the session written when its expiry is due to
    move on (``SessionStore.refresh_due``) as well as when it changed."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            isinstance(session, SessionStore)
            and session.accessed
            and not session.modified
            and session.refresh_due()
        ):
            session.modified = True
        return super().process_response(request, response)
