"""A small process: building the whole application imports none of the heavy libraries
(charts, spreadsheets, images, QR codes, geometry, the catalogue compiler); each is imported
where it is first used. Checked in a fresh interpreter, since this test run has imported
everything already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = (
    "matplotlib",
    "openpyxl",
    "PIL",
    "segno",
    "shapely",
    "zxingcpp",
    "numpy",
    "icalendar",
    "fontTools",
    "font_source_sans_pro",
    "babel.messages",
    "tornado",  # PTB's webhook server: webhook mode runs on the bot's own aiohttp server
    "aiohttp",  # the dashboard and webhook server, imported only in webhook mode or with WEBAPP_URL
    "aiolimiter",  # PTB's AIORateLimiter: the bot has its own budget (bot/delivery/limiter.py)
)

PROBE = """
import json, sys, tempfile
from pathlib import Path
from bot.application import build_application
from bot.config import Settings
folder = Path(tempfile.mkdtemp())
settings = Settings(database_path=folder / "bot.sqlite3", data_key_file=folder / "data.key",
                    dispatcher_interval=0)
application = build_application(settings)  # every handler registered, as `python -m bot` does
from bot.lazy import DECLARED
print(json.dumps({
    "modules": sorted(sys.modules),
    "handlers": sum(len(group) for group in application.handlers.values()),
    "declared": sorted(DECLARED),
}))
"""

# Features whose handlers are declared with lazy callbacks (bot/lazy.py): building the
# application imports none of them, nor the services behind them.
LAZY = (
    "handlers.stats",
    "handlers.broadcast.compose",
    "handlers.broadcast.history",
    "handlers.cases.actions",
    "handlers.cases.notes",
    "handlers.events.browse",
    "handlers.materials.browse",
    "handlers.materials.manage",
    "handlers.printing.desk",
    "handlers.questions.ask",
    "handlers.report.entry",
    "handlers.people_admin",
    "handlers.approvals",
    "handlers.awareness",
    "handlers.ward_contacts",
    "handlers.safety.answer",
    "handlers.menu.fallbacks",
    "bot.stats.texts",
    "bot.materials.poster",
    "bot.materials.service",
    "bot.cases.service",
    "bot.questions.service",
    "bot.broadcast.service",
    "bot.reports.casework",
    "bot.info.service",
)


def _probe(code: str) -> dict:
    """Run `code` in a fresh interpreter (this test run has imported everything already) and
    read the JSON it prints last."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stdout.splitlines()[-1])


def _built() -> dict:
    return _probe(PROBE)


def test_building_the_application_imports_no_heavy_library_and_no_lazy_feature():
    built = _built()
    modules = set(built["modules"])
    # Really built: every handler registered, the lazy ones naming their feature modules.
    assert built["handlers"] > 100
    declared = {target.partition(":")[0] for target in built["declared"]}
    assert {"handlers.stats", "handlers.cases.actions", "handlers.report.entry"} <= declared
    imported = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)
    assert imported == []
    assert sorted(m for m in LAZY if m in modules) == []


TICKS_PROBE = """
import asyncio, datetime as dt, json, sys, tempfile
from pathlib import Path
from bot.application import build_application, start_services
from bot.clock import FakeClock
from bot.config import Settings
from bot.scheduling import run_ticks
from devkit.emulator.request import EmulatorRequest
from devkit.emulator.server import BotAPIServer

import logging
failures = []
class Noted(logging.Handler):
    def emit(self, record):
        failures.append(record.getMessage())
logging.getLogger("bot.scheduling").addHandler(Noted(logging.ERROR))

async def main():
    folder = Path(tempfile.mkdtemp())
    settings = Settings(database_path=folder / "bot.sqlite3", data_key_file=folder / "data.key",
                        dispatcher_interval=0, admin_ids=frozenset({1}))
    clock = FakeClock(dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC))
    server = BotAPIServer(clock=clock)
    application = build_application(settings, request=EmulatorRequest(server), clock=clock,
                                    rate_limit=False)
    await application.initialize()
    await start_services(application)
    before = set(sys.modules)
    await run_ticks(application)  # every tick, nothing due
    ran = [tick.name for tick in application.services.ticks]
    await application.shutdown()
    print(json.dumps({"ticks": ran, "imported": sorted(set(sys.modules) - before),
                      "failures": failures}))

asyncio.run(main())
"""


def test_a_round_of_ticks_with_nothing_due_loads_no_feature_service():
    """A tick runs every 20 s and nearly always finds nothing due: it asks the repository and
    loads its feature's service (the case work, the questions and their materials) only when
    something is."""
    probe = _probe(TICKS_PROBE)
    assert {"case_deadlines", "question_escalation", "unsent_urgent_reports"} <= set(probe["ticks"])
    assert probe["failures"] == []  # every tick ran (a failing one is only logged)
    assert {"bot.cases.ticks", "bot.questions.ticks", "bot.reports.ticks"} <= set(probe["imported"])
    loaded = [m for m in probe["imported"] if m.split(".")[0] in ("bot", "handlers")]
    assert not [m for m in loaded if m.startswith("handlers.")], loaded
    for service in ("bot.cases.service", "bot.questions.service", "bot.reports.service"):
        assert service not in probe["imported"], service


