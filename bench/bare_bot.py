"""The yardstick: a bare python-telegram-bot 22 + aiosqlite bot that writes one row per update.

    TELEGRAM_API_URL=http://127.0.0.1:8081 BOT_TOKEN=1:X DATABASE_PATH=bare.sqlite3 \\
        python -m bench.bare_bot

/start greets with an inline keyboard, a button press is answered, any text is acknowledged;
every update writes one row. Long polling, sequential updates, no rate limiter: what any bot
must pay for PTB's object model, the HTTP client and one SQLite write. `bench.compare` runs it
beside the real bot.
"""

from __future__ import annotations

import os

import aiosqlite
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

_UNITS = [
    "Phường Chánh Hưng", "Phường Phú Định", "Phường Bình Đông", "Xã Bình Hưng", "Xã Tân Nhựt",
    "Xã Vĩnh Lộc", "Xã Tân Vĩnh Lộc", "Xã Bình Lợi", "Xã Bình Chánh", "Xã Hưng Long",
    "Nơi khác / không rõ",
]  # fmt: skip
UNIT_ROWS = [list(enumerate(_UNITS))[i : i + 2] for i in range(0, len(_UNITS), 2)]
UNIT_QUESTION = (
    "Bạn làm việc ở phường/xã nào? Chọn bên dưới, gõ tên (cả tên cũ, như “phường 4 quận 8”), "
    "hoặc gửi vị trí bằng 📎.\n\n<b>Khu vực Quận 8 cũ</b>: " + ", ".join(_UNITS[:3])
    + "\n<b>Khu vực Bình Chánh cũ</b>: " + ", ".join(_UNITS[3:10])
)  # fmt: skip

SCHEMA = """CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, kind TEXT NOT NULL, text TEXT)"""


def build(api_url: str, token: str, database: str) -> Application:
    state: dict[str, aiosqlite.Connection] = {}

    async def open_db(app: Application) -> None:
        state["db"] = db = await aiosqlite.connect(database)
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute(SCHEMA)
        await db.commit()

    async def close_db(app: Application) -> None:
        await state["db"].close()

    async def write(user_id: int, kind: str, text: str | None) -> None:
        db = state["db"]
        await db.execute(
            "INSERT INTO events (user_id, kind, text) VALUES (?, ?, ?)", (user_id, kind, text)
        )
        await db.commit()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await write(update.effective_user.id, "start", None)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Cộng tác viên", callback_data="r:c"),
                    InlineKeyboardButton("Phụ huynh", callback_data="r:p"),
                ]
            ]
        )
        await update.message.reply_text("Xin chào! Bạn là ai?", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await write(update.effective_user.id, "press", update.callback_query.data)
        await update.callback_query.message.reply_text("Bạn tên là gì?")

    async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The same payload as the bot's answer at this step (the ward question: the programme's
        # units listed and an 11-button keyboard), built per reply as a plain bot would, so the
        # ratio measures the stack, not the size of the message.
        await write(update.effective_user.id, "text", update.message.text)
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(name, callback_data=f"u:{index}") for index, name in row]
                for row in UNIT_ROWS
            ]
        )
        await update.message.reply_text(UNIT_QUESTION, reply_markup=keyboard, parse_mode="HTML")

    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .post_init(open_db)
        .post_shutdown(close_db)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text))
    return app


def main() -> None:
    app = build(
        os.environ["TELEGRAM_API_URL"], os.environ["BOT_TOKEN"], os.environ["DATABASE_PATH"]
    )
    app.run_polling(drop_pending_updates=False)


if __name__ == "__main__":
    main()
