-- A report whose reporter said "in danger now" alerted staff before it was sent. When it is
-- still not sent a while later, the reporter is reminded and staff are told (once): the
-- moment of the alert and of that follow-up, kept beside the draft (outside its encryption:
-- times only, nothing about the child).
ALTER TABLE report_drafts ADD COLUMN alerted_at TEXT;
ALTER TABLE report_drafts ADD COLUMN followed_up_at TEXT;
CREATE INDEX report_drafts_unsent_alerts ON report_drafts (alerted_at)
    WHERE alerted_at IS NOT NULL AND followed_up_at IS NULL;
