"""Logging a decision through the journey's pages, as a browser does, from the fields of
the one form the pages together make up (the names the draft keeps)."""

import re

DECISION_PART = ("complaint-", "decision-")


def _rows(data: dict, prefix: str) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    for name, value in data.items():
        match = re.match(rf"^{prefix}-(\d+)-(.*)$", name)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return rows


def start_draft(client, start: str = "/decisions/new/") -> str:
    """Start typing a decision in; the draft's address, ending in /."""
    response = client.post(start, {"type": "1"})
    assert response.status_code == 302, response.status_code
    return response["Location"].rsplit("decision/", 1)[0]


def log_decision(client, data: dict, *, start: str = "/decisions/new/"):
    """Post ``data`` page by page; the first refusal, else the check page's answer to
    "Save decision" (a redirect to the decision when it was saved)."""
    draft = start_draft(client, start)
    step = {k: v for k, v in data.items() if k.startswith(DECISION_PART)}
    response = client.post(draft + "decision/", step)
    if response.status_code != 302:
        return response
    findings = _rows(data, "findings")
    posted = {"findings-TOTAL_FORMS": str(max(len(findings), 1)), "findings-INITIAL_FORMS": "0"}
    for number, index in enumerate(sorted(findings)):
        posted.update({f"findings-{number}-{k}": v for k, v in findings[index].items()})
    response = client.post(draft + "findings/", posted)
    if response.status_code != 302:
        return response
    number = 0
    for _index, row in sorted(_rows(data, "actions").items()):
        if not any(v for k, v in row.items() if k != "status"):
            continue  # an empty row, as the one-page form had
        response = client.post(
            draft + "actions/add/", {f"actions-{number}-{k}": v for k, v in row.items()}
        )
        if response.status_code != 302:
            return response
        number += 1
    return client.post(draft + "check/")
