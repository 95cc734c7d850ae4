-- Events (June 1, the Action Month, club activities, trainings), registrations with a waiting
-- list, and the reminders planned for them. Times are ISO UTC text (storage.timeutil).

CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    -- Stable key of an imported row, so importing the calendar again updates, never duplicates.
    import_key      TEXT,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    kind            TEXT    NOT NULL
                    CHECK (kind IN ('holiday', 'club', 'training', 'campaign')),
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL,
    -- All-day events keep whole local days (DTSTART;VALUE=DATE in .ics).
    all_day         INTEGER NOT NULL DEFAULT 0,
    place           TEXT    NOT NULL DEFAULT '',
    -- Scope: NULL district = the whole programme; a ward narrows a district.
    district        TEXT,
    ward            TEXT,
    -- Comma-separated audience groups (bot.events.model.AUDIENCES).
    audience        TEXT    NOT NULL,
    capacity        INTEGER CHECK (capacity IS NULL OR capacity > 0),
    registration_deadline TEXT,
    -- Yearly events are materialised one occurrence per row: the next row `follows` this one.
    recurrence      TEXT    NOT NULL DEFAULT 'none' CHECK (recurrence IN ('none', 'yearly')),
    follows_id      INTEGER UNIQUE REFERENCES events (id) ON DELETE SET NULL,
    -- Minutes before the start, comma-separated (default 7 days, 1 day, 2 hours).
    reminder_offsets TEXT   NOT NULL DEFAULT '10080,1440,120',
    -- Days before the start for the countdown to collaborators and staff ('' = none).
    countdown_days  TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    -- iCalendar SEQUENCE: bumped on every change people should see in their calendar.
    sequence        INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX events_import_key ON events (import_key, starts_at)
    WHERE import_key IS NOT NULL;
CREATE INDEX events_upcoming ON events (status, ends_at);
CREATE INDEX events_district ON events (district, starts_at);

CREATE TABLE event_registrations (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    telegram_id     INTEGER NOT NULL,
    -- going: has a place (or the event has no capacity); waiting: on the waiting list;
    -- declined: said "Not going" (gets no reminders for this event).
    state           TEXT    NOT NULL CHECK (state IN ('going', 'waiting', 'declined')),
    -- When the person (re)joined, and their turn in the event's queue (exact order even
    -- within one second).
    joined_at       TEXT    NOT NULL,
    turn            INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (event_id, telegram_id)
) WITHOUT ROWID;
CREATE INDEX event_registrations_state ON event_registrations (event_id, state, turn);

CREATE TABLE event_reminders (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- before: the usual reminder; countdown: the June 1 countdown to collaborators and staff.
    kind            TEXT    NOT NULL CHECK (kind IN ('before', 'countdown')),
    offset_minutes  INTEGER NOT NULL,
    -- The start it was planned for: a reminder of an older start is never sent.
    event_start     TEXT    NOT NULL,
    -- When it is due, already moved out of the quiet hours.
    due_at          TEXT    NOT NULL,
    -- pending → queued (handed to the delivery engine) | skipped (event started) | cancelled
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'queued', 'skipped', 'cancelled')),
    recipients      INTEGER,
    created_at      TEXT    NOT NULL,
    processed_at    TEXT
);
CREATE UNIQUE INDEX event_reminders_once ON event_reminders (event_id, kind, offset_minutes,
    event_start) WHERE state != 'cancelled';
CREATE INDEX event_reminders_due ON event_reminders (state, due_at);
