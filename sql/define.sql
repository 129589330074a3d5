-- orm.define: normalized definitions, Sequelize's defaults filled in.
CREATE EXTENSION orm_models;

-- the seed's User: types as format_type prints them, timestamps added
SELECT jsonb_pretty(orm.define('User', '{
  "id":    {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "name":  {"type": "STRING", "allowNull": false},
  "email": {"type": "STRING", "allowNull": false, "unique": true}
}'));

-- attribute order is the order written (the catalog keeps json, not jsonb)
SELECT orm.define('Ordered', '{"zeta": "TEXT", "alpha": "TEXT", "mid": "TEXT"}', '{"timestamps": false}')
       -> 'attributes' IS NOT NULL AS defined;
SELECT string_agg(key, ', ' ORDER BY ord) AS column_order
  FROM orm.models, json_each(attributes) WITH ORDINALITY AS a(key, value, ord)
 WHERE name = 'Ordered';

-- a model without a primary key gets Sequelize's id in front
SELECT orm.define('Tag', '{"label": "STRING(40)"}') -> 'attributes' -> 'id';

-- every Sequelize type of this version, and PostgreSQL type names
SELECT key, value ->> 'type' AS type
  FROM jsonb_each(orm.define('Typed', '{
    "s": "STRING", "s100": "STRING(100)", "c": "CHAR", "c2": "CHAR(2)",
    "t": "TEXT", "i": "INTEGER", "bi": "BIGINT", "si": "SMALLINT",
    "ti": "TINYINT", "f": "FLOAT", "r": "REAL", "d": "DOUBLE",
    "dec": "DECIMAL", "dec10": "DECIMAL(10,2)", "b": "BOOLEAN",
    "dt": "DATE", "dt3": "DATE(3)", "donly": "DATEONLY", "tm": "TIME",
    "u": "UUID", "j": "JSON", "jb": "JSONB", "bl": "BLOB", "ip": "INET",
    "cidr": "CIDR", "mac": "MACADDR", "tsv": "TSVECTOR",
    "arr": "ARRAY(INTEGER)", "arr2": "ARRAY(ARRAY(TEXT))", "rng": "RANGE(DATE)",
    "pg1": "timestamptz", "pg2": "numeric(12,2)", "pg3": "varchar(20)[]",
    "pg4": "date", "pg5": "double precision", "pg6": "int4range"
  }', '{"timestamps": false}') -> 'attributes')
 ORDER BY key;

-- defaults: literals checked against the type, NOW, UUIDV4, null
SELECT key, value -> 'defaultValue' AS default_value, value ->> 'type' AS type
  FROM jsonb_each(orm.define('Defaults', '{
    "n":  {"type": "INTEGER", "defaultValue": 42},
    "s":  {"type": "STRING", "defaultValue": "it''s"},
    "b":  {"type": "BOOLEAN", "defaultValue": false},
    "d":  {"type": "DECIMAL(10,2)", "defaultValue": 9.99},
    "j":  {"type": "JSONB", "defaultValue": {"a": [1, 2]}},
    "at": {"type": "DATE", "defaultValue": "NOW"},
    "u":  {"type": "UUID", "defaultValue": "UUIDV4"},
    "z":  {"type": "TEXT", "defaultValue": null}
  }', '{"timestamps": false}') -> 'attributes')
 WHERE key <> 'id'
 ORDER BY key;

-- options: tableName, freezeTableName, name, schema, timestamps renamed or off,
-- paranoid, underscored, comment
SELECT d ->> 'tableName' AS table_name, d ->> 'schema' AS schema,
       d -> 'options' -> 'name' AS name
  FROM (VALUES
    (orm.define('Person', '{"name": "STRING"}')),
    (orm.define('Sheep', '{"name": "STRING"}', '{"freezeTableName": true}')),
    (orm.define('Category', '{"name": "STRING"}', '{"tableName": "cats", "schema": "shop"}')),
    (orm.define('BlogPost', '{"title": "STRING"}', '{"underscored": true, "name": {"singular": "post", "plural": "posts"}}'))
  ) AS t(d);
SELECT key, value ->> 'field' AS field, value ->> 'allowNull' AS allow_null
  FROM jsonb_each(orm.define('Snake', '{"firstName": "STRING", "lastName": {"type": "STRING", "field": "surname"}}',
                             '{"underscored": true, "paranoid": true}') -> 'attributes');
SELECT jsonb_object_keys(orm.define('Stamps', '{"x": "TEXT"}',
                         '{"createdAt": "born", "updatedAt": false}') -> 'attributes');
SELECT jsonb_object_keys(orm.define('NoStamps', '{"x": "TEXT"}', '{"timestamps": false}') -> 'attributes');
SELECT orm.define('Commented', '{"x": {"type": "TEXT", "comment": "the x"}}', '{"comment": "a table"}')
       #> '{options,comment}' AS comment;

-- a composite unique and a composite primary key
SELECT key, value -> 'unique' AS uniq, value -> 'primaryKey' AS pk
  FROM jsonb_each(orm.define('Composite', '{
    "a": {"type": "INTEGER", "primaryKey": true},
    "b": {"type": "INTEGER", "primaryKey": true},
    "c": {"type": "TEXT", "unique": "c_d"},
    "d": {"type": "TEXT", "unique": "c_d"}
  }', '{"timestamps": false}') -> 'attributes')
 ORDER BY key;

-- define replaces: the catalog row is updated, not duplicated
SELECT orm.define('Tag', '{"label": "STRING(80)"}') #>> '{attributes,label,type}';
SELECT count(*) FROM orm.models WHERE name = 'Tag';

-- names up to 63 bytes; hostile names are stored as written
SELECT orm.define(repeat('m', 63), '{"x": "TEXT"}', '{"freezeTableName": true}') ->> 'tableName' = repeat('m', 63) AS ok;
SELECT orm.define('Robert''); DROP TABLE students;--', '{"a\"b": "TEXT"}') ->> 'tableName' AS hostile_table;

-- orm.describe gives the same, with associations
SELECT orm.describe('Tag') = (orm.describe('Tag') - 'associations') || jsonb_build_object('associations', '[]'::jsonb) AS has_empty_associations;

-- undefine removes the model, not its table
SELECT orm.undefine('Tag');
SELECT count(*) FROM orm.models WHERE name = 'Tag';

DROP EXTENSION orm_models;
