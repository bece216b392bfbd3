-- The columns each user chose for a list (a JSON array of column names).
CREATE TABLE list_columns (
    tenant_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    object TEXT NOT NULL,
    columns TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, object)
);

-- Tags people put on records; a list filters on them (`tag:eq:name`) through the primary key.
CREATE TABLE record_tags (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object, record_id, tag)
);

-- Folders of a list: static (the records people put in them) or dynamic (filter conditions in
-- AND/OR groups, as JSON), in a tree, private to their owner or shared with a role.
CREATE TABLE folders (
    tenant_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    object TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id TEXT,
    owner_id TEXT NOT NULL,
    shared_with TEXT,
    condition TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX folders_by_object ON folders (tenant_id, object);

CREATE TABLE folder_records (
    tenant_id INTEGER NOT NULL,
    folder_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, folder_id, record_id),
    FOREIGN KEY (tenant_id, folder_id) REFERENCES folders (tenant_id, id) ON DELETE CASCADE
);
-- A record's page lists the folders that hold it.
CREATE INDEX folder_records_by_record ON folder_records (tenant_id, record_id);
