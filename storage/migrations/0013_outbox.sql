-- The transactional outbox: one row per notification to one chat (a new-case alert, a status
-- update to a reporter, a question copy to staff, an approval request…), written in the same
-- transaction as the change that causes it and sent by the delivery engine. The message
-- itself is encrypted (payload_enc) and erased once sent; ids, states and times stay.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    -- Fernet-encrypted JSON: {"text": ..., "markup": ..., "protect": ...}; '' once sent
    payload_enc     TEXT    NOT NULL,
    -- what to do after sending (JSON, ids only): record a staff copy of an alert, or who to
    -- tell instead when this chat cannot be reached
    after_send      TEXT,
    -- pending → sent | failed (gave up) | blocked (the chat cannot be reached)
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'failed', 'blocked')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    message_id      INTEGER,
    error           TEXT,
    dedupe_key      TEXT    UNIQUE,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_pending ON outbox (id) WHERE state = 'pending';

-- Which review message a case was sent from: pressing Send again on it (after a restart, or
-- a second press processed at the same time) shows the case code instead of a second case.
ALTER TABLE cases ADD COLUMN source_message_id INTEGER;
CREATE INDEX cases_source ON cases (reporter_id, source_message_id);

-- When a person was deactivated, so their phone can be erased after the retention period.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;

-- People's phones are encrypted at rest (DATA_KEY) from now on; rows written before are
-- encrypted at the next start (storage.users.seal_phones), then marked here.
ALTER TABLE users ADD COLUMN phone_sealed INTEGER NOT NULL DEFAULT 0;

-- Retention of questions: when their texts and the asker's contact were erased.
ALTER TABLE questions ADD COLUMN personal_data_erased_at TEXT;
