-- test/bench/ddl.sql: case 5, a stream of DDL that has nothing to do with
-- orm_models: n CREATE TABLE, then n DROP TABLE, each statement its own
-- transaction.  Installed both in the benchmark database (extension and
-- models there) and in a database without the extension; CALL
-- bench_ddl_stream(n) returns the milliseconds it took, measured in the
-- server with clock_timestamp().
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE OR REPLACE PROCEDURE public.bench_ddl_stream(n int, INOUT ms float8 DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
BEGIN
	FOR i IN 1 .. n LOOP
		EXECUTE format('CREATE TABLE public.bench_ddl_%s (id integer PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now())', i);
		COMMIT;
	END LOOP;
	FOR i IN 1 .. n LOOP
		EXECUTE format('DROP TABLE public.bench_ddl_%s', i);
		COMMIT;
	END LOOP;
	ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
