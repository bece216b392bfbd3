-- Access: role trees, memberships, portal organizations, the four permission gates' data, system
-- operations and the audit log. Same tables as migrations/postgres/0002.

CREATE TABLE roles (
    tenant_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('root', 'organizational', 'functional', 'organization')),
    audience TEXT NOT NULL CHECK (audience IN ('external', 'employee')),
    parent_id TEXT,
    account_id TEXT,
    system_code TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, system_code),
    UNIQUE (tenant_id, account_id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES roles (tenant_id, id),
    CHECK ((kind = 'root') = (parent_id IS NULL)),
    CHECK ((kind = 'organization') = (account_id IS NOT NULL))
) STRICT;

CREATE TABLE role_members (
    tenant_id INTEGER NOT NULL,
    role_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, role_id, user_id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX role_members_by_user ON role_members (tenant_id, user_id);

-- SQLite cannot add a foreign key to an existing table; the service keeps organization_id valid.
ALTER TABLE users ADD COLUMN contact_id TEXT;
ALTER TABLE users ADD COLUMN organization_id TEXT;
ALTER TABLE users ADD COLUMN organization_admin INTEGER NOT NULL DEFAULT 0 CHECK (organization_admin IN (0, 1));
CREATE INDEX users_by_organization ON users (tenant_id, organization_id);
CREATE UNIQUE INDEX users_by_contact ON users (tenant_id, contact_id);

-- Contacts are found by e-mail when portal users are added by address.
CREATE INDEX records_by_email ON records (tenant_id, object, lower(data->>'email'));

CREATE TABLE portal_objects (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object)
) STRICT;

CREATE TABLE object_grants (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('create', 'read', 'update', 'delete')),
    grantee_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object, operation, grantee_id)
) STRICT;

CREATE TABLE record_access (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
    source TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object, record_id, grantee_id, source)
) STRICT;
CREATE INDEX record_access_by_grantee ON record_access (tenant_id, object, grantee_id, record_id);

CREATE TABLE access_rules (
    tenant_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    object TEXT NOT NULL,
    author_role_id TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, object, author_role_id, grantee_id),
    FOREIGN KEY (tenant_id, author_role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE column_permissions (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    field TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('hidden', 'read_only', 'editable')),
    PRIMARY KEY (tenant_id, object, field, grantee_id)
) STRICT;

CREATE TABLE operation_grants (
    tenant_id INTEGER NOT NULL,
    operation TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, operation, grantee_id)
) STRICT;

CREATE TABLE seeded_defaults (
    tenant_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
) STRICT;

CREATE TABLE audit_log (
    tenant_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at);
