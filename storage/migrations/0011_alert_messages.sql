-- Every staff copy of an alert the bot sent about a case or a question ticket, so that when
-- one person acts (accepts, assigns, closes, answers, marks as spam) the other copies can be
-- edited to show it. Ids only: the text is rendered again from the case or ticket.
CREATE TABLE alert_messages (
    kind        TEXT    NOT NULL CHECK (kind IN ('case', 'question')),
    entity_id   INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    -- language the copy was written in (NULL = the bot's default, e.g. a staff group)
    language    TEXT,
    -- which alert it was ('new', 'follow_up', 'escalated') and, for a question ticket, the
    -- question message it quotes, so the same text can be rendered again
    variant     TEXT    NOT NULL DEFAULT 'new',
    quoted_id   INTEGER,
    sent_at     TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX alert_messages_entity ON alert_messages (kind, entity_id);
