-- The page a portal user lands on after signing in: the main page (NULL) or a section's, by
-- its portal menu code. Set from the tenant's "portal start page" when the user is created
-- (a later change of that setting affects new users only, as the reference product does).
ALTER TABLE users ADD COLUMN start_page TEXT;
