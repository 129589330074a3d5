-- validate: each validator of an attribute's "validate" as the CHECK
-- constraint sync makes of it (its text, values it accepts and rejects),
-- then sync alter and drift on those checks, version, references.deferrable,
-- and every error case.
CREATE EXTENSION orm_models;
CREATE SCHEMA val;
\set SHOW_CONTEXT never

-- v(validate, type): defines model V with one attribute "a", syncs it and
-- returns the CHECKs it got, as name: definition, one per line.
CREATE FUNCTION v(validate text, type text DEFAULT 'STRING') RETURNS SETOF text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM orm.define('V', format('{"a": {"type": %s, "validate": %s}}', to_json(type), validate)::json,
					   '{"schema": "val", "timestamps": false}');
	PERFORM orm.sync('{"force": true}');
	RETURN QUERY SELECT conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'val."Vs"'::regclass AND contype = 'c' ORDER BY conname;
END $$;

-- ins(value): inserts one value into val."Vs".a; 'ok', or the check it broke.
CREATE FUNCTION ins(value text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		EXECUTE format('INSERT INTO val."Vs" (a) VALUES (%L)', value);
		RAISE SQLSTATE 'OKOK0';
	EXCEPTION
		WHEN check_violation THEN
			RETURN 'rejected';
		WHEN SQLSTATE 'OKOK0' THEN
			RETURN 'ok';
	END;
END $$;

-- err(sql): 'ok' or 'SQLSTATE: message', always rolled back.
CREATE FUNCTION err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		EXECUTE sql;
		RAISE SQLSTATE 'OKOK0';
	EXCEPTION WHEN OTHERS THEN
		IF SQLSTATE = 'OKOK0' THEN
			RETURN 'ok';
		END IF;
		RETURN SQLSTATE || ': ' || SQLERRM;
	END;
END $$;

-- test(validate, type, values): the checks, then each value's fate.
CREATE FUNCTION test(validate text, type text, VARIADIC vals text[]) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	x text;
BEGIN
	RETURN QUERY SELECT v(validate, type);
	FOREACH x IN ARRAY vals LOOP
		RETURN NEXT format('  %s -> %s', coalesce(quote_literal(x), 'NULL'), ins(x));
	END LOOP;
END $$;

\pset format unaligned
\pset tuples_only on
-- strings
SELECT test('{"len": [2, 4]}', 'STRING', 'a', 'ab', 'abcd', 'abcde', NULL, E'ab\uFE0F');
SELECT test('{"len": 3}', 'STRING', 'ab', 'abc', 'abcdefg');
SELECT test('{"len": {"args": [1, 1], "msg": "one"}}', 'TEXT', '😀', '😀😀');
SELECT test('{"notEmpty": true}', 'STRING', '', ' ', E'\t', E'\u3000', 'x');
SELECT test('{"is": "^[a-z]+$"}', 'STRING', 'abc', 'ABC', 'a1');
SELECT test('{"is": ["^[a-z]+$", "i"]}', 'STRING', 'abc', 'ABC', 'a1');
SELECT test('{"is": {"args": ["^a.c$", "s"], "msg": "a?c"}}', 'TEXT', 'abc', E'a\nc');
SELECT test('{"is": ["^b$", "m"]}', 'TEXT', E'a\nb', 'ab');
SELECT test('{"is": "\\bfoo\\b"}', 'STRING', 'a foo', 'foobar');
SELECT test('{"is": "^\\d\\w\\s\\x41\\u0042[\\d-]\\.$"}', 'STRING', '1a AB-.', '1a AB-x');
SELECT test('{"not": "[0-9]"}', 'STRING', 'abc', 'a1');
SELECT test('{"not": ["^x", "gi"]}', 'STRING', 'Xy', 'yx');
SELECT test('{"equals": "it''s"}', 'STRING', 'it''s', 'its');
SELECT test('{"contains": "ab", "notContains": "abc"}', 'STRING', 'xab', 'abc', 'ba');
SELECT test('{"isIn": [["a", "b''c"]]}', 'STRING', 'a', 'b''c', 'c');
SELECT test('{"notIn": {"args": [["x", 1, true]], "msg": "no"}}', 'STRING', 'x', '1', 'true', 'y');
SELECT test('{"isEmail": true}', 'STRING', 'a@b.com', 'a@b', 'a.b@c.co.uk', '.a@b.com');
SELECT test('{"isUrl": true, "isURL": {"msg": "url"}}', 'STRING', 'http://x.com/a', 'x.com', 'mailto:a@b.com', 'http://x');
SELECT test('{"isInt": true}', 'STRING', '1', '-01', '1.5', 'a');
SELECT test('{"isInt": {"min": 1, "max": 10, "allow_leading_zeroes": false}}', 'STRING', '1', '10', '0', '01', 'x');
SELECT test('{"isFloat": {"gt": 0, "lt": 1}}', 'STRING', '0.5', '1', '.', 'x');
SELECT test('{"isDecimal": true}', 'STRING', '1.5', '-.5', '', '+1');
SELECT test('{"isNumeric": true}', 'STRING', '+1.5', '1e3', '.5');
SELECT test('{"isNumeric": {"no_symbols": true}}', 'STRING', '15', '-1');
SELECT test('{"isAlpha": "en-US", "isLowercase": true}', 'STRING', 'abc', 'Abc', 'ab1');
SELECT test('{"isAlphanumeric": true, "isUppercase": true}', 'STRING', 'AB1', 'Ab1', 'A-1');
SELECT test('{"isHexadecimal": true}', 'STRING', '0xff', 'ff', 'fg');
SELECT test('{"isUUID": 4}', 'UUID', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-1ef8-bb6d-6bb9bd380a11');
SELECT test('{"isUUID": "all"}', 'STRING', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-9ef8-bb6d-6bb9bd380a11');
SELECT v('{"isUUID": "loose"}');
SELECT v('{"isUUID": {"args": "nil", "msg": "nil"}}');
SELECT v('{"isUUID": ["max"]}');
SELECT test('{"isIP": true}', 'STRING', '1.2.3.4', '::1', '1.2.3');
SELECT test('{"isIP": {"args": [4]}, "isIPv4": true}', 'STRING', '1.2.3.4', '::1');
SELECT test('{"isIPv6": true}', 'STRING', '::1', '1.2.3.4', 'fe80::1%eth0');
SELECT test('{"isNull": true}', 'STRING', '', 'a');
-- numbers and dates
SELECT test('{"min": 1, "max": {"args": 10, "msg": "max"}}', 'INTEGER', '0', '1', '10', '11');
SELECT test('{"min": 0.5, "max": 2.5}', 'DECIMAL(5,2)', '0.49', '0.5', '2.5', '2.51', 'NaN');
SELECT test('{"max": 1}', 'DOUBLE', '1', '1.5', 'NaN');
SELECT test('{"len": [1, 2], "isInt": true}', 'INTEGER', '9', '99', '100');
SELECT test('{"isAfter": "2000-01-01", "isBefore": {"args": "2030-01-01"}}', 'DATEONLY', '2000-01-01', '2000-01-02', '2030-01-01');
SELECT test('{"isDate": true, "isAfter": "2000-01-01T00:00:00Z"}', 'DATE', '2000-01-01 00:00:00+00', '2000-01-01 00:00:01+00');
SELECT test('{"isIn": [["true"]]}', 'BOOLEAN', 'true', 'false');
SELECT test('{"equals": "Abc"}', 'ENUM(''Abc'', ''x'')', 'Abc', 'x');
\pset tuples_only off
\pset format aligned
-- notNull (with allowNull false) and isDate on a date need no CHECK
SELECT orm.define('V', '{"a": {"type": "STRING", "allowNull": false, "validate": {"notNull": {"msg": "needed"}}}, "d": {"type": "DATE", "validate": {"isDate": true}}}', '{"schema": "val", "timestamps": false}') -> 'attributes' -> 'a' -> 'validate' AS validate;
SELECT * FROM orm.sync('{"force": true}');

-- the comment marks sync's own checks; dryRun prints them
SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conrelid = 'val."Vs"'::regclass AND contype = 'c';
SELECT orm.define('V', '{"a": {"type": "STRING", "validate": {"len": [1, 3], "isIn": {"args": [["a"]], "msg": "only a"}}}}', '{"schema": "val", "timestamps": false}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"force": true, "dryRun": true}');
SELECT * FROM orm.sync('{"force": true}') s WHERE s LIKE '%CHECK%' OR s LIKE 'COMMENT%';
SELECT * FROM orm.drift();

-- alter: a changed validator is replaced, a new one added, a removed one
-- dropped; a CHECK that sync did not make is left alone
ALTER TABLE val."Vs" ADD CONSTRAINT mine CHECK (a <> 'zzz');
SELECT orm.define('V', '{"a": {"type": "STRING", "validate": {"len": [1, 5], "notEmpty": true}}}', '{"schema": "val", "timestamps": false}') IS NOT NULL AS defined;
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'val."Vs"'::regclass AND contype = 'c' ORDER BY conname;
ALTER TABLE val."Vs" DROP CONSTRAINT "Vs_a_len_check";
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true}');
-- alter cannot add a check the rows break: the whole sync fails
INSERT INTO val."Vs" (a) VALUES ('abcd');
SELECT orm.define('V', '{"a": {"type": "STRING", "validate": {"len": [1, 3]}}}', '{"schema": "val", "timestamps": false}') IS NOT NULL AS defined;
SELECT err($$SELECT orm.sync('{"alter": true}')$$);
SELECT count(*) FROM pg_constraint WHERE conrelid = 'val."Vs"'::regclass AND conname = 'Vs_a_notEmpty_check';

-- names: <table>_<column>_<validator>_check, shortened as PostgreSQL does
SELECT orm.define('Long', format('{"%s": {"type": "STRING", "validate": {"len": [1, 2], "isAlphanumeric": true}}}', repeat('c', 60))::json,
				  format('{"schema": "val", "timestamps": false, "tableName": "%s"}', repeat('t', 60))::jsonb) IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Long"], "dryRun": true}') s WHERE s LIKE 'COMMENT%';
SELECT err(format($$SELECT orm.define('Long2', '{"%s": {"type": "STRING", "validate": {"len": [1, 2]}}, "%sx": {"type": "STRING", "validate": {"len": [1, 2]}}}', '{"schema": "val", "tableName": "%s"}')$$,
				  repeat('c', 60), repeat('c', 60), repeat('t', 60)));
SELECT orm.undefine('Long');

-- errors
\pset format unaligned
SELECT validate, err(format($$SELECT orm.define('E', '{"a": {"type": "STRING", "validate": %s}}')$$, validate)) AS result FROM (VALUES
  ('true'), ('[]'), ('{"isEven": true}'), ('{"isCreditCard": true}'), ('{"regex": "x"}'),
  ('{"len": "2"}'), ('{"len": [1, 2, 3]}'), ('{"len": [-1, 2]}'), ('{"len": [1.5]}'), ('{"len": []}'),
  ('{"len": {"args": [1, 2], "message": "x"}}'), ('{"len": {"args": [1, 2], "msg": 5}}'),
  ('{"notEmpty": false}'), ('{"notEmpty": "yes"}'), ('{"notEmpty": {"ignore_whitespace": true}}'),
  ('{"is": 5}'), ('{"is": ["a", "b", "c"]}'), ('{"is": ["a", "q"]}'), ('{"is": ["a", "ii"]}'), ('{"is": ["a", "y"]}'),
  ('{"is": "(?<name>a)"}'), ('{"is": "\\p{L}"}'), ('{"is": "[]"}'), ('{"is": "[^]"}'), ('{"is": "\\k<x>"}'),
  ('{"is": "\\u{41}"}'), ('{"is": "[\\D]"}'), ('{"is": "\\a"}'), ('{"is": "[a"}'), ('{"is": "a{"}'), ('{"is": "(a"}'),
  ('{"equals": 5}'), ('{"contains": ""}'), ('{"notContains": ["a", "b"]}'),
  ('{"isIn": ["a", "b"]}'), ('{"isIn": [[{"a": 1}]]}'), ('{"isIn": [["a"], ["b"]]}'),
  ('{"isEmail": {"allow_display_name": true}}'), ('{"isUrl": false}'),
  ('{"isInt": {"min": "1"}}'), ('{"isInt": {"locale": "x"}}'), ('{"isFloat": {"locale": "de-DE"}}'),
  ('{"isAlpha": "de-DE"}'), ('{"isUUID": true}'), ('{"isUUID": 9}'), ('{"isIP": {"args": [5]}}'),
  ('{"min": 1}'), ('{"max": "5"}'), ('{"isAfter": "2000-01-01"}'), ('{"isDate": true}'),
  ('{"notNull": true}')
) v(validate);
SELECT type, validate, err(format($$SELECT orm.define('E', '{"a": {"type": "%s", "validate": %s}}')$$, type, validate)) AS result FROM (VALUES
  ('JSONB', '{"len": [1, 2]}'), ('DATE', '{"notEmpty": true}'), ('INTEGER', '{"isAfter": "2000-01-01"}'),
  ('DATEONLY', '{"isAfter": "yesterday-ish"}'), ('DATEONLY', '{"isBefore": 5}'), ('DATEONLY', '{"isAfter": []}'),
  ('ARRAY(INTEGER)', '{"min": 1}'), ('INTEGER', '{"min": [1, 2]}'), ('BLOB', '{"isIn": [["a"]]}'), ('INET', '{"isIP": true}')
) v(type, validate);
SELECT err($$SELECT orm.define('E', '{"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true, "validate": {"min": 1}}}')$$);
SELECT err($$SELECT orm.define('E', '{"a": "STRING"}', '{"validate": {"bothOrNone": "function () {}"}}')$$);
\pset format aligned

-- version: INTEGER NOT NULL DEFAULT 0 after the timestamps, named "version"
-- or as given; an attribute of that name wins
SELECT orm.define_models('{
  "Doc": {"attributes": {"title": "STRING"}, "options": {"schema": "val", "version": true}},
  "Draft": {"attributes": {"body": "TEXT"}, "options": {"schema": "val", "version": "lockVersion", "underscored": true}},
  "Tally": {"attributes": {"version": "BIGINT"}, "options": {"schema": "val", "version": true, "timestamps": false}}
}') -> 'Draft' -> 'attributes' -> 'lockVersion';
SELECT * FROM orm.sync('{"models": ["Doc", "Draft", "Tally"]}') s WHERE s LIKE 'CREATE TABLE%';
SELECT attrelid::regclass, attname, format_type(atttypid, atttypmod), attnotnull, pg_get_expr(adbin, adrelid)
FROM pg_attribute LEFT JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum
WHERE attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'val'::regnamespace AND relname IN ('Docs', 'drafts', 'Tallies')) AND attnum > 0
ORDER BY 1, attnum;
INSERT INTO val."Docs" (title) VALUES ('one');
SELECT orm.find_all('Doc', '{"attributes": {"exclude": ["createdAt", "updatedAt"]}}');
SELECT orm.describe('Doc') -> 'options' -> 'version' AS version;
\pset format unaligned
SELECT version, err(format($$SELECT orm.define('E', '{"a": "STRING"}', '{"version": %s}')$$, version)) AS result FROM (VALUES
  ('false'), ('"v"'), ('5'), ('""'), ('"createdAt"'), ('{}')
) v(version);
\pset format aligned

-- references.deferrable: Sequelize's Deferrable names
SELECT orm.define_models('{
  "Team": {"attributes": {"name": "STRING"}, "options": {"schema": "val", "timestamps": false}},
  "Player": {"attributes": {
     "teamId": {"type": "INTEGER", "references": {"model": "Team", "deferrable": "INITIALLY_DEFERRED"}},
     "captainOf": {"type": "INTEGER", "references": {"model": "Team", "deferrable": "INITIALLY_IMMEDIATE"}, "onDelete": "CASCADE"},
     "formerTeam": {"type": "INTEGER", "references": {"model": "Team", "deferrable": "NOT"}}},
   "options": {"schema": "val", "timestamps": false}}
}') -> 'Player' -> 'attributes' -> 'teamId' -> 'references';
SELECT * FROM orm.sync('{"models": ["Team", "Player"]}') s WHERE s LIKE '%REFERENCES%';
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'val."Players"'::regclass AND contype = 'f' ORDER BY 1;
BEGIN;
INSERT INTO val."Players" ("teamId") VALUES (42);   -- checked at commit
INSERT INTO val."Teams" (id, name) VALUES (42, 'late');
COMMIT;
-- drift and alter notice a changed deferrability
ALTER TABLE val."Players" ALTER CONSTRAINT "Players_teamId_fkey" NOT DEFERRABLE;
SELECT * FROM orm.drift() WHERE model = 'Player';
SELECT * FROM orm.sync('{"models": ["Player"], "alter": true}');
SELECT * FROM orm.drift() WHERE model = 'Player';
\pset format unaligned
SELECT d AS deferrable, err(format($$SELECT orm.define('E', '{"a": {"type": "INTEGER", "references": {"model": "Teams", "deferrable": %s}}}')$$, d)) AS result FROM (VALUES
  ('"SET_DEFERRED"'), ('"SET_IMMEDIATE"'), ('"initially_deferred"'), ('"DEFERRED"'), ('true'), ('null')
) v(d);
\pset format aligned

SELECT orm.undefine(name) FROM orm.models ORDER BY name;
DROP SCHEMA val CASCADE;
DROP FUNCTION v, ins, err, test;
DROP EXTENSION orm_models;
