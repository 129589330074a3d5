-- test/bench/lib.sql: the benchmark's own helpers, in schema "bench" of the
-- benchmark database (never in the extension's schema).
--
--   bench.contenders   one row per statement measured: the orm_models call
--                      and every hand-written shape of each case
--   bench.results      what run_bench.sh measured, for the final table
--   bench.prepare(c)   wraps each statement of case c in a plpgsql function
--                      bench.run_<id>() RETURNS int, whose body is static SQL:
--                      its plan is made once and cached, for the orm_models
--                      call and the hand-written statements alike
--   bench.time_case(c, warmup, reps, sample_ms)
--                      the timing loop, server side (see below)
--   bench.check_case(c) the output of every shape against orm_models'
--   bench.norm(j, sort_top, sort_keys)
--                      JSON with the arrays whose order is unspecified sorted
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

CREATE TABLE bench.cases (
	case_no    int PRIMARY KEY,
	title      text NOT NULL,
	target     text NOT NULL,
	-- arrays whose order no ORDER BY fixes: sorted before comparing
	sort_top   bool NOT NULL DEFAULT false,
	sort_keys  text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE bench.contenders (
	id         serial PRIMARY KEY,
	case_no    int NOT NULL REFERENCES bench.cases,
	shape      text NOT NULL,			-- "orm", "a", "b1", ...
	label      text NOT NULL,
	is_orm     bool NOT NULL DEFAULT false,
	is_floor   bool NOT NULL DEFAULT false,	-- the same rows flat, as text:
											-- not JSON, not a contender
	sql        text NOT NULL,			-- one SELECT of one json value
	UNIQUE (case_no, shape)
);

CREATE TABLE bench.results (
	case_no    int NOT NULL,
	shape      text NOT NULL,
	metric     text NOT NULL,			-- "ms", "tps", "verdict", ...
	rep        int NOT NULL DEFAULT 0,
	value      float8,
	note       text
);

-- A JSON value as a multiset of rows (path, object): each object with its
-- array-valued keys replaced by their lengths ("[3]"), under a path that
-- names the arrays it sits in.  An array element's place in the path is
-- its position, or, for the arrays whose order no ORDER BY fixes (the top
-- level if sort_top, arrays under the keys sort_keys), its "id" (or its
-- text): two values are equal up to the order of those arrays iff their
-- rows are equal as multisets.  (Objects nested in objects are compared
-- whole.)
CREATE FUNCTION bench.flat(j jsonb, sort_top bool, sort_keys text[])
RETURNS TABLE (path text, v jsonb) LANGUAGE sql STABLE AS $$
	WITH RECURSIVE t(path, v) AS (
		SELECT '', j WHERE jsonb_typeof(j) <> 'array'
		UNION ALL
		SELECT '[' || CASE WHEN sort_top THEN coalesce(e ->> 'id', e::text) ELSE o::text END || ']', e
		  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(j) = 'array' THEN j ELSE '[]' END)
		       WITH ORDINALITY x(e, o)
		UNION ALL
		SELECT t.path || '/' || kv.k || '[' ||
		       CASE WHEN kv.k = ANY (sort_keys) THEN coalesce(e ->> 'id', e::text) ELSE o::text END || ']',
		       e
		  FROM t, jsonb_each(t.v) kv(k, a), jsonb_array_elements(kv.a) WITH ORDINALITY x(e, o)
		 WHERE jsonb_typeof(t.v) = 'object' AND jsonb_typeof(kv.a) = 'array'
	)
	SELECT t.path,
	       CASE WHEN jsonb_typeof(t.v) = 'object' THEN
	            (SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(x) = 'array'
	                                            THEN to_jsonb('[' || jsonb_array_length(x) || ']')
	                                            ELSE x END)
	               FROM jsonb_each(t.v) kv(k, x))
	       ELSE t.v END
	  FROM t
$$;

