"""The Monday e-mail to managers and service-area leads: what is overdue and what falls
due in the next fortnight in their areas.

Who gets one: every active member of "Managers" with an e-mail address (their area is the
whole council, including actions with no service area) and every active service-area lead
with one (the areas they lead). Someone who is both gets one e-mail covering everything.
An action's area is its own service area, else its complaint's, the same rule by which
the sweep escalates it to a lead.

Recording costs a fixed number of SQL statements however many actions or people there
are: one to count the open actions by area, two to find the recipients, one INSERT ...
ON CONFLICT DO NOTHING against the one-per-person-per-week constraint, and a few to pick
up what is still to send. Running it twice in a week records nothing twice. Each digest
is then sent like a reminder, as an outbox row (``ombudsman.outbox``): claimed with a
conditional UPDATE (pending -> sending), sent only if that claim took the row, marked
sent after; a failure puts it back to pending with the error, tried again by the
every-minute requeue that week, and failed after its attempts.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from decisions.models import ServiceArea
from ombudsman.mail import send_once
from ombudsman.outbox import Outbox
from ombudsman.people import person_name
from ombudsman.roles import MANAGERS
from ombudsman.timing import DUE_SOON_DAYS

from .models import AgreedAction, WeeklyDigest, due_soon_q, overdue_q
from .reminders import LEASE, MAX_ATTEMPTS, action_short_text

logger = logging.getLogger(__name__)


def week_start(today: date) -> date:
    """The Monday of the week ``today`` falls in."""
    return today - timedelta(days=today.weekday())


# A digest is an outbox row like a reminder, with the same lease and attempts; only this
# week's are ever sent.
DIGESTS = Outbox(
    model=WeeklyDigest,
    task_name="remedies.send_weekly_digest",
    waiting=WeeklyDigest.Status.PENDING,
    working=WeeklyDigest.Status.SENDING,
    done=WeeklyDigest.Status.SENT,
    failed=WeeklyDigest.Status.FAILED,
    lease=LEASE,
    retry_after=timedelta(minutes=5),
    max_attempts=MAX_ATTEMPTS,
    current=lambda: Q(week_starting=week_start(timezone.localdate())),
)


@dataclass(frozen=True)
class Scope:
    """The actions one person hears about: the whole council, or the areas they lead."""

    whole_council: bool = False
    area_ids: frozenset[int] = frozenset()

    def covers(self, area_id: int | None) -> bool:
        return self.whole_council or area_id in self.area_ids


@dataclass
class DigestRun:
    week_starting: date
    recorded: int
    pending_digest_ids: list[int]


@dataclass
class DigestRow:
    pk: int
    reference: str
    what: str
    organisation: str
    owner: str
    service_area: str
    due: date
    days_overdue: int
    days_left: int
    url: str


@dataclass
class DigestContent:
    today: date
    covers: str
    overdue: list[DigestRow] = field(default_factory=list)
    due_soon: list[DigestRow] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return bool(self.overdue or self.due_soon)


def _open_actions_to_report(today: date) -> QuerySet:
    """Open actions the council answers for, overdue or due soon, each annotated with its
    date in force (``in_force``) and its area (``area``)."""
    return (
        AgreedAction.objects.owed_by_council()
        .overdue_or_due_soon(today)
        .annotate(area=Coalesce("service_area_id", "decision__complaint__service_area_id"))
    )


def _reachable_users() -> QuerySet:
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def _scopes() -> dict[int, Scope]:
    """Everyone who gets a digest, by user id, with what it covers (two queries)."""
    managers = set(_reachable_users().filter(groups__name=MANAGERS).values_list("pk", flat=True))
    led = defaultdict(set)
    for area_id, lead_id in ServiceArea.objects.filter(lead__in=_reachable_users()).values_list(
        "pk", "lead_id"
    ):
        led[lead_id].add(area_id)
    return {
        user_id: Scope(whole_council=user_id in managers, area_ids=frozenset(led[user_id]))
        for user_id in managers | led.keys()
    }


def digest_scope(user) -> Scope | None:
    """What one person's digest covers, or None if they get none (two queries at most)."""
    if not user.is_active or not user.email:
        return None
    whole_council = user.groups.filter(name=MANAGERS).exists()
    area_ids = frozenset(ServiceArea.objects.filter(lead=user).values_list("pk", flat=True))
    if not whole_council and not area_ids:
        return None
    return Scope(whole_council=whole_council, area_ids=area_ids)


