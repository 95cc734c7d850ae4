"""Today's map (issue 16): the wards and communes since 1 July 2025, old names understood,
shared locations placed, people and cases routed and scoped by unit, old data migrated."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import scope
from bot.areas import Areas
from bot.content import CONTENT_DIR
from storage import users
from storage.db import Database, available_migrations, migrate, split_sql
from tests.reports_support import answer_until_review, person, vi

ROOT = Path(__file__).resolve().parent.parent
CHANH_HUNG, PHU_DINH, BINH_DONG, BINH_HUNG = "27418", "27427", "27424", "27619"
TAN_NHUT, VINH_LOC, TAN_VINH_LOC, BINH_LOI = "27595", "27601", "27604", "27610"
BINH_CHANH, HUNG_LONG, BINH_PHU, TAN_TAO = "27637", "27628", "27364", "27457"
BEN_THANH, SAI_GON = "26743", "26740"
# Representative points of the units' polygons (inside each one only).
IN_CHANH_HUNG = (10.74232, 106.67671)
IN_SAI_GON = (10.7769, 106.7009)
IN_HANOI = (21.03, 105.85)


@pytest.fixture(scope="module")
def areas() -> Areas:
    return Areas.load()


def test_the_map_has_168_units_and_the_programme_ten_in_two_groups(areas):
    assert len(json.loads((CONTENT_DIR / "units.json").read_text())["units"]) == 168
    assert [unit.code for unit in areas.programme_units()] == [
        CHANH_HUNG,
        PHU_DINH,
        BINH_DONG,
        BINH_HUNG,
        TAN_NHUT,
        VINH_LOC,
        TAN_VINH_LOC,
        BINH_LOI,
        BINH_CHANH,
        HUNG_LONG,
    ]
    assert [group.name("vi") for group in areas.groups()] == [
        "Khu vực Quận 8 cũ",
        "Khu vực Bình Chánh cũ",
    ]
    assert areas.group_of(BINH_HUNG) == "BC" and areas.group_of(BEN_THANH) is None


@pytest.mark.parametrize(
    ("typed", "units", "old"),
    [
        ("p4 q8", (CHANH_HUNG,), "Q8-P04"),
        ("phuong 4 quan 8", (CHANH_HUNG,), "Q8-P04"),
        ("Phường 04, Quận 8", (CHANH_HUNG,), "Q8-P04"),
        ("P.16", (PHU_DINH, TAN_NHUT, BINH_PHU), "Q8-P16"),
        ("phường 5", (CHANH_HUNG, BINH_DONG), "Q8-P05"),
        ("P7 Q.8", (BINH_DONG, BINH_HUNG), "Q8-P07"),
        ("phuong 1", (CHANH_HUNG,), "Q8-P01"),  # via Rạch Ông (1 January 2025)
        ("xom cui", (PHU_DINH,), "Q8-XOMCUI"),
        ("xa vinh loc a", (VINH_LOC,), "BC-VINHLOCA"),
        ("Vĩnh Lộc B", (TAN_VINH_LOC,), "BC-VINHLOCB"),
        ("tan tuc", (TAN_NHUT,), "BC-TANTUC"),
        ("thị trấn Tân Túc, huyện Bình Chánh", (TAN_NHUT,), "BC-TANTUC"),
        ("le minh xuan", (BINH_LOI,), "BC-LEMINHXUAN"),
        ("an phu tay", (BINH_DONG, BINH_CHANH), "BC-ANPHUTAY"),
        ("Tân Kiên", (TAN_NHUT, TAN_TAO), "BC-TANKIEN"),
        ("pham van hai", (VINH_LOC, TAN_VINH_LOC), "BC-PHAMVANHAI"),
        ("xã Qui Đức", (HUNG_LONG,), "BC-QUYDUC"),
        ("chanh hung", (CHANH_HUNG,), None),  # today's names
        ("Xã Bình Chánh", (BINH_CHANH,), None),
        ("phường bến thành", (BEN_THANH,), None),  # elsewhere in the city
        # Inside a short answer, as people write it: particles, "ở", street details after.
        ("o binh hung a, hem 5 duong so 7", (BINH_HUNG,), None),
        ("Bình Chánh ạ", (BINH_CHANH,), None),
        ("o phuong 4 quan 8 a", (CHANH_HUNG,), "Q8-P04"),
        ("bé ở phường Chánh Hưng nha", (CHANH_HUNG,), None),
        ("ở Vĩnh Lộc A ạ", (VINH_LOC,), "BC-VINHLOCA"),
        ("nhà em ở Bình Hưng", (BINH_HUNG,), None),
        ("ấp 3 xã Vĩnh Lộc A", (VINH_LOC,), "BC-VINHLOCA"),
        ("12 Chánh Hưng, phường Bình Đông", (BINH_DONG,), None),  # the phường, not the street
        ("Vĩnh Lộc A ấp 3", (VINH_LOC,), "BC-VINHLOCA"),  # ấp, tổ, khu phố after the name
        ("Chánh Hưng khu phố 3", (CHANH_HUNG,), None),
        ("Bình Hưng tổ 5", (BINH_HUNG,), None),
        ("xã Bình Chánh ấp 4", (BINH_CHANH,), None),
        ("12/3 Phạm Thế Hiển, P.7, Q.8", (BINH_DONG, BINH_HUNG), "Q8-P07"),  # 'P.7' whole
    ],
)
def test_typed_names_old_and_new_lead_to_today_s_units(areas, typed, units, old):
    match = areas.find(typed)
    assert match is not None and match.units == units
    assert (match.old.id if match.old else None) == old


def test_an_old_district_alone_gives_the_units_it_went_to_and_nonsense_gives_nothing(areas):
    assert areas.find("quận 8").units[:5] == (CHANH_HUNG, PHU_DINH, BINH_DONG, BINH_HUNG, TAN_NHUT)
    assert BINH_PHU in areas.find("q8").units  # the piece of Phường 16, outside the ten
    for nonsense in (
        "",
        "xin chào",
        "phuong 50",
        "p 10 q 6",
        "hem 5",
        "nha so 12 a",
        "nhà số 12 đường Tân Thới Hiệp",  # an address: streets, never the ward
        "số 7 Bình Hưng",
        "chung cư Ehome hẻm 5 đường Tân Kỳ Tân Quý",  # street names after the details
        "xóm trọ ấp 4 đường Bà Điểm",
    ):
        assert areas.find(nonsense) is None


def test_shapely_is_loaded_only_when_a_location_is_looked_up():
    code = (
        "import sys; import bot.application, handlers.report, handlers.onboarding.signup; "
        "print('shapely' in sys.modules)"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.strip()
    assert shown == "False"


# -- through the bot ----------------------------------------------------------------------------


async def test_a_shared_location_inside_the_area_sets_the_ward_and_skips_the_location_step(tg):
    staff = await person(tg, "Minh", role="staff", ward=None)
    parent = await person(tg, "Hoa", role="public", district=None, ward=None)
    await parent.send("/report")
    await parent.press("Không, hiện chưa")
    await parent.send_location(*IN_CHANH_HUNG)
    assert any(
        "Đã lưu vị trí: Phường Chánh Hưng" in (m.content or "") for m in parent.bot_messages[-3:]
    )
    assert "Khu phố/ấp" in parent.last_text  # next: the neighbourhood, then straight to the name
    await parent.press("Bỏ qua")
    assert "tên gọi" in parent.last_text
    draft = await _draft(tg, parent)
    assert draft.ward == CHANH_HUNG and draft.location == IN_CHANH_HUNG
    assert not staff.bot_messages  # nothing is sent before the report is


async def test_a_place_outside_the_area_is_named_with_111_and_its_people_s_committee(tg):
    q8_staff = await person(tg, "Minh", role="staff", ward=None)
    bc_staff = await person(tg, "Tâm", role="staff", district="BC", ward=None)
    lan = await person(tg, "Lan", role="public", district=None, ward=None)
    await lan.send("/report")
    await lan.press("Không, hiện chưa")
    await lan.send_location(*IN_HANOI)
    assert "ngoài TP.HCM" in lan.last_text and "111" in lan.last_text
    await lan.send_location(*IN_SAI_GON)
    text = lan.last_text
    assert "Phường Sài Gòn nằm ngoài địa bàn của chương trình" in text
    assert "111" in text and "UBND Phường Sài Gòn" in text
    assert "quản trị viên" in text  # a report from there still goes somewhere
    await lan.press("Tiếp tục với Phường Sài Gòn")
    await lan.press("Bỏ qua")  # neighbourhood
    await lan.press("Bỏ qua")  # no name
    await lan.press("Không rõ")
    await lan.press("Không rõ")
    await lan.press("1")
    await lan.press("▫️ i) Tổn hại nghiêm trọng do bạo lực")
    await lan.press("Xong ✔️")
    await lan.send("Một bé hay bị đánh ở nhà trọ gần chợ.")
    await lan.press("Bỏ qua")
    await lan.press("Không rõ")
    await lan.press("Chưa làm gì")
    await lan.press("🙈 Giữ ẩn danh")
    assert "Phường Sài Gòn (ngoài địa bàn chương trình)" in lan.last_text
    await lan.press("✅ Gửi")
    row = await tg.db.fetchone("SELECT code, district, ward FROM cases")
    assert row["code"].startswith("TE-2021-") and row["ward"] == SAI_GON
    assert row["district"] == ""
    assert "Báo cáo mới" in tg.admin.last_text  # administrators are alerted …
    for staff in (q8_staff, bc_staff):  # … and no area's staff
        assert not any("Báo cáo mới" in (m.content or "") for m in staff.bot_messages)


async def test_a_split_old_ward_typed_in_sign_up_leads_to_its_candidates(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    await lan.press("🤝 Cộng tác viên")
    await lan.send("Nguyễn Thị Lan")
    await lan.send("P.16 Q8")
    assert "Phường 16, Quận 8" in lan.last_text and "chia về nhiều nơi" in lan.last_text
    assert lan.buttons[:3] == [
        "Phường Phú Định",
        "Xã Tân Nhựt",
        "Phường Bình Phú (ngoài địa bàn chương trình)",
    ]
    await lan.press("Xã Tân Nhựt")
    await lan.press("Bỏ qua")
    applicant = await users.get(tg.db, lan.id)
    assert (applicant.ward, applicant.district, applicant.status) == (TAN_NHUT, "BC", "pending")


async def test_staff_scope_is_a_set_of_units_checked_in_one_place(tg, areas):
    hoa = await person(tg, "Hoa", role="staff", ward=None, scope=f"{CHANH_HUNG} {BINH_HUNG}")
    user = await users.get(tg.db, hoa.id)
    assert scope.can_act_in_unit(user, CHANH_HUNG) and scope.can_act_in_unit(user, BINH_HUNG)
    assert not scope.can_act_in_unit(user, PHU_DINH) and not scope.can_act_in_unit(user, None)
    assert scope.home_group(user) is None  # spans both programme areas
    lan = await person(tg, "Lan")
    binh = await person(tg, "Bình", district="BC", ward=BINH_HUNG)
    tan = await person(tg, "Tân", ward=PHU_DINH)
    for reporter in (lan, binh, tan):
        await answer_until_review(tg, reporter)
        await reporter.press(vi(tg)("✅ Send"))
    await hoa.send("/cases")
    listed = [b for b in hoa.buttons if b.startswith("TE-")]
    assert len(listed) == 2 and all("Phường Phú Định" not in b for b in listed)
    # An administrator widens the scope to the whole programme with one command.
    await tg.admin.send(f"/scope {hoa.id} all")
    assert "Phụ trách: Bảo vệ và ngăn ngừa lạm dụng trẻ em tại TP.HCM" in tg.admin.last_text
    await hoa.send("/cases")
    assert len([b for b in hoa.buttons if b.startswith("TE-")]) == 3
    await tg.admin.send(f"/scope {hoa.id} Q8 XX")
    assert "Không có phường, xã" in tg.admin.last_text


async def test_a_staff_group_bound_to_one_unit_gets_that_unit_s_cases(tg):
    group = tg.group("Cán bộ Bình Hưng", members=[tg.admin])
    await group.send(tg.admin, "/bind Bình Hưng")
    assert "Xã Bình Hưng" in group.last_text
    lan = await person(tg, "Lan", district="BC", ward=BINH_HUNG)
    await answer_until_review(tg, lan)
    await lan.press(vi(tg)("✅ Send"))
    assert "Báo cáo mới" in group.last_text and "Xã Bình Hưng" in group.last_text


async def test_people_of_a_split_ward_are_asked_once_which_unit_they_are_in(tg):
    lan = await person(tg, "Lan", ward=CHANH_HUNG)
    await users.update(tg.db, lan.id, tg.clock.now(), ward_confirm="Q8-P05")  # as migrated
    await lan.send("/menu")
    assert "Phường 5, Quận 8 được chia về nhiều phường, xã" in lan.last_text
    assert lan.buttons == ["Phường Chánh Hưng", "Phường Bình Đông", "Nơi khác / không rõ"]
    await lan.send("/menu")
    assert "chia về nhiều" not in lan.last_text  # asked once only
    await lan.press("Phường Bình Đông")  # the question's buttons still work
    assert any(
        "Phường, xã của bạn: Phường Bình Đông" in (m.content or "") for m in lan.bot_messages
    )
    person_now = await users.get(tg.db, lan.id)
    assert (person_now.ward, person_now.district, person_now.ward_confirm) == (
        BINH_DONG,
        "Q8",
        None,
    )


async def _draft(tg, reporter):
    from bot.crypto import cipher_for
    from bot.reports.draft import Draft
    from storage import report_drafts

    stored = await report_drafts.load(tg.db, cipher_for(tg.app.services), reporter.id)
    return Draft.from_json(stored.data)


# -- a database of the old map, migrated ---------------------------------------------------------


async def test_a_database_of_the_old_map_migrates_to_today_s_units(tmp_path):
    db = await Database.connect(tmp_path / "old.sqlite3")
    try:
        await _migrate_up_to(db, 13)
        now = "2025-06-01T00:00:00Z"
        people = [  # id, role, district, ward
            (1, "staff", "Q8", None),
            (2, "staff", "BC", "BC-TANKIEN"),
            (3, "collaborator", "Q8", "Q8-P04"),
            (4, "collaborator", "Q8", "Q8-P05"),
            (5, "public", "BC", "BC-VINHLOCA"),
            (6, "public", None, None),
        ]
        for telegram_id, role, district, ward in people:
            await db.execute(
                "INSERT INTO users (telegram_id, display_name, role, district, ward, created_at,"
                " updated_at) VALUES (?, 'x', ?, ?, ?, ?, ?)",
                (telegram_id, role, district, ward, now, now),
            )
        for number, (district, ward) in enumerate(
            [("Q8", "Q8-P11"), ("Q8", "Q8-P07"), ("BC", "BC-LEMINHXUAN")], start=1
        ):
            await db.execute(
                "INSERT INTO cases (code, district, ward, reporter_id, reporter_role, child_sex,"
                " situations, description_enc, received_at, updated_at) VALUES"
                " (?, ?, ?, 3, 'collaborator', 'female', 'i', 'x', ?, ?)",
                (f"{district}-2025-{number:04d}", district, ward, now, now),
            )
        await db.execute(
            "INSERT INTO district_groups (district, chat_id, bound_by, bound_at)"
            " VALUES ('BC', -100, 1, ?)",
            (now,),
        )
        await db.execute(
            "INSERT INTO ward_contacts (ward, name, phone, hours, updated_at)"
            " VALUES ('Q8-P08', 'Hoa', '0909', '7:30', ?), ('Q8-P09', 'Mai', '0908',"
            " '8:00', ?), ('Q8-P05', 'Lan', '0907', '8:00', ?)",
            (now, now, now),
        )

        await db.execute(
            "INSERT INTO materials (slug, title, topic, audiences, body, created_at, updated_at)"
            " VALUES ('report-signs', 't', 'signs', 'parents', ?, ?, ?)",
            ("Báo cho:\n• Phòng Lao động – Thương binh và Xã hội quận/huyện.\nHết.", now, now),
        )

        assert await migrate(db) == [
            version for version, _, _ in available_migrations() if version > 13
        ]

        found = {
            row["telegram_id"]: tuple(row)[1:]
            for row in await db.fetchall(
                "SELECT telegram_id, district, ward, scope, ward_confirm FROM users"
            )
        }
        assert found == {
            1: ("Q8", None, "Q8", None),
            2: ("BC", TAN_NHUT, "BC", "BC-TANKIEN"),  # split: asked to confirm
            3: ("Q8", CHANH_HUNG, None, None),
            4: ("Q8", CHANH_HUNG, None, "Q8-P05"),
            5: ("BC", VINH_LOC, None, None),
            6: (None, None, None, None),
        }
        cases = [
            tuple(row)
            for row in await db.fetchall(
                "SELECT code, district, ward, reported_place FROM cases ORDER BY id"
            )
        ]
        assert cases == [
            ("Q8-2025-0001", "Q8", PHU_DINH, "Q8-P11"),  # via Xóm Củi
            ("Q8-2025-0002", "Q8", BINH_DONG, "Q8-P07"),  # split: kept as reported too
            ("BC-2025-0003", "BC", BINH_LOI, "BC-LEMINHXUAN"),
        ]
        assert [
            tuple(row) for row in await db.fetchall("SELECT target, chat_id FROM staff_groups")
        ] == [("BC", -100)]
        contacts = [
            tuple(row)
            for row in await db.fetchall("SELECT ward, name FROM ward_contacts ORDER BY ward")
        ]
        assert contacts == [(CHANH_HUNG, "Hoa")]  # one per unit; split wards' need re-entry
        assert await db.fetchvalue("SELECT body FROM materials") == (
            "Báo cho:\n• Sở Y tế TP.HCM (phụ trách công tác bảo vệ trẻ em của thành phố).\nHết."
        )
        # The staff of the Q8 area still cover the split case, and see it beside its twin.
        areas = Areas.load()
        staff = users.User(
            1,
            "x",
            "staff",
            None,
            "active",
            "vi",
            "Q8",
            None,
            None,
            "Q8",
            None,
            True,
            True,
            True,
            None,
            True,
        )
        assert scope.covers_any(staff, areas.record_units(BINH_DONG, "Q8-P07"))
        assert areas.record_units(BINH_DONG, "Q8-P07") == (BINH_DONG, BINH_HUNG)
    finally:
        await db.close()


async def _migrate_up_to(db: Database, last: int) -> None:
    await db.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
        " name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for version, name, sql in available_migrations():
        if version > last:
            break
        async with db.transaction():
            for statement in split_sql(sql):
                await db.execute(statement)
            await db.execute("INSERT INTO schema_version VALUES (?, ?, 'x')", (version, name))


# -- no text names an abolished unit as if it still existed ---------------------------------------

ABOLISHED = [
    re.compile(r"(?i)quận\s*/\s*huyện"),
    re.compile(r"(?i)cán bộ (quận|huyện)"),
    re.compile(r"(?i)Phòng Lao động|LĐTBXH|Labour, Invalids|Lao động\s*[–-]\s*Thương binh"),
    re.compile(r"(?i)(?<!khu vực )\bquận 8\b(?! (và Bình Chánh )?cũ)"),
    re.compile(r"(?i)(?<!khu vực )\bhuyện Bình Chánh\b(?! cũ)"),
    re.compile(r"(?i)(?<!former )\bDistrict 8\b(?! (and Binh Chanh )?areas?)"),
    re.compile(r"(?i)\bdistrict (staff|office)"),
    re.compile(r"1800 90 69"),  # not confirmed: never shown
]
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")  # examples of what people type ("phường 4 quận 8")


def _user_facing_texts() -> list[tuple[str, str]]:
    found = []
    for language in ("vi", "en"):
        path = ROOT / "locales" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if not message.id:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                shown = [s for s in strings if s] or (list(ids) if language == "en" else [])
                found += [(f"{language}: {ids[0][:50]}", text) for text in shown]
    for name in (
        "info/vi.json",
        "info/en.json",
        "awareness.json",
        "hotlines.json",
        "calendar.json",
        "materials/starter.json",
        "materials/poster.json",
    ):
        raw = json.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))
        if name == "hotlines.json":  # numbers not confirmed are kept for staff, never shown
            raw["local"] = [entry for entry in raw["local"] if entry.get("confirmed", True)]
        found += [(name, text) for text in _strings(raw)]
    return found


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if not key.startswith("_") for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_no_user_facing_text_names_an_abolished_unit_as_current():
    texts = _user_facing_texts()
    assert len(texts) > 1000
    offending = [
        (where, pattern.pattern)
        for where, text in texts
        for pattern in ABOLISHED
        if pattern.search(QUOTED.sub("", text))
    ]
    assert offending == []


def test_a_1900_number_is_never_called_free():
    for where, text in _user_facing_texts():
        for line in text.splitlines():
            if "1900" in line:
                assert not re.search(r"(?i)miễn phí|\bfree\b", line), where
