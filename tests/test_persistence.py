"""Conversations, user_data and pending work survive a restart of the bot."""

from storage import users


async def test_conversation_continues_at_the_same_step_after_restart(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    await lan.press("🤝 Cộng tác viên")
    await lan.send("Nguyễn Thị Lan")
    assert "phường, xã" in lan.last_text

    await tg.restart()  # stop the application and build a new one on the same file

    await lan.press("Phường Chánh Hưng")  # the button of the message sent before the restart
    assert "số điện thoại" in lan.last_text
    await lan.press("Bỏ qua")
    user = await users.get(tg.db, lan.id)
    assert (user.display_name, user.district, user.ward, user.status) == (
        "Nguyễn Thị Lan",
        "Q8",
        "27418",
        "pending",
    )


async def test_state_is_written_per_update_not_only_on_shutdown(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    await lan.press("🤝 Cộng tác viên")
    # Without a clean stop (a crash), the state must already be in SQLite.
    rows = await tg.db.fetchall("SELECT name, key, state FROM ptb_conversations")
    assert [(r["name"], r["state"]) for r in rows] == [("onboarding", "1")]
    data = await tg.db.fetchvalue("SELECT data FROM ptb_user_data WHERE user_id = ?", (lan.id,))
    assert '"role": "collaborator"' in data


async def test_finished_conversation_is_deleted_from_storage(tg):
    mai = tg.user("Mai")
    await mai.send("/start")
    await mai.press("👪 Phụ huynh hoặc người dân")
    assert await tg.db.fetchvalue("SELECT count(*) FROM ptb_conversations") == 0
