-- Portal licenses: the configuration whose license an external user holds (an active user holds
-- it; a deactivated one keeps the name for when they come back, but holds nothing).
ALTER TABLE users ADD COLUMN license TEXT CHECK (license IN ('self-service', 'customer', 'partner'));
CREATE INDEX users_by_license ON users (tenant_id, kind, license);

-- Users from before licenses take the license they would take now: members of partner
-- organizations the partner license, others the cheapest configuration their tenant runs.
-- Tables are row-level secured even for their owner: each tenant's rows as that tenant.
DO $$
DECLARE
    t RECORD;
    runs TEXT;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('portico.tenant_id', t.id::TEXT, true);
        UPDATE users SET license = 'partner'
        WHERE tenant_id = t.id AND kind = 'external' AND organization_id IN (
            SELECT o.id FROM roles o JOIN roles p ON p.tenant_id = o.tenant_id AND p.id = o.parent_id
            WHERE o.tenant_id = t.id AND p.system_code = 'partner_users');
        SELECT value INTO runs FROM settings WHERE tenant_id = t.id AND key = 'configurations';
        UPDATE users SET license = CASE
            WHEN runs IS NULL OR runs LIKE '%"self-service"%' THEN 'self-service'
            WHEN runs LIKE '%"customer"%' THEN 'customer'
            ELSE 'partner' END
        WHERE tenant_id = t.id AND kind = 'external' AND license IS NULL;
    END LOOP;
    PERFORM set_config('portico.tenant_id', '', true);
END
$$;

-- API calls of portal users by day (in the tenant's time zone): each node counts in memory and
-- adds its counts here in batches.
CREATE TABLE api_calls (
    tenant_id BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    day TEXT NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, day, user_id)
);

ALTER TABLE api_calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_calls FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_calls
    USING (tenant_id = portico_current_tenant())
    WITH CHECK (tenant_id = portico_current_tenant());

-- API calls a day each portal user of the tenant may make (NULL: the default, 1,000).
ALTER TABLE tenants ADD COLUMN api_calls_a_day BIGINT;
