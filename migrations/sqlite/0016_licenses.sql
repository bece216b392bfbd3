-- Portal licenses: the configuration whose license an external user holds (an active user holds
-- it; a deactivated one keeps the name for when they come back, but holds nothing).
ALTER TABLE users ADD COLUMN license TEXT CHECK (license IN ('self-service', 'customer', 'partner'));
CREATE INDEX users_by_license ON users (tenant_id, kind, license);

-- Users from before licenses take the license they would take now: members of partner
-- organizations the partner license, others the cheapest configuration their tenant runs.
UPDATE users SET license = 'partner'
WHERE kind = 'external' AND organization_id IN (
    SELECT o.id FROM roles o JOIN roles p ON p.tenant_id = o.tenant_id AND p.id = o.parent_id
    WHERE o.tenant_id = users.tenant_id AND p.system_code = 'partner_users');
UPDATE users SET license = CASE
    WHEN NOT EXISTS (SELECT 1 FROM settings s WHERE s.tenant_id = users.tenant_id AND s.key = 'configurations')
      OR EXISTS (SELECT 1 FROM settings s WHERE s.tenant_id = users.tenant_id AND s.key = 'configurations'
                 AND s.value LIKE '%"self-service"%') THEN 'self-service'
    WHEN EXISTS (SELECT 1 FROM settings s WHERE s.tenant_id = users.tenant_id AND s.key = 'configurations'
                 AND s.value LIKE '%"customer"%') THEN 'customer'
    ELSE 'partner' END
WHERE kind = 'external' AND license IS NULL;

-- API calls of portal users by day (in the tenant's time zone): each node counts in memory and
-- adds its counts here in batches.
CREATE TABLE api_calls (
    tenant_id BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day, user_id)
);

-- API calls a day each portal user of the tenant may make (NULL: the default, 1,000).
ALTER TABLE tenants ADD COLUMN api_calls_a_day INTEGER;
