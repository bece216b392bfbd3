-- Support and knowledge: calendars, case conversations, comments, likes, views, settings.

CREATE TABLE calendars (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- The conversation on a case: portal messages, replies from the console, complaints, e-mails.
CREATE TABLE case_messages (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('message', 'complaint', 'email')),
    via TEXT NOT NULL CHECK (via IN ('portal', 'console', 'email')),
    author_id TEXT,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX case_messages_by_case ON case_messages (tenant_id, case_id, created_at);

CREATE TABLE article_comments (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT,
    deleted_at TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX article_comments_by_article ON article_comments (tenant_id, article_id, created_at);

-- Likes of articles and of comments, one per user and target.
CREATE TABLE reactions (
    tenant_id BIGINT NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('article', 'comment')),
    target_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, target, target_id, user_id)
);
CREATE INDEX reactions_by_time ON reactions (tenant_id, target, at);

-- Article views, counted once per user and day (for "popular articles").
CREATE TABLE article_views (
    tenant_id BIGINT NOT NULL,
    article_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    PRIMARY KEY (tenant_id, article_id, user_id, day)
);
CREATE INDEX article_views_by_day ON article_views (tenant_id, day);

-- Tenant settings (e.g. the case number template), by key.
CREATE TABLE settings (
    tenant_id BIGINT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['calendars', 'case_messages', 'article_comments', 'reactions', 'article_views', 'settings']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = portico_current_tenant())
                            WITH CHECK (tenant_id = portico_current_tenant())', t);
    END LOOP;
END
$$;
