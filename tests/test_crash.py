"""The crash test in small (issue 14; the full one is `python -m bench crash`, 30 random
SIGKILLs): a real bot process killed while a report is sent and its alerts are pending — at
LOG_LEVEL=DEBUG, and its log then holds no token and nothing the person typed."""

from bench.crash import DESCRIPTION, NAME, PHONE, PLACE, Kill, run_kills
from tests.live_flow import report_steps
from tests.process_support import TOKEN


async def test_sigkill_while_alerts_are_pending_loses_nothing_and_logs_nothing_private():
    # One kill keeps the suite quick: right after Send, with the case being committed and
    # its 13 alerts in the outbox; the bench covers every step of the flow.
    send = len(report_steps(NAME, DESCRIPTION, PLACE)) - 1
    totals = await run_kills([Kill(at=send, delay=0.05, during_alerts=True)], log_level="DEBUG")
    assert totals.trials == 1, totals.notes
    assert (totals.reports_lost, totals.alerts_lost, totals.answers_misfiled) == (0, 0, 0), (
        totals.notes
    )
    assert totals.over_allowance == 0, totals.notes
    [log] = totals.logs
    assert "DEBUG" in log and len(log) > 2000  # it really logged at DEBUG, twice started
    for secret in (TOKEN, NAME, PHONE, DESCRIPTION, PLACE, "Xóm Củi", "Nhung"):
        assert secret not in log, f"{secret!r} is in the log"
