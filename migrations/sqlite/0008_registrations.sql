-- People who registered on the portal and have not confirmed their address yet. The user is
-- created only on confirmation, so an unconfirmed registration holds no account; it expires.
CREATE TABLE registrations (
    tenant_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    login TEXT NOT NULL,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, token_hash)
) STRICT;
CREATE INDEX registrations_by_login ON registrations (tenant_id, login);
CREATE INDEX registrations_by_expiry ON registrations (tenant_id, expires_at);
