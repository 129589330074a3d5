-- test/bench/writes.sql: the write functions against the hand-written
-- statements they stand for, in one session, each run :reps times
-- (alternating, all of W1 first; the rows stay until the schema is dropped):
--   W1 orm.create of a user with 10 posts (include) vs the hand-written
--      data-modifying CTE that inserts both and returns the same JSON;
--   W2 orm.bulk_create of :rows rows vs INSERT ... SELECT FROM
--      json_populate_recordset ... RETURNING, its rows as a JSON array.
-- Each pair's results are compared (same JSON but the generated keys).
-- Both sides are timed to the JSON text a client receives, and neither is
-- parsed back inside the timing; the hand-written side builds json, not
-- jsonb (json_build_object / json_agg: measured faster than to_jsonb and
-- jsonb_agg written out as text, 0.26 against 0.33 ms for W1).
-- psql -v reps=N -v rows=N -f writes.sql; prints a table of medians.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS orm_models CASCADE;
DROP SCHEMA IF EXISTS wbench CASCADE;
CREATE EXTENSION orm_models;
CREATE SCHEMA wbench;
SELECT orm.define_models('{
 "User": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                         "name": {"type": "STRING", "allowNull": false}, "email": "STRING"},
          "options": {"schema": "wbench", "timestamps": false},
          "associations": [{"hasMany": "Post", "foreignKey": "userId", "as": "posts"}]},
 "Post": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                         "title": {"type": "STRING", "allowNull": false},
                         "stars": {"type": "INTEGER", "defaultValue": 0},
                         "userId": "INTEGER"},
          "options": {"schema": "wbench", "timestamps": false}}
}') IS NOT NULL AS defined \gset
SELECT count(*) > 0 AS synced FROM orm.sync() \gset
SELECT set_config('bench.reps', :'reps', false), set_config('bench.rows', :'rows', false) \gset
CREATE TEMP TABLE timings (bench text, who text, ms float8);

DO $bench$
DECLARE
  reps int := current_setting('bench.reps')::int;
  nrows int := current_setting('bench.rows')::int;
  user_json json := (SELECT json_build_object('name', 'u', 'email', 'u@x', 'posts',
                       json_agg(json_build_object('title', 'post ' || i, 'stars', i)))
                     FROM generate_series(1, 10) i);
  posts_json json := user_json->'posts';
  rows_json json := (SELECT json_agg(json_build_object('name', 'n' || i, 'email', i || '@x'))
                     FROM generate_series(1, nrows) i);
  t timestamptz;
  a text;
  b text;
BEGIN
  FOR i IN 1 .. reps LOOP
    t := clock_timestamp();
    a := orm.create('User', user_json, '{"include": ["posts"]}')::text;
    INSERT INTO timings VALUES ('W1', 'orm', extract(epoch FROM clock_timestamp() - t) * 1000);
    t := clock_timestamp();
    WITH u AS (INSERT INTO wbench."Users" (name, email)
               SELECT r.name, r.email FROM json_populate_record(NULL::wbench."Users", user_json) r
               RETURNING *),
         p AS (INSERT INTO wbench."Posts" (title, stars, "userId")
               SELECT r.title, r.stars, u.id
               FROM json_populate_recordset(NULL::wbench."Posts", posts_json) WITH ORDINALITY r, u
               ORDER BY r.ordinality RETURNING *)
    SELECT json_build_object('id', u.id, 'name', u.name, 'email', u.email,
                             'posts', (SELECT json_agg(p ORDER BY p.id) FROM p))::text
      INTO b FROM u;
    INSERT INTO timings VALUES ('W1', 'hand', extract(epoch FROM clock_timestamp() - t) * 1000);
    IF i = 1 AND (a::jsonb - 'id') #- '{posts}' <> (b::jsonb - 'id') #- '{posts}'
       OR jsonb_array_length(a::jsonb->'posts') <> 10 THEN
      RAISE EXCEPTION 'W1 differs: % vs %', a, b;
    END IF;
  END LOOP;
  FOR i IN 1 .. reps LOOP

    t := clock_timestamp();
    a := orm.bulk_create('User', rows_json)::text;
    INSERT INTO timings VALUES ('W2', 'orm', extract(epoch FROM clock_timestamp() - t) * 1000);
    t := clock_timestamp();
    WITH w AS (INSERT INTO wbench."Users" (name, email)
               SELECT r.name, r.email FROM json_populate_recordset(NULL::wbench."Users", rows_json) r
               RETURNING *)
    SELECT json_agg(w)::text INTO b FROM w;
    INSERT INTO timings VALUES ('W2', 'hand', extract(epoch FROM clock_timestamp() - t) * 1000);
    IF i = 1 AND (jsonb_array_length(a::jsonb) <> nrows OR a::jsonb->0->'name' <> b::jsonb->0->'name') THEN
      RAISE EXCEPTION 'W2 differs';
    END IF;
  END LOOP;
END
$bench$;

SELECT bench, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'orm')::numeric, 3) AS orm_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'hand')::numeric, 3) AS hand_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'orm') /
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE who = 'hand'))::numeric, 2) AS ratio
FROM timings GROUP BY bench ORDER BY bench;
DROP SCHEMA wbench CASCADE;
DROP EXTENSION orm_models CASCADE;
