/*
 * describe.sql: the schema "public" of the current database as one canonical
 * JSON document, the thing the differential test compares.
 *
 *   psql -XAtq -f describe.sql
 *
 * {
 *   "tables": {
 *     "<table>": {
 *       "columns": {"<column>": {"type": format_type, "not_null": bool,
 *                                "default": expression | "autoincrement" | null,
 *                                "comment": text | null}},
 *       "column_order": [columns in table order],
 *       "primary_key": [columns] | null,
 *       "unique": [[columns], ...],            -- UNIQUE constraints
 *       "foreign_keys": [{"columns", "references", "ref_columns",
 *                         "on_delete", "on_update", "deferrable"}, ...],
 *       "indexes": [{"columns", "unique", "method", "where", "definition"}, ...],
 *                                              -- indexes not behind a constraint;
 *                                              -- definition: "btree (c COLLATE ... DESC)"
 *       "checks": [{"definition", "columns",
 *                   "validator": the validator orm.sync made it from, by
 *                   its comment, or null}, ...],
 *       "comment": text | null
 *     }
 *   },
 *   "enums": {"<type>": [labels in order]},
 *   "triggers": [...],                         -- listed, not compared
 *   "functions": [...]                         -- listed, not compared
 * }
 *
 * Normalized so that equal schemas print equal: a sequence default
 * (nextval(...), i.e. serial) and an identity column both print as
 * "autoincrement"; DEFAULT NULL (with or without a cast) prints as no
 * default; names of constraints, indexes and sequences are left out;
 * lists of constraints and indexes are sorted; column lists inside a
 * constraint or index keep their order.
 */
