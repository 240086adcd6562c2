"""manage.py benchmark_pages: the pages timed in process, under load (gunicorn and wrk
with a signed-in session) and the sweep beside a bare UPDATE, leaving the data as it was."""

import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ombudsman.loadbench import LoadError, parse_wrk
from remedies.models import AgreedAction, Reminder

from .factories import ComplaintFactory, DecisionFactory

WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:8000/decisions/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.21ms   12.03ms 150.00ms   70.00%
  3000 requests in 15.00s, 90.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    200.00
{"requests": 3000, "duration_us": 15000000, "p50_us": 38500, "p99_us": 142250, "status_errors": 3, "socket_errors": 2}
"""  # noqa: E501


def test_wrk_figures_are_read_from_the_scripts_json_line():
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests == 3000
    assert result.per_second == pytest.approx(200.0)
    assert result.median_ms == pytest.approx(38.5)
    assert result.p99_ms == pytest.approx(142.25)
    assert result.errors == 5  # three answers that were not 2xx/3xx, two failed sockets


def test_wrk_output_without_figures_is_an_error_not_zeros():
    with pytest.raises(LoadError, match="no figures"):
        parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused\n")


@pytest.mark.django_db
def test_a_database_with_complaints_is_not_filled_again():
    ComplaintFactory()
    with pytest.raises(CommandError, match="already holds complaints"):
        call_command("benchmark_pages", decisions=10, actions=10, stdout=StringIO())


@pytest.mark.django_db
def test_only_the_pages_named_are_timed_and_a_download_to_its_first_row(manager):
    DecisionFactory()
    out = StringIO()
    call_command(
        "benchmark_pages", reuse=True, runs=1, no_load=True, no_sweep=True,
        pages=["decisions"], stdout=out,
    )  # fmt: skip
    table = out.getvalue().split("first byte\n")[-1].splitlines()[1:]  # below its rule
    names = [line.split("  ")[0] for line in table if line.strip()]
    assert names == [
        "Decisions list", "Decisions list, filtered", "Decisions, open actions",
        "Decisions, search, reference", "Decisions, search, word",
        "Decisions, search, no match", "Decisions, CSV", "Decisions, Excel",
    ]  # fmt: skip
    assert all(_row(out.getvalue(), name)[0] == "200" for name in names)
    # A download's time to its first row beside its time to its last byte.
    for download in ("Decisions, CSV", "Decisions, Excel"):
        status, queries, server, cpu, sql, first_byte = _row(out.getvalue(), download)
        assert 0 <= float(first_byte) <= float(server)


def _row(output: str, page: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith(page))
    return line[len(page) :].split()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fills_times_each_page_under_load_and_leaves_the_sweep_undone():
    out = StringIO()
    call_command(
        "benchmark_pages", decisions=60, actions=150, runs=1, duration=1, connections=2,
        stdout=out,
    )  # fmt: skip
    output = out.getvalue()
    assert "Data: 60 complaints, 60 decisions, 150 actions" in output
    load = output[output.index("Under load") : output.index("Overdue sweep")]
    pages = [
        "Decisions list", "Dashboard", "Actions, open", "My actions", "Actions, CSV",
        "Statistics", "/healthz (the floor)",
    ]  # fmt: skip
    for page in pages:
        per_second, median, p99, errors, requests = _row(load, page)[:5]
        # Every request of the run was answered 2xx/3xx, and each page was checked to
        # answer 200 to the session first (not the sign-in redirect).
        assert float(per_second) > 0 and int(requests) > 0, page
        assert errors == "0", page
        assert float(median) <= float(p99), page
    sweep = re.search(r"sweep: [\d,]+ ms, flagging ([\d,]+) overdue actions", output)
    bare = re.search(r"bare UPDATE of the same actions: [\d,]+ ms \(([\d,]+) rows\)", output)
    assert sweep and bare and sweep[1] == bare[1] and int(sweep[1].replace(",", "")) > 0
    # Both were rolled back: nothing flagged, no reminder recorded.
    assert not AgreedAction.objects.filter(overdue_since__isnull=False).exists()
    assert not Reminder.objects.exists()
    # The manager the pages are seen as has a few open actions of their own.
    assert AgreedAction.objects.filter(owner__username="bench-manager", status="open").exists()
