-- Custom sections a tenant uploaded (every version is kept, for rollback) and the one it runs.

CREATE TABLE section_versions (
    tenant_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    version TEXT NOT NULL,
    manifest TEXT NOT NULL,
    -- The component's bytes are in the object store under `plugins/{component_hash}.wasm`.
    component_hash TEXT NOT NULL,
    icon TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code, version)
);

-- An uninstalled section has no row here; its versions and records stay until purged.
CREATE TABLE installed_sections (
    tenant_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    version TEXT NOT NULL,
    previous_version TEXT,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    -- Capabilities the tenant's administrator granted (JSON array of names).
    granted TEXT NOT NULL,
    -- Why its record pages are read-only (over the configuration's per-page limit), if they are.
    read_only_reason TEXT,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- What happened to a record through its actions (approvals among them): who, when, from which
-- status to which, with the comment.
CREATE TABLE record_events (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    comment TEXT,
    user_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX record_events_by_record ON record_events (tenant_id, object, record_id, at);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['section_versions', 'installed_sections', 'record_events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = portico_current_tenant())
                            WITH CHECK (tenant_id = portico_current_tenant())', t);
    END LOOP;
END
$$;
