"""The in-process Bot API emulator and the testkit, driven by a real (tiny) PTB Application."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import pytest_asyncio
from telegram import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.clock import FakeClock
from devkit.emulator import BotAPIServer, EmulatorRequest
from devkit.emulator.testkit import Testkit

# PTB 22 warns from inside RetryAfter.__init__ unless PTB_TIMEDELTA is set
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)


def _kb(*labels_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d)] for t, d in labels_data]
    )


async def _start(update: Update, context) -> None:
    name = update.effective_user.first_name
    await update.effective_message.reply_html(
        f"Xin chào <b>{name}</b> &amp; chào mừng",
        reply_markup=_kb(("Báo cáo", "report:new"), ("Trợ giúp", "help")),
    )


async def _ask_contact(update: Update, context) -> None:
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton("Gửi số điện thoại", request_contact=True)],
            [KeyboardButton("Gửi vị trí", request_location=True), "Hủy"],
        ]
    )
    await update.effective_message.reply_text("Chia sẻ liên hệ", reply_markup=keyboard)


async def _on_callback(update: Update, context) -> None:
    query = update.callback_query
    await query.answer(f"OK {query.data}")
    await query.edit_message_text(f"Bạn chọn {query.data}")


async def _on_contact(update: Update, context) -> None:
    phone = update.effective_message.contact.phone_number
    await update.effective_message.reply_text(
        f"Đã nhận {phone}", reply_markup=ReplyKeyboardRemove()
    )


async def _on_location(update: Update, context) -> None:
    location = update.effective_message.location
    await update.effective_message.reply_text(f"Vị trí {location.latitude:.2f}")


async def _on_document(update: Update, context) -> None:
    document = update.effective_message.document
    data = await (await document.get_file()).download_as_bytearray()
    await update.effective_message.reply_text(f"{document.file_name}: {len(data)} bytes")


async def _echo(update: Update, context) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def _boom(update: Update, context) -> None:
    raise RuntimeError("boom")


async def _member(update: Update, context) -> None:
    context.bot_data.setdefault("member_updates", []).append(
        update.my_chat_member.new_chat_member.status
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> BotAPIServer:
    return BotAPIServer(clock)


@pytest_asyncio.fixture
async def app(server: BotAPIServer):
    application = (
        ApplicationBuilder()
        .token("123:ABC")
        .request(EmulatorRequest(server))
        .get_updates_request(EmulatorRequest(server))
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CommandHandler("contact", _ask_contact))
    application.add_handler(CommandHandler("boom", _boom))
    application.add_handler(CallbackQueryHandler(_on_callback))
    application.add_handler(MessageHandler(filters.CONTACT, _on_contact))
    application.add_handler(MessageHandler(filters.LOCATION, _on_location))
    application.add_handler(MessageHandler(filters.Document.ALL, _on_document))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    application.add_handler(ChatMemberHandler(_member))
    await application.initialize()
    yield application
    await application.shutdown()
    assert not server.unknown_methods_called


@pytest.fixture
def tg(server: BotAPIServer, app) -> Testkit:
    return Testkit(server, app)


# ---------------------------------------------------------------- conversations via the testkit


@pytest.mark.asyncio
async def test_start_parses_html_and_press_edits_in_place(tg: Testkit, server: BotAPIServer):
    lan = tg.user("Lan", language="vi")
    await lan.send("/start")
    assert lan.last_text == "Xin chào Lan & chào mừng"
    assert lan.last.raw_text.startswith("Xin chào <b>Lan</b>")
    assert lan.last.entities == [{"type": "bold", "offset": 9, "length": 3}]
    assert lan.buttons == ["Báo cáo", "Trợ giúp"]
    start_reply = lan.last.message_id

    answer = await lan.press("Báo cáo")
    assert answer == {"text": "OK report:new", "show_alert": False}
    assert lan.last.message_id == start_reply  # edited in place, nothing new sent
    assert lan.last_text == "Bạn chọn report:new"
    assert lan.last.edit_count == 1 and lan.last.edited
    assert lan.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert [m.from_bot for m in lan.transcript] == [False, True]
    assert server.sent_log == [("sendMessage", lan.id, 2)]
    assert tg.errors == []


@pytest.mark.asyncio
async def test_language_and_command_entity_reach_ptb(tg: Testkit, server: BotAPIServer):
    lan = tg.user("Lan", language="en")
    update = await lan.send("/start@bvte_test_bot payload")
    message = update["message"]
    assert message["from"]["language_code"] == "en"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    assert lan.last_text.startswith("Xin chào Lan")


@pytest.mark.asyncio
async def test_reply_keyboard_contact_and_location_buttons(tg: Testkit):
    lan = tg.user("Lan", phone="+84901234567")
    await lan.send("/contact")
    assert lan.reply_buttons == ["Gửi số điện thoại", "Gửi vị trí", "Hủy"]
    await lan.press("Gửi vị trí")
    assert lan.last_text == "Vị trí 10.74"
    await lan.press("Hủy")
    assert lan.last_text == "Hủy"  # plain reply button: sent as text, echoed
    await lan.press("Gửi số điện thoại")
    assert lan.last_text == "Đã nhận +84901234567"
    assert lan.reply_buttons == []  # ReplyKeyboardRemove cleared it
    with pytest.raises(AssertionError, match="reply keyboard: \\[\\]"):
        await lan.press("Gửi vị trí")


@pytest.mark.asyncio
async def test_press_unknown_label_lists_buttons_and_press_data_forges(tg: Testkit):
    lan = tg.user()
    await lan.send("/start")
    with pytest.raises(AssertionError, match="Báo cáo"):
        await lan.press("Không có")
    answer = await lan.press_data("case:view:9")
    assert answer["text"] == "OK case:view:9"


@pytest.mark.asyncio
async def test_user_uploads_and_other_message_kinds(tg: Testkit, server: BotAPIServer):
    lan = tg.user()
    await lan.send_document("a.pdf", b"%PDF-1.4 data")
    assert lan.last_text == "a.pdf: 13 bytes"
    await lan.send_contact(phone="0901234567")
    assert lan.last_text == "Đã nhận 0901234567"
    await lan.send_location(10.75, 106.65)
    assert lan.last_text == "Vị trí 10.75"
    await lan.send_sticker()
    await lan.send_photo(b"\xff\xd8jpeg")
    kinds = [(m.sticker is not None, m.photo is not None) for m in lan.transcript if not m.from_bot]
    assert kinds[-2:] == [(True, False), (False, True)]
    assert server.uploads == 0  # user uploads are not bot uploads


@pytest.mark.asyncio
async def test_handler_errors_are_captured(tg: Testkit):
    lan = tg.user()
    await lan.send("/boom")
    assert [str(e) for e in tg.errors] == ["boom"]
    with pytest.raises(RuntimeError):
        tg.raise_errors()


@pytest.mark.asyncio
async def test_groups_membership_and_leave(tg: Testkit, server: BotAPIServer, app):
    lan, minh = tg.user("Lan"), tg.user("Minh")
    group = tg.group("Q8 staff", members=[lan, minh])
    await group.send(lan, "/start")
    assert group.last_text == "Xin chào Lan & chào mừng"
    await group.press(minh, "Trợ giúp")
    assert group.last_text == "Bạn chọn help"
    member = await app.bot.get_chat_member(group.chat_id, minh.id)
    assert member.status == "member"
    assert (await app.bot.get_chat_member(group.chat_id, lan.id)).status == "creator"
    group.set_status(minh, "administrator")
    assert (await app.bot.get_chat_member(group.chat_id, minh.id)).status == "administrator"
    admins = await app.bot.get_chat_administrators(group.chat_id)
    assert sorted(a.status for a in admins) == ["administrator", "creator"]
    chat = await app.bot.get_chat(group.chat_id)
    assert chat.title == "Q8 staff" and chat.type == "supergroup"

    await group.add_bot(by=lan)
    assert app.bot_data["member_updates"] == ["member"]
    assert group.transcript[-1].service == "new_chat_members"
    await app.bot.leave_chat(group.chat_id)
    with pytest.raises(Forbidden, match="not a member"):
        await app.bot.send_message(group.chat_id, "hi")


@pytest.mark.asyncio
async def test_settle_waits_for_jobs_and_background_tasks(tg: Testkit, app):
    async def later(context) -> None:
        await context.bot.send_message(context.job.chat_id, "from a job")

    async def background(chat_id: int) -> None:
        await asyncio.sleep(0.005)
        await app.bot.send_message(chat_id, "from a task")

    async def schedule(update: Update, context) -> None:
        context.job_queue.run_once(later, 0, chat_id=update.effective_chat.id)
        context.application.create_task(background(update.effective_chat.id))

    app.add_handler(CommandHandler("later", schedule), group=-1)
    await app.start()  # jobs run only in a started application
    try:
        lan = tg.user()
        await lan.send("/later")
        await tg.settle()
        assert sorted(m.text for m in lan.bot_messages) == ["from a job", "from a task"]
        context_free = tg.user("Minh")
        app.job_queue.run_once(later, 0, chat_id=context_free.id)
        await tg.settle()
        assert context_free.last_text == "from a job"
    finally:
        await app.stop()


# ---------------------------------------------------------------- validation, like Telegram


@pytest.mark.asyncio
async def test_text_and_caption_lengths_counted_like_telegram(app, server: BotAPIServer):
    chat_id = server.create_user().id
    bot = app.bot
    await bot.send_message(chat_id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    await bot.send_message(chat_id, "😀" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(chat_id, "😀" * 2049)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(chat_id, "a" * 4097)
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.send_message(chat_id, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_document(chat_id, b"x", filename="x.txt", caption="c" * 1025)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("line<br>break", 'Unsupported start tag "br"'),
        ("<b>bold", 'end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("AT&T", "end of the entity"),
        ("&nbsp;", "Unsupported HTML entity"),
        ("a < b", "Unsupported start tag"),
        ('<span class="x">s</span>', 'Unsupported start tag "span"'),
    ],
)
async def test_bad_html_is_refused(app, server: BotAPIServer, html: str, reason: str):
    chat_id = server.create_user().id
    with pytest.raises(BadRequest, match="(?i)can't parse entities") as caught:
        await app.bot.send_message(chat_id, html, parse_mode="HTML")
    # PTB capitalises Bad Request texts with str.capitalize(): the rest is lower-cased
    assert reason.lower() in str(caught.value).lower()


@pytest.mark.asyncio
async def test_good_html_becomes_entities(app, server: BotAPIServer):
    chat_id = server.create_user().id
    html = (
        '<a href="https://x.vn/?a=1&amp;b=2">link</a> <pre><code class="language-py">x</code>'
        "</pre> <tg-spoiler>s</tg-spoiler> &#128512; &quot;q&quot; 1 &gt; 0"
    )
    message = await app.bot.send_message(chat_id, html, parse_mode="HTML")
    assert message.text == 'link x s 😀 "q" 1 > 0'
    types = [(e.type, e.offset, e.length) for e in message.entities]
    assert types == [("text_link", 0, 4), ("pre", 5, 1), ("spoiler", 7, 1)]
    assert message.entities[0].url == "https://x.vn/?a=1&b=2"
    assert message.entities[1].language == "py"


@pytest.mark.asyncio
async def test_keyboard_limits(app, server: BotAPIServer):
    chat_id = server.create_user().id
    bot = app.bot
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(chat_id, "x", reply_markup=_kb(("a", "x" * 65)))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(chat_id, "x", reply_markup=_kb(("a", "đ" * 33)))  # 66 bytes
    await bot.send_message(chat_id, "x", reply_markup=_kb(("a", "x" * 64)))
    row = [InlineKeyboardButton(str(i), callback_data=str(i)) for i in range(9)]
    with pytest.raises(BadRequest, match="(?i)too many buttons in a row"):
        await bot.send_message(chat_id, "x", reply_markup=InlineKeyboardMarkup([row]))
    rows = [row[:8] for _ in range(13)]  # 104 buttons
    with pytest.raises(BadRequest, match="(?i)too many inline keyboard buttons"):
        await bot.send_message(chat_id, "x", reply_markup=InlineKeyboardMarkup(rows))
    await bot.send_message(chat_id, "x", reply_markup=ForceReply())
    await bot.send_message(chat_id, "x", reply_markup=ReplyKeyboardRemove())
    assert server.chat(chat_id).reply_keyboard is None


@pytest.mark.asyncio
async def test_edit_and_delete_errors(app, server: BotAPIServer, clock: FakeClock):
    chat_id = server.create_user().id
    bot = app.bot
    sent = await bot.send_message(chat_id, "one", reply_markup=_kb(("a", "a")))
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("one", chat_id, sent.message_id, reply_markup=_kb(("a", "a")))
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat_id, sent.message_id, reply_markup=_kb(("a", "a")))
    edited = await bot.edit_message_reply_markup(chat_id, sent.message_id)
    assert edited.reply_markup is None
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("two", chat_id, 999)
    with pytest.raises(BadRequest, match="(?i)no caption in the message"):
        await bot.edit_message_caption(chat_id, sent.message_id, caption="c")
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(chat_id, 999)
    clock.advance(hours=48, seconds=1)
    with pytest.raises(BadRequest, match="(?i)message can't be deleted"):
        await bot.delete_message(chat_id, sent.message_id)
    fresh = await bot.send_message(chat_id, "fresh")
    assert await bot.delete_messages(chat_id, [fresh.message_id, 12345])
    assert server.message(chat_id, fresh.message_id).deleted
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("again", chat_id, fresh.message_id)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(424242, "hi")


@pytest.mark.asyncio
async def test_caption_edit_and_reply(app, server: BotAPIServer):
    chat_id = server.create_user().id
    bot = app.bot
    doc = await bot.send_document(
        chat_id, b"data", filename="r.csv", caption="<i>v1</i>", parse_mode="HTML"
    )
    assert doc.caption == "v1" and doc.document.file_name == "r.csv"
    edited = await bot.edit_message_caption(chat_id, doc.message_id, caption="v2")
    assert edited.caption == "v2"
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_caption(chat_id, doc.message_id, caption="v2")
    reply = await bot.send_message(chat_id, "re", reply_to_message_id=doc.message_id)
    assert reply.reply_to_message.message_id == doc.message_id
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_message(chat_id, "re", reply_to_message_id=777)
    assert await bot.pin_chat_message(chat_id, reply.message_id)
    assert server.message(chat_id, reply.message_id).pinned


@pytest.mark.asyncio
async def test_callback_query_too_old_or_answered_twice(app, server: BotAPIServer, clock):
    user = server.create_user()
    sent = await app.bot.send_message(user.id, "x", reply_markup=_kb(("a", "go")))
    first = server.callback_query(user, None, sent.message_id, "go")["callback_query"]["id"]
    assert await app.bot.answer_callback_query(first, text="ok")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await app.bot.answer_callback_query(first)
    second = server.callback_query(user, None, sent.message_id, "go")["callback_query"]["id"]
    clock.advance(seconds=16)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await app.bot.answer_callback_query(second)
    with pytest.raises(LookupError):
        server.callback_query(user, None, sent.message_id, "not-a-button")
    assert server.callback_query(user, None, sent.message_id, "forged", forge=True)


# ---------------------------------------------------------------- files


@pytest.mark.asyncio
async def test_file_id_is_reused_without_upload(app, server: BotAPIServer):
    chat_id = server.create_user().id
    bot = app.bot
    first = await bot.send_document(chat_id, b"%PDF-1.4 report", filename="report.pdf")
    file_id = first.document.file_id
    second = await bot.send_document(chat_id, file_id)
    assert second.document.file_id == file_id
    assert (server.uploads, server.file_reuses) == (1, 1)
    assert [m.uploaded for m in server.transcript(chat_id)] == [True, False]
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(chat_id, "no-such-file-id")
    photo = await bot.send_photo(chat_id, b"\x89PNG...")
    assert server.file_bytes(photo.photo[-1].file_id) == b"\x89PNG..."
    downloaded = await (await bot.get_file(file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4 report"


# ---------------------------------------------------------------- faults, blocking, flood


@pytest.mark.asyncio
async def test_faults_fire_the_right_ptb_errors(app, server: BotAPIServer):
    chat_id = server.create_user().id
    bot = app.bot
    fault = server.faults.add("sendMessage", chat_id, kind="retry_after", times=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat_id, "x")
        assert caught.value.retry_after in (7, dt.timedelta(seconds=7))
    await bot.send_message(chat_id, "through")
    assert fault.hits == 2 and len(server.faults) == 0

    cases = [
        ("blocked", Forbidden, "blocked by the user"),
        ("deactivated", Forbidden, "user is deactivated"),
        ("chat_not_found", BadRequest, "chat not found"),
        ("server_error", NetworkError, "internal server error"),
    ]
    for kind, error, text in cases:
        server.faults.add(kind=kind, chat_id=chat_id)
        with pytest.raises(error, match=f"(?i){text}"):
            await bot.send_message(chat_id, "x")

    forever = server.faults.add(method="sendMessage", kind="timeout", times=None)
    for _ in range(3):
        with pytest.raises(TimedOut):
            await bot.send_message(chat_id, "lost")
    forever.remove()
    before = len(server.sent_log)
    server.faults.add(method="sendMessage", kind="timeout", delivered=True)
    with pytest.raises(TimedOut):
        await bot.send_message(chat_id, "delivered anyway")
    assert len(server.sent_log) == before + 1
    assert server.transcript(chat_id)[-1].text == "delivered anyway"
    assert (await bot.get_me()).username == "bvte_test_bot"  # faults left no residue


@pytest.mark.asyncio
async def test_block_gives_forbidden_and_my_chat_member(tg: Testkit, server, app):
    lan = tg.user()
    await lan.block()
    assert app.bot_data["member_updates"] == ["kicked"]
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await app.bot.send_message(lan.id, "x")
    await lan.send("/start")  # writing again restarts the bot, as in the apps
    assert app.bot_data["member_updates"] == ["kicked", "member"]
    assert lan.last_text.startswith("Xin chào")
    server.deactivate(lan.id)
    with pytest.raises(Forbidden, match="(?i)deactivated"):
        await app.bot.send_message(lan.id, "x")


@pytest.mark.asyncio
async def test_flood_limits(app, server: BotAPIServer, clock: FakeClock):
    server.enforce_limits = True
    users = [server.create_user().id for _ in range(31)]
    await app.bot.send_message(users[0], "1")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(users[0], "2")  # 1 msg/s per private chat
    for chat_id in users[1:30]:
        await app.bot.send_message(chat_id, "x")  # 30 in this second overall
    with pytest.raises(RetryAfter):
        await app.bot.send_message(users[30], "x")
    clock.advance(seconds=1)
    await app.bot.send_message(users[0], "2")
    group = server.create_group("g").id
    for _ in range(20):
        clock.advance(seconds=1)
        await app.bot.send_message(group, "g")
    with pytest.raises(RetryAfter):
        await app.bot.send_message(group, "21st in a minute")
    assert server.flood_429_count == 3


# ---------------------------------------------------------------- the rest of the API


@pytest.mark.asyncio
async def test_unknown_method_is_bad_request_and_recorded(app, server: BotAPIServer):
    with pytest.raises(BadRequest, match="(?i)method not found"):
        await app.bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert server.unknown_methods_called == {"sendTelepathy"}
    server.unknown_methods_called.clear()


@pytest.mark.asyncio
async def test_get_updates_long_poll(server: BotAPIServer):
    user = server.create_user()
    assert await server.handle("getUpdates", {"timeout": 0}) == (200, {"ok": True, "result": []})

    # A long poll with an hour's timeout: it can only finish because the update woke it.
    poll = asyncio.create_task(server.handle("getUpdates", {"timeout": 3600}))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not poll.done()  # waiting, as Telegram does
    server.user_message(user, text="hello")
    for _ in range(20):
        if poll.done():
            break
        await asyncio.sleep(0)
    assert poll.done()
    status, body = poll.result()
    [update] = body["result"]
    assert update["message"]["text"] == "hello"
    server.user_message(user, text="second")
    _, body = await server.handle("GETUPDATES", {"offset": update["update_id"] + 1})
    assert [u["message"]["text"] for u in body["result"]] == ["second"]
    await server.handle("setWebhook", {"url": "https://example.org/hook"})
    status, body = await server.handle("getUpdates", {})
    assert status == 409
    await server.handle("deleteWebhook", {"drop_pending_updates": True})
    assert (await server.handle("getUpdates", {}))[1]["result"] == []


@pytest.mark.asyncio
async def test_params_as_json_strings_like_the_wire(server: BotAPIServer):
    chat_id = server.create_user().id
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    status, body = await server.handle(
        "SendMessage", {"chat_id": str(chat_id), "text": "x", "reply_markup": markup}
    )
    assert status == 200
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    status, body = await server.handle(
        "sendMessage", {"chat_id": chat_id, "text": "x", "reply_markup": "{not json"}
    )
    assert status == 400
    status, body = await server.handle("sendLocation", {"chat_id": chat_id, "latitude": "x"})
    assert status == 400 and body["description"].startswith("Bad Request: ")
    status, body = await server.handle("setMyCommands", {"commands": [1, 2]})
    assert status == 400


@pytest.mark.asyncio
async def test_commands_menu_copy_forward_and_actions(app, server: BotAPIServer):
    from telegram import BotCommand, BotCommandScopeAllPrivateChats, MenuButtonCommands

    bot = app.bot
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("start", "Bắt đầu")], scope=scope, language_code="vi")
    assert server.my_commands({"type": "all_private_chats"}, "vi") == [
        {"command": "start", "description": "Bắt đầu"}
    ]
    assert [c.command for c in await bot.get_my_commands(scope=scope, language_code="vi")] == [
        "start"
    ]
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    await bot.delete_my_commands(scope=scope, language_code="vi")
    assert server.my_commands({"type": "all_private_chats"}, "vi") == []

    a, b = server.create_user().id, server.create_user().id
    await bot.set_chat_menu_button(a, MenuButtonCommands())
    assert server.chat(a).menu_button == {"type": "commands"}
    secret = await bot.send_message(a, "secret", protect_content=True)
    public = await bot.send_message(a, "public")
    copied = await bot.copy_message(b, a, public.message_id)
    assert server.message(b, copied.message_id).text == "public"
    forwarded = await bot.forward_message(b, a, public.message_id)
    assert forwarded.forward_origin.sender_user.id == bot.id
    user_text = server.user_message(a, text="from the user")["message"]["message_id"]
    forwarded = await bot.forward_message(b, a, user_text)
    assert forwarded.forward_origin.sender_user.id == a
    with pytest.raises(BadRequest, match="(?i)protected content"):
        await bot.forward_message(b, a, secret.message_id)
    assert await bot.send_chat_action(a, "typing")
    location = await bot.send_location(a, 10.75, 106.65)
    assert location.location.latitude == 10.75
    assert (await bot.get_webhook_info()).url == ""
    await bot.set_my_description("Bot bảo vệ trẻ em", language_code="vi")
    assert (await bot.get_my_description("vi")).description == "Bot bảo vệ trẻ em"
    await bot.set_my_short_description("BVTE")
    assert (await bot.get_my_short_description()).short_description == "BVTE"
    assert (await bot.get_chat_menu_button(a)).type == "commands"
    assert await bot.unpin_chat_message(a)


@pytest.mark.asyncio
async def test_without_transcripts_sends_stay_cheap(clock: FakeClock):
    # How cheap they are is measured in `python -m bench emulator`; here only what is kept.
    server = BotAPIServer(clock, keep_transcripts=False)
    chat_id = server.create_user().id
    for i in range(500):
        status, _ = await server.handle("sendMessage", {"chat_id": chat_id, "text": f"m{i}"})
        assert status == 200
    assert len(server.sent_log) == 500 and server.transcript(chat_id) == []
    status, _ = await server.handle(
        "editMessageText", {"chat_id": chat_id, "message_id": 10, "text": "edited"}
    )
    assert status == 200
