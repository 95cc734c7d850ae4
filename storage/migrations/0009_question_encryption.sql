-- Question texts, photos and shared contacts are encrypted at rest (bot/crypto.py), like cases.
-- `sealed` = 1 marks a row whose text, photo and contact columns hold ciphertext; rows written
-- before this version are 0 until the start-up hook of handlers/questions.py seals them.
ALTER TABLE questions ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE question_messages ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
