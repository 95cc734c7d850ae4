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


async def test_dropped_user_data_is_deleted_and_errors_reach_the_error_handlers(tg):
    lan = tg.user("Lan")
    await lan.send("/start")
    app = tg.app
    app.drop_user_data(lan.id)
    await app.update_persistence()
    assert await tg.db.fetchvalue("SELECT count(*) FROM ptb_user_data") == 0

    # What cannot be stored goes to the error handlers, as PTB's own run does; the rest of
    # the run is still written.
    app.user_data[lan.id]["bad"] = object()
    app.mark_data_for_update_persistence(user_ids=lan.id)
    await app.update_persistence()
    assert [type(error).__name__ for error in tg.errors] == ["TypeError"]
    tg.errors.clear()
    app.user_data[lan.id].pop("bad")