@transaction.atomic
def weekly_digests_record(*, today: date) -> DigestRun:
    """Record this week's digest for each manager and lead with something to report.

    Returns the ids of this week's digests still waiting to be sent: those just recorded
    and any that failed earlier in the week. A digest from an earlier week is never sent.
    """
    monday = week_start(today)
    now = timezone.now()
    counts = _open_actions_to_report(today).values("area").annotate(
        overdue=Count("pk", filter=overdue_q(today)),
        due_soon=Count("pk", filter=due_soon_q(today)),
    ).order_by()  # fmt: skip
    by_area = {row["area"]: (row["overdue"], row["due_soon"]) for row in counts}
    digests = []
    for user_id, scope in sorted(_scopes().items()):
        overdue = sum(o for area, (o, _) in by_area.items() if scope.covers(area))
        due_soon = sum(d for area, (_, d) in by_area.items() if scope.covers(area))
        if overdue or due_soon:
            digests.append(
                WeeklyDigest(
                    recipient_id=user_id, week_starting=monday,
                    overdue_count=overdue, due_soon_count=due_soon,
                )
            )  # fmt: skip
    # ON CONFLICT DO NOTHING: one per person per week, whoever runs first.
    before = WeeklyDigest.objects.filter(week_starting=monday).count()
    WeeklyDigest.objects.bulk_create(digests, ignore_conflicts=True)
    this_week = WeeklyDigest.objects.filter(week_starting=monday)
    DIGESTS.release_stale(now=now)
    ids = sorted(set(DIGESTS.due(now=now)) & set(this_week.values_list("pk", flat=True)))
    return DigestRun(monday, this_week.count() - before, ids)


def digest_content(*, scope: Scope, today: date) -> DigestContent:
    """The actions one digest lists, overdue first, each list soonest date first. One
    query for the actions and, for a lead, one for the names of their areas."""
    actions = _open_actions_to_report(today).select_related(
        "decision__complaint__service_area", "organisation", "owner", "service_area"
    )
    if scope.whole_council:
        covers = "the whole council"
    else:
        actions = actions.filter(area__in=scope.area_ids)
        names = ServiceArea.objects.filter(pk__in=scope.area_ids).order_by("directorate", "service")
        covers = ", ".join(str(area) for area in names)
    content = DigestContent(today=today, covers=covers)
    for action in actions.order_by("in_force", "pk"):
        area = action.service_area or action.decision.complaint.service_area
        row = DigestRow(
            pk=action.pk,
            reference=action.decision.complaint.reference,
            what=action_short_text(action),
            organisation=action.organisation.name,
            owner=person_name(action.owner) or "Not assigned",
            service_area=str(area) if area else "No service area",
            due=action.in_force,
            days_overdue=action.days_overdue(today),
            days_left=max(0, (action.in_force - today).days),
            url=settings.SITE_URL + reverse("remedies:action", args=[action.pk]),
        )
        (content.overdue if row.days_overdue else content.due_soon).append(row)
    return content


def digest_subject(content: DigestContent) -> str:
    return (
        f"Weekly remedies summary: {len(content.overdue)} overdue, "
        f"{len(content.due_soon)} due in the next {DUE_SOON_DAYS} days"
    )


def digest_message(*, recipient, content: DigestContent) -> EmailMultiAlternatives:
    context = {
        "recipient": recipient,
        "content": content,
        "due_soon_days": DUE_SOON_DAYS,
        "sections": [
            ("Overdue", content.overdue, True),
            (f"Due in the next {DUE_SOON_DAYS} days", content.due_soon, False),
        ],
        "mine_url": settings.SITE_URL + reverse("remedies:mine"),
    }
    message = EmailMultiAlternatives(
        subject=digest_subject(content),
        body=render_to_string("emails/weekly_digest.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string("emails/weekly_digest.html", context), "text/html")
    return message


def weekly_digest_send(*, digest_id: int) -> bool:
    """Send one pending digest of the current week. Returns whether this call sent it:
    False if another run has it or already sent it, if sending failed (then it is pending
    again with the error, or failed after its attempts), or if its recipient no longer has
    anything to report (or no longer gets a digest): then the record is removed, so a later
    run that week may record one again.

    The list is worked out when it is sent, so a retry never reports an action finished
    meanwhile.
    """
    today = timezone.localdate()
    claim = DIGESTS.claim(digest_id)
    if claim is None:
        return False
    digest = WeeklyDigest.objects.select_related("recipient").get(pk=digest_id)
    scope = digest_scope(digest.recipient)
    content = digest_content(scope=scope, today=today) if scope else None
    if content is None or not content.has_news:
        DIGESTS.held(digest_id, claim).delete()
        return False
    message = digest_message(recipient=digest.recipient, content=content)
    try:
        sent = send_once(message, key=f"weekly-digest-{digest_id}")
    except Exception as exc:
        logger.warning("Weekly digest %s not sent: %s", digest_id, exc)
        DIGESTS.give_back(digest_id, claim, exc)
        return False
    DIGESTS.finish(
        digest_id, claim, sent_at=timezone.now(),
        overdue_count=len(content.overdue), due_soon_count=len(content.due_soon),
    )  # fmt: skip
    return sent
