"""The composition root: one factory builds the bot for production, tests, sandbox and benches.

Only the request objects differ between them: production talks HTTP to the Bot API, the
others talk to the in-process emulator.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

import httpx
from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, ExtBot
from telegram.ext._handlers.conversationhandler import PendingState
from telegram.ext._utils.trackingdict import TrackingDict
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.api_request import BotAPIRequest, bot_api_transport
from bot.areas import Areas
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotContext
from bot.delivery.lanes import BudgetRateLimiter
from bot.delivery.limiter import SendBudget, timer_for
from bot.events import calendar_file
from bot.i18n import I18n
from bot.scheduling import start_dispatcher
from bot.services import Services
from bot.update_order import PerChatOrder
from storage import users
from storage.db import Database, migrate
from storage.persistence import SQLitePersistence

log = logging.getLogger(__name__)

# Our conversations mix message steps and button steps on purpose (per_message=False), which
# PTB warns about at construction; this is that one warning, not all of PTB's.
warnings.filterwarnings("ignore", message=r"If 'per_message=False'", category=PTBUserWarning)

# Start-up hooks of features (e.g. a dispatcher job), run by `start_services`.
StartHook = Callable[["BotApplication"], Awaitable[None]]


class PollRequest(BotAPIRequest):
    """The getUpdates request; `polling` is set when the first poll leaves, so start-up work
    that can wait (the command menus, compiling the danger matcher) runs after it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.polling = asyncio.Event()

    async def do_request(self, *args, **kwargs):
        self.polling.set()
        return await super().do_request(*args, **kwargs)


class BotApplication(Application):
    """python-telegram-bot's Application that owns the database and flushes state per update."""

    services: Services
    start_hooks: list[StartHook]
    # Start-up work done after the first getUpdates (`start_services(deferred=True)`).
    first_poll: asyncio.Event | None = None
    deferred_start: asyncio.Task | None = None
    # Mass sending's own bot and connection pool (live HTTP only): a reply never waits for a
    # connection behind broadcast requests in flight. Same token, defaults and rate limiter.
    bulk_bot: ExtBot | None = None
    # One persistence run at a time (PTB's timer, after an update, at stop), as in PTB.
    _persistence_lock: asyncio.Lock

    async def initialize(self) -> None:
        # The database must be open before PTB loads persisted conversations in initialize().
        if self.services.db is None:
            path = self.services.settings.database_path
            db = await Database.connect(path)
            if await migrate(db) and str(path) != ":memory:":
                # A new database (or an upgrade): the connection keeps every migration
                # statement prepared in its cache, and the pages it wrote (~0.8 MiB for a new
                # database); a new connection to the migrated file starts without them. Opened
                # before the other is closed: the last connection to close checkpoints the
                # WAL (an fsync, ~6 ms here) on the start path.
                migrated, db = db, await Database.connect(path)
                await migrated.close()
            self.services.db = db
            await users.ensure_admins(
                self.services.db, self.services.settings.admin_ids, self.services.clock.now()
            )
            if self.services.settings.seed_calendar:
                await calendar_file.seed_once(
                    self.services.db,
                    self.services.clock.now(),
                    self.services.settings.timezone,
                    self.services.areas,
                )
        from bot import delivery

        # A committed outbox message wakes the delivery engine at once (bot/outbox.py).
        self.services.db.wake_outbox = lambda: delivery.kick(self)
        await super().initialize()

    async def shutdown(self) -> None:
        deferred, self.deferred_start = self.deferred_start, None
        if deferred is not None and not deferred.done():
            deferred.cancel()
            await asyncio.gather(deferred, return_exceptions=True)
        dashboard, self.services.webapp = self.services.webapp, None
        if dashboard is not None:  # no more web requests once the database closes
            await dashboard.stop()
        await super().shutdown()  # flushes persistence first
        if self.bulk_bot is not None:
            await self.bulk_bot.shutdown()
        if self.services.db is not None:
            await self.services.db.close()
            self.services.db = None

    async def process_update(self, update: object) -> None:
        budget = self.services.budget
        if budget is not None:
            budget.update_started()  # mass sending waits while a person is being answered
        try:
            await super().process_update(update)
        finally:
            if budget is not None:
                budget.update_finished()
        # Write conversation states and user_data now rather than on PTB's timer, so a crash
        # or kill loses nothing that a user has already been answered about.
        if self.persistence is not None and self.running:
            await self.update_persistence()

    async def update_persistence(self) -> None:
        # Every changed item goes to the persistence, committed together (one transaction) —
        # after every update, on PTB's timer and at stop alike.
        persistence = self.persistence
        if not isinstance(persistence, SQLitePersistence) or _stores_more(persistence):
            await super().update_persistence()
            if isinstance(persistence, SQLitePersistence):
                await persistence.commit()
            return
        async with self._persistence_lock:
            errors = await self._hand_over(persistence)
            await persistence.commit()
        for error in errors:
            await self.process_error(error=error, update=None)

    async def _hand_over(self, persistence: SQLitePersistence) -> list[Exception]:
        """What PTB's own update_persistence hands over, for what we store (user_data and
        conversation states), without its per-item deep copies and tasks: the data is encoded
        at once (SQLitePersistence.update_user_data is synchronous in effect), so nothing can
        change it in between. That run cost ~50 µs of every update. Errors are returned for
        the error handlers, as PTB gathers them."""
        errors: list[Exception] = []
        changed = self._user_ids_to_be_updated_in_persistence
        dropped = self._user_ids_to_be_deleted_in_persistence
        if changed or dropped:
            self._user_ids_to_be_updated_in_persistence = set()
            self._user_ids_to_be_deleted_in_persistence = set()
            for user_id in changed - dropped:
                try:
                    await persistence.update_user_data(user_id, self.user_data[user_id])
                except Exception as error:
                    errors.append(error)
            for user_id in dropped:
                try:
                    await persistence.drop_user_data(user_id)
                except Exception as error:
                    errors.append(error)
        for name, states in self._conversation_handler_conversations.items():
            for key, new_state in states.pop_accessed_write_items():
                state = new_state
                if isinstance(new_state, PendingState):  # as PTB: a non-blocking step
                    if not new_state.done():
                        state = new_state.old_state
                        states.mark_as_accessed(key)  # looked at again on the next run
                    else:
                        state = new_state.resolve()
                try:
                    await persistence.update_conversation(
                        name, key, None if state is TrackingDict.DELETED else state
                    )
                except Exception as error:
                    errors.append(error)
        return errors


