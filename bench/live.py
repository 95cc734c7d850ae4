"""What the live-process benchmarks share: the emulator over loopback HTTP in this process,
and a bot in another process whose CPU and memory are read from /proc (Linux)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cryptography.fernet import Fernet

from devkit.emulator.http import HTTPFront
from devkit.emulator.server import BotAPIServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-TOKEN"
_TICK = os.sysconf("SC_CLK_TCK")


class BenchServer(BotAPIServer):
    """The emulator, noting when the bot first polls and when it last called anything else."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.first_poll: float | None = None
        self.first_poll_rss: int | None = None
        self.last_call = 0.0
        self.watched_pid: int | None = None
        self.counts: Counter[str] = Counter()

    async def handle(self, method, params=None, files=None):
        name = method.lower()
        if name == "getupdates":
            if self.first_poll is None:
                self.first_poll = time.perf_counter()
                if self.watched_pid is not None:
                    self.first_poll_rss = memory(self.watched_pid)["VmRSS"]
        else:
            self.last_call = time.perf_counter()
            self.counts[name] += 1
        return await super().handle(method, params, files)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def memory(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) * 1024
    return values


# Both bots run as the deployment runs this one (deploy/bvte-bot.service, README): with
# PYTHONOPTIMIZE=2, no docstrings kept in memory (~4 MiB of python-telegram-bot's and ours)
# and no asserts. BENCH_PYTHONOPTIMIZE=0 measures them without.
OPTIMIZE = int(os.environ.get("BENCH_PYTHONOPTIMIZE", "2"))
_compiled: set[int] = set()


def compile_bytecode(optimize: int = OPTIMIZE) -> None:
    """Bytecode on disk at the level the bots run with, as a deployment has it (README,
    Deployment): without it every start compiles its modules from source (a read-only
    install), which costs time and memory. The standard library and the virtualenv too: their
    .pyc at optimisation level 2 are not installed with them (~1 minute, once per machine)."""
    import compileall
    import sysconfig

    if optimize in _compiled:
        return
    folders = [ROOT / package for package in ("bot", "handlers", "storage", "bench")]
    if optimize:
        folders += [Path(sysconfig.get_path("stdlib")), Path(sysconfig.get_path("purelib"))]
    for folder in folders:
        compileall.compile_dir(folder, quiet=2, optimize=optimize, workers=0)
    _compiled.add(optimize)


class LiveBot:
    """`python -m <module>` against the emulator, in a scratch folder (no .env picked up)."""

    def __init__(self, module: str, server: BenchServer, **env: str) -> None:
        self.module = module
        self.server = server
        self.env = env
        self.folder = tempfile.TemporaryDirectory(prefix="bench-")
        self.database = Path(self.folder.name) / "bot.sqlite3"
        self.front = HTTPFront(server)
        self.process: asyncio.subprocess.Process | None = None
        self.spawned = 0.0

    async def start(self, timeout: float = 60.0) -> float:
        """Spawn; returns seconds until the first getUpdates."""
        compile_bytecode()
        port = await self.front.start()
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("ADMIN_IDS", "LOG_LEVEL")},
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": f"http://127.0.0.1:{port}",
            "DATABASE_PATH": str(self.database),
            "DATA_KEY": Fernet.generate_key().decode(),
            "PYTHONPATH": str(ROOT),
            "PYTHONOPTIMIZE": str(OPTIMIZE),
            **self.env,
        }
        self._log = open(Path(self.folder.name) / "stderr.log", "wb")  # noqa: SIM115
        self.spawned = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            self.module,
            cwd=self.folder.name,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self._log,
        )
        self.server.watched_pid = self.process.pid
        deadline = time.perf_counter() + timeout
        while self.server.first_poll is None:
            if self.process.returncode is not None or time.perf_counter() > deadline:
                raise RuntimeError(f"{self.module} did not start: {self.stderr()[-2000:]}")
            await asyncio.sleep(0.005)
        return self.server.first_poll - self.spawned

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def memory(self) -> dict[str, int]:
        return memory(self.pid)

    async def idle(self, least: float = 0.5, most: float = 10.0) -> None:
        """Wait until the start-up work done after the first getUpdates (command menus, the
        danger matcher's compile) has finished: no CPU used for 0.3 s, after `least` seconds."""
        await asyncio.sleep(least)
        deadline = time.perf_counter() + most
        before = self.cpu()
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.3)
            now = self.cpu()
            if now - before < 0.005:
                return
            before = now

    def stderr(self) -> str:
        path = Path(self.folder.name) / "stderr.log"
        return path.read_text(errors="replace") if path.exists() else ""

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self.front.stop()
        self._log.close()
        self.folder.cleanup()


async def quiet(server: BenchServer, done, seconds: float = 0.3, timeout: float = 120.0) -> None:
    """Wait until `done()` and the bot has called nothing for `seconds`."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if done() and time.perf_counter() - server.last_call >= seconds:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the bot did not finish the workload")


def mib(value: float) -> float:
    return value / 2**20
