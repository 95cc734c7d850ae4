"""The staff dashboard: a Telegram Mini App served by the bot's own process (issue 20).

Nothing here is imported unless the dashboard is enabled (WEBAPP_URL, or the sandbox's
--web): the web server stack (aiohttp) is imported lazily by `bot.webapp.server` only.
"""
