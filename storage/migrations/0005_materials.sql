-- Communication materials, their Telegram file cache, deliveries, print requests and posters.

CREATE TABLE materials (
    id          INTEGER PRIMARY KEY,
    -- key of a shipped starter material (content/materials/); NULL for staff additions
    slug        TEXT UNIQUE,
    title       TEXT NOT NULL,
    title_en    TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    summary_en  TEXT NOT NULL DEFAULT '',
    topic       TEXT NOT NULL,
    -- comma-separated audience codes, e.g. 'parents,teachers'
    audiences   TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT 'vi',
    -- formatted text (Telegram HTML), may be empty when the material is only a file
    body        TEXT NOT NULL DEFAULT '',
    -- the file: 'document' or 'photo'; NULL when the material is text only
    file_kind   TEXT CHECK (file_kind IN ('document', 'photo')),
    file_name   TEXT,
    file_mime   TEXT,
    -- where the bytes come from: 'stored' (material_files) or 'poster' (rendered on demand)
    file_source TEXT CHECK (file_source IN ('stored', 'poster')),
    -- Telegram's file_id after the first upload, and what it was made from (e.g. bot username)
    file_id     TEXT,
    file_key    TEXT,
    hidden      INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX materials_listing ON materials (hidden, topic, position);

-- Original bytes of files staff sent, so a file_id Telegram rejects can be uploaded again.
CREATE TABLE material_files (
    material_id INTEGER PRIMARY KEY REFERENCES materials (id) ON DELETE CASCADE,
    data        BLOB NOT NULL
);

-- One row each time the bot hands a material to someone (for the statistics).
CREATE TABLE material_deliveries (
    id           INTEGER PRIMARY KEY,
    material_id  INTEGER NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
    user_id      INTEGER,
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'file')),
    delivered_at TEXT NOT NULL
);
CREATE INDEX material_deliveries_material ON material_deliveries (material_id);

CREATE TABLE print_requests (
    id           INTEGER PRIMARY KEY,
    material_id  INTEGER NOT NULL REFERENCES materials (id),
    requester_id INTEGER NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
    district     TEXT NOT NULL,
    ward         TEXT NOT NULL,
    place        TEXT NOT NULL,
    wanted_by    TEXT NOT NULL,  -- ISO date, local calendar day
    status       TEXT NOT NULL DEFAULT 'requested'
                 CHECK (status IN ('requested', 'approved', 'printed', 'delivered', 'rejected')),
    reason       TEXT,
    handled_by   INTEGER,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX print_requests_queue ON print_requests (district, status);
CREATE INDEX print_requests_requester ON print_requests (requester_id);

-- QR posters staff generated: the deep-link code they carry, for attribution.
CREATE TABLE posters (
    code         TEXT PRIMARY KEY,
    material_id  INTEGER NOT NULL REFERENCES materials (id),
    ward         TEXT,
    created_by   INTEGER,
    created_at   TEXT NOT NULL
);
