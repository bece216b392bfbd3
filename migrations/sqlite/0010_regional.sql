-- Regional settings: the language and time zone a tenant's people see by default, and each user's
-- own choice (NULL: the tenant's, then the browser's). The tenant's default language was the mail
-- setting `mail:language`; it now serves the portal and console too.
ALTER TABLE tenants ADD COLUMN language TEXT;
ALTER TABLE tenants ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;

UPDATE tenants SET language = (
    SELECT value FROM settings WHERE settings.tenant_id = tenants.id AND settings.key = 'mail:language'
);
DELETE FROM settings WHERE key = 'mail:language';
