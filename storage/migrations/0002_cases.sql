-- Reports of children at risk and the cases they open (issue 4).
-- Columns ending in _enc hold Fernet tokens (bot/crypto.py): never plain personal data.

-- The report being written, one per person, saved after every step.
CREATE TABLE report_drafts (
    user_id     INTEGER PRIMARY KEY,
    data_enc    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- The last case number used per prefix and year (Q8-2021-0042), bumped inside the
-- transaction that inserts the case, so numbers are unique and without gaps.
CREATE TABLE case_sequences (
    prefix  TEXT    NOT NULL,
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    code            TEXT    NOT NULL UNIQUE,
    district        TEXT    NOT NULL,
    ward            TEXT    NOT NULL,
    reporter_id     INTEGER NOT NULL,
    reporter_role   TEXT    NOT NULL,
    urgent          INTEGER NOT NULL DEFAULT 0,
    child_age       INTEGER,
    age_estimated   INTEGER NOT NULL DEFAULT 0,
    child_sex       TEXT    NOT NULL CHECK (child_sex IN ('male', 'female', 'unknown')),
    children        INTEGER NOT NULL DEFAULT 1,
    situations      TEXT    NOT NULL,
    photo_count     INTEGER NOT NULL DEFAULT 0,
    contact_consent INTEGER NOT NULL DEFAULT 0,
    -- encrypted: the child's name, what happened, where exactly, photos, carer, actions,
    -- and the reporter's name and phone (only with consent)
    child_name_enc      TEXT,
    description_enc     TEXT NOT NULL,
    place_detail_enc    TEXT,
    location_enc        TEXT,
    photos_enc          TEXT,
    caregiver_enc       TEXT,
    actions_enc         TEXT,
    reporter_name_enc   TEXT,
    reporter_phone_enc  TEXT,
    status          TEXT    NOT NULL DEFAULT 'received' CHECK (status IN
                    ('received', 'assessment', 'verification', 'planning', 'in_progress',
                     'review', 'closed')),
    risk            TEXT    CHECK (risk IN ('high', 'medium', 'low')),
    assignee_id     INTEGER,
    outcome         TEXT    CHECK (outcome IN
                    ('resolved', 'referred', 'duplicate', 'not_valid', 'moved_away')),
    -- the reporter's chat messages that carried details, for "Delete my messages" (ids only)
    reporter_messages TEXT,
    received_at     TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    closed_at       TEXT
);
CREATE INDEX cases_district_status ON cases (district, status);
CREATE INDEX cases_reporter ON cases (reporter_id, received_at);

-- Notes, referrals, assignments and moves of a case, shown as its history.
CREATE TABLE case_notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    author_id   INTEGER,
    kind        TEXT    NOT NULL CHECK (kind IN ('note', 'referral', 'status', 'assign')),
    body_enc    TEXT,
    detail      TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);

-- Legal clocks: a reminder before the deadline, administrators told once when it passes.
CREATE TABLE case_deadlines (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('assessment', 'plan')),
    due_at          TEXT    NOT NULL,
    remind_at       TEXT    NOT NULL,
    reminded_at     TEXT,
    overdue_sent_at TEXT,
    met_at          TEXT,
    UNIQUE (case_id, kind)
);
CREATE INDEX case_deadlines_open ON case_deadlines (met_at, due_at);

-- A staff group chat per district that receives new-case alerts.
CREATE TABLE district_groups (
    district    TEXT    PRIMARY KEY,
    chat_id     INTEGER NOT NULL UNIQUE,
    bound_by    INTEGER NOT NULL,
    bound_at    TEXT    NOT NULL
);
