"""Commit recipients' outcomes as they come, grouping the ones that finish together.

Every outcome is written right after its send returns; when several sends finish in the same
moment (many in flight, no rate limit) their outcomes share one transaction instead of one
commit and one thread hop each. A caller's `write` returns only once its row is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class OutcomeWriter:
    def __init__(self, flush: Callable[[list[tuple]], Awaitable[None]]) -> None:
        self._flush_rows = flush
        self._rows: list[tuple] = []
        self._done: asyncio.Future | None = None
        self._task: asyncio.Task | None = None

    async def write(self, row: tuple) -> None:
        if self._done is None:
            self._done = asyncio.get_running_loop().create_future()
        done = self._done
        self._rows.append(row)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._rows:
            rows, done = self._rows, self._done
            self._rows, self._done = [], None
            assert done is not None  # set by the write that queued these rows
            try:
                await self._flush_rows(rows)
            except Exception as error:  # the writers see the failure, as with a direct write
                done.set_exception(error)
            else:
                done.set_result(None)
