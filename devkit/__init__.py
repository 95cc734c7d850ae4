"""Development tools outside the production package: the in-process Bot API emulator, the
user-level testkit the tests and benches drive the bot with, and the offline sandbox.

Production (`python -m bot`) never imports this package; `python -m bot sandbox` and
`python -m bot emulator` do, lazily.
"""
