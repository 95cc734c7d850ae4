"""The danger matcher measured on the hand-labelled messages in tests/data/ (issue 13)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.content import CONTENT_DIR, load_json
from bot.safety import load
from bot.safety.evaluate import (
    BLIND_SPLITS,
    FALSE_ALARM_LIMIT,
    RECALL_TARGET,
    evaluate,
    left_out_reports,
    read_corpus,
    typing_styles,
)
from bot.safety.matcher import PATTERNS_FILE, Matcher
from bot.safety.model import MODEL_FILE, fold_words, from_json, load_model


def test_the_corpus_is_large_and_varied():
    examples = read_corpus()
    assert len(examples) >= 400
    danger = {e.category for e in examples if e.label == "danger"}
    assert {
        "violence",
        "sexual",
        "neglect",
        "exploitation",
        "trafficking",
        "self_harm",
        "missing",
        "immediate",
    } <= danger
    # No message twice in a file, nor a longer one in two files (a blind writer may well write
    # "ok" again; two of them wrote "chào buổi sáng cả nhà", blind_c and fresh9).
    for split in {e.split for e in examples}:
        texts = [e.text for e in examples if e.split == split]
        assert len(set(texts)) == len(texts), f"duplicate messages in {split}"
    longer = [e.text for e in examples if len(e.text.split()) > 5]
    assert len(set(longer)) == len(longer), "duplicate messages"


# Every file here has been learnt from: the rules were written from the messages of every file,
# and the model beside them is trained on all of them (`trained_on`). The figures on unseen
# text are the ones measured once before a file was learnt from (README, "How the bot
# recognises danger"), the figures of a file left out of the model's training (LEFT_OUT
# below), and, for a blind file added after this and not yet learnt from, UNSEEN.
# The blind-written files that have been learnt from (measured once each before).
TRAINED_BLIND = (
    "fresh6", "fresh7", "blind_a", "blind_b", "fresh8", "blind_c", "fresh9", "fresh10",
    "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16", "fresh17", "fresh18",
    "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24", "fresh25", "fresh26",
    "fresh27", "fresh28", "fresh29", "fresh30",
    # Measured once with the matcher that learnt fresh19 to fresh22 (bcc2e5a, 3 December 2026,
    # 08:42 UTC): fresh31 98.4 % (247/251) / 0.4 % (1/239; collaborators' Zalo notes), fresh32
    # 98.4 % (247/251) / 2.6 % (6/234; voice-to-text), fresh33 97.6 % (245/251) / 5.0 % (12/241;
    # mothers' Facebook groups), fresh34 85.6 % (214/250) / 2.9 % (7/239; Telex and VNI
    # residue); with the matcher that learnt fresh23 to fresh26 (0e1ccf3): 99.2 % / 1.3 %,
    # 98.8 % / 1.7 %, 97.2 % / 6.6 %, 97.2 % / 4.2 %. Learnt from since (3 December, 13:20 UTC).
    "fresh31", "fresh32", "fresh33", "fresh34",
    # Measured once with the matcher that learnt fresh23 to fresh26 (31d4dcc, 12:10 UTC) and
    # once with the matcher that learnt fresh27 to fresh34 (532c4ee): fresh35 96.8 % / 5.2 %
    # (teachers and school staff), fresh36 99.2 % / 5.8 % (neighbours, Southern speech),
    # fresh37 99.6 % / 4.1 % (teenagers, Gen Z slang), fresh38 98.0 % / 3.8 % (hard cases both
    # ways); after its review (8e45221) pooled 98.5 % (993/1,008) / 5.0 % (49/973); UNSEEN
    # below. Learnt from since (learn38b, 3 December, 15:10 UTC).
    "fresh35", "fresh36", "fresh37", "fresh38",
    # Measured once with the matcher that learnt fresh27 to fresh34 (532c4ee, 3 December 2026,
    # 13:28 UTC): fresh39 98.4 % (248/252) / 4.5 % (11/245; grandparents raising
    # grandchildren), fresh40 93.3 % (235/252) / 1.2 % (3/245; professionals' case notes: abuse
    # 32/36, exploitation 31/36, neglect 32/36), fresh41 98.0 % (246/251) / 4.1 % (10/245;
    # children of 9 to 14), fresh42 97.2 % (244/251) / 5.7 % (14/244; English and mixed);
    # pooled 96.7 % (973/1,006) / 3.9 % (38/979); with the same after its review (8e45221):
    # 99.2 % / 3.7 %, 93.7 % / 1.2 %, 98.0 % / 3.7 %, 97.2 % / 5.7 %; pooled 97.0 % (976/1,006)
    # / 3.6 % (35/979). Learnt from since (3 December, 15:20 UTC).
    "fresh39", "fresh40", "fresh41", "fresh42",
)  # fmt: skip
# Left out of the model's training one at a time (the rules stay: they have been written from
# these files too, so the figures are a little optimistic), each held to its measured figure:
# (recall floor, false-alarm ceiling). Measured with `python -m bot.safety.evaluate --by-file`
# after fresh11 and fresh12 were learnt from: fresh8 100 % (165/165) / 0 % (0/135), blind_c
# 97.9 % (323/330) / 4.8 % (13/270) (14/270 before), fresh9 100 % (252/252) / 1.2 % (3/248)
# (2/248 before; measured once before it was learnt from: 99.2 % / 2.8 %), fresh10 100 %
# (252/252) / 2.0 % (5/248) in this test with the final rules (3/248 by --by-file with the
# rules just before two vetoes were narrowed; 2/248 before; measured once: 97.6 % / 3.2 %) —
# the false alarms fresh9 and fresh10 gained are the model's alone, near its threshold —, fresh11
# 99.6 % (251/252) / 0.4 % (1/246) (measured once: 97.6 % / 0.8 %), fresh12 100 % (252/252) /
# 1.2 % (3/246) (measured once: 98.4 % / 4.1 %). After fresh13 and fresh14 were learnt from
# (their rules, the model retrained with KEEP 0.14 and VETO 0.15), left out again: fresh10
# 99.6 % (251/252) / 1.6 % (4/248), fresh11 99.6 % (251/252) / 0 % (0/246), fresh12 100 %
# (252/252) / 0.4 % (1/246), fresh13 98.8 % (248/251) / 1.2 % (3/242) (measured once: 97.6 %
# (245/251) / 3.7 % (9/242)), fresh14 99.2 % (250/252) / 2.4 % (6/245) (measured once: 98.8 %
# (249/252) / 6.1 % (15/245)). After fresh15 to fresh18 were learnt from (their rules, the
# report-step training text, the sentence veto, KEEP 0.142), left out one at a time over
# fresh11–18:
# fresh11 99.6 % (251/252) / 0 % (0/246), fresh12 100 % / 0.4 % (1/246), fresh13 98.4 %
# (247/251) / 0.8 % (2/242), fresh14 99.6 % (251/252) / 2.9 % (7/245), fresh15 99.6 %
# (251/252) / 1.2 % (3/248) (measured once: 97.2 % / 4.0 %), fresh16 100 % / 0 % (0/246)
# (measured once: 97.6 % / 1.6 %), fresh17 100 % / 1.2 % (3/247) (measured once: 97.2 % /
# 4.5 %), fresh18 99.2 % (250/252) / 1.6 % (4/243) (measured once: 98.8 % / 4.5 %); pooled
# 99.6 % (2,006/2,015) / 1.0 % (20/1,963) (98.9 % (1,992/2,015) / 2.2 % (44/1,963) with the
# rules before this round, the model already trained on fresh15–18). Each training takes
# ~60 s of a core, so the suite re-runs two, one per core (fresh15 and fresh18, the newest
# learnt; fresh10 and fresh12 were re-run before); the others are measured, not re-run.
# After the review of 3 December took back three of that round's vetoes (a friend's harm
# asked about, "nếu bạn em bị… thì em nên làm gì", is a disclosure; a thing thrown at a child
# is no broken glass: the everyday phrase kept for "đập vỡ ly", not a bare "đập" or "ném vỡ";
# a film before a real neglect is no film), left out again: fresh15 99.2 % (250/252) / 0.4 %
# (1/248), fresh18 99.2 % (250/252) / 2.1 % (5/243) — the model trained without them moves
# with the masking. After fresh19 to fresh22 were learnt from (3 December, 06:00 UTC: their
# rules, firm rules heard after a veto, the veto's sentence ending at a colon, the model
# retrained with MIN_COUNT 4, 54,362 weights), left out one at a time over fresh15–22:
# fresh15 99.6 % (251/252) / 0.8 % (2/248), fresh16 100 % / 0 % (0/246), fresh17 99.6 %
# (251/252) / 2.8 % (7/247), fresh18 99.6 % (251/252) / 2.1 % (5/243), fresh19 100 % / 0 %
# (0/244) (measured once: 98.0 % / 2.5 %), fresh20 100 % / 1.2 % (3/246) (measured once:
# 99.6 % / 5.7 %), fresh21 99.6 % (250/251) / 0.8 % (2/247) (measured once: 95.6 % / 2.0 %),
# fresh22 100 % / 1.2 % (3/242) (measured once: 99.6 % / 2.1 %); pooled 99.8 % (2,011/2,015)
# / 1.1 % (22/1,963) (99.2 % (1,999/2,015) / 2.1 % (42/1,963) with the rules before this
# round, the model trained on the other seven files). The suite re-runs the two newest that
# moved most, fresh20 and fresh21; the others are measured, not re-run.
# A review then took back everyday phrases of that round that hid real disclosures (a push
# before "té u đầu", "bỏ đói gần chết", "sợ người lạ đang đi theo em", "hú hồn … ngưng
# thở", "em nuôi", "trận này"…) and guarded its new rules; fresh20 and fresh21 left out
# since still meet the target: fresh20 99.6 % (251/252) / 1.2 % (3/246), fresh21 99.6 %
# (250/251) / 1.2 % (3/247). Telex read and the everyday phrases guarded (3 December, 09:10
# UTC): nine training texts read otherwise moved the model left out by two messages each way:
# fresh20 99.6 % (251/252) / 2.0 % (5/246: a bite, a child hiding from a bath, both the
# model's), fresh21 99.2 % (249/251) / 1.2 % (3/247).
LEFT_OUT: dict[str, tuple[float, float]] = {
    "fresh20": (0.996, 0.021),
    "fresh21": (0.992, 0.013),
}
# ... and those below the 99 % / 2 % target so measured (the test turns red the day one
# reaches it: then move it out of here): neither of the two re-run since fresh23 to fresh26 were
# learnt from (fresh20 was, for an hour, by two of the model's false alarms). Not re-run and below it:
# blind_c (97.9 % / 4.8 %, as measured after fresh11 and fresh12 were learnt from), fresh13
# (98.4 % recall) and fresh14 (2.9 % false alarms), as measured after fresh15 to fresh18 were
# learnt from; fresh17 (2.8 % false alarms) and fresh18 (2.1 %), as measured after fresh19 to
# fresh22 were.
# After fresh27 to fresh34 were learnt from (3 December, 13:55 UTC), fresh20 left out is at its
# bound again, just over the false-alarm target (within 99.6 % / 2.1 %: 5/246 is 2.03 %), as it
# was for an hour on 3 December: the model's alone, near its threshold.
# After fresh35 to fresh38 were learnt from (learn38b, 3 December, 15:58 UTC), fresh20 left out
# meets the target again (the suite's left-out test said so).
LEFT_OUT_BELOW_TARGET: set[str] = set()
# Blind files written after the shipped model and not learnt from: measured once with the
# matcher as it then was, held to that figure (least danger messages, recall floor,
# false-alarm ceiling): fresh31 to fresh34 (below). Before them, fresh8 (measured once: 97.6 % /
# 5.2 %), blind_c (96.1 % / 8.9 %), fresh9 (99.2 % (250/252) / 2.8 % (7/248)), fresh10 (97.6 % (246/252) /
# 3.2 % (8/248)), fresh11 (97.6 % (246/252) / 0.8 % (2/246)), fresh12 (98.4 % (248/252) /
# 4.1 % (10/246)), fresh13 (97.6 % (245/251) / 3.7 % (9/242)) and fresh14 (98.8 % (249/252) /
# 6.1 % (15/245; its calm text chosen to be tricky: lookalikes 9/62)) have been learnt from
# since; fresh13 and fresh14 were measured once with the matcher that learnt fresh10, fresh11
# and fresh12 (2 December 2026, 20:12 UTC). fresh15 to fresh18 were measured once with the
# matcher that learnt fresh13 and fresh14 (2 December 2026, 21:55 and 22:24 UTC): fresh15
# 97.2 % (245/252) / 4.0 % (10/248; lookalikes 9/62), fresh16 97.6 % (246/252) / 1.6 %
# (4/246), fresh17 97.2 % (245/252) / 4.5 % (11/247), fresh18 98.8 % (249/252) / 4.5 %
# (11/243); pooled 97.7 % (985/1,008) / 3.7 % (36/984); learnt from since (3 December).
# fresh19 to fresh22 were measured once with the matcher that learnt fresh15 to fresh18 (3
# December 2026, 00:45 UTC): fresh19 98.0 % (247/252) / 2.5 % (6/244), fresh20 99.6 %
# (251/252) / 5.7 % (14/246; teen hyperbole, lookalikes 8/61), fresh21 95.6 % (240/251) / 2.0 %
# (5/247; long formal reports), fresh22 99.6 % (251/252) / 2.1 % (5/242); pooled 98.2 %
# (989/1,007) / 3.1 % (30/979) (with the matcher before that: 97.7 % (984/1,007) / 3.9 %
# (38/979)); learnt from since (3 December, 06:00 UTC). fresh23 to fresh26 were measured once
# with the matcher that learnt fresh19 to fresh22 (3 December 2026, 06:50 UTC): fresh23 97.2 %
# (245/252) / 2.0 % (5/245; disclosures in question frames), fresh24 96.8 % (244/252) / 1.7 %
# (4/242; case notes in official words, abuse 33/36), fresh25 97.6 % (246/252) / 9.5 %
# (23/241; children typing themselves, lookalikes 11/62, parenting 7/62), fresh26 100 %
# (252/252) / 4.5 % (11/246); pooled 97.9 % (987/1,008) / 4.4 % (43/974) (with the matcher
# before that: 97.2 % (980/1,008) / 4.9 % (48/974)); learnt from since (3 December, 07:30
# UTC). A newer blind file is measured once, given its figure here (`HELD_OUT` in
# bot/safety/evaluate.py keeps it out of the training).
# fresh27 to fresh30 were measured once with the matcher that learnt fresh19 to fresh22 (3
# December 2026, 06:31 UTC; again after its review, 07:58 UTC, identical): fresh27 100 %
# (252/252) / 4.1 % (10/244; grandparents without accents), fresh28 99.2 % (250/252) / 3.7 %
# (9/245; teenagers online), fresh29 94.8 % (239/252) / 8.8 % (21/239; children of 7 to 11),
# fresh30 99.6 % (250/251) / 7.8 % (19/244; long messages, lookalikes 13/61); pooled 98.4 %
# (991/1,007) / 6.1 % (59/972); with the matcher that learnt fresh23–26 (learn30, 3 December
# 10:10 UTC): fresh27 100 % (252/252) / 3.7 % (9/244), fresh28 99.6 % (251/252) / 3.3 %
# (8/245), fresh29 96.8 % (244/252) / 8.4 % (20/239), fresh30 99.6 % (250/251) / 7.4 %
# (18/244); pooled 99.0 % (997/1,007) / 5.7 % (55/972); learnt from since (3 December, 10:20
# UTC).
UNSEEN: dict[str, tuple[int, float, float]] = {
    # fresh31 to fresh34 were measured once with the matcher that learnt fresh19 to fresh22
    # (bcc2e5a, 08:42 UTC) and once with the matcher that learnt fresh23 to fresh26 (0e1ccf3):
    # TRAINED_BLIND above; learnt from since (3 December, 13:20 UTC).
    # fresh35 to fresh38 were measured once with the matcher that learnt fresh23 to
    # fresh26 (31d4dcc, 3 December 12:10 UTC): fresh35 97.2 % (245/252) / 6.0 % (15/248;
    # teachers and school staff), fresh36 99.2 % (250/252) / 6.2 % (15/242; neighbours and
    # street people, Southern speech), fresh37 98.8 % (249/252) / 4.1 % (10/243; teenagers
    # online, Gen Z slang), fresh38 97.2 % (245/252) / 3.3 % (8/240; hard cases both ways);
    # pooled 98.1 % (989/1,008) / 4.9 % (48/973). With the matcher that learnt fresh27 to
    # fresh34, after its review (3 December, 13:55 UTC): fresh35 98.0 % (247/252) / 5.6 %
    # (14/248), fresh36 99.2 % (250/252) / 6.2 % (15/242), fresh37 100 % (252/252) / 4.5 %
    # (11/243), fresh38 96.8 % (244/252) / 3.8 % (9/240); pooled 98.5 % (993/1,008) / 5.0 %
    # (49/973). (The four retrainings of that round, each after a change of its everyday
    # phrases, gave pooled 98.4–98.5 % / 4.7–5.0 %, a file moving by up to three messages each
    # way.) Learnt from since (learn38b, 3 December, 15:10 UTC): TRAINED_BLIND above.
    # Measured once with the matcher that learnt fresh27 to fresh34 (532c4ee, 3 December 2026,
    # 13:28 UTC): fresh39 98.4 % (248/252) / 4.5 % (11/245; grandparents raising
    # grandchildren), fresh40 93.3 % (235/252) / 1.2 % (3/245; professionals' case notes: abuse
    # 32/36, exploitation 31/36, neglect 32/36), fresh41 98.0 %
    # (246/251) / 4.1 % (10/245; children of 9 to 14), fresh42 97.2 % (244/251) / 5.7 % (14/244;
    # English and mixed); pooled 96.7 % (973/1,006) / 3.9 % (38/979). With the same after its
    # review (8e45221, 13:45 UTC; nothing of these files read): fresh39 99.2 % (250/252) / 3.7 %
    # (9/245), fresh40 93.7 % (236/252) / 1.2 % (3/245), fresh41 98.0 % (246/251) / 3.7 %
    # (9/245), fresh42 97.2 % (244/251) / 5.7 % (14/244); pooled 97.0 % (976/1,006) / 3.6 %
    # (35/979). With the matcher that learnt fresh35 to fresh38 (learn38b, 15:58 UTC; only the
    # printed figures seen): fresh39 99.2 % (250/252) / 3.7 % (9/245), fresh40 94.8 % (239/252)
    # / 1.2 % (3/245), fresh41 98.0 % (246/251) / 4.1 % (10/245; one more), fresh42 98.0 %
    # (246/251) / 5.7 % (14/244). Each bound is the shipped matcher's (fresh41's false alarms
    # raised to its new figure; the others kept).
    # With the matcher that learnt fresh39 to fresh42 (learn42, 3 December, 15:30 UTC; the
    # model retrained with MIN_COUNT 8; nothing of fresh35 to fresh38 read, only these figures
    # printed): fresh35 97.6 % (246/252) / 4.8 % (12/248), fresh36 99.2 % (250/252) / 6.6 %
    # (16/242), fresh37 100 % (252/252) / 4.1 % (10/243), fresh38 97.6 % (246/252) / 4.6 %
    # (11/240); pooled 98.6 % (994/1,008) / 5.0 % (49/973). fresh39 to fresh42 learnt from
    # since (learn42, 15:20 UTC), fresh35 to fresh38 too (learn38b): TRAINED_BLIND above; the
    # two rounds merged on 3 December, 16:30 UTC.
    # fresh43 to fresh46 (the public chatting to the bot; migrant workers from the Central and
    # Northern provinces and health workers; very short messages on cheap phones; life online),
    # written during that merge and measured once with main a065437 (fresh27 to fresh34 learnt),
    # 3 December 2026, 15:00 UTC: fresh43 98.8 % (249/252) / 3.0 % (7/234), fresh44 99.2 %
    # (250/252) / 4.3 % (10/232), fresh45 92.4 % (231/250) / 3.3 % (8/242), fresh46 99.2 %
    # (250/252) / 2.4 % (6/246); pooled 97.4 % (980/1,006) / 3.2 % (31/954). With the merged
    # matcher (fresh35 to fresh42 learnt, 16:45 UTC; their texts never read): fresh43 98.8 % /
    # 2.6 % (6/234), fresh44 99.2 % / 3.9 % (9/232), fresh45 92.8 % (232/250) / 3.3 %, fresh46
    # 99.6 % (251/252) / 2.8 % (7/246); pooled 97.6 % (982/1,006) / 3.1 % (30/954). Each bound
    # is the shipped matcher's.
    "fresh43": (252, 0.988, 0.026),
    "fresh44": (252, 0.992, 0.039),
    "fresh45": (250, 0.928, 0.034),
    "fresh46": (252, 0.996, 0.029),
}
# The unseen files that meet the targets on their own (the test below turns red the day
# another one does, so it is added here).
UNSEEN_MEETING_TARGET: set[str] = set()


class _Remembered:
    """The shipped matcher, each message checked once: the tests below measure the same
    corpus (the whole of it, the blind files, each blind file)."""

    def __init__(self) -> None:
        self._matcher = load()
        self._verdicts: dict = {}

    def check(self, text: str):
        if text not in self._verdicts:
            self._verdicts[text] = self._matcher.check(text)
        return self._verdicts[text]


@pytest.fixture(scope="module")
def shipped():
    return _Remembered()


# The tests that share the shipped matcher's verdicts run in one worker (`make test` runs on
# both cores): each message is checked once in the suite, not once per worker.
SHIPPED = pytest.mark.xdist_group("shipped")


@pytest.mark.parametrize(
    "split",
    [
        pytest.param(
            split,
            marks=[]
            if split in UNSEEN_MEETING_TARGET
            else [pytest.mark.xfail(strict=True, reason="below the 99 % / 2 % target (issue 13)")],
        )
        for split in sorted(UNSEEN)
    ]
    or [None],
)
@SHIPPED
def test_the_unseen_blind_file_meets_the_targets(split, shipped):
    if split is None:
        pytest.skip("no unseen blind file at the moment (UNSEEN is empty)")
    report = evaluate([e for e in read_corpus() if e.split == split], shipped)
    assert report.recall() >= RECALL_TARGET
    assert report.false_alarms() <= FALSE_ALARM_LIMIT


@SHIPPED
def test_the_whole_corpus_meets_the_targets(shipped):
    # The files the model was trained on (a blind file added later is measured apart).
    trained_on = set(load_model().trained_on)
    report = evaluate([e for e in read_corpus() if e.split in trained_on], shipped)
    assert report.recall() >= RECALL_TARGET
    assert report.false_alarms() <= FALSE_ALARM_LIMIT
    for category in report.categories("danger"):
        assert report.tally("all", "danger", category).rate() >= 0.97, category


@SHIPPED
def test_the_blind_files_learnt_from_are_recognised(shipped):
    # Figures on the model's own training text (measured: 4,791/4,791, 16/4,493), not figures on
    # unseen text: measured once before each was learnt from, fresh6 scored 92.4 % / 7.3 %,
    # fresh7 88.1 % / 7.9 %, blind_a 88.6 % / 7.8 %, blind_b 82.3 % / 6.7 %, fresh8 97.6 % /
    # 5.2 %, blind_c 96.1 % / 8.9 %, fresh9 99.2 % / 2.8 %, fresh10 97.6 % / 3.2 %, fresh11
    # 97.6 % / 0.8 %, fresh12 98.4 % / 4.1 %, fresh13 97.6 % / 3.7 %, fresh14 98.8 % / 6.1 %,
    # fresh15 97.2 % / 4.0 %, fresh16 97.6 % / 1.6 %, fresh17 97.2 % / 4.5 %, fresh18 98.8 % /
    # 4.5 %, fresh19 98.0 % / 2.5 %, fresh20 99.6 % / 5.7 %, fresh21 95.6 % / 2.0 %, fresh22
    # 99.6 % / 2.1 %.
    assert set(TRAINED_BLIND) <= set(load_model().trained_on)
    report = evaluate([e for e in read_corpus() if e.split in TRAINED_BLIND], shipped)
    assert report.tally("all", "danger").total >= 1000
    assert report.recall() >= RECALL_TARGET
    assert report.false_alarms() <= FALSE_ALARM_LIMIT


@SHIPPED
def test_every_blind_file_is_learnt_from_or_held_to_its_measured_figure(shipped):
    trained_on = set(load_model().trained_on)
    examples = read_corpus()
    for split in sorted({e.split for e in examples} & set(BLIND_SPLITS)):
        report = evaluate([e for e in examples if e.split == split], shipped)
        if split in trained_on:
            assert split not in UNSEEN, split
            assert report.recall() >= RECALL_TARGET, split
            assert report.false_alarms() <= FALSE_ALARM_LIMIT, split
        else:
            # A blind file added since the model was trained: give it its measured figure.
            assert split in UNSEEN, f"{split}: measure it once and add it to UNSEEN"
            least, recall, false_alarms = UNSEEN[split]
            assert report.tally("all", "danger").total >= least
            assert report.recall() >= recall, split
            assert report.false_alarms() <= false_alarms, split


# A model trained without one file: a minute of one core. `make test` runs on both cores
# (pytest-xdist, `--dist loadgroup`): each file left out is a group of its own, so the two
# train side by side while the rest of the suite runs around them.
@pytest.fixture(
    scope="module",
    params=[
        pytest.param(s, marks=pytest.mark.xdist_group(f"left-out-{s}")) for s in sorted(LEFT_OUT)
    ],
)
def left_out(request):
    return request.param, left_out_reports([request.param])[request.param]


def test_a_blind_file_left_out_of_the_training_keeps_its_figure(left_out):
    split, report = left_out
    recall, false_alarms = LEFT_OUT[split]
    assert report.recall() >= recall, split
    assert report.false_alarms() <= false_alarms, split


def test_a_blind_file_left_out_meets_the_targets_unless_known_not_to(left_out):
    split, report = left_out
    meets = report.recall() >= RECALL_TARGET and report.false_alarms() <= FALSE_ALARM_LIMIT
    assert meets == (split not in LEFT_OUT_BELOW_TARGET), split


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


def test_teen_and_sms_spellings_are_undone_before_matching():
    matcher = load()
    assert matcher.check("nó dọa jết e").category == "violence"  # j → gi
    assert matcher.check("cứuuuu emmm, ba đang đánh em") is not None  # repeated letters
    assert matcher.check("tui hổng muốn sống nữa").category == "self_harm"  # hổng → không
    assert matcher.check("ảnh rủ e wa Campuchia làm việc").category == "trafficking"  # wa → qua


def test_every_kind_of_harm_is_spoken_of_the_same_ways():
    matcher = load()
    # one template ("bị" + a harm verb) recognises each class of harm
    passive = {rule.id: rule for rule in matcher.rules if rule.id.startswith("passive:")}
    for text, harm, category in (
        ("thằng bé bị dượng quánh", "violence", "violence"),
        ("con bé bị ông hàng xóm giở trò đồi bại", "sexual", "sexual"),
        ("bé bị mẹ kế nhốt trong nhà vệ sinh", "confinement", "neglect"),
        ("cháu bị người lạ bồng lên xe", "taking", "trafficking"),
        ("em bị chủ quán bóc lột", "exploitation", "exploitation"),
    ):
        rule = passive[f"passive:{harm}"]
        assert rule.category == category
        assert rule.search(matcher.tokens(text)) is not None, text
        assert matcher.check(text).category == category, text


def test_negation_games_and_questions_are_not_disclosures():
    matcher = load()
    assert matcher.check("ba không bao giờ đánh con, chỉ nói nhẹ nhàng") is None
    assert matcher.check("con chưa từng bị ai đánh cả") is None
    assert matcher.check("ui game khó wá, e bị giết hoài") is None
    assert matcher.check("tụi nhỏ xem phim hoạt hình có cảnh bắt cóc công chúa") is None
    assert matcher.check("Nếu nghi ngờ hàng xóm bạo hành con thì báo ở đâu?") is None
    assert matcher.check("nếu em bị ba đánh thì em gọi ai") is not None  # the writer's own harm
    assert matcher.check("nghi ngờ chồng tôi xâm hại con riêng của tôi") is not None
    assert matcher.check("con chơi game thua, ba lấy roi đánh con") is not None
    # A scene of a film is play; the police ("cảnh sát") are not a film.
    assert matcher.check("cảnh này thằng đó bị giết ghê quá") is None
    assert matcher.check("con tôi bị bắt cóc rồi gọi cảnh sát giúp tôi") is not None
    assert matcher.check("be bi bat coc roi, canh sat dang tim") is not None


def test_harm_happening_now_puts_the_police_first():
    matcher = load()
    assert matcher.check("cứu em, ba đang đánh em").now
    assert matcher.check("ba say đang cầm dao đuổi mẹ con em").now
    assert not matcher.check("hồi trước em hay bị ba đánh").now


def test_the_model_reads_folded_text():
    # No diacritics, SMS spellings, teen letters and repeated letters: one text.
    assert fold_words("E hok muốn sống nữaaa") == fold_words("em không muon song nua")
    assert fold_words("bme ko cho e đi học") == ["bo", "me", "khong", "cho", "em", "di", "hoc"]
    assert fold_words("wá trời, dc j") == ["qua", "troi", "duoc", "gi"]


def test_the_model_is_a_second_opinion_beside_the_rules():
    matcher = load()
    assert matcher.model is not None and load_model() is not None
    assert load(model=None).model is None
    # Said without any of the rules' harm structures: only the model hears it.
    text = "bé nhà bên 3 ngày nay ko thấy ra khỏi nhà, nghe khóc hoài"
    assert load(model=None).check(text) is None
    verdict = matcher.check(text)
    assert verdict is not None and verdict.rule == "model" and verdict.category == "neglect"
    # Everyday text that shares syllables with danger words stays calm for both.
    for calm in (
        "sáng nay kẹt xe quá, e tới trễ 10p",
        "ba cắt tóc cho thằng nhỏ",
        "mai tụi nhỏ đi dã ngoại Củ Chi, nhớ mang nón",
        "dấu hiệu trẻ bị xâm hại là gì",
    ):
        assert matcher.check(calm) is None, calm


def test_typing_styles_are_told_apart():
    assert typing_styles("em bi ba danh") == ["no diacritics"]
    assert typing_styles("em bị ba đánh") == ["accented"]
    assert "SMS spellings" in typing_styles("e bị ba đánh hoài, ko dám về")
    assert typing_styles("my dad hits me and my sister") == ["english"]


def test_the_model_alarm_stands_whatever_the_kind_it_names():
    # The blind writers' own category names ("selfharm") once made the model's alarm vanish.
    matcher = load()
    model = dataclasses.replace(matcher.model, categories=("selfharm",), priors=(0.0,))
    model = dataclasses.replace(model, likelihoods={}, unseen=(0.0,))
    text = "bé nhà bên 3 ngày nay ko thấy ra khỏi nhà, nghe khóc hoài"
    verdict = Matcher(load_json(PATTERNS_FILE, CONTENT_DIR), model).check(text)
    assert verdict is not None and verdict.category in matcher.categories


def test_a_firm_rule_is_never_taken_back_by_the_model():
    model = load_model()
    assert model.firm_veto <= model.veto
    # An older weights file without `firm_veto` takes back every rule alike (the file itself:
    # the loaded model knows its features by their hashes only, and cannot write them).
    data = load_json(MODEL_FILE)
    del data["firm_veto"], data["sure"], data["veto_words"], data["category_thresholds"]
    older = from_json(data)
    assert older.firm_veto == older.veto and older.sure == 0.0 and older.veto_words == 0
    assert older.threshold_for("self_harm") == older.threshold


def test_what_reads_as_self_harm_needs_less_certainty():
    model = load_model()
    assert model.threshold_for("self_harm") < model.threshold == model.threshold_for("violence")


def test_lookalikes_of_this_round_stay_calm_and_their_dangers_do_not():
    matcher = load(model=None)  # the rules alone: each of these is decided by the data
    # An object or a trip after "mất tích" / "bỏ nhà đi", a sale, a game, a price, a camel.
    for calm in (
        "cuối tuần cả nhà bỏ nhà đi du lịch Vũng Tàu",
        "nhà e mất tích cái chìa khóa xe từ sáng",
        "áo đồng phục size S cháy hàng rồi chị ơi",
        "tụi nhỏ chơi trốn tìm, cả đám kiếm ko ra thằng Bin",
        "tiền mặt bằng sạp ở chợ bị đánh thêm 200k",
        "điện thoại bị rơi xuống nước, chết luôn rồi",
        "bé đòi đi lạc đà ở sở thú",
        # "trời" typed without accents is no "trói"
        "ky thi hk nay con e thi ko tot, no khoc qua troi, e phai an ui sao",
        # a word or two of killing or taking in quotation marks is a word used
        'thằng bạn "bắt cóc" cây bút của tui rồi',
        "nhốt con mèo trong phòng vì nó cứ cào sofa",  # a harm verb on an animal
    ):
        assert matcher.check(calm) is None, calm
    for danger in (
        "bé 3 tuổi mất tích từ sáng",  # an age before "mất tích" is no count of things
        "nó bỏ nhà đi 2 hôm nay",
        "ba trói em vào cột",
        "con tôi bị bắt cóc rồi",
        'con nhắn "cứu mẹ" rồi mất liên lạc',  # a quoted plea is read
        "Bé nhà tôi 3 tuổi, vừa quay đi 1 phút ở siêu thị là mất bé",
        "ba mẹ khóa cửa ngoài mỗi khi đi làm, 14 tiếng, e ko ra ngoài đc",
        "mẹ nhốt em chung với con chó",
        "ba đánh con chó rồi đánh luôn em",
    ):
        assert matcher.check(danger) is not None, danger


def test_the_model_reads_laughter_and_tears():
    matcher = load()
    assert matcher.model_text("vui quá 😂").split()[-1] == "xxlaugh"
    assert matcher.model_text("mệt lắm rồi 😭").split()[-1] == "xxcry"
    assert matcher.model_text("bye 🖤").split()[-1] == "xxheart"
    assert "xx" not in matcher.model_text("hôm nay đi học vui")


def test_a_short_answer_or_a_small_accident_raises_no_alarm():
    matcher = load()
    assert matcher.model.alone_words == 5
    for calm in ("không biết nữa", "ko biết nữa", "bé bị té xe chảy máu chân"):
        assert matcher.check(calm) is None, calm
    # ... but a push, or a fall that leaves a child unconscious, does.
    assert matcher.check("ba đẩy em té chảy máu tay") is not None
    assert matcher.check("bé té từ lầu 2 xuống, bất tỉnh rồi").now


def test_a_question_about_children_in_general_is_no_alarm_even_for_danger_now():
    matcher = load()
    for calm in (
        "Dau hieu nao cho thay tre co the dang bi bao hanh o nha?",  # "đang bị": danger now
        "hướng dẫn sơ cứu khi trẻ bị hóc dị vật",
        "vì sao trẻ bị xâm hại thường không dám kể với ba mẹ",
    ):
        assert matcher.check(calm) is None, calm
    # ... but a real child, or the writer, makes it a disclosure again.
    for danger in (
        "dấu hiệu nào cho thấy bé nhà bên đang bị bạo hành, hôm qua nghe khóc thét",
        "tại sao trẻ bị đánh lại sợ, em bị ba đánh hoài",
        "em thấy trẻ đang bị đánh ngoài hẻm, hướng dẫn em làm sao với",
        "tại sao đứa trẻ đó bị bỏ rơi ngoài chợ vậy",  # pointed at
        "vì sao trẻ đang bị đánh ngoài hẻm kia mà không ai giúp",
    ):
        assert matcher.check(danger) is not None, danger


def test_everyday_ways_of_speaking_that_share_danger_words_stay_calm():
    matcher = load(model=None)  # the rules alone
    for calm in (
        "ko muốn sống chung với bầy gián này nữa",  # living with, not living
        "em trai tui tự nhốt mình trong phòng ôn thi",  # by himself
        "đường kẹt cứng, xe cứu thương cũng chạy không nổi",  # an ambulance, no plea
        "áo phao cứu sinh để ở đâu vậy",
        "tui minh choi escape room, bi nhot trong phong 60 phut",  # the game is to be locked in
        "ba cat co ngoai vuon",  # mowing
        "tự cắt móng tay cho con",
    ):
        assert matcher.check(calm) is None, calm
    for danger in (
        "em không muốn sống nữa",
        "ba nhốt em trong phòng",
        "em chơi escape room về trễ, ba nhốt em ngoài ban công cả đêm",
        "gọi xe cứu thương gấp, bé ngất rồi",
        "cứu em với",
        "ban e tu cat co tay trong toilet truong",  # "cắt cổ tay", not "cắt cỏ"
        "I keep thinking about jumping in front of the metro train",
    ):
        assert matcher.check(danger) is not None, danger


def test_the_ways_of_saying_of_fresh10_and_their_lookalikes():
    matcher = load(model=None)  # the rules alone
    for danger in (
        # selling images of children; a child pushed into a car by strangers
        "a guy in my group chat sells photos of little girls, some look 10",
        "có nhóm trên telegram rao bán clip trẻ em, mấy bé nhìn mới 8 9 tuổi",
        "Thang nho bi mot nhom nguoi la nhet len xe 7 cho khi nay",
        "thằng bé bị mấy người lạ tống lên xe hơi chạy mất",
        # a bite or a wound left untreated, then ill
        "bé bị chó cắn mà nhà không tiêm ngừa, giờ nó sốt",
        "em bi cho can 1 tuan roi ma me ko cho di tiem, gio e sot",
        "con bé bị mèo cào sâu mà bà nội không cho tiêm phòng dại",
        # charcoal, "giải thoát", a last message with an apology
        "t mua than về rồi, phòng đóng kín, tối nay là xong",
        "đốt than trong phòng kín chắc không đau đâu ha",
        "chắc tui sẽ giải thoát cho mình sớm",
        "tui muốn được giải thoát khỏi cuộc đời này",
        "Nhan cho chi lan cuoi, e xin loi vi lam moi nguoi that vong",
    ):
        verdict = matcher.check(danger)
        assert verdict is not None, danger
    for calm in (
        "selling videos of kids' football tournament to parents, 50k each",
        "shop mình bán video dạy vẽ cho trẻ em, ib nha",
        "bé bị chó cắn nhẹ, em đưa đi tiêm phòng dại rồi, có cần tiêm nhắc không",
        "bé không chịu uống thuốc, giờ sốt cao quá, làm sao cho bé uống",
        "cuối tuần mua than về nướng thịt, nhớ đừng đốt trong phòng kín nha",
        "tui muốn giải thoát cho mình khỏi cái deadline này quá",
        "gặp cô lần cuối trước khi cô nghỉ hưu, cả lớp cảm ơn cô nhiều",
        # a jump into a pool, a tantrum's "I'll die", "mãi mới" is no "mai mối"
        "Trời ơi nóng quá, tui muốn nhảy xuống hồ bơi luôn",
        "nóng quá muốn nhảy xuống sông tắm cho mát",
        'bé cứ la "con sẽ chết nếu không được xem hoạt hình", dỗ mãi mới chịu đi ngủ',
        # "bị", "bắt", "bỏ nhà" in quotation marks are said in jest; caught red-handed
        'Bé Mít thổi bong bóng rồi "bị" mẹ bắt quả tang 😂',
        'Thằng cu bị "bắt" đi tắm, khóc như mưa 😂',
        'Vui quá, con gái đậu học bổng, năm sau là "bỏ nhà" đi Úc rồi',
        "con trai tui sắp bỏ nhà đi du học, nhà vắng hẳn",
        "cả nhóm kéo nhau lên xe đi Đà Lạt",
    ):
        assert matcher.check(calm) is None, calm


def test_the_ways_of_saying_of_fresh13_and_fresh14_and_their_lookalikes():
    matcher = load(model=None)  # the rules alone
    for danger in (
        "có cách nào chết mà không đau không",  # a painless way to die
        "em định thắt cổ trong phòng tối nay",  # "thắt cổ" is hanging
        "nhà bên đang bốc khói, mấy đứa nhỏ còn kẹt trong đó",  # smoke, children inside
        "con đang chơi ở sân, tôi quay đi 2 phút là mất",  # gone the moment one looked away
    ):
        assert matcher.check(danger) is not None, danger
    # "Asking for a friend" is how children often tell their own harm, and the friend is a
    # child at risk either way: these get the numbers (review of 3 December).
    for friend in (
        "nếu bạn em nói muốn chết thì em nên làm gì để giúp bạn",
        "nếu bạn em bị bố dượng hiếp thì em nên làm gì",
        "neu ban em bi bo duong hiep thi em nen lam gi",
        "ba đập điện thoại vào đầu em",  # a thing thrown at the child is no broken glass
        "tối qua coi phim, bé em bị bỏ lại ở nhà một mình tới sáng",  # a film, then real
    ):
        assert matcher.check(friend) is not None, friend
    for calm in (
        "gió quật đổ cây trước nhà rồi",  # the weather
        "trường con tổ chức ngày hội Cứu lấy trái đất",  # a slogan
        "dấu hiệu trẻ muốn bỏ học là gì",  # a question about children in general
        "nên dặn trẻ làm gì khi bị lạc ở siêu thị",
        "thống kê trẻ em bị bạo hành năm ngoái",
        "bị đánh sập nhà chính rồi, thua game",  # demolished
        "phim này ông bố đi cứu con trai",  # a rescue in a film
        "áo này cắt tay áo ngắn lại được không",  # a sleeve
        "nhìn cái váy đó chết mê luôn",  # smitten
        "bị mẹ bắt đi ngủ sớm quá",  # made to go to bed
        "quay đi là mất cái ví ở chợ",  # a thing lost
    ):
        assert matcher.check(calm) is None, calm


def test_an_everyday_phrase_never_hides_the_harm_around_it():
    # Found by the review of the fresh19–22 round: its everyday phrases and all-clear words
    # were applied to the whole message and hid the words that carry the harm ("xô em bị té u
    # đầu", "bị bỏ đói gần chết", "sợ người lạ đang đi theo em", "hú hồn … ngưng thở", "bé tôi
    # nuôi mất tích", "sau trận này sẽ giết em", "xin cho con được cứu"); taken back or
    # narrowed. And its new rules alarmed on everyday text (a parent's worry, a day chosen
    # for a picnic, a mother cleaning the floor); guarded. Four disclosures in English and a
    # thrown meal, an ice pack on a bruise from a beating, and nine calm messages, are still
    # wrong (the closing note of 3 December); "hú hồn" no longer calms a stuck lift, since it
    # also opens a cry of fright ("hú hồn ba mẹ ơi, con nhỏ ngưng thở").
    matcher = load()
    for danger in (
        "hú hồn ba mẹ ơi, con nhỏ ngưng thở, tím tái rồi",
        "hú hồn, thằng bé vừa rớt xuống hồ, đang cấp cứu không tỉnh",
        "em thoát ra được rồi nhưng nó đang đuổi theo em, cứu em với",
        "con bị bỏ đói gần chết",
        "con bi bo doi gan chet",
        "em mệt mỏi muốn chết đi cho rồi",
        "e met moi muon chet di cho roi",
        "em chán lắm, mỏi muốn chết",
        "em đau bụng muốn chết, chú làm gì em chỗ đó đau lắm",
        "mẹ bắt em đứng ngoài trời mưa lạnh gần chết",
        "em sợ người lạ đang đi theo em về nhà",
        "em sợ người lạ đang đứng trước cửa nhà cứ gõ cửa, em ở nhà một mình",
        "e so nguoi la dang theo doi e",
        "bé nhát người lạ đứng đợi bé ở cổng trường mỗi ngày, tặng kẹo rủ đi chơi",
        "bé tôi nuôi mất tích rồi",
        "mình nuôi con một mình, bé đi lạc ở siêu thị rồi",
        "con gái nuôi nhà nuôi từ nhỏ giờ mất liên lạc 3 ngày",
        "tôi nuôi con một mình, con gái tôi 13 tuổi đi học từ sáng tới giờ chưa về, gọi không nghe máy",
        "em nuôi của tôi 10 tuổi mất tích từ hôm qua",
        "đời em đâu phải cổ tích, em chỉ muốn chết thôi",
        "sau trận này em chỉ muốn chết",
        "ba nói sau trận này sẽ giết em",
        "ván này thua là về bị ba giết đó",
        "em chơi với team bạn thì anh ấy bắt cóc em gái em lên xe",
        "xin hãy cho con được cứu, con bị bắt đi rồi không biết ở đâu",
        "bao giờ em mới được cứu ra khỏi đây",
        "em cần được cứu, em đang bị giam ở Campuchia",
        "mong được cứu, tụi nó giữ em ở đây bắt làm việc không lương",
        "làm sao để được cứu, em bị lừa qua Campuchia giờ bị giữ",
        "ba xô em bị té u đầu",
        "ổng xô tui té u đầu",
        "be bi ba xo nga u dau",
        "ba say xỉn xô con té xe u đầu",
        "my stepdad beats me in math lessons when i get it wrong",
        "my tutor beats me in math class with a ruler",
        "my coach beats me in swimming practice if i'm slow",
        "đang gọi video với mẹ thì thấy em té xuống ao",
        "bé làm rơi điện thoại xuống hồ rồi lao xuống lấy, chưa thấy lên",
        "em đang quay video thì bé rớt xuống hồ bơi",
        "thằng bé té xe xuống mương nước, không thấy ngoi lên",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "Con tôi 8 tuổi, tôi lo con bị xâm hại khi ở với người giúp việc, nên dạy con gì?",
        "Bộ phim về cô bé 13 tuổi bị xâm hại rất cảm động",
        "Bé 6 tuổi nhà mình hỏi bị xâm hại nghĩa là sao",
        "Lớp kỹ năng cho trẻ 5 tuổi: dạy con nói không khi bị người lạ sàm sỡ",
        "Mình có con gái 10 tuổi, đọc mấy vụ trẻ bị dâm ô mà sợ quá",
        "mình đang đọc sách lịch sử, phụ nữ thời chiến bị cưỡng hiếp rất nhiều",
        "Mình chọn được ngày rồi, thứ 7 cả lớp đi picnic",
        "Tụi em chọn ngày xong rồi, mùng 5 tết họp lớp",
        "Tôi định ngày rồi, tháng sau khai trương quán",
        "Con chọn ngày rồi, chủ nhật về quê thăm nội",
        "Mẹ không cho con vô nhà khi chân còn dính bùn",
        "Bà không cho tụi nhỏ vào nhà bếp",
        "Mình mua than nướng BBQ, cuối tuần cả nhà đi vắng",
        "Tết này con ở nhà tiếp khách giúp mẹ nha",
        "Bé ngoan lắm, biết chào hỏi khi tiếp khách",
        "Chủ quán kêu em bưng ra 2 ly cà phê sữa",
        "Bà chủ tiệm bảo em giao hàng lúc 3 giờ",
        "Con xin qua nhà bạn học nhóm, mẹ bạn nói không có gì đâu",
        "Con nói ngủ nhà bạn, mẹ bạn gọi nói không có gì phải lo",
        "Đi khóa tu mùa hè không được liên lạc với gia đình trong 1 tuần",
        "Bé 2 tháng khám ở Vinmec lấy 1 triệu 2",
        "Nước ngập trong hẻm, tụi nhỏ mắc kẹt ở nhà không đi học được, ở nhà chơi game",
    ):
        assert matcher.check(calm) is None, calm


def test_a_question_frame_a_film_or_a_friend_does_not_take_back_a_disclosure():
    # Found by the review of 3 December: the model took these back (a question's frame, a
    # film named first, a friend's harm asked about read as everyday) or the frame made them a
    # topic ("thường" in "vết thương"). A harm done habitually by a named adult, a rape told
    # of, a friend's harm are firm rules now (`firm: true`), heard after any veto.
    matcher = load()
    for danger in (
        "cho tôi hỏi, hàng xóm đánh con họ suốt ngày",
        "cho em hỏi, ba hay đánh em bằng roi",
        "hôm qua xem phim với anh họ rồi bị anh ấy hiếp",
        "nếu bạn tôi bị bắt cóc thì tôi nên làm gì",
        "bé được tìm thấy rồi về nhưng người đầy vết thương",
        # the same, said otherwise
        "cho mình hỏi, dượng hay đánh em bằng dây nịt",
        "xin hỏi, chú hàng xóm sờ em mỗi tối",
        "tối qua coi phim ở nhà chú, rồi bị chú ấy hiếp",
        "nếu bạn em bị ông chủ ép làm việc thì em nên làm gì",
        "dượng hay đánh đòn em bằng roi mây",
        "trẻ nữ 11 tuổi khai bị người yêu của mẹ xâm hại nhiều lần",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "mẹ hay đánh đòn con khi con hư, có nên không",  # spanking asked about
        "ba hay véo má con mỗi sáng vì con dễ thương",
        "bạn em bị cô phạt đứng góc lớp",
        "tin tức: cô gái bị hiếp ở Bình Dương, thủ phạm đã bị bắt",  # the news
        "trong phim có cảnh cô gái bị hiếp, con hỏi mình phải giải thích sao cho con hiểu",
        "trẻ 13 tuổi bị xâm hại thì người xâm hại bị phạt bao nhiêu năm",  # the law
        "con 5 tuổi cần học gì để không bị xâm hại",
        "thằng lớn hay ăn hiếp em",
    ):
        assert matcher.check(calm) is None, calm


def test_the_ways_of_saying_of_fresh19_to_fresh22_and_their_lookalikes():
    # Written for this test, not taken from the files: each way of saying that fresh19–22
    # showed, said another way (the rules alone decide each).
    matcher = load(model=None)
    for danger in (
        "có mấy người lạ tới xóm mua lại mấy đứa nhỏ nhà nghèo",  # children bought
        "trên mạng có người rao bé 2 tháng giá 30 triệu",  # a baby with a price
        "bé 13 tuổi được một bà lạ đón đi làm, gia đình nhận 5 triệu",  # taken for money
        "chủ quán net bắt tụi nhỏ đi giao hàng đổi giờ chơi",  # a boss's errands
        "nhóm đó tuyển nữ sinh lớp 8 đi tiếp khách",
        "xưởng đó cho mấy đứa 13 tuổi làm việc từ 6 giờ sáng tới khuya",  # long hours
        "tụi nhỏ ăn ngủ luôn ở xưởng, không được liên lạc gia đình",
        "con gái tôi 14 tuổi đi chơi từ chiều không về",
        "con nói ngủ lại nhà bạn, gọi hỏi thì bạn nó nói không có qua",  # a false whereabouts
        "dượng không cho em vô nhà, em ngủ ngoài hiên",  # shut out
        "mấy đứa nhỏ xóm trọ không đi học, cũng không có giấy khai sinh",
        "bé 5 tuổi ở lớp cứ bắt chước hành động tình dục, nói ông hàng xóm chỉ",
        "quần lót con bé 4 tuổi có máu, bé sợ ông bảo vệ",
        "em đã chọn ngày rồi, không ai cản được đâu",  # a day chosen, nothing more said
        "nước lên tới nóc, có đứa nhỏ bị kẹt trong nhà",  # a flood
        "bé sinh non mà ba mẹ không cho bé đi tái khám",
        "chồng tôi ôm con bỏ đi, nghe nói bán con cho người ta",  # hearsay of one's own child
        "trường tôi có nhóm zalo mua bán ảnh học sinh, xin hỏi phải làm gì",  # my school
        # the everyday phrases below do not hide these
        "bé hay sợ người lạ từ khi bị người lạ dụ lên xe",
        "bé được cứu ra khỏi nhà cháy nhưng em nó còn kẹt trong đó",
        "ba đánh em vì em tè dầm",
        "bé bị ba đẩy té u đầu",
        "em sợ muốn chết, ba cầm dao đuổi",
        "ba ném chén cơm vào mặt em",
        "he beat me at home with a belt",
        "giải thích giúp em với, ba đánh em hoài",
        "nó bắt em chụp ảnh rồi dọa tung",
        "chơi ma sói xong, em muốn treo cổ",
        "bé kẹt thang máy, giờ vẫn chưa ra",
        "em mua sẵn thuốc ngủ rồi, chờ nhà đi vắng",  # the means ready, waiting to be alone
        "ông đó bắt em ngậm cái đó",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "bé 2 tuổi hay sợ người lạ, gặp ai cũng khóc",  # shy
        "phim kể về cậu bé bị bắt cóc, sau bao nhiêu chuyện cuối cùng cũng được cứu",  # a film
        "thằng nhỏ té cầu thang u đầu, chườm đá rồi",  # a fall
        "con bị kiến cắn sưng đỏ cả chân",
        "cái tivi nhà tui chắc chết rồi, không lên hình",  # a thing "dead"
        "trận này team địch hành muốn chết",  # "… muốn chết": very
        "con quấy cả đêm, thiếu ngủ muốn chết",
        "con làm rớt điện thoại xuống hồ cá",  # a thing dropped in water
        "con tui té vô vũng nước, ướt hết",  # a puddle
        "bé 2 tuổi hay tè dầm, làm sao tập",
        "chơi ma sói, tui bị treo cổ ngay vòng đầu",  # voted out in a game
        "my daughter beat me at chess again",
        "bé ném đồ chơi xuống đất hoài",
        "chị giải thích thêm giúp em với",  # a request
        "mai anh mang loa qua giúp em với",
        "con cá bảy màu em nuôi đi đâu mất tiêu rồi",  # a pet
        "cha mẹ đánh con có vi phạm pháp luật không",  # "me" is "mẹ" here
        "làm sao biết một đứa trẻ đang bị xâm hại",  # topic questions
        "những trường hợp nào cần đưa trẻ đi cấp cứu",
        "làm sao nhận biết kẻ xấu đang dụ dỗ trẻ con trên mạng",
        "làm sao để biết trẻ có ý định tự tử, để con giúp bạn",
        "xem clip con chó nhảy tõm xuống hồ",
        "mẹ chuẩn bị thuốc cho bé rồi mới đi vắng, nhà không có ai trông",
        "bé ngậm cái đó hoài, là cái núm vú giả",
    ):
        assert matcher.check(calm) is None, calm


def test_the_ways_of_saying_of_fresh23_to_fresh26_and_their_lookalikes():
    # Written for this test, not taken from the files: each way of saying that fresh23–26
    # showed, said another way, then the real disclosures that share the words of each new
    # everyday phrase or exception (the rules alone decide each).
    matcher = load(model=None)
    for danger in (
        "nó nhắn cảm ơn mọi người vì tất cả, tạm biệt, rồi tắt điện thoại luôn",
        "this is my last message, thank you all",
        "if i disappeared no one would even care",
        "con đi cắm trại với lớp, sáng nay cô báo bé không có trong lều",
        "nhà đó cho con bé 14 tuổi ra quán karaoke ngồi bàn với khách",
        "bảo mẫu lấy băng keo dán miệng mấy bé cho khỏi khóc",
        "dì hứa cho em qua Hàn Quốc làm việc, lương cao, đi đường biển",
        "tui đang đuổi theo chiếc xe máy chở thằng bé 6 tuổi, nó khóc quá trời",
        "ba mẹ em đi làm xa, không có ai nấu cơm, em đói bụng từ sáng",
        "mẹ hay tat em, tối qua còn đẩy em té",
        "bố nó hay chửi nó là con đĩ rồi đuổi nó ra đường lúc nửa đêm",
        "mấy đứa 12 tuổi làm việc ở lò gạch, không có đồ bảo hộ gì hết",
        "có người đòi mua đồ lót đã mặc của con bé lớp 6, trả 500 nghìn",
        "cô hàng xóm bỏ con 4 tuổi ở nhà một mình, khóa trái cửa cả ngày",
        "ba mẹ về quê bỏ em ở nhà một mình 5 ngày",
        "thầy bắt tụi em ăn phấn vì không thuộc bài",
        "em tặng lại con chó cho bạn, sau này em không cần nữa đâu",
        "phòng em có khói đen, cửa không mở được",
        "có nhóm người sáng nào cũng chở tụi nhỏ ra ngã tư bán vé số, tối thu tiền",
        "Kính gửi chương trình, qua tìm hiểu hộ gia đình bà Tư có cháu 9 tuổi bị đánh bầm tím",
        "Tổ dân phố thông báo khẩn: bé trai 4 tuổi mất tích từ trưa, ai thấy liên hệ tổ trưởng",
        "con em về kể cô ở lớp bịt miệng con bằng khăn, em báo ở đâu ạ",
        # the everyday phrases and exceptions below do not hide these
        "Kính gửi chương trình, con tôi bị cha dượng đánh bầm tím cả người",
        "we were at the movie theater when my son was kidnapped",
        "my daughter was kidnapped after the movie last night",
        "mẹ đánh em bầm tím, bột giặt cũng không đánh bay vết máu trên áo",
        "thầy dạy võ đánh em bằng roi",
        "ở lớp võ thầy đánh em chảy máu",
        "em đi học võ về thì bị ba đánh đau lắm",
        "nhà em nuôi con vẹt, cứu em với ba đang đánh em",
        "thằng bé dắt chó đi dạo rồi đi lạc mất, con chó về một mình",
        "con bé nói 'bỏ nhà ra đi' rồi đi thật, tới giờ chưa về",
        "con tôi bỏ nhà đi từ tối qua, chưa về ăn cơm",
        "ba đạp em ngã trúng đinh chảy máu",
        "em đang coi đô rê mon thì chú đó kêu em cởi đồ",
        "chơi đánh gối xong anh hai đè em ra sờ chỗ kín",
        "em mặc đồ siêu nhân, cứu em với, có người lạ kéo em lên xe",
        "cô dạy nếu ai chạm vào chỗ kín thì phải nói, chú hàng xóm chạm vào chỗ kín của em",
        "cô dạy nếu bị đánh thì phải nói, ba đánh em hoài",
        "bé biến mất từ chiều, đồ chơi còn nằm ngoài sân",
        "con em không tìm thấy đâu hết, chỉ thấy chiếc dép ở bờ sông",
        "con tôi mất tích từ chiều qua",
        "em muốn chết, với bài kiểm tra này ba sẽ đánh em",
        "người lạ nói không cần giấy tờ, đưa em qua Campuchia làm việc",
        "mẹ không cho em đi học, bắt em ở nhà bán vé số",
        "thầy dạy bóng chuyền sờ ngực em",
        "em bị anh lớp trên xô té trong giờ ra chơi chảy máu đầu",
        "ba nhốt em ngoài cửa cả đêm",
        "em bị nhốt ngoài cửa vì quên chìa khóa, ba về đánh em một trận",
        "con tôi nghỉ lễ bỏ nhà đi Vũng Tàu với bạn, 3 ngày chưa về",
        "em 15 tuổi, đang tuổi teen mà em tự hại, dấu hiệu gì cho biết em cần đi khám",
        "chú đó dán băng keo vào miệng em rồi nhốt trong kho",
        "mẹ bỏ em ở nhà một mình 3 ngày không có gì ăn",
        # ... nor, narrowed in the next round, these (a push before the fall, a forced step on
        # glass, a wish to die beside the homework, a plea after what the teacher taught, a
        # child gone while her sandal is found, a desk that is not a customer's table)
        "bạn xô em bị té trong giờ ra chơi chảy máu đầu",
        "thầy đẩy em bị ngã ở sân trường chảy máu",
        "ba bắt em đạp miểng chai đi qua sân",
        "em muốn chết, không ai hiểu em, em mệt mỏi lắm rồi",
        "cô dạy nếu bị đánh thì phải nói, bạn Lan lớp em bị ba đánh hoài",
        "tui đang coi phim về vụ bắt cóc thì thấy có người bắt cóc thằng bé nhà bên lên xe",
        "i'm writing because this is about a kidnapped child in our street",
        "con bé mất tích, mọi người chạy ra thấy liền chiếc xe lạ chạy mất",
        "đi kiếm thấy liền cái dép của bé dưới mương, bé thì không thấy đâu",
        "tìm hoài không thấy dép của bé đâu, bé cũng mất tích từ trưa",
        "nghỉ tết con bé bỏ nhà đi chơi với bạn trai, mất liên lạc 2 ngày",
        "con gái 14 tuổi nhà em ngồi bàn với khách ở quán nhậu tới khuya",
        "em bị nhốt ngoài cửa vì quên chìa khóa, ba phạt em đứng ngoài cả đêm",
        "mẹ bắt em đứng ngoài trời mưa lạnh gần chết",
        "nhà em có khói đen đầy phòng, em không mở cửa được",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "dầu gội này đánh bay vết dầu mỡ trên tóc luôn",
        "con muốn đi học võ nhưng mẹ sợ con bị đánh đau",
        "con nói 'bỏ nhà ra đi' rồi qua nhà bạn kế bên, 10 phút sau về ăn cơm",
        "thằng nhỏ đạp trúng đinh ngoài vườn, đưa đi chích ngừa rồi",
        "tối nào bé cũng coi đô rê mon",
        "hai anh em chơi đánh gối cả buổi tối",
        "cô dạy nếu có ai chạm vào chỗ kín thì phải la lên và kể với mẹ, em nhớ rồi",
        "lớp em thuyết trình về sự tuyệt chủng của khủng long",
        "em muốn chết với bài tập toán hôm nay luôn á",
        "mẹ không cho em đi chơi với bạn vì trời mưa",
        "em bị bạn đánh trúng bóng vào mặt lúc chơi bóng chuyền, không sao",
        "thằng cu nhà tui bị té trong giờ ra chơi trầy chân, cô sát trùng rồi",
        "thằng nhỏ vấp té trong giờ ra chơi chảy máu mũi, cô sát trùng rồi",
        "con bé ngồi bàn học bài tới khuya",
        "nhà mình khói bụi quá vì hàng xóm xây nhà",
        "cô phạt em đứng ngoài hành lang 5 phút vì nói chuyện",
        "em bị nhốt ngoài cửa vì quên mang chìa khóa, ngồi chờ chị hai về",
        "nghỉ lễ cả nhà bỏ nhà đi Đà Lạt chơi 3 ngày",
        "thằng nhỏ đạp đinh ngoài vườn, đưa đi chích ngừa rồi",
        "những dấu hiệu tự hại ở tuổi dậy thì là gì",
        "mẹ bỏ con ở nhà ngoại 3 ngày để đi công tác",
        "em gửi lại cuốn sách cho chị nha, em đọc xong rồi",
        "nhà em có khói nhang nhiều quá, mẹ mới cúng",
        "sáng nay nhà mình có khói bếp than",
        "quán này tuyển nhân viên phục vụ bàn, tiếp khách lịch sự",
    ):
        assert matcher.check(calm) is None, calm


def test_the_ways_of_saying_of_fresh15_to_fresh18_and_their_lookalikes():
    # Written for this test, not taken from the files: each way of saying that fresh15–18
    # showed, said another way (the rules alone decide each).
    matcher = load(model=None)
    for danger in (
        "con viết xong di chúc rồi, đồ của con để lại cho em",  # a child's will
        "em bị chú hàng xóm sờ vào đùi hoài, em sợ lắm",  # a touch on the body after "bị"
        # the writer's own age makes a question the writer's own
        "cho em hỏi người lớn chạm vào ngực em vậy có phải bị xâm hại ko, em 12 tuổi",
        "đông người quá, buông tay thằng bé ra một chút là mất",  # a hand let go
        "mẹ bỏ đi, ba đi tù, tụi nhỏ ở một mình trong nhà",  # a parent in prison is no topic
        "có người tới trường rủ mấy đứa học sinh lớp 9, hứa cho đi xuất khẩu lao động",
        "con gái tôi 13 tuổi đi sinh nhật bạn rồi không về, gọi không được",
        "ba nhậu say suốt, em út khóc đói cả buổi",  # drink and a hungry child
        "ông kia thuê phòng khách sạn rồi dẫn mấy đứa nhỏ bán vé số lên",
        "nghe nói ông đó mua trẻ mồ côi rồi đem bán",  # hearsay, but of someone pointed at
        "có người lạ mặt dụ thằng bé lên xe",
        # a collaborator's report: the month's work, then a case
        "Báo cáo CTV: đã phát tờ rơi. Phát hiện có bé 10 tuổi bị cha dượng đánh bầm người",
        "con ở nhà một mình, có người cứ đập cửa đòi vô",  # a stranger at the door
        "a boy fell into the canal and no one is helping",
        "ba con ko thương con, con không xứng đáng làm con của ba mẹ",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "đọc tin bé trai mất tích ở Đà Nẵng đã được tìm thấy, mừng quá",  # found
        "cái điều khiển máy lạnh nhà tui mất tích đâu rồi",  # a thing
        "nguyên nhân nào khiến trẻ bỏ nhà đi",  # a topic question
        "con meo nha tui bo nha di 3 ngay roi ve",  # an animal, back again
        "đi siêu thị lạc mất cái ví, xui ghê",  # a thing lost in a crowd
        "lớp võ cho bé tập đấm bao cát mỗi chiều",  # sparring
        "ba mẹ đi công tác, bỏ con ở nhà nội một tuần, con vui lắm",  # with the grandparents
        "phim này có đoạn cô gái bỏ trốn khỏi nhà chồng",  # a film
        "my 3 year old kicks me when I change his diaper",  # a toddler
        "cho mình hỏi dấu hiệu trẻ có ý định tự tử là gì",  # "cho mình hỏi" is no referent
        "mai con làm thủ công, cần kéo cắt giấy",  # a craft
        "mèo nhà tui bị nhốt ngoài sân vì phá đồ",  # an animal locked out
        "cái áo này xinh xỉu luôn",  # slang
        'mẹ dọa "bán" em cho ông ve chai vì em lười',  # a quoted sale, in jest
        "thằng em đập vỡ ly rồi",  # a glass broken
    ):
        assert matcher.check(calm) is None, calm


def test_a_report_step_is_no_disclosure():
    # The place and age a report asks for, typed alone (bench/lane.py types this one): the
    # model once flagged it as danger now (training text of the kind since, never this one).
    matcher = load()
    for calm in ("Em bé ở gần chợ Bình Điền, khoảng 8 tuổi", "bé khoảng 8 tuổi, ở hẻm 12"):
        assert matcher.check(calm) is None, calm
    assert matcher.check("bé khoảng 8 tuổi bị lạc ở chợ Bình Điền") is not None


def test_the_sentence_a_rule_matched_in_must_be_everyday_too():
    # A collaborator's long report reads as everyday as a whole; the model takes a rule's
    # match back only if the sentence it is in reads as everyday too.
    matcher = load()
    report = (
        "Báo cáo tổ CTV khu phố 2: tháng này tập huấn 3 buổi, phát 50 tờ rơi, tặng quà trung "
        "thu cho 30 cháu, còn thiếu kinh phí in áp phích. Có người dân báo bé gái 9 tuổi bị "
        "ông bán tạp hóa sàm sỡ khi đi mua đồ."
    )
    assert matcher.check(report) is not None


def test_telex_typing_severe_harm_and_the_guarded_everyday_phrases():
    # Written for this test. Telex typed with the phone's Vietnamese mode off is read as the
    # syllables it stands for (fresh34, measured once: 85.6 % recall before, most misses
    # Telex); harm no everyday sentence has is never taken back by the model; an everyday
    # phrase with a guard (`unless_after`, `unless_before`) masks only where no harm is
    # around it.
    matcher = load()
    for danger in (
        "bo tooi ddanhs tooi moox ngayf",
        "em bij chus haangf xoms sowf vaof ngwowif",
        "con tooi maats tichs tuwf hoom qua chuwa veef",
        "em khoong muoons soongs nuwax",
        "cuwus em vowis, oong ta ddang ddanhs em",
        "BA DDANG DDANHS CON, CUWUS CON",
        "mẹ bóp cổ em vì em làm rớt cái chén",
        "dượng dí thuốc lá vô tay em hôm qua vì em lỡ làm đổ nước",
        "con bị trói lại đánh vì làm mất tiền",
        "ba đẩy em té cầu thang u đầu",
        "ba xô em té trầy hết chân",
        "cô bảo mẫu thảy thức ăn xuống sàn bắt bé bốc ăn",
        "ba vứt đồ ăn xuống đất bắt con ăn như chó",
        "chườm đá hoài mà vết bầm chỗ ba đánh không hết",
        "bị bỏ đói chết",
        "em bực muốn chết đi cho rồi",
        "how do i make him stop touching me at night",
        "what should i do if mom burns me with cigarettes",
        "what should i do, my stepdad forces me to watch porn",
        "có người lạ mua bé gái 12 tuổi trong xóm về làm vợ",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "hoom nay con ddi hocj veef treex",
        "tooi ddanhs caauf loong vowis con gais moox chieeuf",
        "chus ddi ddanhs rawng rooif ngur nha",
        "i see my room too, thanks",
        "mẹ bóp cổ con gà làm thịt cúng rằm",
        "bé vấp té cầu thang u đầu, chườm đá rồi",
        "đói muốn chết, nấu cơm chưa",
        "cháu nó đạp xe về mỏi chân muốn chết",
        "tui tức muốn chết với thằng con, nói hoài không nghe",
        "Mình đi mua bé gấu bông cho con gái",
        "Nghe nói ông hàng xóm cũ bị bắt vì tội hiếp dâm, ghê quá",
        "ky thi hk nay con e thi ko tot, no khoc qua troi, e phai an ui sao",
        'hoc sinh lớp 5 tâp kich "Tâm Cam", cảnh Cam bi dội nươc sôi lam ca lơp cươi',
    ):
        assert matcher.check(calm) is None, calm


def test_the_ways_of_saying_of_fresh27_to_fresh30_and_their_lookalikes():
    # Written for this test: each way of saying that fresh27–30 showed, then the real
    # disclosures that share the words of each new everyday phrase (the rules alone decide).
    matcher = load(model=None)
    for danger in (
        "thầy dạy võ cứ ôm em từ phía sau, em sợ lắm",
        "con bé 8 tuổi mà phải tự nấu cơm cho cả nhà, ba mẹ đi nhậu hoài",
        "qua tới nơi họ tịch thu hộ chiếu rồi bắt em chat lừa đảo cả ngày",
        "cô đó nói sẽ dẫn con đi tìm mẹ con bên Trung Quốc",
        "dượng hỏi người ta trả giá con bao nhiêu tiền",
        "mẹ kêu em đi theo chú lạ qua Đài Loan làm con nuôi",
        "em đang cầm lưỡi lam trong phòng, không biết có nên không",
        "cháy dãy trọ ở Bình Tân, còn mấy đứa nhỏ kẹt bên trong",
        "thằng bé đi khỏi nhà từ tối, để lại tờ giấy ghi đừng tìm con",
        # the everyday phrases below do not hide these
        "bé với con chó nhà em mất tích từ chiều",
        "con chó nhà tui mất tích, thằng bé đi tìm nó rồi cũng mất tích luôn",
        "đọc báo thấy vụ cháy mà nhà em cũng đang cháy, em kẹt trên lầu",
        "em hay cắt tay lúc buồn",
        "em cắt tay chút xíu cho đỡ buồn",
        "ba cầm súng dọa giết em",
        "con tôi mất tích từ chiều, sau bao lâu mới được báo công an",
        "nhà con có khói đen đầy phòng, cứu con",
        "lớn lên con sẽ bỏ nhà đi, con không chịu nổi ba đánh nữa",
        "sau này lớn con sẽ bỏ nhà đi ngay tối nay",
        "ba cầm súng nhựa dọa giết em",
        # phase 2, finished: a child gone with an object, a last day of one's own, a flight
        # from harm or one that goes on, a lost child in the news who is the writer's, a
        # return promised or undone, a plea that was no mistake; and the phrases brought back
        "con tui đi học chưa về, mất tích luôn cái điện thoại cũng tắt máy",
        "bé nhà tôi mất tích luôn cái xe đạp cũng không thấy",
        "nó mất tích luôn cái điện thoại không liên lạc được từ tối qua",
        "hôm nay là ngày cuối của em, mai em không còn nữa",
        "mai là ngày cuối đăng ký học mà em chỉ muốn chết cho xong",
        "hồi nhỏ tui trốn nhà đi vì ba đánh, giờ tui lại muốn trốn nữa",
        "hồi trước tôi trốn nhà đi mấy ngày, giờ thằng con tôi cũng bỏ nhà đi chưa về",
        "hồi nhỏ mình trốn nhà đi, giờ đang ở bến xe một mình không có tiền về",
        "hôm nay trên báo có tin bé trai bị lạc ở Suối Tiên, chính là con tôi, giờ vẫn chưa tìm thấy",
        "sáng nay đọc báo thấy tin trẻ bị lạc, hôm qua con em cũng bị lạc ở chợ chưa về",
        "bé bị lạc, được trả về cho gia đình nhưng giờ lại đi lạc nữa",
        "con tôi bị lạc 2 ngày, công an nói sẽ trả về cho gia đình mà chưa thấy đâu",
        "cứu em, ba đang đánh em, không phải gửi nhầm đâu",
        "cứu em với, lúc nãy em gửi nhầm cho cô nhưng thật sự em đang bị nhốt",
        "cứu con, con nhắn nhầm số hả, ai cứu con với",
        "sự mất tích của con tôi đến giờ vẫn chưa có tin",
        "em tìm không thấy chìa khóa, ba nhốt em ngoài cửa cả đêm",
        "mẹ đánh bay vết bẩn xong quay qua đánh em chảy máu",
        "em đi khóa tu mùa hè không được liên lạc với gia đình, họ bắt em làm việc cả ngày không cho về",
        "con đi trại hè không được liên lạc với ba mẹ 3 tháng rồi, họ giữ hết giấy tờ",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "con meo nha t mat tich tu sang, chieu moi thay no ngu trong tu quan ao",
        "con chim sẻ con nuôi bay mất tiêu rồi, buồn ghê",
        "bà đọc báo thấy vụ cháy ở Hà Nội, thương quá, mấy con ở đây cẩn thận điện đóm nhé",
        "con cắt trúng tay chút xíu lúc thái rau, dán băng rồi mẹ",
        "con nít bị mất tích thì sau bao lâu mới được báo công an vậy",
        "con cá betta nhảy ra khỏi bể, may mà con thấy kịp",
        "cô thu điện thoại bắt làm bài kiểm tra lại",
        "mẹ hỏi giá con cá bao nhiêu tiền",
        "mất tích luôn cái ví của tui rồi, sáng đi chợ để trong giỏ xe về là không thấy",
        "hôm nay là ngày cuối nhận hồ sơ lớp bơi hè nha các phụ huynh",
        "hạn chót đóng học phí là thứ sáu này nha mọi người",
        "hồi nhỏ tui trốn nhà đi chơi điện tử hoài, kể cho con nghe nó cười quá trời",
        "sáng nay trên báo có tin bé gái bị lạc ở công viên, được bảo vệ tìm thấy sau 20 phút",
        "bé trai bị lạc ở siêu thị được nhân viên trả về cho gia đình sau nửa tiếng, đọc mà mừng",
        "cái tin nhắn cứu lúc nãy là tui gửi nhầm cho nhóm, xin lỗi mọi người",
        "nhóm em thuyết trình về sự tuyệt chủng của khủng long",
        "con tìm hoài không thấy cục gôm, chắc để quên trên lớp",
        "nước tẩy này đánh bay vết dầu mỡ trong bếp luôn",
    ):
        assert matcher.check(calm) is None, calm


def test_the_ways_of_saying_of_fresh31_to_fresh34_and_their_lookalikes():
    # fresh31 to fresh34 (collaborators' Zalo notes, voice-to-text, mothers' Facebook groups,
    # Telex and VNI residue), learnt from on 3 December: their classes of misses, each said
    # another way here (a farewell with thanks, a lethal dose asked, a child paid a pittance,
    # a child's plea overheard, a parent's wish the child had not been born, a baby sold at a
    # hospital, a child lured to far work, a chase with a weapon, a child not seen for days, a
    # pupil gone with no answer), and their lookalikes.
    matcher = load()
    for danger in (
        "mọi người ơi tạm biệt nhé, cảm ơn vì tất cả",
        "cảm ơn vì mọi thứ, bye mọi người",
        "uống mấy viên thuốc ngủ thì chết vậy",
        "có chỗ nhận con nít làm bóc tỏi cả ngày trả có 20 ngàn",
        "nghe tiếng thằng bé nhà bên khóc con lạy ba, đừng đánh con nữa",
        "mẹ chửi em hoài, nói ước gì không sinh ra mày",
        "ở bệnh viện có bà dụ mẹ đơn thân bán em bé mới sinh",
        "có người dụ mấy đứa nhỏ trong xóm đi làm xa, hứa gửi tiền về cho gia đình",
        "ba đang rượt mẹ con em với cái dao",
        "bạn em nghỉ học 4 ngày rồi, gọi không nghe máy",
        "em gái tôi 15 tuổi tắt điện thoại 2 ngày rồi",
        "bà ngoại bị lẫn, quên cho em bé bú cả buổi",
        "con kể cô phạt đứng phơi nắng cả buổi, con về nói sợ đi học lắm",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "cách phân biệt kỷ luật và bạo lực với trẻ",
        "trẻ bị bỏ rơi thì ai nuôi dưỡng vậy",
        "dọa con là ông kẹ bắt có ảnh hưởng tâm lý gì không",
        "thằng nhỏ đi học về nói bị bạn lấy cây bút chì",
        "tối qua đi ăn mì cay muốn chết 😂",
        "nhà bên hát karaoke tới khuya, điếc tai muốn chết",
        "đội tuyển thua buồn muốn chết",
        "cứu em với các mom, bé nhà em 2 tuổi cứ đòi bế cả ngày 😂",
        "mất tích luôn cái bình nước thứ 3 tuần này",
        "con chó của em mất tích 2 ngày, nay tự về nhà 🐶",
        "bé 4 tuổi dọa không mua là con bỏ nhà đi 😂",
        "tập cho con thoát hiểm khi cháy nhà, dạy con thoát hiểm thế nào mọi người",
        "bé đi nhà trẻ ngày đầu khóc như bị bắt cóc 😂",
        "bé cầm dao gọt trái cây bị đứt tay nhẹ, băng lại rồi",
        "bà đánh cảm cho thằng nhỏ bằng dầu gió, đỡ rồi",
    ):
        assert matcher.check(calm) is None, calm


def test_an_everyday_phrase_of_fresh31_to_fresh34_never_hides_the_harm_around_it():
    # The everyday phrases added for fresh31 to fresh34 (a spicy meal or a loud neighbour "to
    # death", a football loss, a mothers' group's "cứu em với các mom", a lost thing or a
    # missing pet, a small child's threat to run away, a fire drill, crying "as if kidnapped",
    # a knife for fruit, coin rubbing for a cold): real disclosures that share their words.
    matcher = load()
    for danger in (
        "em bị mẹ đánh đau, cay muốn chết đi cho rồi",
        "ba mẹ đánh nhau hoài, điếc tai muốn chết đi cho xong",
        "đội tuyển thua buồn muốn chết đi cho rồi, em không muốn sống nữa",
        "đội nhà lại thua, ba thua độ về đánh em bầm hết người",
        "cứu em với các mẹ ơi, chồng em say rượu đang đánh con",
        "cứu em với mọi người, thằng bé bị hóc kẹo không thở được",
        "cứu mình với các mom, con mình 2 tuổi sặc nước tím tái rồi",
        "con tôi mất tích luôn 2 ngày rồi",
        "thằng bé đi học rồi mất tích luôn, cả nhà tìm khắp nơi không thấy",
        "con mèo của em mất tích rồi, em đi tìm nó từ tối qua mà chưa về",
        "con chó của bé mất tích, bé đi tìm rồi cũng không thấy về 2 ngày nay",
        "nó nói không mua là bỏ nhà đi thật, tối qua nó đi luôn chưa về",
        "con bé dọa không cho đi chơi là bỏ nhà đi, giờ nó bỏ nhà đi thật 2 ngày chưa về",
        "chung cư đang cháy, con em kẹt trên tầng 9, em dạy con thoát hiểm mà nó không ra được",
        "nhà cháy rồi, bé còn kẹt trong phòng, đã dạy bé thoát hiểm mà giờ không thấy ra",
        "con bé khóc như bị bắt cóc thật, có người lạ lôi nó lên xe ở cổng trường",
        "thằng bé khóc thét như bị ai bắt cóc, rồi người đàn ông lạ bế nó lên xe chạy mất",
        "ba cầm dao gọt trái cây rồi dọa chém mẹ con em",
        "dượng cầm dao gọt xoài rượt em chạy khắp xóm",
        "ba đánh cảm cho con mà mạnh tay chảy máu hết lưng",
        "bà đánh gió cho em mà bầm tím hết người, em khóc thét",
    ):
        assert matcher.check(danger) is not None, danger


def test_the_everyday_phrases_of_fresh27_to_fresh34_hide_no_plea_no_weapon_no_promise():
    # The review of the merged round: each of these was caught before it and hidden by one of
    # its everyday phrases or all-clear words, or a rule fired on everyday text.
    matcher = load(model=None)
    for danger in (
        "cứu em với mọi người ơi",
        "cứu em với mọi người, có người lạ theo em về tới nhà",
        "cứu mình với các chị, ông xã mình say rồi quăng đồ, con khóc quá trời",
        "cuu em voi moi nguoi",
        "cứu em với các mom, chồng em đang đánh em",
        "ba say rồi cầm dao gọt trái cây quơ quơ trước mặt em",
        "dượng cầm dao gọt trái cây đứng trước cửa phòng em cả đêm",
        "ba cam dao got trai cay quo truoc mat em",
        "bé bị lạc ở chợ, người ta hứa trả về cho gia đình mà tới giờ không thấy",
        "mất tích luôn cái thằng nhỏ nhà bên 2 ngày rồi",
        "bé với con chuột hamster của con mất tích",
        "thầy thể dục hay ôm tui từ đằng sau",
        "chú hàng xóm cứ ôm em từ phía sau, em sợ lắm",
        "tạm biệt mọi người, cảm ơn vì tất cả",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "bà hay ôm cháu từ phía sau lúc nấu ăn",
        "ông nội hay ôm con từ phía sau lúc dạy con đi xe đạp",
        "tạm biệt các bạn lớp 12, cảm ơn vì tất cả nha, hẹn gặp lại",
        "cứu em với các mom, mai họp phụ huynh mà em ko biết mặc gì 😭😂",
        "Mất tích luôn cái kẹp tóc thứ 10 trong tháng này, bé gái nhà em làm rơi đâu ko biết",
    ):
        assert matcher.check(calm) is None, calm
    # A bare "con xin" is no plea overheard ("… con xin mà" is a child asking for a sweet).
    overheard = matcher.check("nghe tiếng bé khóc la con xin mà")
    assert overheard is None or overheard.rule != "now-overheard-plea"


def test_the_ways_of_saying_of_fresh35_to_fresh38_and_their_lookalikes():
    # fresh35 to fresh38 (teachers and school staff, neighbours in Southern speech, teenagers
    # with Gen Z slang, hard cases both ways), learnt from on 3 December: their classes of
    # misses, each said another way here (a small child lost far from its name, a pupil absent
    # at the roll call, pupils fighting with knives, a stranger posing as a relative at the
    # school gate, a boss who beats or overworks a child, pupils hired till late at night, a
    # child in rags sleeping out, a baby fed rice water till rickets, an adult named at a
    # child's private parts, cutting for relief), and their
    # lookalikes (a fire drill, a burnt pot, hard or dear "to death", a friend made to look bad
    # in a photo, a walk downtown, a tree cut down, a school bag kept at the stone bench, and
    # questions of teachers and parents about a topic).
    matcher = load()
    for danger in (
        "bé gái 5 tuổi con chị bán cá ở chợ Bình Tây đi lạc từ trưa, ai thấy báo giúp",
        "thằng nhỏ 7 tuổi đi tham quan với lớp rồi tách đoàn, giờ chưa tìm ra",
        "lúc điểm danh lên xe về thì không thấy bé Na đâu hết",
        "trường báo con tôi không có mặt ở lớp từ sáng, điện thoại nó tắt",
        "hai đám học sinh đang cầm dao rượt đánh nhau ngoài cổng trường",
        "có người phụ nữ lạ xưng là cô ruột tới trường đòi đón con tôi",
        "chủ xưởng đánh thằng nhỏ mới 12 tuổi mỗi lần nó làm hư hàng",
        "họ thuê học sinh lớp 4 đi phát tờ rơi tới 11 giờ đêm",
        "con bé nhà đó áo rách, người hôi, không được tắm cả tuần, tối ngủ ngoài chợ",
        "mẹ nó không mua sữa, cho uống nước cơm từ nhỏ, giờ thằng bé còi xương",
        "bé về cứ chỉ vào chỗ kín nói dượng sờ, con đau",
        "tối nào em cũng lấy dao lam rạch tay vì thấy dễ chịu hơn",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "mai trường tập phòng cháy chữa cháy, chuông báo cháy sẽ kêu, phụ huynh đừng lo",
        "bếp ăn cháy nồi cơm nên trưa nay các bé ăn phở thay nha",
        "bài kiểm tra toán khó muốn chết, con làm không kịp",
        "trà sữa trước cổng trường mắc muốn chết mà tụi nhỏ vẫn mua",
        "tụi bạn dìm hàng tui trong clip sinh nhật, quê xệ",
        "tối nay cả nhà đi dạo phố đi bộ Nguyễn Huệ",
        "ba tui chặt cây mít sau vườn vì nó che mất nắng",
        "cảm ơn chú bảo vệ đã giữ giùm cái cặp con quên ở ghế đá",
        "giáo viên nên phản ứng thế nào nếu học sinh nói muốn tự tử",
        "các bước trình báo trẻ mất tích với công an là gì",
    ):
        assert matcher.check(calm) is None, calm


def test_an_everyday_phrase_of_fresh35_to_fresh38_never_hides_the_harm_around_it():
    # The everyday phrases added for fresh35 to fresh38 (a stone bench, "dìm hàng", a tree cut
    # down, a walk downtown, a fire drill and its alarm, a burnt pot, hard or dear "to death",
    # a bag kept for a child): real disclosures that share their words.
    matcher = load()
    for danger in (
        "ba đá con em văng vào ghế đá chảy máu đầu",
        "thằng bé 6 tuổi đêm nào cũng ngủ dưới gầm ghế đá công viên",
        "tụi nó dìm hàng em trên nhóm lớp rồi còn đánh em ở cổng trường",
        "bị dìm hàng xong tụi nó dìm đầu em xuống hồ bơi",
        "ba chặt cây xong cầm rựa rượt con chạy ra đường",
        "dượng chặt cây rồi lấy cây đánh em bầm hết lưng",
        "đang đi dạo công viên thì có người lạ dí dao vào cổ bé",
        "mẹ dẫn con đi dạo phố rồi con bị lạc, giờ chưa tìm thấy",
        "còi báo cháy kêu, chung cư đang cháy, con em còn kẹt trên tầng 12",
        "lính chữa cháy chưa tới mà nhà cháy rồi, bé còn kẹt trong phòng",
        "cháy nồi cơm rồi lửa lan ra cả bếp, bé còn kẹt trong nhà",
        "mẹ nấu cháy nồi cơm rồi lấy cái nồi nóng úp vào tay con bỏng hết",
        "học khó muốn chết đi cho rồi, ba còn đánh em vì điểm kém",
        "con thấy sống khó quá muốn chết thật",
        "chú bảo vệ giữ giùm cái balo rồi dụ con bé vào phòng sờ chỗ kín",
        "ông đó giữ hộ cặp rồi nhốt em trong nhà kho cả buổi",
    ):
        assert matcher.check(danger) is not None, danger


def test_the_last_classes_of_fresh35_to_fresh38_and_their_lookalikes():
    # learn38b (3 December, after the merged round's review): the classes of fresh35 to fresh38
    # still missed, said another way (a child said to be somewhere who never came there, a girl
    # under age married off abroad through a broker, pupils fighting with blades, a grandchild's
    # disclosure in the Southern "tui" with "khi thay đồ" read unaccented as "khi thấy", cutting
    # for relief with the blade named), and the lookalikes of the rules narrowed this round (no
    # one absent at the roll call, a haircut or an unaccented "làm" that feels good, a bird and
    # its nest, a teacher who did not come, children squabbling, a grown woman's marriage
    # abroad, an unaccented "gia đình" that is no "giả định").
    matcher = load()
    for danger in (
        "Con gái tôi 14 tuổi sáng nay nói đi học thêm nhưng cô dạy thêm nói cháu không tới",
        "có bà mối chuyên làm dịch vụ lấy chồng Đài Loan cho mấy bé gái 14, 15 tuổi ở quê tui",
        "tụi lớp 9 đang cầm mã tấu đánh nhau trước cổng trường",
        "2 nhom hs dang cam dao tu che ra danh nhau sau truong",
        "cháu nội tui 5 tuổi, khóc khi thay đồ, chỉ vào chỗ kín nói ông làm",
        "con bé kể hôm trước lấy lưỡi lam cứa vào đùi thấy nhẹ nhõm",
        "ba me ngheo qua dinh ban con cho 1 gia dinh o Ha Noi, tui co nen bao ko",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "cô báo hôm nay lớp không có bạn nào vắng",
        "cắt tóc xong thấy dễ chịu hẳn",
        "lam bai xong thay de chiu ghe",
        "con chim sẻ rơi xuống sân, ông làm cho nó cái tổ",
        "con nói đi học thêm mà cô không tới nên về sớm",
        "hai đứa nhỏ đánh nhau giành đồ chơi",
        "con tui hay đánh bạn ở lớp, cô giáo phàn nàn hoài",
        "chị tui lấy chồng Hàn, con gái 5 tuổi rồi",
    ):
        assert matcher.check(calm) is None, calm


def test_an_everyday_phrase_narrowed_of_fresh35_to_fresh38_never_hides_a_blade_an_adult_a_life():
    # "đánh nhau" (children squabbling) is no longer everyday after or before a blade, nor
    # "đánh bạn" (a child hitting a friend) after an adult, nor "khó / mắc / dở … muốn chết"
    # (a test hard "to death") after a life, a weariness or the writer; rules only, so the
    # rules alone are known to hear them.
    matcher = load(model=None)
    for danger in (
        "sống khó quá muốn chết",
        "áp lực học khó quá muốn chết, không ai hiểu em",
        "em thấy mình dở quá muốn chết, ai cũng chê",
        "hai nhóm thanh niên cầm dao đánh nhau ngay trước nhà, con tui đang kẹt ngoài đó",
        "học sinh đang cầm dao đánh nhau",
        "tụi nó đánh nhau bằng dao ở cổng trường, một bạn chảy máu",
        "chủ tiệm đánh bạn mỗi khi làm sai, bạn mới 11 tuổi",
        "ông chủ quán đánh bạn Tí tới bầm mình vì làm bể ly",
        "bảo mẫu đánh bạn nhỏ ở nhà trẻ, con thấy tận mắt",
    ):
        assert matcher.check(danger) is not None, danger


def test_the_ways_of_saying_of_fresh39_to_fresh42_and_their_lookalikes():
    # fresh39 to fresh42 (grandparents raising grandchildren; professionals' case notes in
    # administrative Vietnamese; children of 9 to 14; English and mixed), learnt from on 3
    # December: their classes of misses, each said another way here. Case notes as a class (an
    # addressed note, a numbered case, a child's statement "khai", "phát hiện cháu…"; a firm
    # template: an administrative word, a child, a harm done to them), a child gone with no
    # whereabouts, children with no relative at a border, a child no one picks up, a family
    # that does not look after them, children used for work, a pregnant child and the adult
    # named, a newborn given for money, children taken in and moved on, a baby left with a note,
    # a job lure across the border or kept secret, "if I am gone, remember…", swept away by
    # water; in English: a child no one picks up, children on a building site, a carer who
    # bites or pinches, marks and flinching, things given away with a goodbye.
    matcher = load()
    for danger in (
        "Kính gửi phường: ghi nhận cháu 10 tuổi bị cha dượng đánh nhiều lần, đề nghị can thiệp.",
        "Báo cáo tuần: phát hiện TE nam 12t bị chủ quán bắt làm từ sáng tới khuya.",
        "Trường hợp 3 cháu nhỏ bị bỏ lại nhà một mình 2 ngày, mẹ đi làm xa.",
        "Trẻ thuộc hộ nghèo đã rời khỏi nhà 4 ngày, chưa rõ tung tích, gia đình không báo.",
        "Cháu trốn khỏi trung tâm bảo trợ từ thứ hai tới giờ chưa liên lạc được.",
        "CA cửa khẩu phát hiện 3 trẻ em đi cùng người không phải thân nhân, không có giấy tờ.",
        "Giáo viên mầm non phản ánh bé thường xuyên không ai đón, có hôm ngồi tới 8 giờ tối.",
        "Nhóm trẻ 10 tuổi đi bán hàng rong tới khuya, gia đình không ngó ngàng.",
        "Cán bộ phường ghi nhận: một nhóm đối tượng sử dụng trẻ em bán vé số tới khuya.",
        "Trẻ 13 tuổi mang thai, khai do bố dượng gây ra.",
        "Trang facebook nhận trẻ sơ sinh làm con nuôi, có trả tiền cho mẹ.",
        "Em bé sơ sinh bị bỏ lại trước cổng chùa kèm tờ giấy.",
        "có anh hứa cho em làm việc lương cao ở Campuchia, bảo đừng nói ba mẹ",
        "nếu mai em không còn nữa thì nhờ mọi người chăm con mèo",
        "con bị ba chửi mắng suốt, gọi con là đồ ăn hại",
        "nobody came to pick up my 6 year old from school again today",
        "the kids at the brick kiln work all day, maybe 10 years old",
        "the nanny pinches my son when he cries",
        "my daughter came home with bite marks, says the teacher did it",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "Kính gửi quý phụ huynh, trường tổ chức tập huấn phòng chống xâm hại trẻ em vào thứ bảy.",
        "Trường hợp trẻ bị sốt cao thì nên làm gì?",
        "Quy trình tiếp nhận tin báo về trẻ bị xâm hại như thế nào",
        "Hôm nay kẹt xe muốn chết, về trễ quá.",
        "mẹ hứa cho con đi làm thêm hè này ở quán cà phê, mai mẹ đón",
        "Cả team đang cháy deadline, tối nay về muộn.",
        "bé nhà mình cứ hay đòi đón sớm, có hôm không ai đón kịp là khóc",
        "I'm starving, let's grab lunch",
        "my son is drowning in homework again",
        "cho mình đặt 2 ly cà phê sữa đá",
        "cho con xem clip người ta cứu con chó bị kẹt",
        "con búp bê của em bị gãy tay, con dán keo rồi",
        "con chơi among us bị bạn giết hoài",
        "phim Doraemon tập này Nobita bỏ nhà đi, cháu tui coi cười quá trời",
        "tui xem thời sự vụ cháy chung cư ngoài Hà Nội, thương mấy đứa nhỏ quá",
        "The dog ran away for 2 hours but came back muddy and happy",
        "bé bị chó cắn nhẹ, không sao, đã đi chích ngừa rồi",
    ):
        assert matcher.check(calm) is None, calm


def test_an_everyday_phrase_of_fresh39_to_fresh42_never_hides_the_harm_around_it():
    # The everyday phrases added for fresh39 to fresh42 (a traffic jam "to death", work "on
    # fire" before a deadline, the army typed "bo doi", "drowning in homework", "I'm
    # starving", iced drinks, a dog bite and a vaccination, a runaway in a cartoon, a game of
    # Among Us): real disclosures that share their words, with the rules alone and with the
    # model.
    for matcher in (load(), load(model=None)):
        for danger in (
            "kẹt xe muốn chết đi cho rồi, về nhà lại bị ba đánh",
            "em bị mẹ đánh hoài, kẹt xe muốn chết đi cho xong",
            "đang cháy deadline thì nhà bên cháy, con em còn kẹt trong phòng",
            "cả nhà đang cháy deadline, lửa bốc lên trong phòng bé, cứu với",
            "ba nói không ngoan thì cho đi bộ đội, rồi bỏ đói em 2 ngày",
            "nó đòi đi bộ đội mà ba bỏ đói nó mấy bữa nay",
            "my son is drowning in the pool, help",
            "she was drowning in homework and then slipped into the river, she's drowning now",
            "I'm starving, mom hasn't fed me for 2 days",
            "I'm starving, nobody has come home since yesterday and there's no food",
            "mẹ bắt đi mua trà đá rồi đá vào bụng em",
            "bé bị chó cắn mà nhà không cho đi chích ngừa, giờ sốt cao",
            "thằng nhỏ bị chó cắn 3 ngày rồi ba mẹ không cho chích ngừa",
            "coi phim xong nó bỏ nhà đi thật, 2 ngày nay chưa về",
            "xem phim hoạt hình xong con bé bỏ nhà đi, tới giờ không liên lạc được",
            "chơi among us xong anh hai đánh em chảy máu",
            "em chơi among us thì chú hàng xóm vào phòng sờ vùng kín em",
        ):
            assert matcher.check(danger) is not None, danger


def test_the_review_of_the_merged_round_of_fresh35_to_fresh42():
    # The review of the two rounds merged (3 December): an everyday "hard to death" never after
    # a beating or bullying, a film seen before no fiction for what happened after, a first-
    # person harm asked about still a disclosure; and the new rules' lookalikes (a pupil away
    # for a reason given, a visit called off, a gift for a daughter, an errand, a shave).
    matcher = load()
    for danger in (
        "ba mẹ chửi hoài, khó quá muốn chết",
        "ba me chui hoai, kho qua muon chet",
        "bị bắt nạt hoài, khó quá muốn chết",
        "coi phim xong về em bị nhốt trong kho cả đêm",
        "coi phim xong ve e bi nhot trong kho ca dem",
        "mẹ kế bỏ đói em 2 ngày rồi, xử lý sao đây",
        "tối nào em cũng lấy dao lam rạch tay vì thấy dễ chịu hơn",
        "chủ xưởng đánh thằng nhỏ mới 12 tuổi mỗi lần nó làm hư hàng",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "cô giáo báo hôm nay lớp vắng 3 bạn vì cúm",
        "kiểm tra lại danh sách thi thì không có em, chắc em rớt rồi",
        "bé nói đi chơi nhà bạn mà mưa quá nên không đến, ở nhà xem tivi",
        "chị họ em lấy chồng Hàn Quốc, mua quà cho con gái 3 tuổi",
        "ông chủ sai bạn đi mua đồ hoài, bạn than mệt",
        "mẹ sai con đi mua nước mắm, trả 20 k",
        "cạo râu bằng dao lam xong thấy dễ chịu hẳn",
    ):
        assert matcher.check(calm) is None, calm


def test_a_disclosure_asked_as_a_question_is_still_a_disclosure():
    # The writer named as the one harmed in the very words of the harm ("bố đánh em",
    # "nhốt tui": `informational.own`) is never a question about a topic, whatever the question
    # around it ("em trình báo ở đâu", "gọi số mấy"); children in general, a hypothetical and a
    # question about the law stay questions. And "muốn hại bản thân" is self-harm.
    matcher = load()
    for danger in (
        "bố đánh em gãy tay, em trình báo ở đâu",
        "bo danh em bam tim, em phai goi so nao",
        "dượng sờ em hoài, em nên báo cho ai",
        "mẹ kế nhốt tui trong nhà kho, tui gọi số mấy",
        "em muốn hại bản thân",
        "e mun lam hai ban than",
        "tui định làm đau bản thân",
    ):
        assert matcher.check(danger) is not None, danger
    for calm in (
        "nếu bị bố mẹ đánh thì trẻ nên gọi số nào",
        "trẻ em bị đánh thì báo ở đâu",
        "cho em hỏi đánh con có phạm luật không",
        "cho em hỏi bạo hành trẻ em là gì",
        "tui bị bạn đánh trong game, báo ở đâu",
        "thức khuya chỉ hại bản thân",
        "sợ con tự làm hại bản thân thì làm sao",
        "hút thuốc là hại bản thân",
    ):
        assert matcher.check(calm) is None, calm
