-- define_errors: bad input to orm.define, orm.define_models, orm.associate
-- and orm.undefine.  Each error is pinned with its SQLSTATE; a dozen of
-- them also as plain statements, so that DETAIL and HINT are pinned too.
CREATE EXTENSION orm_models;
\set SHOW_CONTEXT never

-- err(sql): runs one statement and always rolls it back; returns 'ok' or
-- 'SQLSTATE: message'.  Cases are independent of each other.
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

-- def(attributes, options): err() of orm.define('M', attributes, options)
CREATE FUNCTION def(attributes text, options text DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
	SELECT err(format('SELECT orm.define(%L, %L, %L)', 'M', attributes, options))
$$;

--
-- NULL arguments
--
SELECT orm.define(NULL, '{}');
SELECT orm.define('M', NULL);
SELECT orm.define('M', '{}', NULL);
SELECT orm.define_models(NULL);
SELECT orm.undefine(NULL);
SELECT orm.associate('M', NULL, 'M');
SELECT orm.describe(NULL) IS NULL AS describe_null_is_null;

--
-- Model names
--
SELECT orm.define('', '{}');
-- 64 bytes is too long
SELECT orm.define(repeat('m', 64), '{}');
\pset format unaligned
SELECT length(n) AS chars, octet_length(n) AS bytes, options,
       left(err(format('SELECT orm.define(%L, %L, %L)', n, '{}', options)), 90) AS result
  FROM (VALUES
    (repeat('m', 63), '{"freezeTableName": true}'),
    (repeat('m', 63), '{"tableName": "short"}'),
    (repeat('m', 62), '{}'),                          -- 63 bytes once pluralized
    (repeat('m', 63), '{}'),                          -- table name "mmm...ms" is 64 bytes
    (repeat('m', 64), '{"freezeTableName": true}'),
    (repeat('m', 1000), '{"freezeTableName": true}'),
    (repeat('日', 21), '{"freezeTableName": true}'),  -- 63 bytes
    (repeat('日', 22), '{"freezeTableName": true}')   -- 66 bytes
  ) v(n, options);
\pset format aligned

--
-- Attributes that are not an object, attribute values of the wrong type
--
SELECT orm.define('M', '[]');
SELECT orm.define('M', '{"a": 5}');
SELECT orm.define('M', '{"a": {"allowNull": false}}');
SELECT orm.define('M', '{');
\pset format unaligned
SELECT attributes, def(attributes) AS result FROM (VALUES
  ('[]'), ('[{"a": "TEXT"}]'), ('"User"'), ('5'), ('null'), ('true'), ('""'),
  ('{"a": 5}'), ('{"a": 1.5}'), ('{"a": []}'), ('{"a": ["TEXT"]}'), ('{"a": null}'),
  ('{"a": true}'), ('{"a": false}'),
  ('{"a": {}}'), ('{"a": {"type": 5}}'), ('{"a": {"type": null}}'),
  ('{"a": {"type": true}}'), ('{"a": {"type": ["TEXT"]}}'),
  ('{"a": {"type": {"name": "TEXT"}}}'),
  ('{"": "TEXT"}'),
  ('{"a": "TEXT", "": "TEXT"}'),
  ('{"\u0000": "TEXT"}'),
  ('{"a": "\u0000"}')
) v(attributes);
SELECT def(format('{"%s": "TEXT"}', repeat('a', 63))) AS attribute_63_bytes,
       def(format('{"%s": "TEXT"}', repeat('a', 64))) AS attribute_64_bytes;
\pset format aligned

--
-- Types
--
SELECT orm.define('User', '{"name": "STRNG"}');
SELECT orm.define('User', '{"name": {"type": "INTEGR"}}');
SELECT orm.define('User', '{"name": "VARCHAR(10"}');
SELECT orm.define('User', '{"name": "STRING(abc)"}');
SELECT orm.define('User', '{"name": "TEXT(5)"}');
SELECT orm.define('User', '{"name": "STRING(0)"}');
SELECT orm.define('User', '{"name": "record"}');
SELECT orm.define('User', '{"mood": "ENUM"}');
SELECT orm.define('User', '{"name": "x"}', '{"timestamps": false}');
-- DATE(n) takes a precision of 0 to 6: DATE(7) is refused at define, and
-- nothing is stored (PostgreSQL would accept it with a warning, and the
-- warning would come back on every later call)
SELECT orm.define('Stamp', '{"at": "DATE(7)"}');
SELECT def('{"at": "DATE(7)"}') AS date_7, def('{"at": "DATE(06)"}') AS date_06;
SELECT count(*) AS stamp_models FROM orm.models WHERE name = 'Stamp';
SELECT orm.define('Stamp', '{"at": "DATE(6)"}') -> 'attributes' -> 'at' ->> 'type' AS type;
SELECT orm.define('Other', '{}') ->> 'name' AS name;
SELECT orm.undefine('Other');
SELECT orm.undefine('Stamp');
-- the same precision written as a PostgreSQL type name is still accepted
-- with PostgreSQL's warning, and the warning still comes back on every
-- later call while the model exists (not fixed yet)
SELECT orm.define('Stamp', '{"at": "timestamptz(7)"}') -> 'attributes' -> 'at' ->> 'type' AS type;
SELECT orm.define('Other', '{}') ->> 'name' AS name;
SELECT orm.undefine('Other');
SELECT orm.undefine('Stamp');
\pset format unaligned
SELECT type, def(format('{"a": {"type": %s}}', to_json(type))) AS result FROM (VALUES
  (''), (' '), ('STRNG'), ('string'), ('String'), ('INTEGR'), ('integr'), ('serial'),
  ('VARCHAR(10'), ('STRING('), ('STRING)'), ('STRING()'), ('STRING(,)'), ('STRING(abc)'),
  ('STRING(-1)'), ('STRING(1.5)'), ('STRING(0)'), ('STRING(10485761)'),
  ('STRING(99999999999)'), ('STRING(10)(20)'), ('STRING(10)[]'),
  ('CHAR(0)'), ('TEXT(5)'), ('INTEGER(11)'), ('BOOLEAN(1)'), ('UUID(4)'),
  ('DECIMAL(x)'), ('DECIMAL(10,2,3)'), ('DECIMAL(1001)'), ('DECIMAL(2,5)'),
  ('FLOAT(100)'), ('FLOAT(0)'),
  ('ARRAY'), ('ARRAY()'), ('ARRAY(STRNG)'), ('ARRAY(ARRAY(record))'),
  ('ARRAY(INTEGER'), ('RANGE(TEXT)'), ('RANGE()'), ('RANGE'),
  ('ENUM'), ('ENUM(''a'')'), ('ENUM(a,b)'), ('ARRAY(ENUM(''a''))'),
  ('record'), ('void'), ('trigger'), ('event_trigger'), ('anyelement'),
  ('anyarray'), ('cstring'), ('internal'), ('unknown'), ('record[]'),
  ('foo.bar'), ('public.nonexistent'), ('pg_catalog.nonexistent'),
  ('a.b.c.d'), ('setof integer'), ('integer; DROP TABLE x'),
  ('integer DEFAULT 1'), ('text COLLATE "C"'), ('"char'), ('int4 int4'),
  (repeat('x', 300)), (repeat('STRING', 10))
) v(type);
\pset format aligned

--
-- Attribute keys
--
SELECT orm.define('User', '{"name": {"type": "STRING", "alowNull": false}}');
SELECT orm.define('User', '{"name": {"type": "STRING", "allowNull": "no"}}');
SELECT orm.define('User', '{"name": {"type": "STRING", "validate": {"isEven": true}}}');
\pset format unaligned
SELECT attribute, def(format('{"a": %s}', attribute)) AS result FROM (VALUES
  ('{"type": "TEXT", "alowNull": false}'),
  ('{"type": "TEXT", "AllowNull": false}'),
  ('{"type": "TEXT", "": 1}'),
  ('{"type": "TEXT", "allowNull": "false"}'),
  ('{"type": "TEXT", "allowNull": 0}'),
  ('{"type": "TEXT", "allowNull": null}'),
  ('{"type": "TEXT", "primaryKey": "yes"}'),
  ('{"type": "TEXT", "primaryKey": 1}'),
  ('{"type": "INTEGER", "autoIncrement": "true"}'),
  ('{"type": "TEXT", "unique": 1}'),
  ('{"type": "TEXT", "unique": null}'),
  ('{"type": "TEXT", "unique": ["g"]}'),
  ('{"type": "TEXT", "unique": ""}'),
  ('{"type": "TEXT", "unique": "' || repeat('u', 64) || '"}'),
  ('{"type": "TEXT", "field": 5}'),
  ('{"type": "TEXT", "field": null}'),
  ('{"type": "TEXT", "field": ""}'),
  ('{"type": "TEXT", "field": "' || repeat('f', 64) || '"}'),
  ('{"type": "TEXT", "comment": 5}'),
  ('{"type": "TEXT", "comment": ["c"]}'),
  ('{"type": "TEXT", "references": "Users"}'),
  ('{"type": "TEXT", "references": ["Users"]}'),
  ('{"type": "TEXT", "references": {}}'),
  ('{"type": "TEXT", "references": {"key": "id"}}'),
  ('{"type": "TEXT", "references": {"model": 5}}'),
  ('{"type": "TEXT", "references": {"model": ""}}'),
  ('{"type": "TEXT", "references": {"model": "Users", "key": 5}}'),
  ('{"type": "TEXT", "references": {"model": "Users", "key": ""}}'),
  ('{"type": "TEXT", "references": {"model": "Users", "deferrable": true}}'),
  ('{"type": "TEXT", "references": {"model": "' || repeat('r', 64) || '"}}'),
  ('{"type": "TEXT", "references": {"model": "Users"}, "onDelete": 5}'),
  ('{"type": "TEXT", "references": {"model": "Users"}, "onDelete": "EXPLODE"}'),
  ('{"type": "TEXT", "references": {"model": "Users"}, "onDelete": "SET  NULL"}'),
  ('{"type": "TEXT", "references": {"model": "Users"}, "onDelete": "CASCADE; DROP TABLE x"}'),
  ('{"type": "TEXT", "references": {"model": "Users"}, "onUpdate": null}'),
  ('{"type": "TEXT", "onDelete": "CASCADE"}'),
  ('{"type": "TEXT", "onUpdate": "cascade"}'),
  ('{"type": "TEXT", "validate": {"isEmail": true}}'),
  ('{"type": "TEXT", "values": ["a", "b"]}'),
  ('{"type": "TEXT", "get": "x"}')
) v(attribute);
\pset format aligned

--
-- What attribute keys mean together
--
SELECT orm.define('User', '{"name": {"type": "STRING", "autoIncrement": true}}');
SELECT orm.define('User', '{"id": {"type": "INTEGER", "primaryKey": true, "allowNull": true}}');
SELECT orm.define('User', '{"id": "INTEGER", "name": "STRING"}');
SELECT orm.define('User', '{"createdAt": "TEXT"}');
SELECT orm.define('User', '{}', '{"createdAt": "stamp", "updatedAt": "stamp"}');
SELECT orm.define('User', '{"a": {"type": "INTEGER", "references": {"model": "User", "key": "nope"}}}');
SELECT orm.define('User', '{"a": {"type": "TEXT", "references": {"model": "User"}}}');
\pset format unaligned
SELECT attributes, options, def(attributes, options) AS result FROM (VALUES
  ('{"a": {"type": "STRING", "autoIncrement": true}}', '{}'),
  ('{"a": {"type": "DECIMAL", "autoIncrement": true}}', '{}'),
  ('{"a": {"type": "ARRAY(INTEGER)", "autoIncrement": true}}', '{}'),
  ('{"a": {"type": "INTEGER", "autoIncrement": true, "defaultValue": 1}}', '{}'),
  ('{"a": {"type": "INTEGER", "autoIncrement": true, "defaultValue": null}}', '{}'),
  ('{"a": {"type": "INTEGER", "primaryKey": true, "allowNull": true}}', '{}'),
  ('{"a": {"type": "INTEGER", "primaryKey": true, "allowNull": false}}', '{}'),
  ('{"a": {"type": "INTEGER", "primaryKey": true}}', '{}'),
  ('{"id": "INTEGER"}', '{}'),
  ('{"id": {"type": "INTEGER", "primaryKey": false}}', '{}'),
  ('{"a": "TEXT", "a": "TEXT"}', '{}'),
  ('{"a": "TEXT", "b": "TEXT", "a": "INTEGER"}', '{}'),
  ('{"a": "TEXT", "b": {"type": "TEXT", "field": "a"}}', '{}'),
  ('{"a": {"type": "TEXT", "field": "c"}, "b": {"type": "TEXT", "field": "c"}}', '{}'),
  ('{"stamp": {"type": "TEXT", "field": "createdAt"}}', '{}'),
  ('{"userId": "INTEGER", "user_id": "INTEGER"}', '{"underscored": true}'),
  ('{"a": {"type": "TEXT", "field": "id"}}', '{}'),
  ('{"createdAt": "TEXT"}', '{}'),
  ('{"updatedAt": "TEXT"}', '{}'),
  ('{"createdAt": "DATEONLY"}', '{}'),
  ('{"createdAt": "DATE"}', '{}'),
  ('{"updatedAt": "timestamp"}', '{}'),
  ('{"createdAt": "TEXT"}', '{"timestamps": false}'),
  ('{"createdAt": "TEXT"}', '{"createdAt": false}'),
  ('{"createdAt": "TEXT"}', '{"createdAt": "made"}'),
  ('{"made": "TEXT"}', '{"createdAt": "made"}'),
  ('{"deletedAt": "TEXT"}', '{}'),
  ('{"deletedAt": "TEXT"}', '{"paranoid": true}'),
  ('{"stamp": "TEXT"}', '{"createdAt": "stamp", "updatedAt": "stamp"}'),
  ('{}', '{"createdAt": "stamp", "updatedAt": "stamp"}'),
  ('{}', '{"paranoid": true, "updatedAt": "stamp", "deletedAt": "stamp"}'),
  ('{}', '{"createdAt": "stamp", "deletedAt": "stamp"}'),
  ('{}', '{"timestamps": false, "createdAt": "stamp", "updatedAt": "stamp"}'),
  ('{}', '{"paranoid": true, "deletedAt": false}'),
  ('{}', '{"paranoid": true, "deletedAt": "gone"}'),
  ('{"a": {"type": "STRNG", "type": "TEXT"}}', '{}'),
  ('{"a": {"type": "TEXT", "allowNull": false, "allowNull": true}}', '{}'),
  ('{"a": {"type": "INTEGER", "references": {"model": "M", "key": "nope"}}}', '{}'),
  ('{"a": {"type": "TEXT", "references": {"model": "M"}}}', '{}')
) v(attributes, options);
\pset format aligned

--
-- defaultValue
--
SELECT orm.define('User', '{"n": {"type": "INTEGER", "defaultValue": "abc"}}');
SELECT orm.define('User', '{"n": {"type": "INTEGER", "defaultValue": "NOW"}}');
SELECT orm.define('User', '{"n": {"type": "INTEGER", "defaultValue": "UUIDV4"}}');
SELECT orm.define('User', '{"u": {"type": "UUID", "defaultValue": "UUIDV1"}}');
\pset format unaligned
SELECT type, default_value,
       def(format('{"a": {"type": %s, "defaultValue": %s}}', to_json(type), default_value),
           '{"timestamps": false}') AS result
  FROM (VALUES
  ('INTEGER', '"abc"'), ('INTEGER', '1.5'), ('INTEGER', '1e10'), ('INTEGER', 'true'),
  ('INTEGER', '[1]'), ('INTEGER', '{"a": 1}'), ('INTEGER', '""'),
  ('INTEGER', '"NOW"'), ('INTEGER', '"UUIDV4"'), ('INTEGER', '"UUIDV1"'),
  ('SMALLINT', '40000'), ('BIGINT', '1e30'), ('BOOLEAN', '"maybe"'), ('BOOLEAN', '2'),
  ('STRING(3)', '"abcd"'), ('CHAR(2)', '"abc"'), ('DECIMAL(3,1)', '1234.5'),
  ('DOUBLE', '1e400'), ('UUID', '"not-a-uuid"'), ('UUID', '"NOW"'), ('UUID', '"UUIDV1"'),
  ('DATE', '"yesterday-ish"'), ('DATE', '"UUIDV4"'), ('DATEONLY', '"2024-02-30"'),
  ('JSONB', '"{"'), ('ARRAY(INTEGER)', '[1, 2]'), ('ARRAY(INTEGER)', '"{1,x}"'),
  ('INET', '"300.1.1.1"'), ('regclass', '"no_such_table"'),
  ('TEXT', '"now"'), ('TEXT', '"NOW"'), ('DATE', '"now"')
  ) v(type, default_value);
\pset format aligned

--
-- Model options
--
SELECT orm.define('User', '{}', '{"timestamp": false}');
-- an index names a column once every association is in: define_models checks
SELECT orm.define_models('{"User": {"attributes": {}, "options": {"indexes": [{"fields": ["name"]}]}}}');
SELECT orm.define('User', '{}', '{"schema": "orm", "tableName": "models"}');
SELECT orm.define('User', '{}', '{"schema": "pg_catalog"}');
\pset format unaligned
SELECT options, def('{"a": "TEXT"}', options) AS result FROM (VALUES
  ('[]'), ('"x"'), ('5'), ('null'), ('true'),
  ('{"timestamp": false}'), ('{"TableName": "x"}'), ('{"": 1}'),
  ('{"timestamps": "yes"}'), ('{"timestamps": 1}'), ('{"timestamps": null}'),
  ('{"tableName": 5}'), ('{"tableName": ""}'), ('{"tableName": null}'),
  ('{"tableName": "' || repeat('t', 64) || '"}'),
  ('{"freezeTableName": "true"}'),
  ('{"name": "User"}'), ('{"name": ["User"]}'), ('{"name": {"singular": 5}}'),
  ('{"name": {"plural": ""}}'), ('{"name": {"unknown": "x"}}'),
  ('{"name": {"singular": "' || repeat('s', 64) || '"}}'),
  ('{"schema": 5}'), ('{"schema": ""}'),
  ('{"schema": "' || repeat('s', 64) || '"}'),
  ('{"schema": "orm"}'), ('{"schema": "information_schema"}'),
  ('{"schema": "pg_catalog"}'), ('{"schema": "pg_toast"}'), ('{"schema": "pg_temp"}'),
  ('{"schema": "pg_anything"}'), ('{"schema": "Orm"}'), ('{"schema": "pgx"}'),
  ('{"createdAt": 5}'), ('{"createdAt": null}'), ('{"createdAt": ""}'),
  ('{"updatedAt": ["u"]}'), ('{"deletedAt": 0, "paranoid": true}'),
  ('{"createdAt": "' || repeat('c', 64) || '"}'),
  ('{"paranoid": "yes"}'), ('{"paranoid": true, "timestamps": false}'),
  ('{"underscored": 1}'), ('{"comment": 5}'),
  ('{"indexes": []}'), ('{"indexes": [{"fields": ["a"]}]}'), ('{"version": true}'),
  ('{"hooks": {}}'), ('{"sequelize": {}}'), ('{"modelName": "M"}')
) v(options);
\pset format aligned

--
-- Hostile names are accepted, and quoted wherever they reach SQL
--
SELECT orm.define(E'Us"er''; DROP TABLE x; --', $${
    "na\"me": {"type": "TEXT", "comment": "it's \\ \"q\"", "defaultValue": "a'b\\c"},
    "café ñ 日本": "INTEGER",
    "semi;colon": {"type": "STRING", "unique": "u\"q"},
    "back\\slash": {"type": "STRING", "unique": "u\"q"},
    "sp ace": {"type": "TEXT", "field": "$1); --"}
  }$$, $${"comment": "x'); DROP TABLE y; --", "schema": "we\"ird sch"}$$) ->> 'tableName' AS table_name;
SELECT * FROM orm.sync($${"dryRun": true, "models": ["Us\"er'; DROP TABLE x; --"]}$$);
SELECT * FROM orm.sync($${"models": ["Us\"er'; DROP TABLE x; --"]}$$);
SELECT attname FROM pg_attribute
 WHERE attrelid = (SELECT relid FROM orm.models WHERE name = E'Us"er''; DROP TABLE x; --')
   AND attnum > 0 ORDER BY attnum;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = (SELECT relid FROM orm.models WHERE name = E'Us"er''; DROP TABLE x; --')
 ORDER BY conname;
SELECT obj_description((SELECT relid FROM orm.models WHERE name = E'Us"er''; DROP TABLE x; --'), 'pg_class');
SELECT orm.undefine(E'Us"er''; DROP TABLE x; --');
DROP SCHEMA "we""ird sch" CASCADE;

--
-- orm.define_models: all or nothing
--
SELECT orm.define('Keep', '{"name": "TEXT"}') ->> 'name' AS kept;
SELECT orm.define_models('[]');
SELECT orm.define_models('{"A": {"attributes": {}}, "B": {"attributes": {"x": "STRNG"}}, "C": {"attributes": {}}}');
SELECT orm.define_models('{"A": {"attributes": {}}, "A": {"attributes": {}}}');
SELECT orm.define_models('{"A": {"attributes": {}, "associations": [{"hasMany": "B", "belongsTo": "B"}]}, "B": {"attributes": {}}}');
-- two models cannot share a table
SELECT orm.define_models('{"A": {"attributes": {}, "options": {"tableName": "t"}}, "B": {"attributes": {}, "options": {"tableName": "t"}}}');
SELECT orm.define('Keeps', '{}', '{"freezeTableName": true}');
\pset format unaligned
SELECT models, err(format('SELECT orm.define_models(%L)', models)) AS result FROM (VALUES
  ('[]'), ('"A"'), ('5'), ('null'), ('true'),
  ('{"A": 5}'), ('{"A": "TEXT"}'), ('{"A": []}'), ('{"A": null}'),
  ('{"A": {}}'), ('{"A": {"options": {}}}'),
  ('{"A": {"attributes": {}, "attribute": {}}}'),
  ('{"A": {"attributes": {}, "Options": {}}}'),
  ('{"A": {"attributes": []}}'), ('{"A": {"attributes": null}}'),
  ('{"A": {"attributes": {}, "options": []}}'),
  ('{"A": {"attributes": {}, "options": null}}'),
  ('{"A": {"attributes": {}, "options": {"bogus": 1}}}'),
  ('{"A": {"attributes": {}, "associations": {}}}'),
  ('{"A": {"attributes": {}, "associations": "hasMany"}}'),
  ('{"A": {"attributes": {}, "associations": null}}'),
  ('{"A": {"attributes": {}, "associations": [5]}}'),
  ('{"A": {"attributes": {}, "associations": [["hasMany", "A"]]}}'),
  ('{"A": {"attributes": {}, "associations": [{}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"as": "x"}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": "A", "hasOne": "A", "as": "x"}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": 5}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": null}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": ["A"]}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"HasMany": "A"}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": "Nobody"}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": "A", "as": "x", "bogus": 1}]}}'),
  ('{"A": {"attributes": {}, "associations": [{"hasMany": "A", "as": "x"}, {"hasOne": "A", "as": "x"}]}}'),
  ('{"A": {"attributes": {}}, "A": {"attributes": {}}}'),
  ('{"": {"attributes": {}}}'),
  ('{"Keep": {"attributes": {"name": "STRNG"}}}'),
  ('{"A": {"attributes": {}}, "B": {"attributes": {"x": "STRNG"}}}'),
  ('{"A": {"attributes": {}}, "B": {"attributes": {}, "associations": [{"belongsTo": "A", "targetKey": "nope"}]}}'),
  ('{"A": {"attributes": {}, "options": {"tableName": "t"}}, "B": {"attributes": {}, "options": {"tableName": "t"}}}'),
  ('{"A": {"attributes": {}, "options": {"tableName": "t"}}, "B": {"attributes": {}, "options": {"tableName": "t", "schema": "s"}}}'),
  ('{"A": {"attributes": {}, "options": {"tableName": "Keeps"}}}'),
  ('{"Keeps": {"attributes": {}, "options": {"freezeTableName": true}}}'),
  ('{"A": {"attributes": {}, "options": {"schema": "orm"}}}'),
  ('{"A": {"attributes": {}}, "B": {"attributes": {"a": {"type": "TEXT", "references": {"model": "A"}}}}}'),
  ('{"A": {"attributes": {}}, "B": {"attributes": {"a": {"type": "INTEGER", "references": {"model": "A", "key": "nope"}}}}}'),
  ('{"A": {"attributes": {}}, "B": {"attributes": {"a": {"type": "INTEGER", "references": {"model": "A"}}}}}')
) v(models);
\pset format aligned
-- nothing of the failed calls was kept
SELECT name FROM orm.models ORDER BY name;
SELECT count(*) AS associations FROM orm.associations;

--
-- orm.associate
--
SELECT orm.define('User', '{"name": "STRING", "email": {"type": "STRING", "unique": true}}') ->> 'name' AS defined;
SELECT orm.define('Post', '{"title": "TEXT", "userId": "INTEGER"}') ->> 'name' AS defined;
SELECT orm.associate('Nobody', 'hasMany', 'Post');
SELECT orm.associate('User', 'hasMany', 'Nobody');
SELECT orm.associate('User', 'HasMany', 'Post');
SELECT orm.associate('User', 'hasMany', 'Post', '{"through": "UserPosts"}');
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "name"}');
SELECT orm.associate('User', 'belongsToMany', 'User');
SELECT orm.associate('Post', 'belongsTo', 'User', '{"targetKey": "nope"}');
SELECT orm.associate('User', 'belongsToMany', 'Post', '{"foreignKey": "k", "otherKey": "k"}');
SELECT orm.associate('User', 'hasMany', 'Post', '{"onDelete": "EXPLODE"}');
-- declaring the same association twice is a no-op; another under the same alias is an error
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "posts", "foreignKey": "userId"}') ->> 'as' AS alias;
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "posts", "foreignKey": "userId"}') ->> 'as' AS alias;
SELECT orm.associate('User', 'hasMany', 'Post', '{"foreignKey": "userId", "as": "posts"}') ->> 'as' AS alias;
SELECT orm.associate('User', 'hasOne', 'Post', '{"as": "posts", "foreignKey": "userId"}');
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "posts", "foreignKey": "userId", "onDelete": "CASCADE"}');
SELECT count(*) AS associations FROM orm.associations;
\pset format unaligned
SELECT source, kind, target, options,
       err(format('SELECT orm.associate(%L, %L, %L, %L)', source, kind, target, options)) AS result
  FROM (VALUES
  (NULL, 'hasMany', 'Post', '{}'), ('User', NULL, 'Post', '{}'),
  ('User', 'hasMany', NULL, '{}'), ('User', 'hasMany', 'Post', NULL),
  ('Nobody', 'hasMany', 'Post', '{}'), ('User', 'hasMany', 'Nobody', '{}'),
  ('user', 'hasMany', 'Post', '{}'), ('', 'hasMany', 'Post', '{}'),
  ('User', 'hasMany ', 'Post', '{}'), ('User', 'HasMany', 'Post', '{}'),
  ('User', 'has_many', 'Post', '{}'), ('User', '', 'Post', '{}'),
  ('User', 'hasMany', 'Post', '[]'), ('User', 'hasMany', 'Post', '"posts"'),
  ('User', 'hasMany', 'Post', 'null'), ('User', 'hasMany', 'Post', '5'),
  ('User', 'hasMany', 'Post', '{"bogus": 1}'), ('User', 'hasMany', 'Post', '{"As": "x"}'),
  ('User', 'hasMany', 'Post', '{"through": "X"}'),
  ('User', 'hasMany', 'Post', '{"targetKey": "id"}'),
  ('User', 'hasMany', 'Post', '{"otherKey": "x"}'),
  ('User', 'hasOne', 'Post', '{"through": "X"}'),
  ('Post', 'belongsTo', 'User', '{"otherKey": "x"}'),
  ('Post', 'belongsTo', 'User', '{"sourceKey": "id"}'),
  ('Post', 'belongsTo', 'User', '{"through": "X"}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": 5}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": []}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": null}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": ""}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"nmae": "x"}}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"name": 5}}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"name": ""}}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"allowNull": "no"}}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"field": 5}}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": "' || repeat('k', 64) || '"}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"name": "k", "field": "' || repeat('k', 64) || '"}}'),
  ('User', 'hasMany', 'Post', '{"foreignKey": {"name": "k", "field": "title"}}'),
  ('User', 'hasMany', 'Post', '{"as": 5}'), ('User', 'hasMany', 'Post', '{"as": ""}'),
  ('User', 'hasMany', 'Post', '{"as": null}'),
  ('User', 'hasMany', 'Post', '{"as": "' || repeat('a', 64) || '"}'),
  ('User', 'hasMany', 'Post', '{"as": "name"}'), ('User', 'hasMany', 'Post', '{"as": "id"}'),
  ('User', 'hasMany', 'Post', '{"as": "createdAt"}'),
  ('User', 'hasOne', 'Post', '{"as": "posts"}'),
  ('User', 'hasMany', 'Post', '{"as": "posts"}'),
  ('User', 'hasMany', 'Post', '{"sourceKey": "nope"}'),
  ('User', 'hasMany', 'Post', '{"sourceKey": 5}'),
  ('Post', 'belongsTo', 'User', '{"targetKey": "nope"}'),
  ('Post', 'belongsTo', 'User', '{"targetKey": ""}'),
  ('User', 'belongsToMany', 'Post', '{"sourceKey": "nope"}'),
  ('User', 'belongsToMany', 'Post', '{"targetKey": "nope"}'),
  ('User', 'belongsToMany', 'User', '{}'),
  ('User', 'belongsToMany', 'User', '{"through": "Follows"}'),
  ('User', 'belongsToMany', 'Post', '{"through": 5}'),
  ('User', 'belongsToMany', 'Post', '{"through": ""}'),
  ('User', 'belongsToMany', 'Post', '{"through": "' || repeat('j', 64) || '"}'),
  ('User', 'belongsToMany', 'Post', '{"otherKey": ""}'),
  ('User', 'belongsToMany', 'Post', '{"foreignKey": "k", "otherKey": "k"}'),
  ('User', 'hasMany', 'Post', '{"onDelete": "EXPLODE"}'),
  ('User', 'hasMany', 'Post', '{"onDelete": 5}'),
  ('User', 'hasMany', 'Post', '{"onUpdate": null}'),
  ('User', 'hasMany', 'Post', '{"constraints": "no"}'),
  ('User', 'hasMany', 'Post', '{"constraints": null}'),
  -- a foreign key whose type differs from its key: associate does not
  -- check it yet (reported; a define does, 42804), see sync_errors
  ('User', 'hasMany', 'Post', '{"foreignKey": "title"}'),
  ('User', 'hasMany', 'Post', '{"as": "p2", "foreignKey": "title"}'),
  ('User', 'hasMany', 'Post', '{"as": "p3", "sourceKey": "email", "foreignKey": "userId"}')
  ) v(source, kind, target, options);
