"""A database with known data for the statistics tests (issue 9), and its hand-computed figures.

Everything lies around Q1 2021 (01/01–31/03/2021 in Ho Chi Minh City, i.e. UTC
2020-12-31T17:00Z … 2021-03-31T17:00Z), with rows just outside it on both sides to prove the
bounds. Cases go in through storage.cases (real encryption, real notes); the other tables by
plain SQL into the real schema. The test clock stands at 2021-05-25 09:00 local.
"""

from __future__ import annotations

import datetime as dt

from bot.crypto import cipher_for
from storage import cases

# Personal data that must never reach a statistic, a message, a workbook cell or a log.
CHILD_NAME = "Nguyễn Thị Bé Mai"
DESCRIPTION = "Bé bị đánh ở nhà, hàng xóm nghe tiếng khóc mỗi tối."
REPORTER_PHONE = "0909123456"
QUESTION_TEXT = "Con tôi bị bạn bắt nạt ở trường, tôi nên làm gì?"
PRINT_PLACE = "Nhà văn hóa khu phố 3"
# Ids above the shipped starter materials.
M1, M2 = 901, 902
POSTER = f"m{M1}w27427"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def add_user(
    db,
    telegram_id: int,
    role: str,
    district: str | None,
    created: str,
    status: str = "active",
    source: str | None = None,
    ward: str | None = None,
) -> None:
    await db.execute(
        "INSERT INTO users (telegram_id, display_name, role, status, district, ward, source,"
        " onboarded, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (
            telegram_id,
            f"Người {telegram_id}",
            role,
            status,
            district,
            ward,
            source,
            created,
            created,
        ),
    )


async def add_case(
    db,
    cipher,
    code: str,
    district: str,
    ward: str,
    *,
    reporter: int,
    received: str,
    urgent: bool = False,
    situations: tuple[str, ...] = ("risk",),
    accepted: str | None = None,
    risk: str | None = None,
    status: str = "received",
    closed: str | None = None,
    outcome: str | None = None,
    deadlines: tuple[tuple[str, str, str | None], ...] = (),
) -> int:
    new = cases.NewCase(
        prefix=district,
        district=district,
        ward=ward,
        reporter_id=reporter,
        reporter_role="collaborator",
        urgent=urgent,
        child_age=9,
        age_estimated=True,
        child_sex="female",
        children=1,
        situations=situations,
        description=DESCRIPTION,
        child_name=CHILD_NAME,
        contact_consent=True,
        reporter_name="Cô Lan",
        reporter_phone=REPORTER_PHONE,
    )
    case_id = await cases.insert(db, cipher, new, code, utc(received))
    if accepted:
        await cases.add_note(
            db,
            cipher,
            case_id,
            101,
            "status",
            None,
            utc(accepted),
            action="accept",
            to="assessment",
            risk=None,
        )
    fields: dict[str, object] = {"status": status}
    if risk:
        fields["risk"] = risk
    if closed:
        fields.update(status="closed", outcome=outcome, closed_at=utc(closed))
        await cases.add_note(
            db,
            cipher,
            case_id,
            101,
            "status",
            None,
            utc(closed),
            action="close",
            to="closed",
            outcome=outcome,
        )
    await cases.update(db, case_id, utc(closed or accepted or received), **fields)
    for kind, due, met in deadlines:
        await cases.add_deadline(db, case_id, kind, utc(due), utc(due) - dt.timedelta(hours=3))
        if met:
            await db.execute(
                "UPDATE case_deadlines SET met_at = ? WHERE case_id = ? AND kind = ?",
                (met, case_id, kind),
            )
    return case_id


