-- A tenant's branding (portal title, colours, which logo and favicon it has, and the version its
-- images are stored under) as one JSON document beside the tenant, read with it on every request.
ALTER TABLE tenants ADD COLUMN branding TEXT;
