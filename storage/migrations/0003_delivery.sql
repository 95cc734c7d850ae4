-- The delivery engine's durable queue: one row per mass send (broadcast, urgent notice,
-- reminder, awareness message) and one row per recipient with its state.

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL
                    CHECK (kind IN ('urgent', 'reminder', 'broadcast', 'awareness')),
    -- scheduled: waiting for scheduled_at (audience not resolved yet); sending: recipients
    -- resolved, in progress; paused by the sender; done / cancelled / failed are final.
    state           TEXT    NOT NULL DEFAULT 'scheduled'
                    CHECK (state IN ('scheduled', 'sending', 'paused', 'done', 'cancelled',
                                     'failed')),
    priority        INTEGER NOT NULL,
    -- JSON: {"media": null|"photo"|"document", "file_id": ..., "text": {"vi": ..., "en": ...}}
    content         TEXT    NOT NULL,
    -- JSON of bot.audience.Audience, resolved into rows when sending starts; NULL when the
    -- recipients were given explicitly at enqueue time.
    audience        TEXT,
    -- The district the sender was limited to (NULL = everyone, administrators only).
    district        TEXT,
    created_by      INTEGER,
    report_chat_id  INTEGER,
    progress_message_id INTEGER,
    dedupe_key      TEXT UNIQUE,
    scheduled_at    TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    total           INTEGER NOT NULL DEFAULT 0,
    -- Final figures, written when the delivery ends (live figures come from the rows).
    sent_count      INTEGER NOT NULL DEFAULT 0,
    failed_count    INTEGER NOT NULL DEFAULT 0,
    blocked_count   INTEGER NOT NULL DEFAULT 0,
    skipped_count   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_due ON deliveries (state, priority, scheduled_at);
CREATE INDEX deliveries_district ON deliveries (district, id);

CREATE TABLE delivery_recipients (
    delivery_id     INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    chat_id         INTEGER NOT NULL,
    -- pending → sent | failed (gave up) | blocked (unreachable) | skipped (opted out)
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'blocked', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    message_id      INTEGER,
    error           TEXT,
    PRIMARY KEY (delivery_id, chat_id)
) WITHOUT ROWID;
-- Only what is left to send is indexed: it shrinks as the delivery progresses.
CREATE INDEX delivery_recipients_pending ON delivery_recipients (delivery_id, chat_id)
    WHERE state = 'pending';

-- Awareness messages staff added after the shipped sequence (content/awareness.json).
CREATE TABLE awareness_messages (
    id          INTEGER PRIMARY KEY,
    text_vi     TEXT    NOT NULL,
    text_en     TEXT,
    created_by  INTEGER,
    created_at  TEXT    NOT NULL
);

-- Where each parent is in the awareness sequence (0 = the first message is next).
CREATE TABLE awareness_progress (
    telegram_id INTEGER PRIMARY KEY,
    next_index  INTEGER NOT NULL DEFAULT 0
);

-- Weekly slots already handled, so a restart never sends the same week twice.
CREATE TABLE awareness_runs (
    slot        TEXT PRIMARY KEY,
    deliveries  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL
);