def _stores_more(persistence: SQLitePersistence) -> bool:
    """PTB's own run is kept for anything beyond user_data and conversations."""
    store = persistence.store_data
    return bool(store.chat_data or store.bot_data or store.callback_data)


def scheduler_configuration(timezone: ZoneInfo) -> dict:
    # APScheduler silently drops a job more than 1 s late by default; ours must run late
    # rather than never, and once rather than many times after a pause.
    return {
        "timezone": timezone,
        "job_defaults": {"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    }


def build_application(
    settings: Settings,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limit: bool = True,
    register: bool = True,
) -> BotApplication:
    """Build the bot. Pass emulator requests for tests and the sandbox; None for live HTTP."""
    services = Services(
        settings=settings,
        clock=clock or SystemClock(),
        i18n=I18n(settings.timezone, settings.default_language),
        areas=Areas.load(),
    )
    builder: ApplicationBuilder = (
        ApplicationBuilder()
        .application_class(BotApplication)
        .token(settings.bot_token or "0:OFFLINE")
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.timezone,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(context=BotContext))
        .persistence(SQLitePersistence(lambda: services.database, settings.persistence_interval))
        # Different people's updates at once, each chat's in order (bot/update_order.py).
        .concurrent_updates(PerChatOrder())
    )
    bulk_request: HTTPXRequest | None = None
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    else:
        # Connection errors are retried by the transport with its own backoff. One TLS context
        # (loading the CA file costs ~40 ms) for the three connection pools.
        tls = httpx.create_ssl_context()

        def pool(size: int, **timeouts: float) -> HTTPXRequest:
            return BotAPIRequest(
                connection_pool_size=size,
                read_timeout=15,
                write_timeout=30,
                httpx_kwargs={"transport": bot_api_transport(size, tls, settings.telegram_api_url)},
                **timeouts,
            )

        # Replies: the chats answered at once (bot/update_order.py), each one request at a
        # time, with room for the ticks and exports.
        builder = builder.request(pool(16))
        # As many connections as the engine has sends in flight (3 at 30/s, 100 at 1,000/s),
        # plus its progress edits; the engine alone uses them (a reply held for its handler
        # goes out on the handler's bot). Waiting for a connection is not a failed send.
        from bot.delivery.engine import in_flight_for

        bulk_request = pool(in_flight_for(settings.overall_rate) + 2, pool_timeout=30)
        poll_request = PollRequest(
            read_timeout=40, connection_pool_size=1, httpx_kwargs={"verify": tls}
        )
        builder = builder.get_updates_request(poll_request)
    # One budget of Telegram's rate for replies and mass sending, replies first
    # (bot/delivery/limiter.py). Tests leave the reply lane off unless they test it.
    budget = SendBudget(timer_for(services.clock), settings.overall_rate)
    services.budget = budget
    limiter = BudgetRateLimiter(budget, max_retries=3) if rate_limit else None
    if limiter is not None:
        builder = builder.rate_limiter(limiter)
    builder = builder.post_init(start_live)
    application: BotApplication = builder.build()  # type: ignore[assignment]
    application.services = services
    application.start_hooks = []
    application._persistence_lock = asyncio.Lock()
    order = application.update_processor
    if isinstance(order, PerChatOrder):  # its workers awaited by PTB's stop()
        order.attach(application.create_task)
    if bulk_request is not None:
        application.first_poll = poll_request.polling
        application.bulk_bot = ExtBot(
            application.bot.token,
            base_url=f"{settings.telegram_api_url}/bot",
            base_file_url=f"{settings.telegram_api_url}/file/bot",
            request=bulk_request,
            get_updates_request=bulk_request,
            defaults=application.bot.defaults,
            rate_limiter=limiter,
        )
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    # configure() replaces executors: keep PTB's own configuration (its asyncio executor).
    application.job_queue.scheduler.configure(
        **{
            **application.job_queue.scheduler_configuration,
            **scheduler_configuration(settings.timezone),
        }
    )
    if register:
        register_handlers(application)
    return application


def register_handlers(application: BotApplication) -> None:
    """Every journey in the order PTB must try them. Group -1 identifies the person first."""
    from bot import retention
    from handlers import common, errors, places
    from handlers import routes as features
    from handlers.broadcast import routes as broadcast
    from handlers.cases import routes as cases
    from handlers.events import conversation as events_conversation
    from handlers.events import routes as events
    from handlers.info import routes as info
    from handlers.materials import routes as materials
    from handlers.menu import commands as menu_commands
    from handlers.menu import routes as menu
    from handlers.onboarding import signup
    from handlers.printing import routes as printing
    from handlers.questions import conversation as question_conversation
    from handlers.questions import routes as questions
    from handlers.report import routes as report
    from handlers.safety import routes as safety

    # 1. Before anything: blocked-bot updates, then load the person and language (groups -2, -1).
    common.register(application)
    # 2. Conversations first: while someone is in one, its steps take their input; any
    #    command or menu button leaves it and is handled again from the top.
    signup.register(application)  # /start: who are you; collaborators and staff sign up
    places.register(application)  # once: which unit now, after an old ward was split
    # Before conversations whose entry points take any photo or text (materials editing): a
    # report in progress must receive its own photos and answers.
    cases.register_notes(application)  # staff typing a note/referral, the plan (before report)
    cases.register_additions(application)  # a reporter adding information later
    report.register_entry(application)  # /report conversation (the table of steps)
    report.register_sent(application)  # "Delete my messages"; Send on an old summary
    broadcast.register_compose(application)  # staff: /broadcast compose → audience → send
    features.register_awareness(application)  # /awareness, add to the sequence; weekly tick
    question_conversation.register(application)  # ask staff; reply on a ticket
    questions.register_answer(application)  # /myquestions; Close, spam on a ticket
    questions.register_no_dead_end(application)  # "Send this question to staff", "Add it to mine"
    questions.register_staff(application)  # unanswered tickets to administrators (a tick)
    features.register_ward_contacts(application)  # staff: /wardcontact
    printing.register_ask(application)  # ask for printed copies
    printing.register_reject(application)  # staff: a rejection's reason
    events.register_holidays(application)  # /holidays; a days-off file (before the events import)
    events_conversation.register(application)  # staff: /newevent and ✏️ Edit of an event
    events.register_manage(application)  # staff: ❌ Cancel event on a card (confirmed)
    events.register_import_export(application)  # 📋 registrations .csv; a calendar import
    materials.register_editing(application)  # staff send a file to add a material; edit
    materials.register_browse(application)  # /materials menu: typed text searches; buttons
    # 3. Global commands and buttons that work anywhere.
    menu_commands.register(application)  # /menu /help /cancel /stop /language
    safety.register_answer(application)  # emergency buttons from any message; the quick tip
    features.register_approvals(application)  # Approve / Reject a sign-up; /pending
    features.register_people_admin(application)  # /users, /promote, /move, /scope, /invite…
    printing.register_desk(application)  # /printqueue, /myrequests, the staff's step buttons
    materials.register_manage(application)  # hide/reorder/poster, /materialstats
    info.register_topics(application)  # /info, the menu button, topic buttons
    info.register_ward(application)  # /info → the ward's child-protection contact
    info.register_typed(application)  # typed FAQ and danger words
    cases.register_listing(application)  # /cases, /case, the list's filter buttons
    cases.register_bind(application)  # /bind, /unbind of a staff group
    cases.register_actions(application)  # a case's buttons (accept, risk, close, assign…)
    cases.register_plan(application)  # the support plan's buttons
    cases.register_alerts(application)  # the legal clocks' tick (reminders, escalations)
    cases.register_myreports(application)  # /myreports
    broadcast.register_history(application)  # /broadcasts (staff)
    broadcast.register_control(application)  # Pause/Resume/Cancel of a send, anywhere
    features.register_stats(application)  # /stats, /export and their period buttons (staff)
    events.register_browse(application)  # /events, Join / Not going, .ics; reminders tick
    events.register_attendance(application)  # staff: /attendance, mark who came
    # Daily data retention (no handlers: a dispatcher tick).
    retention.register(application)
    # 4. Last resort: intents nobody took ("coming soon"), unknown commands, free text,
    #    stale buttons.
    menu.register_fallbacks(application)
    # 5. Errors: a short log line and a polite answer; the bot keeps running.
    errors.register(application)


async def start_live(application: Application) -> None:
    """run_polling's post_init: what can wait is done after the first getUpdates."""
    await start_services(application, deferred=True)


async def warm_up_in_background(application: BotApplication) -> None:
    """Start-up hook of the live bot in webhook mode: compile the danger matcher in a worker
    thread, so neither start-up nor the first typed message waits for it (a message that comes
    first compiles it itself). Polling does it once the first getUpdates has left."""
    application.create_task(_prepare_matcher(application), name="warm-up")


async def start_services(application: Application, deferred: bool = False) -> None:
    """Start-up work after initialize(): commands menu, feature dispatchers.

    run_polling calls it as post_init (`deferred`: the command menus and the danger matcher
    once the first getUpdates has left, off the start path); tests and the sandbox call it
    themselves and get everything done before it returns.
    """
    app: BotApplication = application  # type: ignore[assignment]
    if deferred and app.first_poll is not None:
        app.deferred_start = asyncio.create_task(_after_first_poll(app, app.first_poll))
    else:
        collector_back_on()
        await _publish_commands(app)
    for hook in app.start_hooks:
        await hook(app)
    settings = app.services.settings
    if settings.webapp_url and app.services.webapp is None:
        # The staff dashboard; its web stack is imported only when it is enabled.
        from bot.webapp.server import start_dashboard

        await start_dashboard(app, *settings.webapp_listen)
    if app.services.settings.dispatcher_interval > 0:
        await start_dispatcher(app, app.services.settings.dispatcher_interval)


def collector_back_on() -> None:
    """The cycle collector again, after a live start that ran without it (bot/__main__.py).
    What start-up built lives as long as the process: frozen, later collections skip it."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


async def _publish_commands(app: BotApplication) -> None:
    from bot.commands import publish_commands

    try:
        await publish_commands(app)
    except Exception as exc:  # cosmetic: never keep the bot from starting
        log.warning("could not publish the command list: %s", type(exc).__name__)


async def _after_first_poll(app: BotApplication, polling: asyncio.Event) -> None:
    """The command menus, then the danger matcher compiled in a worker thread (~0.4 s of CPU)
    while updates are answered. A typed message that comes first compiles it itself
    (Services.danger_matcher): never answered without it."""
    await polling.wait()
    collector_back_on()
    await _publish_commands(app)
    await _prepare_matcher(app)


async def _prepare_matcher(app: BotApplication) -> None:
    """Compile the danger matcher in a worker thread (the one warm-up of both modes)."""
    try:
        await asyncio.to_thread(app.services.danger_matcher)
    except Exception:  # the first typed message tries again, and reports what fails
        log.warning("could not prepare the danger matcher in the background", exc_info=True)