WITH
tabs AS (
	SELECT c.oid, c.relname
	FROM pg_catalog.pg_class c
	WHERE c.relnamespace = 'public'::pg_catalog.regnamespace
	  AND c.relkind IN ('r', 'p')
),
cols AS (
	SELECT a.attrelid, a.attnum, a.attname,
		pg_catalog.jsonb_build_object(
			'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
			'not_null', a.attnotnull,
			'default', CASE
				WHEN a.attidentity <> '' THEN 'autoincrement'
				WHEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) ~ '^nextval\('
					THEN 'autoincrement'
				WHEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) ~ '^NULL(::[^:]+)?$'
					THEN NULL
				ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid)
			END,
			'comment', pg_catalog.col_description(a.attrelid, a.attnum)
		) AS descr
	FROM pg_catalog.pg_attribute a
	JOIN tabs t ON t.oid = a.attrelid
	LEFT JOIN pg_catalog.pg_attrdef d
		ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE a.attnum > 0 AND NOT a.attisdropped
),
-- column names of a constraint's key, in key order
con AS (
	SELECT k.oid, k.conrelid, k.contype, k.confrelid, k.confdeltype,
		k.confupdtype, k.conindid, k.condeferrable, k.condeferred,
		pg_catalog.substring(pg_catalog.obj_description(k.oid, 'pg_constraint'),
							 '^orm_models validate (\S+) ') AS validator,
		(SELECT pg_catalog.jsonb_agg(a.attname ORDER BY u.ord)
		 FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
		 JOIN pg_catalog.pg_attribute a
			ON a.attrelid = k.conrelid AND a.attnum = u.attnum) AS columns,
		(SELECT pg_catalog.jsonb_agg(a.attname ORDER BY u.ord)
		 FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(attnum, ord)
		 JOIN pg_catalog.pg_attribute a
			ON a.attrelid = k.confrelid AND a.attnum = u.attnum) AS ref_columns,
		pg_catalog.pg_get_constraintdef(k.oid) AS def
	FROM pg_catalog.pg_constraint k
	JOIN tabs t ON t.oid = k.conrelid
),
fks AS (
	SELECT conrelid,
		pg_catalog.jsonb_build_object(
			'columns', columns,
			'references', (SELECT CASE
					WHEN r.relnamespace = 'public'::pg_catalog.regnamespace
					THEN r.relname::text
					ELSE r.relnamespace::pg_catalog.regnamespace::text || '.' || r.relname
				END
				FROM pg_catalog.pg_class r WHERE r.oid = confrelid),
			'ref_columns', ref_columns,
			'on_delete', a.action,
			'on_update', b.action,
			'deferrable', CASE WHEN NOT condeferrable THEN 'NOT DEFERRABLE'
				WHEN condeferred THEN 'DEFERRABLE INITIALLY DEFERRED'
				ELSE 'DEFERRABLE INITIALLY IMMEDIATE' END) AS descr
	FROM con
	JOIN (VALUES ('a', 'NO ACTION'), ('r', 'RESTRICT'), ('c', 'CASCADE'),
				 ('n', 'SET NULL'), ('d', 'SET DEFAULT')) a(code, action)
		ON a.code = con.confdeltype::text
	JOIN (VALUES ('a', 'NO ACTION'), ('r', 'RESTRICT'), ('c', 'CASCADE'),
				 ('n', 'SET NULL'), ('d', 'SET DEFAULT')) b(code, action)
		ON b.code = con.confupdtype::text
	WHERE contype = 'f'
),
idx AS (
	SELECT i.indrelid,
		pg_catalog.jsonb_build_object(
			-- a column by its name, as elsewhere; an expression as printed
			'columns', (SELECT pg_catalog.jsonb_agg(
							COALESCE(a.attname::text,
									 pg_catalog.pg_get_indexdef(i.indexrelid, n, true))
							ORDER BY n)
						FROM pg_catalog.generate_series(1, i.indnkeyatts) n
						LEFT JOIN pg_catalog.pg_attribute a
							ON a.attrelid = i.indrelid AND a.attnum = i.indkey[n - 1]
							   AND i.indkey[n - 1] <> 0),
			'unique', i.indisunique,
			'method', am.amname,
			'where', pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
			-- the key columns with their collation, operator class and order
			'definition', pg_catalog.regexp_replace(
				pg_catalog.regexp_replace(pg_catalog.pg_get_indexdef(i.indexrelid),
										  '^.*? USING ', ''),
				' WHERE .*$', '')) AS descr
	FROM pg_catalog.pg_index i
	JOIN tabs t ON t.oid = i.indrelid
	JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
	JOIN pg_catalog.pg_am am ON am.oid = ic.relam
	WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
					  WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
						AND k.contype IN ('p', 'u', 'x'))
),
tables AS (
	SELECT pg_catalog.jsonb_object_agg(t.relname, pg_catalog.jsonb_build_object(
		'columns', (SELECT pg_catalog.jsonb_object_agg(attname, descr)
					FROM cols WHERE attrelid = t.oid),
		'column_order', (SELECT pg_catalog.jsonb_agg(attname ORDER BY attnum)
						 FROM cols WHERE attrelid = t.oid),
		'primary_key', (SELECT columns FROM con
						WHERE conrelid = t.oid AND contype = 'p'),
		'unique', COALESCE((SELECT pg_catalog.jsonb_agg(columns ORDER BY columns::text)
							FROM con WHERE conrelid = t.oid AND contype = 'u'),
						   '[]'),
		'foreign_keys', COALESCE((SELECT pg_catalog.jsonb_agg(descr ORDER BY descr::text)
								  FROM fks WHERE conrelid = t.oid), '[]'),
		'indexes', COALESCE((SELECT pg_catalog.jsonb_agg(descr ORDER BY descr::text)
							 FROM idx WHERE indrelid = t.oid), '[]'),
		'checks', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
								'definition', def, 'columns', columns,
								'validator', validator) ORDER BY def)
							FROM con WHERE conrelid = t.oid AND contype = 'c'),
						   '[]'),
		'comment', pg_catalog.obj_description(t.oid, 'pg_class'))) AS j
	FROM tabs t
),
enums AS (
	SELECT pg_catalog.jsonb_object_agg(ty.typname, (
			SELECT pg_catalog.jsonb_agg(e.enumlabel ORDER BY e.enumsortorder)
			FROM pg_catalog.pg_enum e WHERE e.enumtypid = ty.oid)) AS j
	FROM pg_catalog.pg_type ty
	WHERE ty.typnamespace = 'public'::pg_catalog.regnamespace
	  AND ty.typtype = 'e'
),
triggers AS (
	SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
			'table', t.relname,
			'name', tg.tgname,
			'definition', pg_catalog.pg_get_triggerdef(tg.oid, true))
		ORDER BY t.relname, tg.tgname) AS j
	FROM pg_catalog.pg_trigger tg
	JOIN tabs t ON t.oid = tg.tgrelid
	WHERE NOT tg.tgisinternal
),
functions AS (
	SELECT pg_catalog.jsonb_agg(f ORDER BY f) AS j
	FROM (SELECT p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid)
				 || ') RETURNS ' || pg_catalog.pg_get_function_result(p.oid) AS f
		  FROM pg_catalog.pg_proc p
		  WHERE p.pronamespace = 'public'::pg_catalog.regnamespace) s
)
SELECT pg_catalog.jsonb_pretty(pg_catalog.jsonb_build_object(
	'tables', COALESCE((SELECT j FROM tables), '{}'),
	'enums', COALESCE((SELECT j FROM enums), '{}'),
	'triggers', COALESCE((SELECT j FROM triggers), '[]'),
	'functions', COALESCE((SELECT j FROM functions), '[]')));
