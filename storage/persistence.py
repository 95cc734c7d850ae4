"""python-telegram-bot persistence on the bot's own SQLite database.

Conversation states, user_data and chat_data survive a restart. The application flushes
after every update (see bot.application), so a crash loses at most the update in hand;
drafts worth more than that are written by the handlers themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from storage.db import Database

ConversationDict = dict[tuple[int | str, ...], object]


def _digest(encoded: str) -> bytes:
    return hashlib.blake2b(encoded.encode(), digest_size=16).digest()


_EMPTY = _digest("{}")  # what a person without a stored row has


class SQLitePersistence(BasePersistence[dict, dict, dict]):
    def __init__(self, database: Callable[[], Database], update_interval: float = 60) -> None:
        # bot_data holds no state of ours (services live on the application object), and no
        # handler uses chat_data: not persisting it saves a copy and a comparison per update.
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=update_interval,
        )
        self._database = database
        # PTB hands over user_data/chat_data of every person in every update, changed or not;
        # remembering what is already stored saves a write per update. A 128-bit digest of
        # it, not its text: this is kept for every person the process has seen.
        self._stored: dict[tuple[str, int], bytes] = {}
        # Writes of one persistence run, committed together by `commit` (one transaction,
        # one hand-off to the database thread, instead of one per conversation and per dict).
        self._pending: list[tuple[str, tuple]] = []

    @property
    def db(self) -> Database:
        return self._database()

    # -- loading ---------------------------------------------------------------------------
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        rows = await self.db.fetchall("SELECT user_id, data FROM ptb_user_data")
        self._stored.update({("user", row["user_id"]): _digest(row["data"]) for row in rows})
        return {row["user_id"]: json.loads(row["data"]) for row in rows}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        rows = await self.db.fetchall("SELECT chat_id, data FROM ptb_chat_data")
        self._stored.update({("chat", row["chat_id"]): _digest(row["data"]) for row in rows})
        return {row["chat_id"]: json.loads(row["data"]) for row in rows}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.db.fetchall(
            "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(row["key"])): json.loads(row["state"]) for row in rows}

    # -- writing ---------------------------------------------------------------------------
    async def update_conversation(self, name: str, key: tuple, new_state: object | None) -> None:
        encoded_key = json.dumps(list(key))
        if new_state is None:
            self._pending.append(
                ("DELETE FROM ptb_conversations WHERE name = ? AND key = ?", (name, encoded_key))
            )
            return
        self._pending.append(
            (
                "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?)"
                " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                (name, encoded_key, json.dumps(new_state)),
            )
        )

    async def update_user_data(self, user_id: int, data: dict) -> None:
        self._write("user", user_id, data)

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        self._write("chat", chat_id, data)

    def _write(self, kind: str, key: int, data: dict) -> None:
        encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
        digest = _digest(encoded)
        if self._stored.get((kind, key), _EMPTY) == digest:
            return
        table, column = (
            ("ptb_user_data", "user_id") if kind == "user" else ("ptb_chat_data", "chat_id")
        )
        self._pending.append(
            (
                f"INSERT INTO {table} ({column}, data) VALUES (?, ?)"
                f" ON CONFLICT ({column}) DO UPDATE SET data = excluded.data",
                (key, encoded),
            )
        )
        self._stored[(kind, key)] = digest

    async def commit(self) -> None:
        """Write what the last persistence run handed over, atomically."""
        pending, self._pending = self._pending, []
        try:
            await self.db.execute_batch(pending)
        except BaseException:
            # Not written: forget what we believed stored, so the next run writes it again.
            for sql, params in pending:
                if sql.startswith("INSERT INTO ptb_user_data"):
                    self._stored.pop(("user", params[0]), None)
                elif sql.startswith("INSERT INTO ptb_chat_data"):
                    self._stored.pop(("chat", params[0]), None)
            raise

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def update_callback_data(self, data: object) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        self._stored.pop(("user", user_id), None)
        await self.db.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))

    async def drop_chat_data(self, chat_id: int) -> None:
        self._stored.pop(("chat", chat_id), None)
        await self.db.execute("DELETE FROM ptb_chat_data WHERE chat_id = ?", (chat_id,))

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def flush(self) -> None:
        # The application commits after every persistence run (BotApplication); this is
        # the last one, at shutdown.
        await self.commit()
