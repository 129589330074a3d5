-- sync_errors: bad options to orm.sync, and syncs that fail part way:
-- each is all or nothing, whoever calls it and whatever the search_path.
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

-- tables(): the tables of the test's models that exist, and the catalog's links
CREATE FUNCTION tables() RETURNS TABLE (model text, table_exists regclass, relid regclass)
LANGUAGE sql AS $$
	SELECT name, to_regclass(format('%I.%I', schema_name, table_name)), relid
	  FROM orm.models ORDER BY name
$$;

SELECT orm.define('User', '{"name": "STRING", "email": {"type": "STRING", "unique": true}}') ->> 'name' AS defined;
SELECT orm.define('Post', '{"title": "TEXT"}') ->> 'name' AS defined;
SELECT orm.define('Tag', '{"label": "STRING"}') ->> 'name' AS defined;
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "posts"}') ->> 'foreignKey' AS fk;
SELECT orm.associate('Post', 'belongsToMany', 'Tag', '{"as": "tags"}') ->> 'through' AS through;

--
-- Options
--
SELECT * FROM orm.sync(NULL);
SELECT * FROM orm.sync('[]');
SELECT * FROM orm.sync('{"froce": true}');
SELECT * FROM orm.sync('{"force": "yes"}');
SELECT * FROM orm.sync('{"alter": "yes"}');
SELECT * FROM orm.sync('{"models": "User"}');
SELECT * FROM orm.sync('{"models": [1]}');
SELECT * FROM orm.sync('{"models": ["User", "Nobody"]}');
\pset format unaligned
SELECT options, err(format('SELECT * FROM orm.sync(%L)', options)) AS result FROM (VALUES
  ('[]'), ('[{"force": true}]'), ('"force"'), ('5'), ('null'), ('true'),
  ('{"froce": true}'), ('{"Force": true}'), ('{"": true}'), ('{"dry_run": true}'),
  ('{"logging": false}'), ('{"match": "^test_"}'), ('{"hooks": true}'),
  ('{"schema": "public"}'), ('{"searchPath": "public"}'),
  ('{"force": "yes"}'), ('{"force": 1}'), ('{"force": null}'), ('{"force": [true]}'),
  ('{"dryRun": "true"}'), ('{"dryRun": 0}'), ('{"dryRun": {}}'),
  ('{"alter": true}'), ('{"alter": true, "dryRun": true}'), ('{"alter": {"drop": false}}'),
  ('{"alter": "yes"}'), ('{"alter": null}'), ('{"alter": false, "dryRun": true}'),
  ('{"models": "User"}'), ('{"models": {"User": true}}'), ('{"models": null}'),
  ('{"models": 5}'), ('{"models": [1]}'), ('{"models": [null]}'), ('{"models": [true]}'),
  ('{"models": [["User"]]}'), ('{"models": [{"name": "User"}]}'),
  ('{"models": ["Nobody"], "dryRun": true}'),
  ('{"models": ["User", "Nobody"], "dryRun": true}'),
  ('{"models": ["user"], "dryRun": true}'), ('{"models": ["Users"], "dryRun": true}'),
  ('{"models": [""], "dryRun": true}'),
  ('{"models": ["' || repeat('m', 64) || '"], "dryRun": true}'),
  ('{"models": ["User", "User"], "dryRun": true}'),
  ('{"models": ["PostsTags"], "dryRun": true}')
) v(options);
\pset format aligned

--
-- dryRun returns the statements and runs none of them
--
SELECT * FROM orm.sync('{"dryRun": true}');
SELECT * FROM tables();
-- an empty "models" selects no model
SELECT count(*) AS statements FROM orm.sync('{"dryRun": true, "models": []}');
SELECT * FROM orm.sync('{"models": []}');
SELECT * FROM tables();
SELECT * FROM orm.sync('{"dryRun": true, "models": ["Tag"]}');
-- dryRun and force together drop nothing
CREATE TABLE "Tags" (keep_me integer);
SELECT * FROM orm.sync('{"dryRun": true, "force": true, "models": ["Tag"]}');
SELECT attname FROM pg_attribute WHERE attrelid = '"Tags"'::regclass AND attnum > 0;
DROP TABLE "Tags";
-- a dry run works in a read-only transaction; a real one fails there, creating nothing
BEGIN READ ONLY;
SELECT count(*) AS statements FROM orm.sync('{"dryRun": true}');
SELECT * FROM orm.sync();
ROLLBACK;
SELECT * FROM tables();

