"""An in-process Telegram Bot API emulator for tests, the sandbox and benchmarks."""

from devkit.emulator.faults import ApiError, Fault, FaultRegistry, SimulatedTimeout
from devkit.emulator.records import ChatState, MessageRecord, StoredFile, UserState
from devkit.emulator.request import EmulatorRequest
from devkit.emulator.server import BotAPIServer

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