-- One function per contender of case c, bench.run_<id>() RETURNS int: the
-- length in bytes of the statement's JSON text, built but not sent.
CREATE FUNCTION bench.prepare(c int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM bench.contenders WHERE case_no = c ORDER BY id LOOP
		EXECUTE format($f$
			CREATE OR REPLACE FUNCTION bench.run_%s() RETURNS int
			LANGUAGE plpgsql AS %L$f$, r.id,
			format(E'BEGIN\n\tRETURN octet_length((%s)::text);\nEND', r.sql));
	END LOOP;
END $$;

-- The timing loop.  warmup rounds first, then reps rounds; in each round
-- every contender of the case runs once, in an order that rotates from
-- round to round.  A sample is clock_timestamp() before and after "inner"
-- calls of bench.run_<id>(), divided by inner; inner is chosen after the
-- warm-up so that one sample of the fastest contender lasts about
-- sample_ms (1 for statements slower than that).  Samples go to
-- bench.results as metric "ms" (per call).
CREATE FUNCTION bench.time_case(c int, warmup int, reps int, sample_ms float8)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	ids int[];
	n int;
	k int;
	inner_n int := 1;
	fastest float8 := 'infinity';
	t0 timestamptz;
	ms float8;
	len int;
BEGIN
	SELECT array_agg(id ORDER BY id) INTO ids FROM bench.contenders WHERE case_no = c;
	n := cardinality(ids);
	FOR w IN 1 .. greatest(warmup, 1) LOOP
		FOR i IN 1 .. n LOOP
			t0 := clock_timestamp();
			EXECUTE format('SELECT bench.run_%s()', ids[i]) INTO len;
			ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
			fastest := least(fastest, ms);
		END LOOP;
	END LOOP;
	IF fastest < sample_ms THEN
		inner_n := least(10000, ceil(sample_ms / greatest(fastest, 0.001)))::int;
	END IF;
	FOR r IN 1 .. reps LOOP
		FOR j IN 0 .. n - 1 LOOP
			k := ids[1 + (j + r) % n];
			t0 := clock_timestamp();
			FOR x IN 1 .. inner_n LOOP
				EXECUTE format('SELECT bench.run_%s()', k) INTO len;
			END LOOP;
			ms := extract(epoch FROM clock_timestamp() - t0) * 1000 / inner_n;
			INSERT INTO bench.results (case_no, shape, metric, rep, value, note)
			SELECT c, shape, 'ms', r, ms, 'inner=' || inner_n || ' bytes=' || len
			  FROM bench.contenders WHERE id = k;
		END LOOP;
	END LOOP;
	RETURN inner_n;
END $$;

-- The output of every hand-written shape of case c against orm_models':
-- "identical" (the same text), "equal" (the same JSON value: whitespace
-- and key order aside), "equal up to order" (the same once the arrays whose
-- order no ORDER BY fixes are sorted), or "DIFFERENT: ...".  A statement
-- with ":id" in it (case 2) is compared for each id of ids (as $1); the
-- verdict is then the worst over the ids.
CREATE FUNCTION bench.compare(cs bench.cases, t text, orm_text text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	j jsonb;
	o jsonb;
	diff text;
BEGIN
	IF t IS NULL AND orm_text IS NULL THEN
		RETURN 'identical';
	ELSIF t IS NULL OR orm_text IS NULL THEN
		RETURN format('DIFFERENT: %s vs orm %s', coalesce(left(t, 100), 'NULL'),
		              coalesce(left(orm_text, 100), 'NULL'));
	ELSIF md5(t) = md5(orm_text) THEN
		RETURN 'identical';
	END IF;
	j := t::jsonb;
	o := orm_text::jsonb;
	IF j = o THEN
		RETURN 'equal';
	END IF;
	CREATE TEMP TABLE IF NOT EXISTS bench_flat_a (path text, v jsonb);
	CREATE TEMP TABLE IF NOT EXISTS bench_flat_b (path text, v jsonb);
	TRUNCATE bench_flat_a, bench_flat_b;
	INSERT INTO bench_flat_a SELECT * FROM bench.flat(j, cs.sort_top, cs.sort_keys);
	INSERT INTO bench_flat_b SELECT * FROM bench.flat(o, cs.sort_top, cs.sort_keys);
	SELECT format('%s %s', d.side, left(d.path || ' ' || d.v::text, 400)) INTO diff
	  FROM ((SELECT 'only in hand-written:' AS side, * FROM
	          (SELECT * FROM bench_flat_a EXCEPT ALL SELECT * FROM bench_flat_b) x LIMIT 1)
	        UNION ALL
	        (SELECT 'only in orm:', * FROM
	          (SELECT * FROM bench_flat_b EXCEPT ALL SELECT * FROM bench_flat_a) y LIMIT 1)) d
	 LIMIT 1;
	IF diff IS NULL THEN
		RETURN 'equal up to order';
	END IF;
	RETURN format('DIFFERENT: %s bytes vs orm %s; %s', octet_length(t), octet_length(orm_text), diff);
END $$;

CREATE FUNCTION bench.check_case(c int, ids int[] DEFAULT NULL)
RETURNS TABLE (shape text, verdict text) LANGUAGE plpgsql AS $$
DECLARE
	cs bench.cases;
	orm_sql text;
	orm_texts text[] := '{}';
	t text;
	v text;
	rank int;
	worst int;
	r record;
BEGIN
	SELECT * INTO cs FROM bench.cases x WHERE x.case_no = c;
	SELECT replace(x.sql, ':id', '$1') INTO orm_sql
	  FROM bench.contenders x WHERE x.case_no = c AND x.is_orm;
	IF ids IS NULL THEN
		ids := ARRAY[NULL::int];
	END IF;
	FOR i IN 1 .. cardinality(ids) LOOP
		EXECUTE format('SELECT (%s)::text', orm_sql) INTO t USING ids[i];
		orm_texts := orm_texts || t;
	END LOOP;
	IF cardinality(ids) = 1 AND orm_texts[1] IS NULL THEN
		RAISE EXCEPTION 'case %: orm_models returned NULL', c;
	END IF;
	FOR r IN SELECT * FROM bench.contenders x
	          WHERE x.case_no = c AND NOT x.is_orm AND NOT x.is_floor ORDER BY x.id LOOP
		shape := r.shape;
		verdict := NULL;
		worst := 0;
		FOR i IN 1 .. cardinality(ids) LOOP
			EXECUTE format('SELECT (%s)::text', replace(r.sql, ':id', '$1')) INTO t USING ids[i];
			v := bench.compare(cs, t, orm_texts[i]);
			rank := CASE WHEN v LIKE 'DIFFERENT%' THEN 4 WHEN v = 'equal up to order' THEN 3
			             WHEN v = 'equal' THEN 2 ELSE 1 END;
			IF rank > worst THEN
				worst := rank;
				verdict := v || CASE WHEN rank = 4 AND ids[i] IS NOT NULL THEN format(' (id %s)', ids[i]) ELSE '' END;
			END IF;
		END LOOP;
		IF cardinality(ids) > 1 THEN
			verdict := verdict || format(' (%s ids)', cardinality(ids));
		END IF;
		INSERT INTO bench.results (case_no, shape, metric, note) VALUES (c, shape, 'verdict', verdict);
		RETURN NEXT;
	END LOOP;
END $$;
