"""Printing: the dashboard, a decision, the statistics and the actions list printed to
PDF on A4 by Chromium (the print stylesheet in static/src/app.scss) hold the page's
content and nothing of the screen's chrome: no navigation, header or footer, no filters,
buttons, skip link or download links, and no link addresses. Their tables fit the page.
The PDFs are kept in artefacts/screenshots/print/, to look at."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from decisions.models import Decision, Organisation
from remedies.models import AgreedAction

from ..factories import (
    AgreedActionFactory,
    ComplaintFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceAreaFactory,
    UserFactory,
    category,
)
from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLES = ["Complaints officers", "Service managers", "Managers", "Monitoring officers"]
# A4 less the print stylesheet's side margins (12 mm each), in CSS pixels (96 per inch).
PRINTABLE_WIDTH = round((210 - 24) / 25.4 * 96)
# What only the screen's chrome says: the navigation, the header, the footer, the skip
# link, the filters' buttons and the downloads.
CHROME = [
    "Committee reports", "Log a decision", "My actions", "Sign out", "Change password",
    "Skip to main content", "Ombudsman decision tracker", "Tracks decisions of the",
    "Apply filters", "Clear filters", "Show figures", "Download", "http", "www.",
]  # fmt: skip


@pytest.fixture
def work():
    today = timezone.localdate()
    home = OrganisationFactory(
        name="Fenbury County Council",
        short_name="the Council",
        kind=Organisation.Kind.COUNTY,
        population=650_000,
        is_home_authority=True,
    )
    user = UserFactory(username="pat", first_name="Pat", last_name="Printer", role=ROLES[0])
    user.groups.add(*Group.objects.filter(name__in=ROLES[1:]))
    area = ServiceAreaFactory(
        directorate="Children, Families and Education", service="Special educational needs"
    )
    decision = DecisionFactory(
        complaint=ComplaintFactory(
            reference="26 005 601",
            organisations=[home],
            service_area=area,
            category=category("Education > Special educational needs"),
            officer=user,
        ),
        decision_date=today - timedelta(days=75),
        summary="The Council delayed issuing Miss Y's education, health and care plan.",
    )
    AgreedActionFactory(
        decision=decision,
        kind=AgreedAction.Kind.FINANCIAL,
        payee_label="Mrs X",
        amount=Decimal("900.00"),
        description="Pay Mrs X £900 for the education Miss Y missed.",
        due_date=today - timedelta(days=14),
        owner=user,
        service_area=area,
    )
    for day, outcome in (
        (date(2023, 6, 1), Decision.Outcome.UPHELD),
        (date(2023, 9, 1), Decision.Outcome.NOT_UPHELD),
        (date(2021, 5, 1), Decision.Outcome.UPHELD),
    ):
        DecisionFactory(
            complaint=ComplaintFactory(organisations=[home], service_area=area),
            decision_date=day,
            outcome=outcome,
        )
    call_command("run_sweep")
    return {"user": user, "decision": decision}


def _pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )


def _save(pdf: bytes, name: str) -> None:
    """Keeps the PDF to look at (``pdftoppm -png -r 60`` turns its pages into images)."""
    folder = SCREENSHOTS / "print"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pdf").write_bytes(pdf)


# Each table's last column heading, and how far the widest table reaches, as printed.
MEASURE = """
() => ({
  lastHeadings: [...document.querySelectorAll('main table')].map(t => {
    const heads = t.querySelectorAll('thead th');
    return heads.length ? heads[heads.length - 1].innerText.trim() : '';
  }).filter(Boolean),
  widest: Math.max(0, ...[...document.querySelectorAll('main table')]
    .filter(t => !t.closest('.govuk-visually-hidden'))
    .map(t => t.getBoundingClientRect().right)),
  scrollWidth: document.documentElement.scrollWidth,
  overflowing: [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter(e => !e.closest('.govuk-visually-hidden'))
    .slice(0, 3).map(e => e.outerHTML.slice(0, 160)),
  heading: document.querySelector('main h1').innerText.trim(),
})
"""


@pytest.mark.parametrize("name", ["dashboard", "decision", "statistics", "actions"])
def test_pages_print_on_a4_with_their_content_and_none_of_the_chrome(
    page, browse, sign_in, work, name
):
    paths = {
        "dashboard": "/dashboard/",
        "decision": f"/decisions/{work['decision'].pk}/",
        "statistics": "/statistics/?year=2023",
        "actions": "/actions/",
    }
    sign_in(page.context, work["user"])
    browse(page, paths[name])
    # As printed: the print styles, at the width of an A4 page's printable area.
    page.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 1100})
    page.emulate_media(media="print")
    printed = page.evaluate(MEASURE)
    assert printed["scrollWidth"] <= PRINTABLE_WIDTH, printed
    assert printed["widest"] <= PRINTABLE_WIDTH, printed

    pdf = page.pdf(format="A4", print_background=True)
    _save(pdf, name)
    text = _pdf_text(pdf)

    assert printed["heading"] in text
    for heading in printed["lastHeadings"]:  # every table's last column is on the paper
        assert " ".join(heading.split()) in text, heading
    found = [word for word in CHROME if word in text]
    assert not found, f"{name} prints {found}"
    assert not re.search(r"\(/[a-z]", text)  # no "(/decisions/...)" after a link