--
-- A sync that fails part way leaves no table behind and the catalog unchanged
--
SELECT orm.define('Zeta', '{"ownerId": {"type": "INTEGER", "references": {"model": "no_such_table", "key": "id"}}}') ->> 'name' AS defined;
SELECT * FROM orm.sync();
SELECT * FROM tables();
SELECT * FROM orm.sync('{"force": true}');
SELECT * FROM tables();
SELECT orm.undefine('Zeta');
-- what a sync could never build is refused at define, before any sync:
-- a reference to a key that does not exist
SELECT orm.define('Zeta', '{"userEmail": {"type": "STRING", "references": {"model": "User", "key": "mail"}}}');
SELECT err($$SELECT orm.define('Zeta', '{"userEmail": {"type": "STRING", "references": {"model": "User", "key": "mail"}}}')$$);
-- (a key is named by its attribute or its column)
SELECT err($$SELECT orm.define('Zeta', '{"userEmail": {"type": "STRING", "references": {"model": "User", "key": "email"}}}')$$);
-- a foreign key whose type does not match the key it references
SELECT orm.define('Zeta', '{"userRef": {"type": "TEXT", "references": {"model": "User"}}}');
SELECT err($$SELECT orm.define('Zeta', '{"userRef": {"type": "TEXT", "references": {"model": "User"}}}')$$);
SELECT * FROM tables();
-- the same foreign key made by an association is refused by associate,
-- and nothing is stored: later calls work
SELECT orm.define('Zeta', '{"userRef": "TEXT"}') ->> 'name' AS defined;
SELECT orm.associate('Zeta', 'belongsTo', 'User', '{"foreignKey": "userRef"}') ->> 'foreignKey' AS fk;
SELECT count(*) FROM orm.associations WHERE source = 'Zeta';
SELECT orm.describe('Tag') ->> 'name' AS name;
SELECT orm.undefine('Zeta');
SELECT * FROM tables();
-- two models with one table
SELECT orm.define('Twin1', '{}', '{"tableName": "twins"}') ->> 'tableName' AS table_name;
SELECT orm.define('Twin2', '{}', '{"tableName": "twins"}');
SELECT err($$SELECT orm.define('Twin2', '{}', '{"tableName": "twins"}')$$);
SELECT orm.define_models('{"Twin2": {"attributes": {}, "options": {"tableName": "twins"}}, "Twin3": {"attributes": {}}}');
SELECT * FROM tables();
SELECT to_regclass('twins') AS twins;
SELECT orm.undefine('Twin1');
-- a model too wide for a table
SELECT orm.define('Wide', (SELECT json_object_agg('c' || i, 'INTEGER' ORDER BY i) FROM generate_series(1, 1700) i));
SELECT err(format('SELECT orm.define(%L, %L)', 'Wide', (SELECT json_object_agg('c' || i, 'INTEGER' ORDER BY i) FROM generate_series(1, 1601) i)));
SELECT * FROM tables();
-- the check counts the columns the model gets: 1598 attributes with id,
-- createdAt and updatedAt are 1601 columns, refused at define
SELECT orm.define('Wide', (SELECT json_object_agg('c' || i, 'INTEGER' ORDER BY i) FROM generate_series(1, 1598) i))
       -> 'attributes' -> 'c1598' ->> 'type' AS c1598;
SELECT count(*) FROM orm.models WHERE name = 'Wide';
-- a unique constraint on a type without equality
SELECT orm.define('Doc', '{"body": {"type": "JSON", "unique": true}}') ->> 'name' AS defined;
SELECT * FROM orm.sync();
SELECT * FROM tables();
SELECT orm.undefine('Doc');
-- a view where a table should be: force cannot drop it
SELECT orm.define('Lone', '{"name": "TEXT"}') ->> 'tableName' AS table_name;
CREATE VIEW "Lones" AS SELECT 1 AS x;
SELECT * FROM orm.sync('{"force": true}');
SELECT * FROM tables();
-- without force, the view is not taken for the table either
SELECT * FROM orm.sync('{"models": ["Lone"]}');
SELECT * FROM tables();
-- and a view that a foreign key needs fails the whole sync
CREATE VIEW "Posts" AS SELECT 1 AS x;
SELECT * FROM orm.sync();
SELECT * FROM tables();
DROP VIEW "Posts", "Lones";
SELECT orm.undefine('Lone');
-- the extension's own catalog is no model's table, and system schemas
-- hold no model: refused at define
SELECT orm.define('Sneaky', '{"name": {"type": "TEXT", "primaryKey": true}, "table_name": "TEXT",
    "schema_name": "TEXT", "attributes": "JSON", "options": "JSONB", "owner": "regrole",
    "relid": "regclass", "defined_at": "DATE"}',
  '{"schema": "orm", "tableName": "models", "timestamps": false}');
SELECT orm.define('Sneaky', '{}', '{"schema": "pg_catalog"}');
\pset format unaligned
SELECT schema, err(format('SELECT orm.define(%L, %L, %L)', 'Sneaky', '{}', json_build_object('schema', schema))) AS result
  FROM (VALUES ('orm'), ('pg_catalog'), ('pg_temp'), ('pg_toast'), ('information_schema')) v(schema);
