-- Information for parents (answer counts, "was this helpful?"), ward contacts, and questions
-- from parents answered by staff (tickets).

-- How often each information entry was shown, by way of the menu or a typed question.
CREATE TABLE info_views (
    topic   TEXT    NOT NULL,
    source  TEXT    NOT NULL CHECK (source IN ('menu', 'faq')),
    count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic, source)
);

-- One vote per person and entry; a later vote replaces the earlier one.
CREATE TABLE info_feedback (
    user_id     INTEGER NOT NULL,
    topic       TEXT    NOT NULL,
    helpful     INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- The child-protection contact of each ward (code from content/areas.json).
CREATE TABLE ward_contacts (
    ward        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    hours       TEXT NOT NULL,
    updated_by  INTEGER,
    updated_at  TEXT NOT NULL
);

-- A question from a parent or member of the public. Staff see the asker's contact only
-- when contact_shared = 1; the asker's Telegram id never leaves the bot.
CREATE TABLE questions (
    id              INTEGER PRIMARY KEY,
    asker_id        INTEGER NOT NULL REFERENCES users (telegram_id),
    district        TEXT,
    ward            TEXT,
    state           TEXT    NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'answered', 'closed')),
    danger          INTEGER NOT NULL DEFAULT 0,
    contact_shared  INTEGER NOT NULL DEFAULT 0,
    contact_name    TEXT,
    contact_phone   TEXT,
    created_at      TEXT    NOT NULL,
    -- since when the ticket waits for staff (reset when the asker writes again)
    waiting_since   TEXT,
    escalated_at    TEXT,
    closed_at       TEXT,
    closed_by       INTEGER
);
CREATE INDEX questions_asker ON questions (asker_id, state);
CREATE INDEX questions_waiting ON questions (state, escalated_at, waiting_since);

CREATE TABLE question_messages (
    id              INTEGER PRIMARY KEY,
    question_id     INTEGER NOT NULL REFERENCES questions (id),
    author          TEXT    NOT NULL CHECK (author IN ('asker', 'staff')),
    staff_id        INTEGER,
    text            TEXT    NOT NULL DEFAULT '',
    photo_file_id   TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX question_messages_question ON question_messages (question_id, id);

-- People whom staff marked as sending spam: they cannot open new questions.
CREATE TABLE question_blocks (
    user_id     INTEGER PRIMARY KEY,
    question_id INTEGER,
    blocked_by  INTEGER,
    created_at  TEXT NOT NULL
);
