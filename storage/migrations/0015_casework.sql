-- Case work as Decree 56 and the staff need it (issue 17): the 12-hour clock is for
-- emergency intervention, the 5-working-day clock is met by an approved plan, plans with
-- content and approval, working Saturdays, one-time invites, sign-ups checked by phone or
-- username. Columns ending in _enc hold Fernet tokens (bot/crypto.py).

-- The 12-hour clock was called 'assessment'; it measures emergency intervention (Điều 26.3).
-- `warned_at` is the reminder before the deadline (to the person in charge and the area's
-- staff); `overdue_sent_at` the escalation to the administrators.
CREATE TABLE case_deadlines_new (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('emergency', 'plan')),
    started_by      TEXT,
    due_at          TEXT    NOT NULL,
    remind_at       TEXT    NOT NULL,
    reminded_at     TEXT,
    overdue_sent_at TEXT,
    met_at          TEXT,
    UNIQUE (case_id, kind)
);
INSERT INTO case_deadlines_new (id, case_id, kind, started_by, due_at, remind_at, reminded_at,
                                overdue_sent_at, met_at)
    SELECT id, case_id, CASE kind WHEN 'assessment' THEN 'emergency' ELSE kind END,
           CASE kind WHEN 'assessment' THEN 'reporter' ELSE 'receipt' END,
           due_at, remind_at, reminded_at, overdue_sent_at, met_at
    FROM case_deadlines;
DROP TABLE case_deadlines;
ALTER TABLE case_deadlines_new RENAME TO case_deadlines;
CREATE INDEX case_deadlines_open ON case_deadlines (met_at, due_at);

-- The decision on emergency intervention: measures applied (what, when) or not needed (why).
CREATE TABLE case_emergency (
    case_id      INTEGER PRIMARY KEY REFERENCES cases (id),
    decision     TEXT    NOT NULL CHECK (decision IN ('applied', 'not_needed')),
    detail_enc   TEXT    NOT NULL,
    applied_at   TEXT,
    decided_by   INTEGER NOT NULL,
    decided_at   TEXT    NOT NULL
);

-- Support/intervention plans (Mẫu 04) and their approval (Mẫu 05). One row per version;
-- a new plan after review is a new version. Goals and actions may name people: encrypted.
CREATE TABLE case_plans (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    version         INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN
                    ('draft', 'submitted', 'approved', 'returned', 'superseded')),
    goals_enc       TEXT,
    actions_enc     TEXT,
    services        TEXT    NOT NULL DEFAULT '',
    drafted_by      INTEGER NOT NULL,
    submitted_by    INTEGER,
    submitted_at    TEXT,
    decided_by      INTEGER,
    decided_at      TEXT,
    decision_note_enc TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (case_id, version)
);

-- Days off and working days added by staff (a new year's list when it is announced); they
-- take precedence over content/holidays.json for the same day.
CREATE TABLE calendar_days (
    day         TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('off', 'work')),
    name        TEXT    NOT NULL,
    provisional INTEGER NOT NULL DEFAULT 0,
    added_by    INTEGER NOT NULL,
    added_at    TEXT    NOT NULL
);

-- One-time invite links for trainings: signing up through one makes the person active in
-- the role and unit at once. Only a hash of the token is kept. `ward` is today's unit code
-- (none for a staff invite to a whole programme area); `scope` what invited staff cover.
CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL CHECK (role IN ('collaborator', 'staff')),
    ward        TEXT,
    scope       TEXT,
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_by     INTEGER,
    used_at     TEXT,
    CHECK (ward IS NOT NULL OR (role = 'staff' AND scope IS NOT NULL))
);

-- The Telegram username at sign-up, so approvers can check who asks; and who may approve
-- support plans for their area (the commune chairperson's delegate).
ALTER TABLE users ADD COLUMN username TEXT;
ALTER TABLE users ADD COLUMN approves_plans INTEGER NOT NULL DEFAULT 0;