async def seed(tg) -> None:
    """The known data set (see the figures in the tests)."""
    db = tg.db
    cipher = cipher_for(tg.app.services)
    # Collaborators: 201, 202 (signed up in Q1), 204, 206 … and one still pending (205).
    await add_user(db, 201, "collaborator", "Q8", "2020-10-01T02:00:00Z")
    await add_user(db, 202, "collaborator", "Q8", "2021-02-10T02:00:00Z")
    await add_user(db, 203, "collaborator", "BC", "2020-11-01T02:00:00Z")
    await add_user(db, 204, "collaborator", "Q8", "2020-09-01T02:00:00Z")
    await add_user(db, 205, "collaborator", "Q8", "2021-03-01T02:00:00Z", status="pending")
    await add_user(db, 206, "collaborator", "BC", "2020-06-01T02:00:00Z")
    # Parents and public, with deep-link sources.
    await add_user(db, 301, "public", "Q8", "2021-01-15T02:00:00Z", source=POSTER)
    await add_user(db, 302, "public", None, "2021-02-01T02:00:00Z")
    await add_user(db, 303, "public", "BC", "2021-03-05T02:00:00Z", source="fb")
    await add_user(db, 304, "public", "Q8", "2021-04-02T02:00:00Z", source="fb")

    # Cases. 1: urgent, accepted after 2 h, referred and closed after 30 days; plan clock late.
    first = await add_case(
        db,
        cipher,
        "TE-2021-0001",
        "Q8",
        "27427",
        reporter=201,
        received="2021-01-05T01:00:00Z",
        urgent=True,
        situations=("l", "i"),
        accepted="2021-01-05T03:00:00Z",
        risk="high",
        closed="2021-02-04T01:00:00Z",
        outcome="referred",
        deadlines=(
            ("emergency", "2021-01-05T13:00:00Z", "2021-01-05T05:00:00Z"),
            ("plan", "2021-01-12T10:00:00Z", "2021-01-14T10:00:00Z"),
        ),
    )
    await cases.add_note(
        db, cipher, first, 101, "referral", "Bệnh viện Nhi Đồng 1", utc("2021-02-04T01:00:00Z")
    )
    # 2: accepted after 10 h, still being handled, plan clock passed unmet; referred in March.
    second = await add_case(
        db,
        cipher,
        "TE-2021-0002",
        "Q8",
        "27427",
        reporter=301,
        received="2021-02-10T03:00:00Z",
        accepted="2021-02-10T13:00:00Z",
        risk="medium",
        status="in_progress",
        deadlines=(("plan", "2021-02-17T10:00:00Z", None),),
    )
    await cases.add_note(
        db, cipher, second, 101, "referral", "Công an phường", utc("2021-03-01T03:00:00Z")
    )
    await cases.add_note(
        db, cipher, second, 101, "referral", "Trường học", utc("2021-04-20T03:00:00Z")
    )  # Q2: not counted
    # 3: accepted after 4 h, closed as a duplicate after 5 days, clock met.
    await add_case(
        db,
        cipher,
        "TE-2021-0003",
        "Q8",
        "27424",
        reporter=202,
        received="2021-03-20T02:00:00Z",
        situations=("b",),
        accepted="2021-03-20T06:00:00Z",
        risk="low",
        closed="2021-03-25T02:00:00Z",
        outcome="duplicate",
        deadlines=(("plan", "2021-03-27T10:00:00Z", "2021-03-25T02:00:00Z"),),
    )
    # 4: 23:00 on 31 March local time (still Q1), accepted in Q2.
    await add_case(
        db,
        cipher,
        "BC-2021-0001",
        "BC",
        "27595",
        reporter=203,
        received="2021-03-31T16:00:00Z",
        urgent=True,
        situations=("l",),
        accepted="2021-04-01T02:00:00Z",
        status="assessment",
        deadlines=(("emergency", "2021-04-01T04:00:00Z", "2021-04-01T02:30:00Z"),),
    )
    # 5: received in 2020, closed (resolved) in Q1 after 31 days.
    await add_case(
        db,
        cipher,
        "TE-2020-0009",
        "Q8",
        "27427",
        reporter=204,
        received="2020-12-20T02:00:00Z",
        accepted="2020-12-20T04:00:00Z",
        risk="low",
        closed="2021-01-20T02:00:00Z",
        outcome="resolved",
    )
    # 6: Q2 (01:00 on 1 April local time = 31 March 18:00 UTC), plan due in the future.
    await add_case(
        db,
        cipher,
        "TE-2021-0004",
        "Q8",
        "27424",
        reporter=201,
        received="2021-03-31T18:00:00Z",
        deadlines=(("plan", "2021-05-30T10:00:00Z", None),),
    )
    # 7: received and closed in 2020: not part of Q1 at all.
    await add_case(
        db,
        cipher,
        "BC-2020-0003",
        "BC",
        "27595",
        reporter=203,
        received="2020-11-01T02:00:00Z",
        closed="2020-12-01T02:00:00Z",
        outcome="not_valid",
    )

    # Events and registrations.
    for event_id, title, kind, starts, district, capacity, status in (
        (
            1,
            "Tập huấn quyền trẻ em cho giáo viên",
            "training",
            "2021-03-15T01:00:00Z",
            "Q8",
            30,
            "active",
        ),
        (2, "Sinh hoạt CLB trẻ em", "club", "2021-02-20T01:00:00Z", None, None, "active"),
        (
            3,
            "Truyền thông phòng chống xâm hại",
            "campaign",
            "2021-01-30T01:00:00Z",
            "BC",
            None,
            "cancelled",
        ),
        (4, "Quốc tế Thiếu nhi 1/6", "holiday", "2021-06-01T01:00:00Z", None, None, "active"),
    ):
        await db.execute(
            "INSERT INTO events (id, title, kind, starts_at, ends_at, district, audience,"
            " capacity, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'everyone',"
            " ?, ?, '2021-01-01T00:00:00Z', '2021-01-01T00:00:00Z')",
            (event_id, title, kind, starts, starts, district, capacity, status),
        )
    for event_id, person, state, joined in (
        (1, 204, "going", "2021-03-10T02:00:00Z"),
        (1, 301, "going", "2021-03-11T02:00:00Z"),
        (1, 302, "waiting", "2021-03-12T02:00:00Z"),
        (1, 201, "declined", "2021-03-12T03:00:00Z"),
        (2, 203, "going", "2020-12-20T02:00:00Z"),
        (2, 202, "going", "2021-02-15T02:00:00Z"),
    ):
        await db.execute(
            "INSERT INTO event_registrations (event_id, telegram_id, state, joined_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?)",
            (event_id, person, state, joined, joined),
        )
    # Attendance marked by staff 101: at the training 204 (a place) and 302 (came from the
    # waiting list), not 301; at the programme-wide club both 203 (BC) and 202 (Q8).
    # All districts: training 2, club 2 → 4. Q8 only: training 2, club 1 (202) → 3.
    for event_id, person, marked in (
        (1, 204, "2021-03-15T01:30:00Z"),
        (1, 302, "2021-03-15T01:31:00Z"),
        (2, 203, "2021-02-20T02:00:00Z"),
        (2, 202, "2021-02-20T02:01:00Z"),
    ):
        await db.execute(
            "INSERT INTO event_attendance (event_id, telegram_id, marked_by, marked_at)"
            " VALUES (?, ?, 101, ?)",
            (event_id, person, marked),
        )

    # Materials, deliveries, a poster, print requests.
    for material_id, title, topic in (
        (M1, "Quyền trẻ em", "rights"),
        (M2, "Đường dây nóng 111", "hotline"),
    ):
        await db.execute(
            "INSERT INTO materials (id, title, topic, audiences, created_at, updated_at)"
            " VALUES (?, ?, ?, 'parents', '2020-12-01T00:00:00Z', '2020-12-01T00:00:00Z')",
            (material_id, title, topic),
        )
    await db.execute(
        "INSERT INTO posters (code, material_id, ward, created_at)"
        " VALUES (?, ?, '27427', '2020-12-01T00:00:00Z')",
        (POSTER, M1),
    )
    for material_id, person, kind, when in (
        (M1, 301, "file", "2021-01-16T02:00:00Z"),
        (M1, 301, "text", "2021-01-17T02:00:00Z"),
        (M1, 303, "file", "2021-03-06T02:00:00Z"),
        (M2, 302, "text", "2021-02-02T02:00:00Z"),
        (M1, 301, "file", "2021-04-03T02:00:00Z"),  # Q2
    ):
        await db.execute(
            "INSERT INTO material_deliveries (material_id, user_id, kind,"
            " delivered_at) VALUES (?, ?, ?, ?)",
            (material_id, person, kind, when),
        )
    for request_id, material_id, quantity, district, ward, status, created in (
        (1, M1, 100, "Q8", "27427", "delivered", "2021-02-01T02:00:00Z"),
        (2, M2, 50, "Q8", "27424", "requested", "2021-03-01T02:00:00Z"),
        (3, M1, 20, "BC", "27595", "rejected", "2021-03-02T02:00:00Z"),
        (4, M1, 10, "Q8", "27427", "approved", "2021-04-10T02:00:00Z"),  # Q2
    ):
        await db.execute(
            "INSERT INTO print_requests (id, material_id, requester_id, quantity, district, ward,"
            " place, wanted_by, status, created_at, updated_at)"
            " VALUES (?, ?, 201, ?, ?, ?, ?, '2021-04-30', ?, ?, ?)",
            (
                request_id,
                material_id,
                quantity,
                district,
                ward,
                PRINT_PLACE,
                status,
                created,
                created,
            ),
        )

    # Mass sends: recipients by state.
    for delivery_id, kind, district, state, started, states in (
        (
            1,
            "broadcast",
            "Q8",
            "done",
            "2021-02-01T02:00:00Z",
            ["sent"] * 7 + ["blocked"] * 2 + ["skipped"],
        ),
        (2, "urgent", None, "done", "2021-03-05T02:00:00Z", ["sent"] * 3 + ["failed"]),
        (3, "reminder", None, "done", "2021-03-10T02:00:00Z", ["sent"] * 2),
        (4, "broadcast", "Q8", "done", "2021-04-01T02:00:00Z", ["sent"] * 5),  # Q2
        (5, "broadcast", None, "scheduled", None, []),
    ):
        await db.execute(
            "INSERT INTO deliveries (id, kind, state, priority, content, district,"
            " scheduled_at, created_at, started_at) VALUES (?, ?, ?, 2, '{}', ?, ?, ?, ?)",
            (
                delivery_id,
                kind,
                state,
                district,
                started or "2021-03-20T02:00:00Z",
                started or "2021-03-20T02:00:00Z",
                started,
            ),
        )
        for index, recipient_state in enumerate(states):
            await db.execute(
                "INSERT INTO delivery_recipients (delivery_id, chat_id, state) VALUES (?, ?, ?)",
                (delivery_id, 5000 + index, recipient_state),
            )

    # Parents' questions and the first staff answers.
    for question_id, asker, district, state, danger, created, answers in (
        (1, 301, "Q8", "answered", 0, "2021-01-10T02:00:00Z", ["2021-01-10T05:00:00Z"]),
        (
            2,
            302,
            "Q8",
            "closed",
            1,
            "2021-02-10T02:00:00Z",
            ["2021-02-11T02:00:00Z", "2021-02-12T02:00:00Z"],
        ),
        (3, 303, "BC", "open", 0, "2021-03-10T02:00:00Z", []),
        (4, 304, "Q8", "open", 0, "2021-04-05T02:00:00Z", []),  # Q2
    ):
        await db.execute(
            "INSERT INTO questions (id, asker_id, district, state, danger, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (question_id, asker, district, state, danger, created),
        )
        await db.execute(
            "INSERT INTO question_messages (question_id, author, text, created_at)"
            " VALUES (?, 'asker', ?, ?)",
            (question_id, QUESTION_TEXT, created),
        )
        for when in answers:
            await db.execute(
                "INSERT INTO question_messages (question_id, author, staff_id, text, created_at)"
                " VALUES (?, 'staff', 101, 'Chào chị, cán bộ sẽ gọi lại.', ?)",
                (question_id, when),
            )
