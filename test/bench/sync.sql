-- test/bench/sync.sql: case 4, a generated schema of n models and 2n
-- associations, defined (orm.define_models) and created (orm.sync force),
-- timed in the server with clock_timestamp().  Runs in a database of its
-- own (sync force drops and recreates every table of the catalog).
--
-- Model i ("Entity000" ...) has three attributes and timestamps;
-- Entity<i> hasMany Entity<i+1 mod n> as "children" (foreign key
-- "parentId"), and belongsTo Entity<7i+3 mod n> as "ref" (foreign key
-- "refId"): 2n foreign keys, 2n indexes, n triggers, and cycles, so some
-- foreign keys are added by ALTER TABLE after both tables exist.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION public.bench_sync_schema(n int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '{' || string_agg(format(
		'%s: {"attributes": {"name": {"type": "STRING", "allowNull": false}, '
		'"value": "INTEGER", "note": "TEXT", "happenedAt": "DATE"}, '
		'"associations": [{"hasMany": %s, "as": "children", "foreignKey": "parentId"}, '
		'{"belongsTo": %s, "as": "ref", "foreignKey": "refId"}]}',
		to_json('Entity' || lpad(i::text, 3, '0')),
		to_json('Entity' || lpad(((i + 1) % n)::text, 3, '0')),
		to_json('Entity' || lpad(((7 * i + 3) % n)::text, 3, '0'))), ', ' ORDER BY i) || '}'
	  FROM generate_series(0, n - 1) AS i
$$;

CREATE OR REPLACE FUNCTION public.bench_sync_run(n int,
	OUT define_ms float8, OUT sync_ms float8, OUT statements int,
	OUT tables int, OUT fkeys int)
LANGUAGE plpgsql AS $$
DECLARE
	js json := public.bench_sync_schema(n)::json;
	t0 timestamptz;
BEGIN
	t0 := clock_timestamp();
	PERFORM orm.define_models(js);
	define_ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
	t0 := clock_timestamp();
	SELECT count(*) INTO statements FROM orm.sync('{"force": true}');
	sync_ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
	SELECT count(*) INTO tables FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
	 WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'Entit%';
	SELECT count(*) INTO fkeys FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace
	 WHERE s.nspname = 'public' AND c.contype = 'f';
END $$;
