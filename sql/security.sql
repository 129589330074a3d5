-- security: whose rights a model's code runs with, what sync may take over,
-- how far one role's broken model reaches, and the limits on input size.
CREATE EXTENSION orm_models;
\set SHOW_CONTEXT never

-- err(sql): runs one statement and always rolls it back; returns 'ok' or
-- 'SQLSTATE: message'.
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

CREATE ROLE regress_orm_sec_alice NOLOGIN;
CREATE ROLE regress_orm_sec_bob NOLOGIN;
CREATE ROLE regress_orm_sec_carol NOLOGIN IN ROLE regress_orm_sec_alice;
CREATE SCHEMA sec_shared;
GRANT USAGE, CREATE ON SCHEMA sec_shared TO regress_orm_sec_alice, regress_orm_sec_bob;
CREATE SCHEMA sec_alice AUTHORIZATION regress_orm_sec_alice;
-- who ran what: alice's code records current_user here
CREATE TABLE sec_shared.seen (who name, what text);
GRANT INSERT, SELECT ON sec_shared.seen TO PUBLIC;

--
-- 1. A model's DDL and its parse run with its owner's rights, whoever calls
--
SET ROLE regress_orm_sec_alice;
CREATE FUNCTION sec_alice.spy(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_shared.seen VALUES (current_user, v);
	RETURN true;
END $$;
CREATE DOMAIN sec_alice.watched AS text CHECK (sec_alice.spy(VALUE));
SELECT orm.define('Diary', '{"body": "TEXT"}', '{"schema": "sec_alice"}') ->> 'name' AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Diary"]}');
INSERT INTO sec_alice."Diaries" (body) VALUES ('one'), ('two');
-- a column of her domain, with a default the existing rows get on ALTER
SELECT orm.define('Diary', '{"body": "TEXT", "mood": {"type": "sec_alice.watched", "defaultValue": "calm"}}',
                  '{"schema": "sec_alice"}') ->> 'name' AS defined;
RESET ROLE;
-- the superuser's alter: the domain's check runs as alice, not as the superuser
TRUNCATE sec_shared.seen;
SELECT * FROM orm.sync('{"models": ["Diary"], "alter": true}');
SELECT DISTINCT who FROM sec_shared.seen ORDER BY 1;
-- the superuser loading the catalog parses alice's model as alice: the
-- default is checked against her domain with her rights
TRUNCATE sec_shared.seen;
SELECT orm.describe('Diary') -> 'attributes' -> 'mood' ->> 'type' AS type;
SELECT DISTINCT who FROM sec_shared.seen ORDER BY 1;
-- carol, a member of alice, redefines and syncs: again as alice
TRUNCATE sec_shared.seen;
SET ROLE regress_orm_sec_carol;
SELECT orm.define('Diary', '{"body": "TEXT", "mood": {"type": "sec_alice.watched", "defaultValue": "calm"},
                             "tone": {"type": "sec_alice.watched", "defaultValue": "warm"}}',
                  '{"schema": "sec_alice"}') ->> 'name' AS defined;
SELECT * FROM orm.sync('{"models": ["Diary"], "alter": true}');
RESET ROLE;
SELECT DISTINCT who FROM sec_shared.seen ORDER BY 1;
-- a where value read as her domain in the superuser's find: as alice too
TRUNCATE sec_shared.seen;
SELECT orm.find_all('Diary', '{"attributes": ["body"], "where": {"mood": "calm"}, "order": ["body"]}');
SELECT DISTINCT who FROM sec_shared.seen ORDER BY 1;
-- what the superuser's sync makes for alice's model is alice's
SET ROLE regress_orm_sec_alice;
SELECT orm.define('Page', '{"n": "INTEGER", "kind": {"type": "ENUM", "values": ["a", "b"]}}', '{"schema": "sec_alice"}') IS NOT NULL AS defined;
SELECT orm.associate('Diary', 'hasMany', 'Page', '{"as": "pages"}') ->> 'as' AS alias;
RESET ROLE;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Page", "Diary"]}');
SELECT c.relname, c.relowner::regrole FROM pg_class c
 WHERE c.relnamespace = 'sec_alice'::regnamespace AND c.relkind IN ('r', 'i') ORDER BY 1;
