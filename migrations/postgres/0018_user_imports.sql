-- Bulk imports of portal users: the file's table as read (JSON: its columns and rows), kept from
-- the preview to the import, and the report of what the import did (JSON, NULL until it ran).
-- Uploads nobody imports are removed after a day.
CREATE TABLE user_imports (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    table_data TEXT NOT NULL,
    report TEXT,
    imported_at TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES users (tenant_id, id)
);

ALTER TABLE user_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_imports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_imports
    USING (tenant_id = portico_current_tenant())
    WITH CHECK (tenant_id = portico_current_tenant());

-- A user's one-time links are ended by user (a new invitation ends the last): without this index
-- each one read every link of the tenant, and importing thousands of users slowed row by row.
CREATE INDEX one_time_tokens_by_user ON one_time_tokens (tenant_id, user_id);
