-- A tenant's own domain for its portal (support.acme.com): claimed with a token, served once a
-- DNS TXT record holding that token was found. Claims may repeat until one is verified; a
-- verified domain belongs to one tenant.
ALTER TABLE tenants ADD COLUMN domain TEXT;
ALTER TABLE tenants ADD COLUMN domain_token TEXT;
ALTER TABLE tenants ADD COLUMN domain_verified_at TEXT;
CREATE UNIQUE INDEX tenants_verified_domain ON tenants (domain) WHERE domain_verified_at IS NOT NULL;
