"""Sending an e-mail with an idempotency key, so that a retry after an accepted send is
recognised where the mail system can tell us.

The key goes into the Message-ID header (``<reminder-42@tracker.example.gov.uk>``), the
same on every attempt. Before sending, a mail backend that can say whether it already
accepted a message with that id (a method ``accepted(message_id)``) is asked, and the
message is not sent again. Plain SMTP cannot be asked: there a retry after the server
accepted the message but before the row was marked sent does send it again, with the same
Message-ID, which many mailbox servers (Exchange, Gmail) treat as the same message.
"""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import filebased


def message_id(key: str) -> str:
    """The Message-ID of the message with this idempotency key."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{key}@{host}>"


def send_once(message: EmailMessage, *, key: str) -> bool:
    """Send ``message`` under its idempotency key. Returns False, sending nothing, if the
    mail backend says it already accepted the message; raises the backend's error."""
    mid = message_id(key)
    message.extra_headers["Message-ID"] = mid
    connection = message.get_connection()
    accepted = getattr(connection, "accepted", None)
    if accepted is not None and accepted(mid):
        return False
    message.send()
    return True


class FileBackend(filebased.EmailBackend):
    """Django's file backend (for trials and tests) that can also say whether it already
    wrote a message with a given Message-ID."""

    file_path: str  # set by Django's backend (the stubs do not declare it)

    def accepted(self, message_id: str) -> bool:
        needle = f"\nMessage-ID: {message_id}\n".encode()
        return any(needle in path.read_bytes() for path in Path(self.file_path).glob("*"))
