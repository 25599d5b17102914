-- The PostgreSQL peer of bench/search: the same guides, PostgreSQL's own `danish` text search
-- configuration (Snowball stemmer and stop words), a GIN index, and a function that times each
-- query inside the server so the client round trip is not part of the figure.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE TABLE guides (
  id text PRIMARY KEY,
  municipality text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('danish', title), 'A') || setweight(to_tsvector('danish', body), 'B')) STORED
);
CREATE TABLE queries (qid int PRIMARY KEY, q text NOT NULL, municipality text NOT NULL);
CREATE UNLOGGED TABLE timings (mode text, round int, qid int, us float8, hits int, top text);

-- One round over all queries. mode 'web': websearch_to_tsquery, every word must match (what an
-- application would write). mode 'any': the same lexemes joined with OR, as our engine treats the
-- words (more matches means more documents ranked). Both rank the caller's municipality first,
-- then ts_rank_cd, and build ts_headline snippets for the top 10, as ours does.
CREATE FUNCTION bench_round(mode text, round int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r record;
  t0 timestamptz;
  tq tsquery;
  n int;
  top text;
  chars bigint;
BEGIN
  FOR r IN SELECT * FROM queries ORDER BY qid LOOP
    t0 := clock_timestamp();
    IF mode = 'web' THEN
      tq := websearch_to_tsquery('danish', r.q);
    ELSE
      tq := replace(plainto_tsquery('danish', r.q)::text, '&', '|')::tsquery;
    END IF;
    -- Summing the snippets' lengths makes sure they are computed.
    SELECT count(*), (array_agg(id ORDER BY own DESC, rank DESC))[1], sum(length(ts_headline('danish', body, tq)))
      INTO n, top, chars
      FROM (SELECT id, body, municipality = r.municipality AS own, ts_rank_cd(tsv, tq) AS rank
              FROM guides
             WHERE tsv @@ tq
             ORDER BY own DESC, rank DESC
             LIMIT 10) best;
    INSERT INTO timings VALUES (mode, round, r.qid, extract(epoch FROM clock_timestamp() - t0) * 1e6, n, top);
  END LOOP;
END $$;
