-- Today's map (issue 16): since 1 July 2025 there are no districts. Every `ward` column now
-- holds the official code of today's ward/commune (content/units.json) and every `district`
-- column the code of its programme group (content/programme.json: Q8 = "Khu vực Quận 8 cũ",
-- BC = "Khu vực Bình Chánh cũ"), empty/NULL outside the programme's area.
-- An old unit that was split goes to its first successor for now: people are asked once to
-- confirm (users.ward_confirm), and a case keeps the place as reported (reported_place).

CREATE TABLE old_unit_map (
    old     TEXT PRIMARY KEY,
    unit    TEXT NOT NULL,
    grp     TEXT NOT NULL,
    split   INTEGER NOT NULL
);
INSERT INTO old_unit_map (old, unit, grp, split) VALUES
    ('Q8-P01', '27418', 'Q8', 0),
    ('Q8-P02', '27418', 'Q8', 0),
    ('Q8-P03', '27418', 'Q8', 0),
    ('Q8-P08', '27418', 'Q8', 0),
    ('Q8-P09', '27418', 'Q8', 0),
    ('Q8-P10', '27418', 'Q8', 0),
    ('Q8-P11', '27427', 'Q8', 0),
    ('Q8-P12', '27427', 'Q8', 0),
    ('Q8-P13', '27427', 'Q8', 0),
    ('Q8-RACHONG', '27418', 'Q8', 0),
    ('Q8-HUNGPHU', '27418', 'Q8', 0),
    ('Q8-XOMCUI', '27427', 'Q8', 0),
    ('Q8-P04', '27418', 'Q8', 0),
    ('Q8-P05', '27418', 'Q8', 1),
    ('Q8-P06', '27424', 'Q8', 0),
    ('Q8-P07', '27424', 'Q8', 1),
    ('Q8-P14', '27427', 'Q8', 0),
    ('Q8-P15', '27427', 'Q8', 0),
    ('Q8-P16', '27427', 'Q8', 1),
    ('BC-TANTUC', '27595', 'BC', 0),
    ('BC-ANPHUTAY', '27424', 'Q8', 1),
    ('BC-BINHCHANH', '27637', 'BC', 0),
    ('BC-BINHHUNG', '27619', 'BC', 0),
    ('BC-BINHLOI', '27610', 'BC', 0),
    ('BC-DAPHUOC', '27628', 'BC', 0),
    ('BC-HUNGLONG', '27628', 'BC', 0),
    ('BC-LEMINHXUAN', '27610', 'BC', 0),
    ('BC-PHAMVANHAI', '27601', 'BC', 1),
    ('BC-PHONGPHU', '27619', 'BC', 0),
    ('BC-QUYDUC', '27628', 'BC', 0),
    ('BC-TANKIEN', '27595', 'BC', 1),
    ('BC-TANNHUT', '27595', 'BC', 0),
    ('BC-TANQUYTAY', '27637', 'BC', 0),
    ('BC-VINHLOCA', '27601', 'BC', 0),
    ('BC-VINHLOCB', '27604', 'BC', 0);

-- People: their unit, staff scopes (units, groups or "all") and the split units to confirm.
ALTER TABLE users ADD COLUMN scope TEXT;
ALTER TABLE users ADD COLUMN ward_confirm TEXT;
UPDATE users SET scope = district
    WHERE role IN ('staff', 'admin') AND district IN ('Q8', 'BC');
UPDATE users SET ward_confirm = ward
    WHERE ward IN (SELECT old FROM old_unit_map WHERE split = 1);
UPDATE users SET
    district = (SELECT grp FROM old_unit_map WHERE old = users.ward),
    ward = (SELECT unit FROM old_unit_map WHERE old = users.ward)
    WHERE ward IN (SELECT old FROM old_unit_map);

-- Cases: the place as reported stays beside the unit it belongs to now.
ALTER TABLE cases ADD COLUMN reported_place TEXT;
UPDATE cases SET reported_place = ward;
UPDATE cases SET
    district = (SELECT grp FROM old_unit_map WHERE old = cases.ward),
    ward = (SELECT unit FROM old_unit_map WHERE old = cases.ward)
    WHERE ward IN (SELECT old FROM old_unit_map);

-- Staff groups are bound to a unit or to a programme group (the old district codes are
-- the groups' codes, so existing bindings keep working).
CREATE TABLE staff_groups (
    target      TEXT    PRIMARY KEY,
    chat_id     INTEGER NOT NULL UNIQUE,
    bound_by    INTEGER NOT NULL,
    bound_at    TEXT    NOT NULL
);
INSERT INTO staff_groups (target, chat_id, bound_by, bound_at)
    SELECT district, chat_id, bound_by, bound_at FROM district_groups;
DROP TABLE district_groups;

UPDATE events SET
    district = (SELECT grp FROM old_unit_map WHERE old = events.ward),
    ward = (SELECT unit FROM old_unit_map WHERE old = events.ward)
    WHERE ward IN (SELECT old FROM old_unit_map);
UPDATE print_requests SET
    district = (SELECT grp FROM old_unit_map WHERE old = print_requests.ward),
    ward = (SELECT unit FROM old_unit_map WHERE old = print_requests.ward)
    WHERE ward IN (SELECT old FROM old_unit_map);
UPDATE questions SET
    district = (SELECT grp FROM old_unit_map WHERE old = questions.ward),
    ward = (SELECT unit FROM old_unit_map WHERE old = questions.ward)
    WHERE ward IN (SELECT old FROM old_unit_map);
UPDATE posters SET ward = (SELECT unit FROM old_unit_map WHERE old = posters.ward)
    WHERE ward IN (SELECT old FROM old_unit_map);
-- One contact per unit today: of several old wards merged into one unit the first keeps
-- its contact (staff confirm it with /wardcontact); contacts of split wards need re-entry.
UPDATE OR IGNORE ward_contacts SET ward = (SELECT unit FROM old_unit_map WHERE old = ward_contacts.ward)
    WHERE ward IN (SELECT old FROM old_unit_map WHERE split = 0);
DELETE FROM ward_contacts WHERE ward IN (SELECT old FROM old_unit_map);

DROP TABLE old_unit_map;

-- Installed starter materials still naming the abolished district offices get today's
-- wording (only these exact phrases, so staff's own edits stay as they are).
UPDATE materials SET body = replace(body,
    '• Phòng Lao động – Thương binh và Xã hội quận/huyện.',
    '• Sở Y tế TP.HCM (phụ trách công tác bảo vệ trẻ em của thành phố).')
    WHERE slug IS NOT NULL;
UPDATE materials SET body = replace(body,
    'trong bot để cán bộ quận/huyện tiếp nhận.', 'trong bot để cán bộ phường, xã tiếp nhận.')
    WHERE slug IS NOT NULL;
UPDATE materials SET body = replace(body,
    'Cần tư vấn thêm: liên hệ Phòng Lao động – Thương binh và Xã hội quận/huyện.',
    'Cần tư vấn thêm: liên hệ cán bộ bảo vệ trẻ em của UBND phường, xã nơi cơ sở hoạt động.')
    WHERE slug IS NOT NULL;
