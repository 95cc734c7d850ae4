-- Data retention: when personal fields of a closed case were erased, and when each
-- maintenance job last ran (so a daily job runs once a day across restarts).
ALTER TABLE cases ADD COLUMN personal_data_erased_at TEXT;

CREATE TABLE maintenance_runs (
    name        TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL
);