SELECT t.typname, t.typowner::regrole FROM pg_type t
 WHERE t.typnamespace = 'sec_alice'::regnamespace AND t.typtype = 'e' ORDER BY 1;
SELECT p.proname, p.proowner::regrole FROM pg_proc p
 WHERE p.pronamespace = 'sec_alice'::regnamespace AND p.proname = 'pages';
-- her code cannot make itself superuser through a superuser's sync
SET ROLE regress_orm_sec_alice;
CREATE OR REPLACE FUNCTION sec_alice.spy(v text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_shared.seen VALUES (current_user, v);
	BEGIN
		EXECUTE 'ALTER ROLE regress_orm_sec_alice SUPERUSER';
		INSERT INTO sec_shared.seen VALUES (current_user, 'became superuser');
	EXCEPTION WHEN OTHERS THEN
		INSERT INTO sec_shared.seen VALUES (current_user, SQLERRM);
	END;
	RETURN true;
END $$;
SELECT orm.define('Diary', '{"body": "TEXT", "mood": {"type": "sec_alice.watched", "defaultValue": "calm"},
                             "tone": {"type": "sec_alice.watched", "defaultValue": "warm"},
                             "pitch": {"type": "sec_alice.watched", "defaultValue": "low"}}',
                  '{"schema": "sec_alice"}') IS NOT NULL AS defined;
RESET ROLE;
TRUNCATE sec_shared.seen;
SELECT * FROM orm.sync('{"models": ["Diary"], "alter": true}');
SELECT DISTINCT who, what FROM sec_shared.seen WHERE what NOT IN ('calm', 'warm', 'low') ORDER BY 1, 2;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_orm_sec_alice';

