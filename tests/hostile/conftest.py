"""The records the hostile-input tests work on: each example starts from them."""

from datetime import date

import pytest
import time_machine

from decisions.models import Organisation

from ..factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    FindingFactory,
    OrganisationFactory,
    ServiceAreaFactory,
)
from .kit import TODAY


@pytest.fixture(autouse=True)
def _today_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def council(db):
    return OrganisationFactory(
        name="Westmere Borough Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=500_000,
        is_home_authority=True,
    )


@pytest.fixture
def area(db):
    return ServiceAreaFactory(directorate="Adult Social Care", service="Safeguarding")


@pytest.fixture
def decision(council, area):
    complaint = ComplaintFactory(
        reference="24 005 859a", organisations=[council], service_area=area
    )
    decision = DecisionFactory(complaint=complaint, decision_date=date(2025, 2, 13))
    FindingFactory(decision=decision, point="Delay in the assessment")
    AgreedActionFactory(
        decision=decision,
        kind="apology",
        amount=None,
        organisation=council,
        deadline_phrase="within one month of the final decision",
        due_date=date(2025, 3, 13),
    )
    AgreedActionFactory(
        decision=decision,
        organisation=council,
        due_date=date(2025, 4, 13),
        deadline_phrase="within two months of the final decision",
    )
    complaint.enquiries.create(kind="initial", sent_on=date(2024, 11, 1), due_on=date(2024, 11, 29))
    return decision


@pytest.fixture
def action(decision):
    return decision.actions.get(kind="apology")
