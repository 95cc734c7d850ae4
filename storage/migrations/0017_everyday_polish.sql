-- Examples of the yearly calendar seeded at first start: marked, so staff know they may edit
-- or cancel them (an edit makes the event theirs: the mark goes).
ALTER TABLE events ADD COLUMN example INTEGER NOT NULL DEFAULT 0;

-- Sign-up approvals and print requests are shared notices too: every staff copy is edited
-- when one person decides. SQLite cannot change a CHECK, so the table is rebuilt.
CREATE TABLE alert_messages_new (
    kind        TEXT    NOT NULL CHECK (kind IN ('case', 'question', 'signup', 'print')),
    entity_id   INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    language    TEXT,
    variant     TEXT    NOT NULL DEFAULT 'new',
    quoted_id   INTEGER,
    sent_at     TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
INSERT INTO alert_messages_new (kind, entity_id, chat_id, message_id, language, variant,
                                quoted_id, sent_at)
    SELECT kind, entity_id, chat_id, message_id, language, variant, quoted_id, sent_at
    FROM alert_messages;
DROP TABLE alert_messages;
ALTER TABLE alert_messages_new RENAME TO alert_messages;
CREATE INDEX alert_messages_entity ON alert_messages (kind, entity_id);
