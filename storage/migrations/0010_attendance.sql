-- Attendance at events: who of the registered people came, and which staff member marked it.
-- A row means "attended"; unmarking deletes the row (the audit log keeps the history).

CREATE TABLE event_attendance (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    telegram_id     INTEGER NOT NULL,
    marked_by       INTEGER,
    marked_at       TEXT    NOT NULL,
    PRIMARY KEY (event_id, telegram_id)
) WITHOUT ROWID;
