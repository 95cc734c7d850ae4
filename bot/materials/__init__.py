"""Communication materials: catalogue, search, Telegram file cache, print requests, posters.

Rules live here as plain functions; handlers/materials/ and handlers/printing/ are
thin layers over them.
"""
