-- OpenID Connect providers people sign in with. A tenant's providers (organization_id NULL) are
-- for its employees (entrance 'console') or portal users (entrance 'portal'); an organization's
-- own provider (organization_id set) signs in the people of its verified e-mail domain only.
-- The client secret is sealed (AEAD) with the server's secrets key: the database alone does not
-- reveal it.
CREATE TABLE identity_providers (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    entrance TEXT NOT NULL,
    organization_id TEXT,
    name TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_sealed TEXT NOT NULL,
    email_domain TEXT,
    create_users_in TEXT,
    status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX identity_providers_by_domain ON identity_providers (tenant_id, email_domain);

-- Sign-ins sent to a provider and not yet back: what the answer must match (state, nonce, the
-- PKCE verifier). Each is used once and expires after minutes.
CREATE TABLE sso_sign_ins (
    tenant_id BIGINT NOT NULL,
    state_hash TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, state_hash),
    FOREIGN KEY (tenant_id, provider_id) REFERENCES identity_providers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sso_sign_ins_by_expiry ON sso_sign_ins (tenant_id, expires_at);

ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity_providers
    USING (tenant_id = portico_current_tenant())
    WITH CHECK (tenant_id = portico_current_tenant());

ALTER TABLE sso_sign_ins ENABLE ROW LEVEL SECURITY;
ALTER TABLE sso_sign_ins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sso_sign_ins
    USING (tenant_id = portico_current_tenant())
    WITH CHECK (tenant_id = portico_current_tenant());
