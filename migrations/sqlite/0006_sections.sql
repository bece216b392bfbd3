-- Custom sections a tenant uploaded (every version is kept, for rollback) and the one it runs.

CREATE TABLE section_versions (
    tenant_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    version TEXT NOT NULL,
    manifest TEXT NOT NULL,
    -- The component's bytes are in the object store under `plugins/{component_hash}.wasm`.
    component_hash TEXT NOT NULL,
    icon TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code, version)
) STRICT;

-- An uninstalled section has no row here; its versions and records stay until purged.
CREATE TABLE installed_sections (
    tenant_id INTEGER NOT NULL,
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
) STRICT;
