-- Foundation: tenants, identity, sessions, tokens, sign-in throttling, numbering and the record store.
-- Same tables as migrations/postgres/0001; SQLite has no row-level security, so isolation rests on
-- the tenant_id filter every query carries.

CREATE TABLE tenants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    id TEXT NOT NULL,
    login TEXT NOT NULL,
    full_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('employee', 'external', 'system')),
    password_hash TEXT,
    created_at TEXT NOT NULL,
    deactivated_at TEXT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, login)
) STRICT;

CREATE TABLE sessions (
    tenant_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sessions_by_user ON sessions (tenant_id, user_id);

CREATE TABLE api_tokens (
    tenant_id INTEGER NOT NULL,
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
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens (tenant_id, user_id);

CREATE TABLE one_time_tokens (
    tenant_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    user_id TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('setup', 'recovery')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE login_failures (
    tenant_id INTEGER NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (tenant_id, subject)
) STRICT;

CREATE TABLE counters (
    tenant_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
) STRICT;

CREATE TABLE records (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    id TEXT NOT NULL,
    number TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    owner_id TEXT,
    organization_id TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    modified_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    deleted_at TEXT,
    PRIMARY KEY (tenant_id, object, id),
    UNIQUE (tenant_id, object, number),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
) STRICT;