--
-- 2. sync never takes over what another role created
--
SET ROLE regress_orm_sec_bob;
CREATE TABLE sec_shared."Widgets" (id integer PRIMARY KEY, "createdAt" timestamptz, "updatedAt" timestamptz);
INSERT INTO sec_shared."Widgets" VALUES (1, now(), now());
CREATE TYPE sec_shared."enum_Gadgets_kind" AS ENUM ('x');
SET ROLE regress_orm_sec_alice;
SELECT orm.define('Widget', '{}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT orm.define('Gadget', '{"kind": {"type": "ENUM", "values": ["x"]}}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Widget"]}');
SELECT err($$SELECT * FROM orm.sync('{"models": ["Widget"], "force": true}')$$);
SELECT err($$SELECT * FROM orm.sync('{"models": ["Gadget"]}')$$);
RESET ROLE;
-- not even when a superuser, who has bob's rights, runs it
SELECT err($$SELECT * FROM orm.sync('{"models": ["Widget"], "force": true}')$$);
SELECT err($$SELECT * FROM orm.sync('{"models": ["Gadget"]}')$$);
SELECT count(*) AS bobs_rows FROM sec_shared."Widgets";
SELECT relid FROM orm.models WHERE name = 'Widget';
-- a relationship function bob wrote first, even with the very body
SET ROLE regress_orm_sec_alice;
SELECT orm.undefine('Widget');
SELECT orm.undefine('Gadget');
SELECT orm.define('Shelf', '{}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT orm.define('Book', '{}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT orm.associate('Shelf', 'hasMany', 'Book', '{"as": "books"}') ->> 'as' AS alias;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Shelf", "Book"]}');
DROP FUNCTION sec_shared.books(sec_shared."Shelves");
SELECT s AS books_sql FROM orm.sync('{"models": ["Shelf"], "dryRun": true}') s
 WHERE s LIKE 'CREATE OR REPLACE FUNCTION%' \gset
SET ROLE regress_orm_sec_bob;
:books_sql;
SET ROLE regress_orm_sec_alice;
SELECT * FROM orm.sync('{"models": ["Shelf"]}');
SET ROLE regress_orm_sec_bob;
DROP FUNCTION sec_shared.books(sec_shared."Shelves");
RESET ROLE;
-- a table alice made herself is hers to adopt
SET ROLE regress_orm_sec_alice;
CREATE TABLE sec_shared."Drawers" (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL DEFAULT now());
SELECT orm.define('Drawer', '{}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT count(*) >= 0 AS synced FROM orm.sync('{"models": ["Drawer"]}');
SELECT relid FROM orm.models WHERE name = 'Drawer';
RESET ROLE;

--
-- 3. One role's broken model never breaks another role's calls
--
SET ROLE regress_orm_sec_alice;
CREATE TYPE sec_alice.secret AS ENUM ('a');
SELECT orm.define('Vault', '{"s": "sec_alice.secret"}', '{"schema": "sec_alice"}') IS NOT NULL AS defined;
RESET ROLE;
CREATE SCHEMA sec_bob AUTHORIZATION regress_orm_sec_bob;
SET ROLE regress_orm_sec_bob;
SELECT orm.define('Note', '{"body": "TEXT"}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Note"]}');
INSERT INTO sec_shared."Notes" (body) VALUES ('hello');
-- bob cannot use alice's schema, but her model is parsed with her rights
SELECT orm.find_all('Note', '{"attributes": ["body"]}');
SET ROLE regress_orm_sec_alice;
DROP TYPE sec_alice.secret;
SET ROLE regress_orm_sec_bob;
SELECT orm.find_all('Note', '{"attributes": ["body"]}');
SELECT orm.count('Note');
SELECT orm.describe('Note') ->> 'name' AS described;
SELECT orm.define('Memo', '{}', '{"schema": "sec_shared"}') IS NOT NULL AS defined;
SELECT orm.undefine('Memo');
SELECT err($$SELECT orm.find_all('Vault')$$);
SELECT err($$SELECT orm.describe('Vault')$$);
SELECT model, problem, detail FROM orm.drift() WHERE model = 'Vault';
RESET ROLE;
-- the superuser's sync of everything names the broken model
SELECT err($$SELECT * FROM orm.sync('{"dryRun": true}')$$);
-- recreating the type heals the model, in this session too
CREATE TYPE sec_alice.secret AS ENUM ('a');
ALTER TYPE sec_alice.secret OWNER TO regress_orm_sec_alice;
SELECT orm.describe('Vault') -> 'attributes' -> 's' ->> 'type' AS type;
SET ROLE regress_orm_sec_alice;
SELECT orm.undefine('Vault');
RESET ROLE;

--
-- 4. Associating onto another role's model needs its owner's rights;
--    undefine works for the owner whatever others declared
--
SET ROLE regress_orm_sec_bob;
SELECT err($$SELECT orm.associate('Note', 'belongsTo', 'Shelf', '{"constraints": false}')$$);
SELECT err($$SELECT orm.define_models('{"Card": {"attributes": {}, "options": {"schema": "sec_shared"},
  "associations": [{"belongsTo": "Shelf", "constraints": false}]}}')$$);
SELECT count(*) AS bobs_cards FROM orm.models WHERE name = 'Card';
RESET ROLE;
SELECT orm.associate('Note', 'belongsTo', 'Shelf', '{"constraints": false}') ->> 'as' AS alias;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Note"], "alter": true}');
SELECT p.proname, p.proowner::regrole FROM pg_proc p
 WHERE p.pronamespace = 'sec_shared'::regnamespace AND p.proname = 'Shelf';
SET ROLE regress_orm_sec_alice;
SELECT orm.undefine('Shelf');
SET ROLE regress_orm_sec_bob;
SELECT orm.find_all('Note', '{"attributes": ["body"]}');
SELECT count(*) AS functions_left FROM pg_proc
 WHERE pronamespace = 'sec_shared'::regnamespace AND proname = 'Shelf';
SELECT source, alias FROM orm.associations WHERE target = 'Shelf';
RESET ROLE;

--
-- 5. Input that would take unbounded work has limits
--
SELECT orm.define('Node', '{"v": "TEXT"}') IS NOT NULL AS defined;
SELECT orm.associate('Node', 'hasMany', 'Node', '{"as": "a", "foreignKey": "aId"}') IS NOT NULL AS a;
SELECT orm.associate('Node', 'hasMany', 'Node', '{"as": "b", "foreignKey": "bId"}') IS NOT NULL AS b;
SELECT orm.associate('Node', 'hasMany', 'Node', '{"as": "c", "foreignKey": "cId"}') IS NOT NULL AS c;
SELECT orm.associate('Node', 'hasMany', 'Node', '{"as": "d", "foreignKey": "dId"}') IS NOT NULL AS d;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Node"]}');
-- four aliases nested five levels: 1,364 include nodes (512 at most)
CREATE FUNCTION tree(depth int) RETURNS jsonb LANGUAGE sql AS $$
	SELECT CASE WHEN depth = 0 THEN '[]'::jsonb ELSE
		(SELECT jsonb_agg(jsonb_build_object('association', x, 'include', tree(depth - 1)))
		   FROM unnest(ARRAY['a', 'b', 'c', 'd']) x) END $$;
SELECT err(format('SELECT orm.find_all_sql(%L, %L)', 'Node', jsonb_build_object('include', tree(5))));
SELECT err(format('SELECT orm.find_all_sql(%L, %L)', 'Node', jsonb_build_object('include', tree(4)))) AS four_levels;
-- planned without JIT, which would compile such a plan for many seconds
-- without noticing statement_timeout; the caller's setting is kept
SET jit = on;
SET jit_above_cost = 0;
SET statement_timeout = '10s';
SELECT orm.find_all('Node', jsonb_build_object('include', tree(3)));
SELECT count(*) FROM orm.find_all_rows('Node', jsonb_build_object('include', tree(3)));
SHOW jit;
RESET statement_timeout;
RESET jit_above_cost;
RESET jit;
SELECT err(format('SELECT orm.define(%L, %L)', 'Big',
	json_build_object('e', json_build_object('type', 'ENUM', 'values', (SELECT json_agg('v' || i) FROM generate_series(1, 10001) i)))));
SELECT err(format('SELECT orm.define(%L, %L)', 'Big',
	json_build_object('e', json_build_object('type', 'ENUM', 'values', (SELECT json_agg('v' || (i % 9999)) FROM generate_series(1, 10000) i)))));
SELECT orm.define('Big', json_build_object('e', json_build_object('type', 'ENUM',
	'values', (SELECT json_agg('v' || i) FROM generate_series(1, 10000) i)))) -> 'attributes' -> 'e' ->> 'type' AS type;
SELECT orm.undefine('Big');
SELECT orm.undefine('Node');
DROP TABLE "Nodes";
-- a cancel while the catalog loads (a model's domain check sleeps) ends
-- the statement, and the session is not left in an aborted transaction
CREATE FUNCTION slow_check(v text) RETURNS boolean LANGUAGE sql AS 'SELECT pg_sleep(0.3) IS NOT NULL';
CREATE DOMAIN slow_text AS text CHECK (slow_check(VALUE));
SELECT orm.define('Slow', '{"s": {"type": "slow_text", "defaultValue": "x"}}') IS NOT NULL AS defined;
SET statement_timeout = '100ms';
SELECT orm.find_all('Slow');
RESET statement_timeout;
SELECT 'session usable' AS after_cancel;
SELECT orm.undefine('Slow');
DROP DOMAIN slow_text;
DROP FUNCTION slow_check(text);
-- a failing statement's text is cut short in the error's context, which
-- names the role it ran as
SET ROLE regress_orm_sec_bob;
SELECT orm.define('Wide', (SELECT json_object_agg('attribute_with_a_rather_long_name_' || i, 'TEXT') FROM generate_series(1, 60) i),
                  '{"schema": "sec_bob", "timestamps": false}') IS NOT NULL AS defined;
REVOKE CREATE ON SCHEMA sec_bob FROM regress_orm_sec_bob;
RESET ROLE;
\set SHOW_CONTEXT always
SELECT orm.sync('{"models": ["Wide"]}');
\set SHOW_CONTEXT never
SET ROLE regress_orm_sec_bob;
SELECT orm.undefine('Wide');
RESET ROLE;

-- clean up
SET client_min_messages = warning;
DROP FUNCTION tree(int);
DROP FUNCTION err(text);
DROP SCHEMA sec_shared, sec_alice, sec_bob CASCADE;
DROP EXTENSION orm_models CASCADE;
DROP OWNED BY regress_orm_sec_alice, regress_orm_sec_bob, regress_orm_sec_carol;
DROP ROLE regress_orm_sec_carol, regress_orm_sec_alice, regress_orm_sec_bob;
