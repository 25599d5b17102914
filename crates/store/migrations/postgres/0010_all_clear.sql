-- The all-clear a crisis closes with: the authority's words to citizens ("Krisen er ovre …"),
-- shown on the public page and in the feed for a day after closing. Crises closed before this
-- have none (NULL).
ALTER TABLE incidents ADD COLUMN all_clear TEXT;
