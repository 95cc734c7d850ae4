"""The one callback-data scheme: typed buttons, one namespace per feature, forged data refused."""

from __future__ import annotations

import pytest

from bot.callbacks import Button, CallbackDataError, Namespace

SAMPLE = Namespace("tst", owner=__name__)


class OpenThing(Button, namespace=SAMPLE, action="open"):
    thing_id: int
    page: int = 0


class Pick(Button, namespace=SAMPLE, action="pick"):
    code: str
    confirmed: bool = False
    parent: int | None = None


def test_a_button_round_trips_with_its_types():
    data = OpenThing(thing_id=42, page=3).data()
    assert data == "tst:open:42:3"
    assert OpenThing.parse(data) == OpenThing(thing_id=42, page=3)
    assert OpenThing.parse("tst:open:42") == OpenThing(thing_id=42, page=0)
    picked = Pick.parse(Pick(code="Q8-P4", confirmed=True).data())
    assert picked == Pick(code="Q8-P4", confirmed=True, parent=None)
    assert isinstance(picked.confirmed, bool) and picked.parent is None


def test_the_pattern_selects_exactly_one_action():
    assert OpenThing.pattern()("tst:open:1")
    assert OpenThing.pattern()("tst:open")
    assert not OpenThing.pattern()("tst:opened:1")
    assert not OpenThing.pattern()("tsx:open:1")
    assert not OpenThing.pattern()("tst:open\n")  # a regex's $ took a trailing newline
    assert not OpenThing.pattern()(None)
    assert SAMPLE.pattern()("tst:pick:a")
    assert not SAMPLE.pattern()("tst")
    assert not SAMPLE.pattern()("tstx:pick")


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "tst:open",  # a required field missing
        "tst:open:-1",
        "tst:open:abc",
        "tst:open:99999999999999999999999",  # over SQLite's INTEGER
        "tst:open:1:2:3",  # more fields than the button has
        "tst:pick:a:maybe",
        "tst:pick:a:1:x",
        "tst:pick:ñ",
        "tst:open:1" + ":0" * 40,  # over 64 bytes
        "other:open:1",
    ],
)
def test_forged_data_parses_to_nothing(forged):
    assert OpenThing.parse(forged) is None
    assert Pick.parse(forged) is None


def test_a_missing_required_field_is_refused():
    assert OpenThing.parse("tst:open") is None


def test_a_namespace_or_action_is_declared_once():
    with pytest.raises(ValueError, match="already declared"):
        Namespace("tst", owner="elsewhere")
    with pytest.raises(ValueError, match="declared twice"):

        class Again(Button, namespace=SAMPLE, action="open"):
            other: int


def test_data_over_telegrams_64_bytes_is_refused_when_made():
    with pytest.raises(CallbackDataError):
        Pick(code="x" * 70).data()
    with pytest.raises(CallbackDataError):
        Pick(code="có dấu").data()
