-- News of a reply or comment waiting to be told to its record's followers: the write that made
-- it queues it (with a `tell_followers` job naming its id), and the jobs worker tells them after
-- the write committed, so the writer does not wait for up to a hundred followers' rights checks.
CREATE TABLE follower_news (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    object TEXT NOT NULL,
    record_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    excerpt TEXT,
    -- Those told already by the write (the people a comment mentions, the other side of a
    -- reply): a JSON array of user ids.
    told TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

