-- Mail (outbox, templates), attachments, and full-text search. Same tables as
-- migrations/postgres/0005; search uses an FTS5 index with the porter stemmer.

-- E-mail waiting to be delivered (or, with no SMTP configured, shown in the console's mailbox).
-- Written in the same transaction as the change that caused it.
CREATE TABLE outbox (
    tenant_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    template TEXT NOT NULL,
    to_address TEXT NOT NULL,
    to_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    leased_until TEXT,
    last_error TEXT,
    sent_at TEXT,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX outbox_due ON outbox (tenant_id, status, next_attempt_at);

-- A tenant's own wording of an e-mail, per language (fallback: English, then the built-in text).
CREATE TABLE mail_templates (
    tenant_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code, language)
) STRICT;

-- Files attached to records or messages; the bytes are in the object store under `location`.
CREATE TABLE attachments (
    tenant_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    location TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT;
CREATE INDEX attachments_by_owner ON attachments (tenant_id, owner_kind, owner_id);

-- Words indexed per tenant, for typo-tolerant search (a one-letter typo finds the nearest word).
CREATE TABLE search_terms (
    tenant_id INTEGER NOT NULL,
    term TEXT NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, term)
) STRICT;

CREATE TABLE search_documents (
    tenant_id INTEGER NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object, record_id)
) STRICT;

-- The full-text index over search_documents (external content), kept in step by triggers.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body,
    content = 'search_documents', content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
