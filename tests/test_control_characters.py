"""Text already stored with control characters (pasted from Word or a PDF) does not break
the downloads, and an address holding a NUL is not a server error (issue 13, points 4
and 7)."""

import io

import pytest
from openpyxl import load_workbook

from .factories import AgreedActionFactory, DecisionFactory

pytestmark = pytest.mark.django_db

# Every character a workbook cannot hold (PostgreSQL's text cannot hold NUL either).
CONTROL = [chr(c) for c in (*range(1, 9), 11, 12, *range(14, 32))]


@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_every_excel_download_survives_a_control_character_in_stored_text(client, manager, char):
    decision = DecisionFactory(summary=f"Delay{char}in the assessment")
    AgreedActionFactory(decision=decision, description=f"Apologise{char}for the delay")
    client.force_login(manager)
    for url, heading, expected in (
        ("/decisions/download.xlsx", "Summary", "Delayin the assessment"),
        ("/actions/download.xlsx?status=", "Description", "Apologisefor the delay"),
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        column = rows[0].index(heading)
        assert [row[column] for row in rows[1:]] == [expected], url
        # The CSV keeps the text as stored.
        csv = client.get(url.replace(".xlsx", ".csv"))
        assert csv.status_code == 200
        assert char in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_a_calendar_address_with_a_nul_is_not_found(client):
    assert client.get("/calendar/%00.ics").status_code == 404
    assert client.get("/calendar/" + "a" * 65 + ".ics").status_code == 404
