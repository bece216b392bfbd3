-- Foundation: tenants, identity, sessions, tokens, sign-in throttling, numbering and the record store.
-- Every tenant-owned table has tenant_id first in its primary key and is guarded by row-level
-- security against portico.tenant_id, set per transaction (FORCE: the owner is subject too).

CREATE TABLE tenants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    created_at TEXT NOT NULL
);

-- The tenant of the current transaction; NULL when unset, so a forgotten SET matches no row.
CREATE FUNCTION portico_current_tenant() RETURNS BIGINT
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('portico.tenant_id', true), '')::BIGINT $$;

CREATE TABLE users (
    tenant_id BIGINT NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    login TEXT NOT NULL,
    full_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('employee', 'external', 'system')),
    password_hash TEXT,
    created_at TEXT NOT NULL,
    deactivated_at TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, login)
);

CREATE TABLE sessions (
    tenant_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);

CREATE TABLE api_tokens (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_by_user ON api_tokens (tenant_id, user_id);

-- Single-use links (account setup, password recovery); only a hash of the token is kept.
CREATE TABLE one_time_tokens (
    tenant_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'recovery')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- Failed sign-ins per subject ("login:<email>" or "address:<ip>") for throttling and locking.
CREATE TABLE login_failures (
    tenant_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    failures BIGINT NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (tenant_id, subject)
);

-- Per-tenant sequences (record numbers); incremented with an upsert so concurrent writers serialise.
CREATE TABLE counters (
    tenant_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- The universal record table: one row per record of any object, its fields in `data`.
CREATE TABLE records (
    tenant_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    id TEXT NOT NULL,
    number TEXT NOT NULL,
    data JSONB NOT NULL,
    owner_id TEXT,
    organization_id TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (tenant_id, object, id),
    UNIQUE (tenant_id, object, number),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'api_tokens', 'one_time_tokens', 'login_failures',
                             'counters', 'records']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = portico_current_tenant())
                            WITH CHECK (tenant_id = portico_current_tenant())', t);
    END LOOP;
END
$$;
