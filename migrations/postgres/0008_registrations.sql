-- People who registered on the portal and have not confirmed their address yet. The user is
-- created only on confirmation, so an unconfirmed registration holds no account; it expires.
CREATE TABLE registrations (
    tenant_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    login TEXT NOT NULL,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, token_hash)
);
CREATE INDEX registrations_by_login ON registrations (tenant_id, login);
CREATE INDEX registrations_by_expiry ON registrations (tenant_id, expires_at);

ALTER TABLE registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE registrations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON registrations
    USING (tenant_id = portico_current_tenant())
    WITH CHECK (tenant_id = portico_current_tenant());
