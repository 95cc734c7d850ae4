"""bot/update_order.py: different people's updates at once, one chat's in order."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.update_order import PerChatOrder, order_key


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "P", False)
    message = Message(update_id, None, Chat(chat_id, "private"), from_user=user, text="hi")
    return Update(update_id, message=message)


async def test_one_chat_in_order_while_another_is_answered_meanwhile():
    processor = PerChatOrder(at_once=4)
    released = asyncio.Event()
    done: list[tuple[int, int]] = []

    async def handle(update: Update, wait: bool = False) -> None:
        if wait:  # a reply waiting for its chat's one-message-a-second slot
            await released.wait()
        done.append((update.effective_chat.id, update.update_id))

    first, second, other = _update(1, 10), _update(2, 10), _update(3, 20)
    # PTB hands updates over one at a time: each hand-over returns at once.
    await processor.process_update(first, handle(first, wait=True))
    await processor.process_update(second, handle(second))
    await processor.process_update(other, handle(other))
    for _ in range(10):
        await asyncio.sleep(0)
    assert done == [(20, 3)]  # the other person is not held behind chat 10
    assert processor.chats_in_flight == 1
    released.set()
    await processor.shutdown()  # the workers finish
    assert done == [(20, 3), (10, 1), (10, 2)]  # chat 10's updates in their order
    assert processor.chats_in_flight == 0  # no lock kept for a chat with nothing in flight


async def test_one_persons_backlog_holds_one_slot_not_all_of_them():
    processor = PerChatOrder(at_once=2)
    released = asyncio.Event()
    done: list[int] = []

    async def slow(update: Update) -> None:
        await released.wait()
        done.append(update.update_id)

    async def quick(update: Update) -> None:
        done.append(update.update_id)

    spam = [_update(n, 10) for n in range(1, 7)]  # six messages at once from one person
    for update in spam:
        await processor.process_update(update, slow(update))  # one place, the rest queued
    others = [_update(100 + n, 20 + n) for n in range(3)]
    for update in others:
        await processor.process_update(update, quick(update))  # the other place, in turn
    for _ in range(20):
        await asyncio.sleep(0)
    assert done == [100, 101, 102]  # three other people answered meanwhile
    released.set()
    await processor.shutdown()
    assert done[3:] == [1, 2, 3, 4, 5, 6]


async def test_a_hand_over_waits_when_every_place_is_taken():
    """Back-pressure: PTB takes the next update from its queue only when a chat is free, so
    a backlog is not made into thousands of waiting tasks."""
    processor = PerChatOrder(at_once=2)
    released = asyncio.Event()

    async def slow() -> None:
        await released.wait()

    await processor.process_update(_update(1, 10), slow())
    await processor.process_update(_update(2, 11), slow())
    third = asyncio.create_task(processor.process_update(_update(3, 12), slow()))
    for _ in range(10):
        await asyncio.sleep(0)
    assert not third.done() and processor.chats_in_flight == 2
    released.set()
    await third
    await processor.shutdown()
    assert processor.chats_in_flight == 0


def test_the_order_follows_the_chat_or_the_person():
    assert order_key(_update(1, 42)) == 42
    assert order_key(Update(5)) is None  # nothing to order by: any slot


def test_the_live_bot_uses_it():
    import tempfile
    from pathlib import Path

    from bot.application import build_application
    from tests.conftest import make_settings

    app = build_application(make_settings(Path(tempfile.mkdtemp())))
    assert isinstance(app.update_processor, PerChatOrder)


async def test_an_update_that_fails_does_not_drop_those_behind_it(caplog):
    processor = PerChatOrder(at_once=2)
    done: list[int] = []

    async def fails() -> None:
        raise RuntimeError("the persistence write after the handlers")

    async def works(number: int) -> None:
        done.append(number)

    await processor.process_update(_update(1, 10), fails())
    await processor.process_update(_update(2, 10), works(2))
    await processor.process_update(_update(3, 10), works(3))
    await processor.shutdown()
    assert done == [2, 3]
    assert "RuntimeError" in caplog.text and processor.chats_in_flight == 0
