"""Broadcasts: the rules of who may send what to whom and when (service.py) and the buttons of
the /broadcast conversation (buttons.py). The progress controls ("bc") belong to the delivery
engine's progress message (bot/delivery/progress.py)."""
