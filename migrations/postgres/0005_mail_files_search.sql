-- Mail (outbox, templates), attachments, and full-text search.

-- E-mail waiting to be delivered (or, with no SMTP configured, shown in the console's mailbox).
-- Written in the same transaction as the change that caused it.
CREATE TABLE outbox (
    tenant_id BIGINT NOT NULL,
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
);
CREATE INDEX outbox_due ON outbox (tenant_id, status, next_attempt_at);

-- A tenant's own wording of an e-mail, per language (fallback: English, then the built-in text).
CREATE TABLE mail_templates (
    tenant_id BIGINT NOT NULL,
    code TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code, language)
);

-- Files attached to records or messages; the bytes are in the object store under `location`.
CREATE TABLE attachments (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    location TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX attachments_by_owner ON attachments (tenant_id, owner_kind, owner_id);

-- Words indexed per tenant, for typo-tolerant search (a one-letter typo finds the nearest word).
CREATE TABLE search_terms (
    tenant_id BIGINT NOT NULL,
    term TEXT NOT NULL,
    documents BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, term)
);

-- Searchable documents (knowledge articles): a weighted tsvector with a GIN index.
CREATE TABLE search_documents (
    tenant_id BIGINT NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    document tsvector NOT NULL,
    PRIMARY KEY (tenant_id, object, record_id)
);
CREATE INDEX search_documents_fts ON search_documents USING GIN (document);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['outbox', 'mail_templates', 'attachments', 'search_terms', 'search_documents']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = portico_current_tenant())
                            WITH CHECK (tenant_id = portico_current_tenant())', t);
    END LOOP;
END
$$;
