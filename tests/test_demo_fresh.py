"""``manage.py load_demo`` on a database without the demo: the reminder e-mails its sweep
sends, and a home authority already there. (tests/test_demo.py reads a demo loaded once
for all its tests, which these two cannot share.)"""

import pytest
import time_machine

from decisions.models import Decision, Organisation
from remedies.models import Reminder

from .factories import OrganisationFactory
from .test_demo import TODAY, USERNAMES, _load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


def test_reminders_are_sent_by_email(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        _load()
    reminders = Reminder.objects.all()
    assert reminders.exists() and not reminders.exclude(status="sent").exists()
    # One e-mail per person reminded, listing each of their reminders.
    recipients = set(reminders.values_list("recipient__email", flat=True))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(recipients)
    assert {m.to[0] for m in mailoutbox} <= {f"{u}@example.org" for u in USERNAMES}
    assert any("26 001 101" in m.body for m in mailoutbox)


def test_an_existing_home_authority_is_kept():
    other = OrganisationFactory(name="Example County Council", is_home_authority=True)
    output = _load()
    assert list(Organisation.objects.filter(is_home_authority=True)) == [other]
    assert "already the home authority" in output
    assert Decision.objects.filter(complaint__reference="22 010 218").exists()
