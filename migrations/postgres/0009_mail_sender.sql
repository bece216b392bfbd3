-- The sender of each message, when the tenant set its own (else the platform's).
ALTER TABLE outbox ADD COLUMN from_name TEXT;
ALTER TABLE outbox ADD COLUMN from_address TEXT;
