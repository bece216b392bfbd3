-- The feed of every record, not only of articles: comments name their object and record.
ALTER TABLE article_comments RENAME TO comments;
ALTER TABLE comments RENAME COLUMN article_id TO record_id;
ALTER TABLE comments ADD COLUMN object TEXT NOT NULL DEFAULT 'knowledge_article';
DROP INDEX article_comments_by_article;
CREATE INDEX comments_by_record ON comments (tenant_id, record_id, created_at);

-- A like is of a record (any object) or of a comment (SQLite changes a check by a new table).
CREATE TABLE reactions_new (
    tenant_id BIGINT NOT NULL,
    target TEXT NOT NULL CHECK (target IN ('record', 'comment')),
    target_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, target, target_id, user_id)
);
INSERT INTO reactions_new (tenant_id, target, target_id, user_id, at)
    SELECT tenant_id, CASE target WHEN 'article' THEN 'record' ELSE target END, target_id, user_id, at
    FROM reactions;
DROP TABLE reactions;
ALTER TABLE reactions_new RENAME TO reactions;
CREATE INDEX reactions_by_time ON reactions (tenant_id, target, at);

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
