-- Foundation: people, the audit trail, and python-telegram-bot's persisted state.

CREATE TABLE users (
    telegram_id     INTEGER PRIMARY KEY,
    display_name    TEXT    NOT NULL DEFAULT '',
    -- role: public (parents and anyone), collaborator, staff, admin
    role            TEXT    NOT NULL DEFAULT 'public'
                    CHECK (role IN ('public', 'collaborator', 'staff', 'admin')),
    -- the role asked for at onboarding and waiting for approval, if any
    requested_role  TEXT    CHECK (requested_role IN ('collaborator', 'staff')),
    status          TEXT    NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'pending', 'rejected', 'deactivated')),
    language        TEXT    NOT NULL DEFAULT 'vi',
    district        TEXT,
    ward            TEXT,
    phone           TEXT,
    subscribed_announcements INTEGER NOT NULL DEFAULT 1,
    subscribed_reminders     INTEGER NOT NULL DEFAULT 1,
    reachable       INTEGER NOT NULL DEFAULT 1,
    source          TEXT,
    onboarded       INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    last_seen_at    TEXT
);
CREATE INDEX users_role_district ON users (role, district, status);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    actor_id    INTEGER,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    detail      TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- State of python-telegram-bot's persistence, as JSON.
CREATE TABLE ptb_conversations (
    name    TEXT NOT NULL,
    key     TEXT NOT NULL,
    state   TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE ptb_user_data (
    user_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_chat_data (
    chat_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_bot_data (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    data    TEXT NOT NULL
);