\pset format aligned
SELECT * FROM tables();
SELECT count(*) AS orm_models_rows FROM orm.models;

--
-- force on some models drops what depends on their tables
--
SELECT count(*) AS statements FROM orm.sync();
SELECT conname FROM pg_constraint WHERE conrelid = '"Posts"'::regclass AND contype = 'f';
SELECT * FROM orm.sync('{"force": true, "models": ["User"]}');
SELECT conname FROM pg_constraint WHERE conrelid = '"Posts"'::regclass AND contype = 'f';

--
-- Relationship functions: named by the alias, in the source's schema
--
-- the association's own function is left as it is
SELECT count(*) AS statements FROM orm.sync('{"models": ["User"]}');
-- a function of the user's with the same name and argument is never replaced
DROP FUNCTION public.posts(public."Users");
CREATE FUNCTION public.posts(public."Users") RETURNS SETOF public."Posts"
	LANGUAGE sql STABLE AS 'SELECT * FROM public."Posts" WHERE false';
SELECT count(*) AS statements FROM orm.sync('{"models": ["User"]}');
SELECT split_part(err($$SELECT * FROM orm.sync('{"models": ["User"]}')$$), ':', 1) AS sqlstate;
SELECT count(*) AS statements FROM orm.sync('{"dryRun": true, "models": ["User"]}');
SELECT prosrc FROM pg_proc WHERE oid = 'public.posts(public."Users")'::regprocedure;
-- one with another return type
DROP FUNCTION public.posts(public."Users");
CREATE FUNCTION public.posts(public."Users") RETURNS integer LANGUAGE sql AS 'SELECT 1';
SELECT * FROM orm.sync('{"models": ["User"]}');
SELECT split_part(err($$SELECT * FROM orm.sync('{"models": ["User"]}')$$), ':', 1) AS sqlstate;
SELECT pg_get_function_result('public.posts(public."Users")'::regprocedure);
-- once the user's function is gone, sync makes the association's again
DROP FUNCTION public.posts(public."Users");
-- a hostile alias
SELECT orm.associate('User', 'hasMany', 'Post', $${"as": "p\"); DROP TABLE x; --", "foreignKey": "UserId"}$$) ->> 'as' AS alias;
SELECT * FROM orm.sync('{"models": ["User"]}');
SELECT oid::regprocedure AS function FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY oid::regprocedure::text;
SET client_min_messages = warning;
DROP TABLE "PostsTags", "Posts", "Users", "Tags" CASCADE;
RESET client_min_messages;
UPDATE orm.models SET relid = NULL;

--
-- A type that is dropped after the model was defined
--
CREATE TYPE mood AS ENUM ('happy', 'sad');
SELECT orm.define('Moody', '{"mood": "mood"}') -> 'attributes' -> 'mood' ->> 'type' AS type;
DROP TYPE mood;
SELECT count(*) AS statements FROM orm.sync('{"dryRun": true, "models": ["Tag"]}');
SELECT orm.define('Unrelated', '{}') ->> 'name' AS defined;
SELECT * FROM orm.drift() WHERE model = 'Moody';
SELECT err($$SELECT orm.find_all('Moody')$$);
SELECT orm.find_all('Unrelated');
SELECT orm.undefine('Unrelated');
SELECT orm.undefine('Moody');

--
-- Ownership: sync runs with the caller's rights, on the caller's models
--
CREATE ROLE regress_orm_sync_owner NOLOGIN;
CREATE ROLE regress_orm_sync_other NOLOGIN;
GRANT CREATE ON SCHEMA public TO regress_orm_sync_owner;
SET ROLE regress_orm_sync_owner;
SELECT orm.define('Owned', '{"name": "TEXT"}') ->> 'name' AS defined;
SELECT * FROM orm.sync('{"dryRun": true}');
SELECT * FROM orm.sync('{"models": ["Owned"]}');
SET ROLE regress_orm_sync_other;
SELECT * FROM orm.sync('{"dryRun": true, "models": ["Owned"]}');
SELECT * FROM orm.sync('{"force": true, "models": ["Owned"]}');
SELECT orm.define('Other', '{"name": "TEXT"}') ->> 'name' AS defined;
-- no CREATE on schema public, none on the database
SELECT * FROM orm.sync('{"models": ["Other"]}');
SELECT orm.define('Other', '{"name": "TEXT"}', '{"schema": "other_schema"}') ->> 'schema' AS schema;
SELECT err($$SELECT * FROM orm.sync('{"models": ["Other"]}')$$) ~ '^42501: permission denied for database ' AS denied;
RESET ROLE;
SELECT * FROM tables();
SELECT to_regnamespace('other_schema') AS other_schema;
-- a superuser syncs anyone's models, with the rights of their owner: the
-- owner of Other may not create schemas, so it gets none
SELECT err($$SELECT * FROM orm.sync('{"models": ["Other"]}')$$) ~ '^42501: permission denied for database ' AS denied;
DO $$BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO regress_orm_sync_other', current_database()); END$$;
SELECT * FROM orm.sync('{"models": ["Other"]}');
SELECT * FROM tables();
SELECT nspowner::regrole AS schema_owner FROM pg_namespace WHERE nspname = 'other_schema';
SELECT relowner::regrole AS table_owner FROM pg_class WHERE oid = 'other_schema."Others"'::regclass;
DO $$BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM regress_orm_sync_other', current_database()); END$$;
DROP TABLE "Owneds";
DROP SCHEMA other_schema CASCADE;
SELECT orm.undefine('Owned');
SELECT orm.undefine('Other');
UPDATE orm.models SET relid = NULL;

