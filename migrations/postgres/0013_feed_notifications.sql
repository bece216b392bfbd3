-- The feed of every record, not only of articles: comments name their object and record.
ALTER TABLE article_comments RENAME TO comments;
ALTER TABLE comments RENAME COLUMN article_id TO record_id;
ALTER TABLE comments ADD COLUMN object TEXT NOT NULL DEFAULT 'knowledge_article';
ALTER TABLE comments ALTER COLUMN object DROP DEFAULT;
ALTER INDEX article_comments_by_article RENAME TO comments_by_record;

-- A like is of a record (any object) or of a comment.
ALTER TABLE reactions DROP CONSTRAINT reactions_target_check;
DO $$
DECLARE
    t RECORD;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('portico.tenant_id', t.id::TEXT, true);
        UPDATE reactions SET target = 'record' WHERE tenant_id = t.id AND target = 'article';
    END LOOP;
    PERFORM set_config('portico.tenant_id', '', true);
END
$$;
ALTER TABLE reactions ADD CONSTRAINT reactions_target_check CHECK (target IN ('record', 'comment'));

-- Who follows which record: they hear of its replies and comments.
CREATE TABLE follows (
    tenant_id BIGINT NOT NULL,
    record_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    object TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, record_id, user_id)
);

-- What the bell shows: something happened to a record its user has reason to hear about. Ids
-- are UUIDv7, so newest first is by id.
CREATE TABLE notifications (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reply', 'approval', 'decision', 'mention', 'activity')),
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    excerpt TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX notifications_by_user ON notifications (tenant_id, user_id, id);

-- Which kinds of notification each user also wants by e-mail (no row: the kind's default).
CREATE TABLE notification_settings (
    tenant_id BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    email INTEGER NOT NULL CHECK (email IN (0, 1)),
    PRIMARY KEY (tenant_id, user_id, kind)
);

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['follows', 'notifications', 'notification_settings']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I
                            USING (tenant_id = portico_current_tenant())
                            WITH CHECK (tenant_id = portico_current_tenant())', t);
    END LOOP;
END
$$;