\pset format aligned
-- a redefinition that breaks an association fails, and keeps the old model
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "byEmail", "sourceKey": "email", "foreignKey": "authorEmail"}') ->> 'foreignKey' AS fk;
SELECT orm.define('User', '{"name": "STRING"}');
SELECT orm.define('User', '{"name": "STRING", "byEmail": "TEXT", "email": "STRING"}');
SELECT jsonb_object_keys(orm.describe('User') -> 'attributes') AS user_attributes;

--
-- orm.undefine
--
SELECT orm.undefine('Nobody');
SELECT orm.undefine('');
SELECT orm.undefine('user');
SELECT orm.undefine('Users');

--
-- Ownership: a model belongs to the role that defined it
--
CREATE ROLE regress_orm_alice NOLOGIN;
CREATE ROLE regress_orm_bob NOLOGIN;
SET ROLE regress_orm_alice;
SELECT orm.define('AliceUser', '{"name": "STRING"}') ->> 'name' AS defined;
SELECT orm.define('AliceNote', '{"body": "TEXT"}') ->> 'name' AS defined;
SELECT orm.associate('AliceUser', 'hasMany', 'AliceNote', '{"as": "notes"}') ->> 'as' AS alias;
SET ROLE regress_orm_bob;
SELECT orm.define('BobPost', '{"title": "TEXT"}') ->> 'name' AS defined;
SELECT orm.define('AliceUser', '{"name": "TEXT"}');
SELECT orm.undefine('AliceUser');
SELECT orm.associate('AliceUser', 'hasMany', 'BobPost');
-- an association from bob's model that puts a key on alice's model
SELECT orm.associate('BobPost', 'hasMany', 'AliceUser');
SELECT orm.associate('BobPost', 'belongsToMany', 'AliceNote', '{"through": "AliceUser"}');
\pset format unaligned
SELECT sql, err(sql) AS result FROM (VALUES
  ($$SELECT orm.define('AliceUser', '{"name": "TEXT"}')$$),
  ($$SELECT orm.undefine('AliceUser')$$),
  ($$SELECT orm.define_models('{"AliceUser": {"attributes": {}}}')$$),
  ($$SELECT orm.define_models('{"BobTag": {"attributes": {}}, "AliceNote": {"attributes": {}}}')$$),
  ($$SELECT orm.associate('AliceUser', 'hasMany', 'BobPost')$$),
  ($$SELECT orm.associate('AliceUser', 'hasMany', 'AliceNote', '{"as": "notes"}')$$),
  ($$SELECT orm.associate('BobPost', 'hasMany', 'AliceUser')$$),
  ($$SELECT orm.associate('BobPost', 'hasOne', 'AliceUser')$$),
  ($$SELECT orm.associate('BobPost', 'belongsToMany', 'AliceNote', '{"through": "AliceUser"}')$$),
  ($$SELECT orm.associate('BobPost', 'belongsToMany', 'BobPost', '{"through": "AliceNote", "as": "related", "otherKey": "relatedId"}')$$),
  -- the key goes on bob's own model, or on a junction that is no model
  ($$SELECT orm.associate('BobPost', 'belongsTo', 'AliceUser')$$),
  ($$SELECT orm.associate('BobPost', 'belongsToMany', 'AliceNote', '{"through": "BobPostNotes"}')$$)
) v(sql);
\pset format aligned
SELECT jsonb_object_keys(orm.describe('AliceUser') -> 'attributes') AS alice_user_attributes;
-- the catalog can be read by everyone and written only through the functions
UPDATE orm.models SET attributes = '{}' WHERE name = 'AliceUser';
DELETE FROM orm.models WHERE name = 'AliceUser';
INSERT INTO orm.models (name, table_name, schema_name, attributes, owner)
VALUES ('Forged', 'Forged', 'public', '{}', 'regress_orm_alice');
-- a row with alice's model as its source, a row that would not parse
INSERT INTO orm.associations (source, alias, kind, target, options, position, owner)
VALUES ('AliceUser', 'hijacked', 'belongsTo', 'BobPost', '{"as": "hijacked"}', 100, 'regress_orm_bob');
INSERT INTO orm.models (name, table_name, schema_name, attributes, owner)
VALUES ('Broken', 'Brokens', 'public', '{"a": "STRNG"}', 'regress_orm_bob');
-- even bob's own rows
\pset format unaligned
SELECT sql, err(sql) AS result FROM (VALUES
  ($$INSERT INTO orm.models (name, table_name, schema_name, attributes, owner) VALUES ('Forged', 'Forged', 'public', '{}', 'regress_orm_bob')$$),
  ($$INSERT INTO orm.associations (source, alias, kind, target, options, position, owner) VALUES ('BobPost', 'x', 'belongsTo', 'AliceUser', '{}', 100, 'regress_orm_bob')$$),
  ($$UPDATE orm.models SET attributes = '{}' WHERE name = 'BobPost'$$),
  ($$UPDATE orm.associations SET options = '{}'$$),
  ($$DELETE FROM orm.models WHERE name = 'BobPost'$$),
  ($$DELETE FROM orm.associations$$),
  ($$TRUNCATE orm.models$$),
  ($$SELECT count(*) FROM orm.models$$)
) v(sql);
\pset format aligned
RESET ROLE;
-- nothing of it reached the catalog, and every call still works
SELECT name, owner, attributes FROM orm.models ORDER BY name;
SELECT source, alias, kind, target, owner FROM orm.associations ORDER BY source, alias;
SELECT orm.describe('User') ->> 'name' AS name;
-- superusers may change anyone's model
SELECT orm.define('AliceNote', '{"body": "TEXT", "title": "TEXT"}') ->> 'name' AS defined;
SELECT orm.associate('AliceUser', 'hasOne', 'BobPost', '{"as": "pinned"}') ->> 'as' AS alias;
SELECT orm.undefine('BobPost');
SELECT name, owner FROM orm.models ORDER BY name;
SELECT source, alias, owner FROM orm.associations ORDER BY source, alias;
-- a model whose owner role was dropped: another role's define and undefine
-- fail with 42704 "invalid role OID" instead of 42501 (reported)
SET ROLE regress_orm_bob;
SELECT orm.define('BobGone', '{}') ->> 'name' AS defined;
RESET ROLE;
DROP ROLE regress_orm_bob;
SET ROLE regress_orm_alice;
SELECT split_part(err($$SELECT orm.define('BobGone', '{"x": "TEXT"}')$$), ':', 1) AS sqlstate;
SELECT split_part(err($$SELECT orm.undefine('BobGone')$$), ':', 1) AS sqlstate;
RESET ROLE;
-- a superuser can still remove it
SELECT orm.undefine('BobGone');
SELECT count(*) AS bob_gone FROM orm.models WHERE name = 'BobGone';

--
-- Cleanup
--
DROP FUNCTION def(text, text);
DROP FUNCTION err(text);
DROP EXTENSION orm_models;
DROP ROLE regress_orm_alice;
