"""The CallbackContext every handler receives, with the bot's services and the current person.

`context.user` and `context.translate` are filled once per update by the identify handler
(handlers/common.py) before any journey handler runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ExtBot

from bot.i18n import Translator
from storage.db import Database
from storage.users import User

if TYPE_CHECKING:
    from bot.application import BotApplication
    from bot.services import Services


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    user: User | None
    _translate: Translator | None

    def __init__(self, application, chat_id=None, user_id=None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.user = None
        self._translate = None

    @property
    def application(self) -> BotApplication:
        return super().application  # type: ignore[return-value]  # built by build_application

    @property
    def services(self) -> Services:
        return self.application.services

    @property
    def person(self) -> User:
        """The person of this update (the identify handler always sets one before any journey
        handler runs: a handler that gets None was registered before group -1)."""
        if self.user is None:
            raise RuntimeError("no person in this update: identify runs in group -1")
        return self.user

    @property
    def person_data(self) -> dict:
        """PTB's user_data of this update's person, non-Optional: every update the journeys
        handle comes from a person (channel posts are not handled)."""
        if self.user_data is None:
            raise RuntimeError("this update has no user: user_data is not available")
        return self.user_data

    @property
    def db(self) -> Database:
        return self.services.database

    @property
    def now(self):
        return self.services.clock.now()

    @property
    def translate(self) -> Translator:
        """The translator of the person in this update (Vietnamese before we know them)."""
        if self._translate is None:
            language = self.user.language if self.user else None
            self._translate = self.services.i18n(language)
        return self._translate

    def set_user(self, user: User | None) -> None:
        self.user = user
        self._translate = None
