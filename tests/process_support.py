"""Helpers of the tests that run the real bot (`python -m bot`) as a process against the
emulator served over loopback HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-TOKEN"
# Seconds a test waits for a real process before calling it hung. Only a guard: every wait
# ends as soon as its condition holds, and a busy machine may be many times slower.
PATIENCE = 300.0


async def wait_for(predicate, seconds: float, interval: float = 0.05) -> bool:
    """A real process answers in real time: poll briefly instead of sleeping a fixed time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(interval)
    return predicate()


def bot_env(api_port: int, database: Path, **settings: str) -> dict[str, str]:
    """The environment of a bot talking to the emulator on `api_port`, with a fresh data key;
    the developer's own ADMIN_IDS and LOG_LEVEL are left out."""
    return {
        **{k: v for k, v in os.environ.items() if k not in ("ADMIN_IDS", "LOG_LEVEL")},
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{api_port}",
        "DATABASE_PATH": str(database),
        "DATA_KEY": Fernet.generate_key().decode(),
        "PYTHONPATH": str(ROOT),
        **settings,
    }


async def start_bot(
    cwd: Path, env: dict[str, str], *args: str, log_file: Path | None = None
) -> asyncio.subprocess.Process:
    """`log_file`: stderr goes there (appended) instead of a pipe, so a chatty bot (DEBUG)
    never blocks on a full pipe; read it with `log_file.read_text()`."""
    log = log_file.open("ab") if log_file is not None else None
    stderr = asyncio.subprocess.PIPE if log is None else log
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *args,
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.DEVNULL if log_file else asyncio.subprocess.PIPE,
            stderr=stderr,
        )
    finally:
        if log is not None:
            log.close()


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    """SIGTERM (if still running), wait for the exit; returns what it wrote to stderr."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _out, err = await asyncio.wait_for(process.communicate(), PATIENCE)
    return (err or b"").decode()


def kill_bot(process: asyncio.subprocess.Process) -> None:
    """SIGKILL: no shutdown code runs, as in a power cut or an OOM kill."""
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
