"""Events: everyone's /events (browse), staff create, edit, cancel and export events and take
attendance, administrators import calendars and the days off (holidays). The rules, checks,
audit and transactions are in bot/events/service.py and bot/events/attendance.py; the buttons
in bot/events/buttons.py."""
