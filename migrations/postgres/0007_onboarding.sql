-- Invitations: when the latest one went out, and when the user accepted one (chose a password
-- through it). Shown per user in the console.
ALTER TABLE users ADD COLUMN invited_at TEXT;
ALTER TABLE users ADD COLUMN invitation_accepted_at TEXT;
-- Before this, acceptance was not recorded: for users who have a password, creation stands in.
UPDATE users SET invitation_accepted_at = created_at WHERE password_hash IS NOT NULL;
