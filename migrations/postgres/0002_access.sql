-- Access: role trees, memberships, portal organizations, the four permission gates' data, system
-- operations and the audit log. Same RLS pattern as 0001.

-- Roles form two trees, rooted at "All external users" and "All employees". A portal organization
-- is a role linked to an Account record. Membership of the root of one's kind is implicit.
CREATE TABLE roles (
    tenant_id BIGINT NOT NULL,
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
);

CREATE TABLE role_members (
    tenant_id BIGINT NOT NULL,
    role_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, role_id, user_id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX role_members_by_user ON role_members (tenant_id, user_id);

-- An external user belongs to at most one portal organization, and may administer it.
ALTER TABLE users ADD COLUMN contact_id TEXT;
ALTER TABLE users ADD COLUMN organization_id TEXT;
ALTER TABLE users ADD COLUMN organization_admin INTEGER NOT NULL DEFAULT 0 CHECK (organization_admin IN (0, 1));
ALTER TABLE users ADD FOREIGN KEY (tenant_id, organization_id) REFERENCES roles (tenant_id, id);
CREATE INDEX users_by_organization ON users (tenant_id, organization_id);
CREATE UNIQUE INDEX users_by_contact ON users (tenant_id, contact_id);

-- Contacts are found by e-mail when portal users are added by address.
CREATE INDEX records_by_email ON records (tenant_id, object, lower(data->>'email'));

-- Gate 1: the objects external users may reach at all.
CREATE TABLE portal_objects (
    tenant_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object)
);

-- Gate 2: object operations granted to a role or a user (a grantee).
CREATE TABLE object_grants (
    tenant_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('create', 'read', 'update', 'delete')),
    grantee_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object, operation, grantee_id)
);

-- Gate 3: who may read (1), edit (2) or delete (3) each record, and why (source). The index by
-- grantee drives list queries: a page costs the same however many records the tenant has.
CREATE TABLE record_access (
    tenant_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
    source TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object, record_id, grantee_id, source)
);
CREATE INDEX record_access_by_grantee ON record_access (tenant_id, object, grantee_id, record_id);

-- Default-rights rules, applied when a record is created: records created by members of
-- author_role_id grant `level` to grantee_id (a role, a user, or the author's organization).
CREATE TABLE access_rules (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    object TEXT NOT NULL,
    author_role_id TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level IN (1, 2, 3)),
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, object, author_role_id, grantee_id),
    FOREIGN KEY (tenant_id, author_role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
);

-- Gate 4: a column's access for a grantee. With no entry for a column, it is editable.
CREATE TABLE column_permissions (
    tenant_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    field TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    access TEXT NOT NULL CHECK (access IN ('hidden', 'read_only', 'editable')),
    PRIMARY KEY (tenant_id, object, field, grantee_id)
);

-- System operations ("Manage portal users", ...) and the portal basics every external user gets.
CREATE TABLE operation_grants (
    tenant_id BIGINT NOT NULL,
    operation TEXT NOT NULL,
    grantee_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, operation, grantee_id)
);

-- Which seeded defaults a tenant has received, so an administrator's later removal sticks.
CREATE TABLE seeded_defaults (
    tenant_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

-- Every change of permissions: who, when, what, before and after.
CREATE TABLE audit_log (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['roles', 'role_members', 'portal_objects', 'object_grants', 'record_access',
                             'access_rules', 'column_permissions', 'operation_grants', 'seeded_defaults',
                             'audit_log']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = portico_current_tenant())
                            WITH CHECK (tenant_id = portico_current_tenant())', t);
    END LOOP;
END
$$;