--
-- A hostile search_path: functions, operators, tables and types of the
-- same names in a schema searched first are never used
--
CREATE SCHEMA evil;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql
	AS $$BEGIN RAISE EXCEPTION 'evil.now() called'; END$$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid LANGUAGE plpgsql
	AS $$BEGIN RAISE EXCEPTION 'evil.gen_random_uuid() called'; END$$;
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE plpgsql
	AS $$BEGIN RAISE EXCEPTION 'evil text = called'; END$$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
CREATE FUNCTION evil.regclasseq(regclass, regclass) RETURNS boolean LANGUAGE plpgsql
	AS $$BEGIN RAISE EXCEPTION 'evil regclass = called'; END$$;
CREATE OPERATOR evil.= (LEFTARG = regclass, RIGHTARG = regclass, FUNCTION = evil.regclasseq);
CREATE FUNCTION evil.touch_updated_at() RETURNS trigger LANGUAGE plpgsql
	AS $$BEGIN RAISE EXCEPTION 'evil.touch_updated_at() called'; END$$;
CREATE TABLE evil."Users" (evil integer);
CREATE TABLE evil.models (evil integer);
CREATE TYPE public.mood AS ENUM ('happy', 'sad');
CREATE TYPE evil.mood AS ENUM ('evil');
SELECT orm.define('Token', '{"id": {"type": "UUID", "primaryKey": true, "defaultValue": "UUIDV4"}, "mood": "mood"}') ->> 'name' AS defined;
CREATE TYPE evil.feeling AS ENUM ('evil');
SET search_path = evil, public;
-- type names resolve in pg_catalog, the model's schema and public, never
-- in the caller's search_path
SELECT orm.describe('Token') -> 'attributes' -> 'mood' ->> 'type' AS type;
SELECT orm.define('Grumpy', '{"feeling": "feeling"}');
-- a model in schema evil gets evil's types, whatever the search_path
RESET search_path;
SELECT orm.define('Grumpy', '{"mood": "mood", "feeling": "feeling"}', '{"schema": "evil", "timestamps": false}') ->> 'schema' AS schema;
SELECT * FROM orm.sync('{"dryRun": true, "models": ["Grumpy"]}');
SELECT orm.undefine('Grumpy');
SET search_path = evil, public;
SELECT * FROM orm.sync('{"dryRun": true}');
SELECT * FROM orm.sync();
SELECT orm.define('Note', '{"body": {"type": "TEXT", "defaultValue": "x"}}') ->> 'name' AS defined;
SELECT orm.associate('User', 'hasMany', 'Note', '{"as": "notes"}') ->> 'as' AS alias;
SELECT * FROM orm.sync('{"models": ["Note"]}');
INSERT INTO public."Users" (name) VALUES ('ann');
UPDATE public."Users" SET name = 'bob';
RESET search_path;
SELECT * FROM tables();
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = '"Tokens"'::regclass AND attnum > 0 ORDER BY attnum;
SELECT count(*) AS evil_users FROM evil."Users";
-- with pg_catalog searched after the hostile schema
SET search_path = evil, pg_catalog, public;
SELECT * FROM orm.sync('{"force": true}');
RESET search_path;
SELECT * FROM tables();
-- the catalog knows the new relationship functions: a second sync has
-- nothing to do (a stale link would make it refuse them as the user's)
SELECT source, alias, function FROM orm.associations ORDER BY source, alias;
SELECT count(*) AS statements FROM orm.sync();

--
-- Cleanup
--
SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
DROP TABLE "Notes", "PostsTags", "Posts", "Users", "Tags", "Tokens" CASCADE;
RESET client_min_messages;
DROP TYPE mood;
DROP FUNCTION tables();
DROP FUNCTION err(text);
DROP EXTENSION orm_models;
DROP OWNED BY regress_orm_sync_owner, regress_orm_sync_other;
DROP ROLE regress_orm_sync_owner, regress_orm_sync_other;
