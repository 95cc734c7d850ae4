"""The danger model's training loop compiled (bot/safety/adagrad.c, built by `make setup`) gives
the very floats of its Python loop (bot/safety/model.py), which it only makes faster."""

from __future__ import annotations

import os

import pytest

import bot.safety.model as model
from bot.safety.evaluate import read_corpus


def _trained(monkeypatch: pytest.MonkeyPatch, compiled: bool) -> model.Model:
    if not compiled:
        monkeypatch.setattr(model, "_adagrad_kernel", lambda: None)
    # One message in twenty of the corpus (~1,000), both kinds, long and short: words dropped,
    # rare features dropped, two epochs of two runs.
    examples = [(e.text, e.label == "danger") for e in read_corpus()[::20]]
    trained = model.train(examples, epochs=2, runs=2, min_count=2, keep=0.0)
    monkeypatch.undo()
    return trained


def test_the_compiled_training_loop_gives_the_python_loops_weights_bit_for_bit(monkeypatch):
    if model._adagrad_kernel() is None:
        if os.environ.get("CI"):
            pytest.fail(f"{model.ADAGRAD_LIBRARY} is missing: `make setup` builds it")
        pytest.skip("the training loop is not compiled here (no C compiler at `make setup`)")
    compiled = _trained(monkeypatch, compiled=True)
    python = _trained(monkeypatch, compiled=False)
    assert len(compiled.weights) > 1000
    assert compiled.bias.hex() == python.bias.hex()
    assert dict(compiled.weights.items()) == dict(python.weights.items())
    assert all(
        compiled.weights[name].hex() == weight.hex() for name, weight in python.weights.items()
    )
