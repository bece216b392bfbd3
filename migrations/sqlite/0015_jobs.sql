-- Work queued by a change, done by whichever node's jobs worker claims it first: one row per
-- piece of work (a second request for the same work while it waits is the same row).
CREATE TABLE jobs (
    tenant_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, subject)
);
CREATE INDEX jobs_by_time ON jobs (tenant_id, queued_at);
