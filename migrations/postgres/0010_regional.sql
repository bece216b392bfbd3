-- Regional settings: the language and time zone a tenant's people see by default, and each user's
-- own choice (NULL: the tenant's, then the browser's). The tenant's default language was the mail
-- setting `mail:language`; it now serves the portal and console too.
ALTER TABLE tenants ADD COLUMN language TEXT;
ALTER TABLE tenants ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;

-- Settings are row-level secured even for their owner: move each tenant's value as that tenant.
DO $$
DECLARE
    t RECORD;
BEGIN
    FOR t IN SELECT id FROM tenants LOOP
        PERFORM set_config('portico.tenant_id', t.id::TEXT, true);
        UPDATE tenants SET language = (
            SELECT value FROM settings WHERE tenant_id = t.id AND key = 'mail:language'
        ) WHERE id = t.id;
        DELETE FROM settings WHERE tenant_id = t.id AND key = 'mail:language';
    END LOOP;
    PERFORM set_config('portico.tenant_id', '', true);
END
$$;
