-- A person's photo on their profile: the name it is stored under (a new name for each photo).
ALTER TABLE users ADD COLUMN photo TEXT;
