-- ENUM attributes: a type named as Sequelize names it, values added later.
CREATE EXTENSION orm_models;
CREATE SCHEMA enum_test;
SELECT orm.define('Article', '{
  "status": {"type": "ENUM", "values": ["draft", "published"], "allowNull": false, "defaultValue": "draft"},
  "size": "ENUM(''S'', ''M'', ''it''''s L'')"
}', '{"schema": "enum_test", "timestamps": false}') -> 'attributes' -> 'status';
SELECT * FROM orm.sync();
\dT+ enum_test.*
INSERT INTO enum_test."Articles" (size) VALUES ('M') RETURNING status, size;
-- a new value is added by the next sync, the old ones stay
SELECT orm.define('Article', '{
  "status": {"type": "ENUM", "values": ["draft", "published", "archived"], "allowNull": false, "defaultValue": "draft"},
  "size": "ENUM(''S'', ''M'', ''it''''s L'')"
}', '{"schema": "enum_test", "timestamps": false}') IS NOT NULL AS redefined;
SELECT * FROM orm.sync();
SELECT enum_range(NULL::enum_test."enum_Articles_status");
-- find compares enum columns with their own operators
SELECT orm.find_all('Article', '{"where": {"status": ["draft", "archived"], "size": {"$gt": "S"}}}');
-- force recreates the type with the table
SELECT * FROM orm.sync('{"force": true}');
-- errors
SELECT orm.define('Bad', '{"s": "ENUM"}');
SELECT orm.define('Bad', '{"s": {"type": "ENUM", "values": []}}');
SELECT orm.define('Bad', '{"s": {"type": "ENUM", "values": ["a", "a"]}}');
SELECT orm.define('Bad', '{"s": {"type": "ENUM", "values": ["a", 1]}}');
SELECT orm.define('Bad', '{"s": {"type": "ENUM", "values": ["a"], "defaultValue": "b"}}');
SELECT orm.define('Bad', '{"s": {"type": "TEXT", "values": ["a"]}}');
SELECT orm.define('Bad', '{"s": "ENUM(a, b)"}');
SELECT orm.define('Bad', '{"s": "ENUM(''a'', )"}');
SELECT orm.define('Unsynced', '{"s": {"type": "ENUM", "values": ["a"]}}') #>> '{attributes,s,type}';
SELECT orm.find_all('Unsynced', '{"where": {"s": "a"}}');
-- (fuzzer) an ENUM primary key referenced before sync: the foreign keys take
-- its type by name
SELECT orm.define('Flavor', '{"k": {"type": "ENUM(''a'', ''b'')", "primaryKey": true}}', '{"schema": "enum_test", "timestamps": false}') ->> 'name' AS defined;
SELECT orm.define('Scoop', '{"n": "INTEGER"}', '{"schema": "enum_test", "timestamps": false}') ->> 'name' AS defined;
SELECT orm.associate('Flavor', 'hasMany', 'Scoop') ->> 'foreignKey' AS fk;
SELECT orm.describe('Scoop') #>> '{attributes,FlavorK,type}' AS fk_type;
SELECT * FROM orm.sync('{"models": ["Flavor", "Scoop"]}');
DROP SCHEMA enum_test CASCADE;
DROP EXTENSION orm_models;
