-- "Was this helpful?": one answer per reader and article.
CREATE TABLE article_votes (
    tenant_id BIGINT NOT NULL,
    article_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, article_id, user_id)
);
CREATE INDEX article_votes_by_time ON article_votes (tenant_id, at);

-- Articles suggested while a customer wrote a new case's subject, and opened by them; whether
-- they filed a case after (within a day) or not (the case was deflected).
CREATE TABLE deflections (
    tenant_id BIGINT NOT NULL,
    id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    case_filed_at TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deflections_by_user ON deflections (tenant_id, user_id, opened_at);
CREATE INDEX deflections_by_time ON deflections (tenant_id, opened_at);
