"""Who a disclosure is about: the writer themselves (answered to them) or another child."""

import pytest

from bot.safety.writer import writes_about_self

ABOUT_SELF = [
    "em bị bố đánh hoài, em sợ về nhà",
    "ba đánh e mỗi tối",
    "tui sợ về nhà lắm",
    "hôm qua em bị ông hàng xóm sàm sỡ",
    "e bi ba danh bam tim",
    "bố em say rượu đánh em và mẹ",
    "chú hàng xóm sờ vào người em",
    "mình bị anh họ xâm hại",
    "em bị dượng dọa giết",
    "em bị thầy giáo đánh",
]
ABOUT_ANOTHER_CHILD = [
    "Bố nó đánh cháu tôi suốt",
    "Ông ấy đánh cháu, tôi là bà ngoại nó",
    "Cháu bị bố dượng đánh, tôi là bà nội",
    "Có người đánh cháu ngoại tôi",
    "bo duong no danh chau hoai",
    "Bố nó đã tới trường bắt con bé về",
    "Chồng chị ấy đánh tối ngày, con bé khóc suốt",
    "Con bé nó sợ tối lắm, bố nó hay đánh",
    "Mẹ nó không dám tới trường vì chồng đánh",
    "Thằng bé nhà bên, bố nó đánh tới tấp",
    "Em cứ bị ám ảnh khi thấy bé nhà bên bị đánh",
    "Em bị sốc khi thấy hàng xóm đánh con",
    "Con bé nhà em bị bố đánh",
    "bé nhà bên bị cha dượng đánh bầm tím",
    "con hàng xóm bị bố nó đánh",
    "em thấy ông hàng xóm đánh con ổng",
]


@pytest.mark.parametrize("text", ABOUT_SELF)
def test_the_writer_s_own_harm(text):
    assert writes_about_self(text)


@pytest.mark.parametrize("text", ABOUT_ANOTHER_CHILD)
def test_another_child_s_harm(text):
    assert not writes_about_self(text)
