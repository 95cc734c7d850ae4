"""An in-process Telegram Bot API emulator for tests, the sandbox and benchmarks."""

from bot.emulator.faults import ApiError, Fault, FaultRegistry, SimulatedTimeout
from bot.emulator.records import ChatState, MessageRecord, StoredFile, UserState
from bot.emulator.request import EmulatorRequest
from bot.emulator.server import BotAPIServer

__all__ = [
    "ApiError",
    "BotAPIServer",
    "ChatState",
    "EmulatorRequest",
    "Fault",
    "FaultRegistry",
    "MessageRecord",
    "SimulatedTimeout",
    "StoredFile",
    "UserState",
]