def test_every_lazy_declaration_resolves():
    """A typo in a lazy callback fails here, not when a user presses the button."""
    import tempfile

    from bot.application import build_application
    from bot.config import Settings
    from bot.lazy import DECLARED, Lazy

    folder = Path(tempfile.mkdtemp())
    settings = Settings(
        database_path=folder / "bot.sqlite3",
        data_key_file=folder / "data.key",
        dispatcher_interval=0,
    )
    build_application(settings)
    assert len(DECLARED) > 150
    for target, declared in DECLARED.items():
        found = declared.resolve()
        assert callable(found) and not isinstance(found, Lazy), target


def test_the_live_bot_starts_without_argparse():
    """`python -m bot` (no arguments, the live bot) builds no argument parser."""
    root = Path(__file__).resolve().parent.parent
    probe = (
        "import sys, bot.__main__ as entry\n"
        "entry.run_live = lambda settings, webhook=False: print('argparse' in sys.modules, webhook)\n"
        "entry.main([])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_heavy_libraries_still_load_where_they_are_used():
    from bot.materials import poster
    from bot.stats import workbook

    assert poster.qr_matrix("https://t.me/bvte_test_bot")[0][0] is True  # a finder pattern
    assert poster.font("regular", 20).size == 20
    assert callable(workbook.build)


def test_the_http_emulator_can_enforce_telegrams_flood_limits():
    from bot.__main__ import _parser

    assert _parser().parse_args(["emulator", "--flood-limits"]).flood_limits is True
    assert _parser().parse_args(["emulator"]).flood_limits is False


def test_the_packed_danger_model_answers_exactly_as_its_json():
    """The model's weights are packed (bot/safety/model.py); a plain dict of the same file must
    hold the same values, name by name, and give the same probabilities and categories to the
    last bit, on every fifth labelled message (~4,400: the sums, once every value is known
    equal)."""
    import dataclasses

    from bot.content import CONTENT_DIR
    from bot.safety.evaluate import read_corpus
    from bot.safety.matcher import load
    from bot.safety.model import MODEL_FILE, PackedWeights, load_model

    data = json.loads((CONTENT_DIR / MODEL_FILE).read_text(encoding="utf-8"))
    packed = load_model()
    assert packed is not None and isinstance(packed.weights, PackedWeights)
    assert len(packed.weights) == len(data["weights"])
    assert all(packed.weights[name] == value for name, value in data["weights"].items())
    assert packed.weights.get("w:not-a-feature", 0.0) == 0.0
    assert "w:not-a-feature" not in packed.weights
    assert len(packed.likelihoods) == len(data["likelihoods"])
    assert all(packed.likelihoods[name] == tuple(row) for name, row in data["likelihoods"].items())
    assert packed.likelihoods.get("w:not-a-feature") is None
    plain = dataclasses.replace(
        packed,
        weights=dict(data["weights"]),
        likelihoods={name: tuple(row) for name, row in data["likelihoods"].items()},
    )
    matcher = load()
    for example in read_corpus()[::5]:
        text = matcher.model_text(example.text)
        assert packed.probability(text).hex() == plain.probability(text).hex(), example.text
        assert packed.category(text) == plain.category(text), example.text


def test_packed_weights_off_the_files_grid_are_kept_as_they_are():
    """Weights with more decimals than the file's three, or beyond 16 bits once scaled, are
    stored as floats: a look-up still gives back exactly the value packed."""
    from bot.safety.model import PackedRows, PackedWeights

    for values in ([0.123, 0.12345, -1.5], [0.5, 40.0, -2.0], [0.25, float("nan")]):
        packed = PackedWeights((f"w:{i}", v) for i, v in enumerate(values))
        for i, value in enumerate(values):
            assert packed[f"w:{i}"].hex() == value.hex()
    on_grid = PackedWeights([("w:a", -2.092), ("w:b", 1.698)])
    assert (on_grid["w:a"], on_grid["w:b"]) == (-2.092, 1.698)
    rows = PackedRows([("b:x y", [-9.9, -3.08]), ("w:z", [-0.123456, 1.0])], 2)
    assert rows["b:x y"] == (-9.9, -3.08) and rows["w:z"] == (-0.123456, 1.0)


def test_packed_weights_beyond_sixteen_bit_positions():
    """An index of more than 65,535 names takes 32-bit slots; every name is still found."""
    from bot.safety.model import PackedWeights

    count = 70_000
    packed = PackedWeights((f"w:{i}", i / 1000) for i in range(count))
    assert len(packed) == count and packed._index.typecode == "i"
    assert all(packed[f"w:{i}"] == i / 1000 for i in range(0, count, 7))
    assert packed.get("w:70000") is None and "w:-1" not in packed


def test_the_uncached_folds_of_plain_words_and_numbers_are_the_long_folds():
    """ASCII words skip the matcher's fold cache and numbers the model's: the short way gives
    exactly what the long, cached way gives."""
    from bot.safety import matcher, model
    from bot.safety.evaluate import read_corpus

    words = {w for e in read_corpus() for w in model._WORDS.findall(e.text)}
    words |= {"0", "007", "1111", "2222222", "12345", "100000", "KO", "Đập", "wá", "kHôNg"}
    assert any(w.isascii() for w in words) and any(w.isdigit() for w in words)
    for word in words:
        assert matcher.fold(word) == matcher._fold_accented(word), word
        assert model._fold_word(word) == model._fold_letters(word), word
