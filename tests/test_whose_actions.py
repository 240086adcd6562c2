"""Whose actions count: the council answers for its own actions and those of a provider
acting for it, not for an NHS trust's or another council's in a joint decision. The
dashboard, the actions list, the weekly digest, the statistics and the reports all count
the same actions (``AgreedAction.objects.owed_by_council``); the dashboard and the list
offer every organisation's as a filter."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from decisions.models import Organisation
from remedies.dashboard import dashboard
from remedies.digest import Scope, digest_content
from remedies.models import AgreedAction

from .factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 11)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 6, 11, 9, 30, tzinfo=ZoneInfo("Europe/London")),
                             tick=False):  # fmt: skip
        yield


@pytest.fixture
def joint(db):
    """A joint decision about the council, an NHS trust and another council, and a
    decision about a provider acting for the council: each body with overdue actions."""
    council = OrganisationFactory(
        name="Havant Borough Council", kind=Organisation.Kind.DISTRICT, is_home_authority=True
    )
    trust = OrganisationFactory(name="Solent NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    neighbour = OrganisationFactory(name="Portsmouth City Council")
    provider = OrganisationFactory(name="Care at Home Ltd", kind=Organisation.Kind.PROVIDER)
    area = ServiceAreaFactory(directorate="Adult Social Care", service="Home care")
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="24 005 859", organisations=[council, trust, neighbour], service_area=area
        ),
        decision_date=date(2025, 1, 6),
    )
    commissioned = DecisionFactory(
        complaint=ComplaintFactory(
            reference="24 001 111", organisations=[council, provider], service_area=area
        ),
        decision_date=date(2025, 2, 3),
    )

    def overdue(org, name, amount=None, on=decision):
        return AgreedActionFactory(
            decision=on, organisation=org, description=name, service_area=area,
            kind="financial" if amount else "apology", amount=amount,
            due_date=date(2025, 5, 1), status="open",
        )  # fmt: skip

    overdue(council, "council pays", Decimal("150.00"))
    overdue(council, "council apologises")
    overdue(provider, "provider pays", Decimal("50.00"), on=commissioned)
    overdue(trust, "trust pays", Decimal("2000.00"))
    overdue(trust, "trust apologises")
    overdue(trust, "trust reviews")
    overdue(neighbour, "neighbour apologises")
    return {"council": council, "trust": trust, "provider": provider, "area": area}


def test_the_council_answers_for_its_own_and_its_providers_actions(joint):
    owed = AgreedAction.objects.owed_by_council().values_list("description", flat=True)
    assert sorted(owed) == ["council apologises", "council pays", "provider pays"]


def test_with_no_home_authority_set_every_action_counts(joint):
    # Until an administrator says which body is the council, nobody's can be told apart.
    Organisation.objects.update(is_home_authority=False)
    assert AgreedAction.objects.owed_by_council().count() == 7


def test_the_dashboard_counts_the_councils_actions_unless_asked_for_all(joint):
    ours = dashboard(today=TODAY)
    assert (ours.overdue, ours.unpaid) == (3, Decimal("200.00"))
    assert [(b.label, b.count) for b in ours.by_organisation] == [
        ("Havant Borough Council", 2),
        ("Care at Home Ltd", 1),
    ]
    everyone = dashboard(today=TODAY, everyone=True)
    assert (everyone.overdue, everyone.unpaid) == (7, Decimal("2200.00"))
    assert everyone.links["overdue"]["whose"] == "all"
    assert "whose" not in ours.links["overdue"]


def _figure(html: str, name: str) -> str:
    match = re.search(rf'id="figure-{name}"><a class="govuk-link" href="([^"]*)">([^<]*)<', html)
    assert match, name
    return match.group(1).replace("&amp;", "&"), match.group(2)


def _csv_rows(client, query: str) -> list[str]:
    body = b"".join(client.get(f"/actions/download.csv?{query}").streaming_content)
    return sorted(line.decode() for line in body.splitlines()[1:])


def test_the_dashboard_page_and_the_list_behind_it_agree_for_either_choice(client, manager, joint):
    client.force_login(manager)
    for query, figure in [("", "3"), ("whose=all", "7")]:
        html = client.get(f"/dashboard/?{query}").content.decode()
        link, shown = _figure(html, "overdue")
        assert shown == figure
        list_query = link.split("?", 1)[1]
        assert len(_csv_rows(client, list_query)) == int(figure)
    # The list opens on the council's actions when no choice is made.
    assert len(_csv_rows(client, "overdue=yes")) == 3
    assert len(_csv_rows(client, "overdue=yes&whose=council")) == 3
    assert len(_csv_rows(client, f"organisation={joint['trust'].pk}")) == 0
    assert len(_csv_rows(client, f"whose=all&organisation={joint['trust'].pk}")) == 3


def test_a_bad_choice_of_whose_actions_is_reported_not_ignored(client, manager, joint):
    client.force_login(manager)
    response = client.get("/actions/?whose=everyone")
    assert response.status_code == 200
    assert "Whose actions: Select a valid choice." in response.content.decode()


def test_the_weekly_digest_lists_only_what_the_council_answers_for(joint):
    content = digest_content(scope=Scope(whole_council=True), today=TODAY)
    listed = sorted(row.organisation for row in content.overdue)
    assert listed == ["Care at Home Ltd", "Havant Borough Council", "Havant Borough Council"]
