"""Rules of reports and cases as plain functions: intake answers, drafts, the Decree 56 steps,
working days and legal clocks, and encryption keys."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import EXIT_CONFIG, run_live
from bot.config import ConfigError, Settings
from bot.crypto import FieldCipher, load_key
from bot.reports import clocks, lifecycle
from bot.reports.draft import STEPS, Draft
from bot.reports.intake import (
    InvalidAnswer,
    clean_child_name,
    clean_text,
    parse_age,
    parse_children_count,
    parse_sex,
)
from bot.reports.rules import case_rules, situations

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "text, years, estimated",
    [
        ("10", 10, False),
        ("10 tuổi", 10, False),
        ("khoảng 10", 10, True),
        ("Khoảng 10 tuổi", 10, True),
        ("tầm 7t", 7, True),
        ("10-12", 11, True),
        ("6 tháng", 0, False),
        ("không rõ", None, True),
        ("about 9 years old", 9, True),
        ("16", 16, False),
        ("17 tuổi", 17, False),
        # In words, by the school year, as people type them.
        ("mười", 10, False),
        ("mười hai", 12, False),
        ("muoi lam tuoi", 15, False),
        ("tám tuổi", 8, False),
        ("tầm mười", 10, True),  # 'tam' before a number is 'tầm' (about), not 'tám'
        ("tầm mười lăm tuổi", 15, True),
        ("mười một", 11, False),
        ("lớp 3", 8, True),
        ("sơ sinh", 0, True),
        ("ko biết", None, True),
    ],
)
def test_ages_as_people_type_them(text, years, estimated):
    age = parse_age(text)
    assert (age.years, age.estimated) == (years, estimated)
    assert age.is_minor_not_child == (years is not None and years >= 16)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("200", "implausible"),
        ("30", "adult"),
        ("18 tuổi", "adult"),
        ("mười con mèo", "format"),
        ("10 con mèo", "format"),
        ("hai mươi", "adult"),  # tens in words: 20
        ("hai mươi mốt", "adult"),
        ("hai mốt tuổi", "adult"),
        ("chín mươi", "adult"),
        ("nam mười tuổi", "format"),  # a boy of ten, not fifty: said again, not "adult"
        ("tu muoi", "format"),  # 'từ mười', from ten
        ("", "format"),
        ("12-5", "format"),
    ],
)
def test_impossible_ages_are_refused_with_a_reason(text, reason):
    with pytest.raises(InvalidAnswer) as error:
        parse_age(text)
    assert error.value.reason == reason


def test_child_name_is_a_first_name_or_initials_only():
    assert clean_child_name("  Bé   Na ") == "Bé Na"
    assert clean_child_name("T.N.") == "T.N."
    with pytest.raises(InvalidAnswer) as error:
        clean_child_name("Nguyễn Văn An")
    assert error.value.reason == "too_long"
    with pytest.raises(InvalidAnswer):
        clean_child_name("An 123")


def test_texts_keep_line_breaks_and_state_the_limit():
    assert clean_text(" dòng 1 \n\n\n\n dòng 2 ", 100) == "dòng 1\n\ndòng 2"
    with pytest.raises(InvalidAnswer) as error:
        clean_text("a" * 2001, 2000)
    assert error.value.details == {"limit": 2000, "length": 2001}
    with pytest.raises(InvalidAnswer) as error:
        clean_text("ngắn", 2000, min_chars=10)
    assert error.value.reason == "too_short"


def test_children_count():
    assert parse_children_count("3", 20) == 3
    assert parse_children_count("2 trẻ", 20) == 2
    assert parse_children_count("hai đứa", 20) == 2 and parse_children_count("ba bé", 20) == 3
    for wrong in ("0", "21", "hai con mèo"):
        with pytest.raises(InvalidAnswer):
            parse_children_count(wrong, 20)


def test_situations_are_the_fourteen_groups_plus_at_risk_and_other():
    items = situations()
    lettered = [s for s in items if s.letter]
    assert len(lettered) == 14
    assert [s.letter for s in lettered][:5] == ["a", "b", "c", "d", "đ"]
    assert {s.code for s in items} >= {"risk", "other"}
    assert lettered[10].label("vi") == "l) Bị xâm hại tình dục"


def test_draft_navigation_and_section_edits():
    draft = Draft()
    assert draft.advance("safety") == "ward"
    assert draft.back("ward") == "safety"
    assert draft.advance("contact") == "review"
    draft.step = draft.start_edit("child")
    assert draft.step == "name"
    assert draft.advance("name") == "age"
    assert draft.advance("count") == "review" and draft.edit_section is None
    draft.start_edit("place")
    assert draft.back("ward") == "review"  # back from a section's first step: the summary
    assert set(Draft().missing()) == {
        "safety",
        "ward",
        "age",
        "sex",
        "situation",
        "description",
        "contact",
    }
    restored = Draft.from_json(Draft(step="age", location=(10.7, 106.6)).to_json())
    assert restored.step == "age" and restored.location == (10.7, 106.6)
    assert STEPS[0] == "safety" and STEPS[-1] == "review"


def test_decree_56_steps_and_outcomes():
    path = ["accept", "assess", "verified", "plan_approved", "to_review"]
    state = "received"
    for action in path:
        state = lifecycle.target(state, action)
    assert state == "review"
    assert lifecycle.target("review", "replan") == "planning"
    with pytest.raises(lifecycle.InvalidMove):
        lifecycle.target("received", "plan_approved")
    assert lifecycle.can_close("received", "duplicate")
    assert not lifecycle.can_close("received", "resolved")
    assert lifecycle.can_close("review", "referred")
    assert not lifecycle.can_close("closed", "duplicate")


def test_working_days_skip_weekends_and_public_holidays():
    holidays = clocks.public_holidays()
    assert dt.date(2021, 4, 30) in holidays and dt.date(2021, 4, 21) in holidays  # 30/4, Hùng Kings
    assert dt.date(2021, 2, 12) in holidays  # Tết Tân Sửu
    for year in range(2021, 2028):
        assert any(d.year == year and d.month in (1, 2) and d.day > 1 for d in holidays), year
    # Thursday 29/4/2021: Friday 30/4 and Monday 3/5 are holidays, then a weekend.
    assert clocks.add_working_days(dt.date(2021, 4, 29), 5) == dt.date(2021, 5, 10)
    assert clocks.add_working_days(dt.date(2021, 5, 25), 5) == dt.date(2021, 6, 1)
    assert not clocks.is_working_day(dt.date(2021, 5, 29))  # Saturday


def test_legal_clocks_of_a_case():
    rules = case_rules()
    received = dt.datetime(2021, 4, 29, 10, 0, tzinfo=HCMC).astimezone(dt.UTC)
    urgent = {d.kind: d for d in clocks.deadlines_for(received, True, rules)}
    assert urgent["emergency"].due_at == received + dt.timedelta(hours=12)
    assert urgent["emergency"].remind_at == received + dt.timedelta(hours=9)
    assert urgent["emergency"].started_by == "reporter"
    plan_due = urgent["plan"].due_at.astimezone(HCMC)
    assert (plan_due.date(), plan_due.time()) == (dt.date(2021, 5, 10), dt.time(17, 0))
    assert [d.kind for d in clocks.deadlines_for(received, False, rules)] == ["plan"]


def test_field_cipher_and_key_file(tmp_path):
    settings = Settings(database_path=tmp_path / "bot.sqlite3", data_key_file=tmp_path / "k.key")
    key = load_key(settings)
    assert (tmp_path / "k.key").stat().st_mode & 0o077 == 0  # owner only
    assert load_key(settings) == key  # reused, not regenerated
    cipher = FieldCipher(key)
    token = cipher.encrypt("Bé bị đánh")
    assert "đánh" not in token and cipher.decrypt(token) == "Bé bị đánh"
    assert cipher.encrypt(None) is None
    with pytest.raises(ConfigError, match="DATA_KEY"):
        load_key(Settings(data_key="not-a-key"))


def test_live_mode_refuses_to_start_without_data_key(tmp_path, capsys):
    settings = Settings(bot_token="1:TOKEN", database_path=tmp_path / "bot.sqlite3")
    assert run_live(settings) == EXIT_CONFIG
    error = capsys.readouterr().err.strip()
    assert "DATA_KEY" in error and len(error.splitlines()) == 1


def test_the_child_s_sex_as_people_type_it():
    for text in ("bé trai", "con trai", "thằng bé", "Nam", "boy"):
        assert parse_sex(text) == "male", text
    for text in ("bé gái", "con gái", "con bé", "nữ", "girl"):
        assert parse_sex(text) == "female", text
    assert parse_sex("không rõ") == "unknown" and parse_sex("ko biết") == "unknown"
    assert parse_sex("bé nhà bên") is None
