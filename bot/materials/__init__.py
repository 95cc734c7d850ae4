"""Communication materials: catalogue, search, Telegram file cache, print requests, posters.

Rules live here as plain functions; handlers/materials*.py and handlers/print_requests.py are
thin layers over them.
"""
