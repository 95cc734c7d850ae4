"""What a reporter may type at each step of the report, checked in plain functions.

Each parser returns the clean value or raises `InvalidAnswer` with a reason code; the handler
turns the reason into a clear Vietnamese message and keeps the person on the step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import END_PARTICLES, fold, normalize

CHILD_AGE_LIMIT = 16  # Law on Children 2016, Article 1: a child is under 16
MINOR_AGE_LIMIT = 18  # 16–17 year-olds are minors: accepted and flagged
NAME_MAX_CHARS = 30
NAME_MAX_WORDS = 2


class InvalidAnswer(ValueError):
    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Age:
    years: int | None  # None: the reporter does not know
    estimated: bool

    @property
    def is_minor_not_child(self) -> bool:
        """16 or 17: a minor, not a 'trẻ em' under the Law on Children; staff see a flag."""
        return self.years is not None and CHILD_AGE_LIMIT <= self.years < MINOR_AGE_LIMIT


_UNKNOWN = {
    "khong ro",
    "khong biet",
    "chua ro",
    "khong ro tuoi",
    "unknown",
    "dont know",
    "don't know",
    "not sure",
    "?",
}
_ESTIMATE_WORDS = r"khoang|tam|chung|gan|hon|duoi|tren|co le|about|around|approx|approximately|~"
_UNIT_YEARS = r"tuoi|t|years? old|years?|yrs?|yo|y"
_UNIT_MONTHS = r"thang|months?"
_AGE = re.compile(
    rf"^(?P<est>(?:{_ESTIMATE_WORDS})\.?\s*)?"
    r"(?P<low>\d{1,3})"
    r"(?:\s*(?:-|–|den|toi|to|or|hoac)\s*(?P<high>\d{1,3}))?"
    rf"\s*(?:(?P<months>{_UNIT_MONTHS})|(?:{_UNIT_YEARS}))?\.?$"
)


_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
    "sau": 6, "bay": 7, "tam": 8, "chin": 9,
}  # fmt: skip


# Number words that are also other words ('nam' male, 'ba' father, 'tam' about, 'sau'
# after…): a number only before what is counted ('ba tuổi', 'năm đứa'), never alone.
_AMBIGUOUS = frozenset({"nam", "ba", "tam", "sau", "bay", "tu", "lam", "bon"})
_COUNTED = frozenset({"tuoi", "thang", "dua", "em", "be", "tre", "chau", "nam", "t"})
# Words before 'mươi' that make tens without doubt: 'năm mươi' folds as 'nam mười' does (a
# boy of ten), and 'ba', 'sáu', 'bảy', 'tư' are words of their own too.
_TENS = frozenset({"hai", "chin"})


def numbers_as_digits(folded: str) -> str:
    """Small numbers written in words, as digits: 'muoi hai tuoi' → '12 tuoi', 'hai dua' →
    '2 dua', 'hai muoi mot' or 'hai mot' → '21' (folded text without digits only: 'bé nam 10
    tuổi' keeps its 'nam'). 'tam' before a number is 'tầm' (about), not 'tám' (eight)."""
    if any(character.isdigit() for character in folded):
        return folded
    tokens, out, index = folded.split(), [], 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        if token in _TENS and following in ("muoi", "mot"):
            # Tens: 'hai mươi' 20, 'hai mươi mốt' and 'hai mốt' 21 ('mốt' is one after a
            # ten). Only from words that are numbers alone: 'nam mười tuổi' is a boy of ten.
            value = 10 * _NUMBER_WORDS[token]
            if following == "mot":
                value += 1
            elif after in _NUMBER_WORDS:
                value += _NUMBER_WORDS[after]
                index += 1
            index += 1
            out.append(str(value))
        elif token == "muoi":
            value = 10 + (_NUMBER_WORDS.get(following, 0) if following else 0)
            index += 1 if following in _NUMBER_WORDS else 0
            out.append(str(value))
        elif (
            token in _NUMBER_WORDS
            and (token not in _AMBIGUOUS or following in _COUNTED)
            and not (token == "tam" and (following in _NUMBER_WORDS or following == "muoi"))
        ):
            out.append(str(_NUMBER_WORDS[token]))
        else:
            out.append(token)
        index += 1
    return " ".join(out)


# 'lớp 3' (the school year): about its usual age, six in the first year.
_SCHOOL_YEAR = re.compile(r"^(?:hoc\s+)?(?:lop|grade)\s+(\d{1,2})$")
_INFANT = {"so sinh", "moi sinh", "newborn", "baby"}
_PRESCHOOL = {"mau giao", "mam non", "kindergarten", "preschool"}


def parse_age(text: str) -> Age:
    """'10', '10 tuổi', 'khoảng 10', '10-12', '6 tháng', 'mười hai', 'lớp 3', 'không rõ'
    → Age.

    Reasons: 'format' (not an age), 'implausible' (200), 'adult' (18 and over).
    """
    folded = " ".join(fold(text).split())
    if folded in _UNKNOWN or is_unsure(folded):
        return Age(None, True)
    if folded in _INFANT:
        return Age(0, True)
    if folded in _PRESCHOOL:
        return Age(4, True)
    folded = numbers_as_digits(folded)
    school = _SCHOOL_YEAR.match(folded)
    if school and 1 <= int(school[1]) <= 12:
        return Age(int(school[1]) + 5, True)
    match = _AGE.match(folded)
    if match is None:
        raise InvalidAnswer("format")
    low = int(match["low"])
    high = int(match["high"]) if match["high"] else None
    estimated = bool(match["est"]) or high is not None
    if match["months"]:
        years_low, years_high = low // 12, (high // 12 if high is not None else None)
    else:
        years_low, years_high = low, high
    if years_high is not None:
        if years_high < years_low or years_high - years_low > 5:
            raise InvalidAnswer("format")
        years = (years_low + years_high) // 2
    else:
        years = years_low
    top = years_high if years_high is not None else years
    if top > 120:
        raise InvalidAnswer("implausible", age=top)
    if years >= MINOR_AGE_LIMIT:
        raise InvalidAnswer("adult", age=years)
    return Age(years, estimated)


_INITIALS_OR_NAME = re.compile(r"^[^\W\d_][^\W\d_.'’\-]*\.?(?:[.'’\-][^\W\d_]+\.?)*$")


def clean_child_name(text: str) -> str:
    """A first name or initials only ('An', 'T.N.', 'Bé Na'): at most two words.

    Reasons: 'too_long' (a full name or a sentence), 'format' (digits, symbols).
    """
    name = normalize(text)
    if not name:
        raise InvalidAnswer("format")
    words = name.split(" ")
    if len(words) > NAME_MAX_WORDS or len(name) > NAME_MAX_CHARS:
        raise InvalidAnswer("too_long", max_words=NAME_MAX_WORDS)
    if not all(_INITIALS_OR_NAME.match(word) for word in words):
        raise InvalidAnswer("format")
    return name


def clean_text(text: str, max_chars: int, min_chars: int = 1) -> str:
    """Free text with its line breaks kept; NFC, trimmed. Reasons: 'too_long', 'too_short'."""
    lines = [normalize(line) for line in text.replace("\r", "").split("\n")]
    cleaned = "\n".join(lines).strip()
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    if len(cleaned) > max_chars:
        raise InvalidAnswer("too_long", limit=max_chars, length=len(cleaned))
    if len(cleaned) < min_chars:
        raise InvalidAnswer("too_short", minimum=min_chars)
    return cleaned


def parse_children_count(text: str, maximum: int) -> int:
    """How many children (siblings reported together): 1 … maximum. Reason: 'format'."""
    match = re.fullmatch(
        r"(\d{1,3})(?:\s*(?:tre|em|chau|be|dua|dua tre|dua nho|anh em|chi em|children|kids?))?",
        numbers_as_digits(" ".join(fold(text).split())),
    )
    if match is None:
        raise InvalidAnswer("format", maximum=maximum)
    count = int(match[1])
    if not 1 <= count <= maximum:
        raise InvalidAnswer("format", maximum=maximum)
    return count


def own_contact(contact_user_id: int | None, sender_id: int) -> bool:
    """Only the reporter's own number counts as consent to be called back."""
    return contact_user_id == sender_id


_YES = {
    "co",
    "co a",
    "da co",
    "da co a",
    "co nguy hiem",
    "dang nguy hiem",
    "co dang nguy hiem",
    "co dang",
    "co chu",
    "phai",
    "dung",
    "dung roi",
    "u",
    "uh",
    "um",
    "uk",
    "uhm",
    "vang",
    "da vang",
    "da phai",
    "co ak",
    "co ah",
    "yes",
    "y",
    "yeah",
    "yep",
    "yes in danger now",
    "co dang nguy hiem ngay",
    "nguy hiem",
}
_NO = {
    "khong",
    "khong a",
    "da khong",
    "ko",
    "k",
    "hk",
    "kg",
    "khong co",
    "chua",
    "hien chua",
    "khong hien chua",
    "no",
    "n",
    "not now",
    "no not right now",
}


_UNSURE = re.compile(
    r"^(?:(?:e|em|toi|minh|tui|con|chau)\s+)?(?:cung\s+)?"
    r"(?:khong|ko|k|hok|hong|hem|kh|chua)\s+(?:biet|bit|ro|chac|chac nua|dam chac)"
    r"(?:\s+(?:nua|a|lam|nha|roi|sao|the nao|do|luon))*$"
    r"|^(?:not sure|i don t know|dont know|don t know|unsure|idk)$"
)


def is_unsure(text: str) -> bool:
    """ "không biết nữa", "ko chắc", "chưa rõ": an honest "I don't know", not a yes."""
    key = " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())
    return bool(_UNSURE.match(key))


_BOY = re.compile(
    r"^(?:(?:be|con|thang|dua|em|chau|mot)\s+)?(?:trai|nam|boy|male)$|^thang (?:be|nho|cu)$"
)
_GIRL = re.compile(r"^(?:(?:be|con|dua|em|chau|mot)\s+)?(?:gai|nu|girl|female)$|^con be$")


def parse_sex(text: str) -> str | None:
    """ "bé trai", "con gái", "nam", "girl", "không rõ" → male/female/unknown; None otherwise."""
    key = " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())
    if _BOY.match(key):
        return "male"
    if _GIRL.match(key):
        return "female"
    if key in _UNKNOWN or is_unsure(key):
        return "unknown"
    return None


def add_landmark(existing: str | None, typed: str, max_chars: int) -> str:
    """A landmark typed where a map location was asked ("nhà màu xanh"), added to the
    place's words (once: the same words again change nothing). "không biết", "ko có" or a
    greeting are no landmark: InvalidAnswer 'format'."""
    words = re.sub(r"[^\w\s]", " ", fold(typed)).split()
    while words and words[-1] in END_PARTICLES:  # "không có ạ", "ko co nha"
        words.pop()
    key = " ".join(words)
    if is_unsure(key) or parse_yes_no(key) is False or key in _NOTHING:
        raise InvalidAnswer("format")
    landmark = clean_text(typed, max_chars)
    if existing and fold(landmark) in (fold(part) for part in existing.split("; ")):
        return existing
    return clean_text(f"{existing}; {landmark}" if existing else landmark, max_chars)


_NOTHING = {
    "khong co", "ko co", "k co", "khong", "ko", "chua co", "khong co gi", "ko co gi",
    "hong co", "hok co", "ko co gi dau", "khong co gi dau", "khong co dau",
}  # fmt: skip


def parse_yes_no(text: str) -> bool | None:
    """A typed yes/no ("có", "khong", "ko", "yes") instead of a tap; None if it is neither."""
    key = re.sub(r"[^\w\s]", " ", fold(text))
    key = " ".join(key.split())
    if key in _YES:
        return True
    if key in _NO:
        return False
    return None
