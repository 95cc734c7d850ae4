"""What the benchmarks share: an emulator that accounts for its own CPU."""

from __future__ import annotations

import time

from devkit.emulator.server import BotAPIServer


class TimedServer(BotAPIServer):
    """Counts the CPU the fake Telegram spends, so it can be left out of the bot's figure."""

    cpu = 0.0

    async def handle(self, method, params=None, files=None):
        started = time.process_time()
        try:
            return await super().handle(method, params, files)
        finally:
            self.cpu += time.process_time() - started
