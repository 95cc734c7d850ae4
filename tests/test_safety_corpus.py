"""The danger matcher measured on the hand-labelled messages in tests/data/ (issue 13)."""

from __future__ import annotations

from bot.safety import load
from bot.safety.evaluate import FALSE_ALARM_LIMIT, RECALL_TARGET, evaluate, read_corpus


def test_the_corpus_is_large_and_varied():
    examples = read_corpus()
    assert len(examples) >= 400
    danger = {e.category for e in examples if e.label == "danger"}
    assert {"violence", "sexual", "neglect", "exploitation", "trafficking", "self_harm",
            "missing", "immediate"} <= danger
    assert len({e.text for e in examples}) == len(examples), "duplicate messages"


def test_recall_and_false_alarms_meet_the_targets():
    report = evaluate(read_corpus())
    misses = [e.text for e in report.tally("all", "danger").misses]
    alarms = [e.text for e in report.tally("all", "calm").misses]
    assert report.recall() >= RECALL_TARGET, misses
    assert report.false_alarms() <= FALSE_ALARM_LIMIT, alarms
    for category in report.categories("danger"):
        assert report.tally("all", "danger", category).rate() >= 0.95, category


def test_accents_decide_only_what_was_typed():
    matcher = load()
    assert matcher.check("thằng bé bi đập") is not None  # half-accented
    assert matcher.check("e hok muon song nua").category == "self_harm"  # SMS spelling
    assert matcher.check("đáp án bài 3") is None  # another tone is another word
    assert matcher.check("chú Hiep ở Hiep Phuoc") is None  # names
    assert matcher.check("hiếp") is not None and matcher.check("hiep") is None


def test_a_disclosure_is_never_informational():
    matcher = load()
    assert matcher.check("dấu hiệu trẻ bị xâm hại là gì") is None
    assert matcher.check("bé nhà bên bị xâm hại tình dục") is not None
    assert matcher.check("con tôi có dấu hiệu bị xâm hại") is not None
    assert matcher.check("bé đang bất tỉnh").now
