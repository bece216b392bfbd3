-- The edition of the built-in defaults a tenant last received (a fingerprint of them): start-up
-- applies defaults only to tenants whose edition differs from the running build's.
ALTER TABLE tenants ADD COLUMN defaults_edition TEXT;
