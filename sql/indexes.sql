-- The "indexes" model option.
CREATE EXTENSION orm_models;
CREATE SCHEMA index_test;
SELECT orm.define('Product', '{
  "sku": {"type": "STRING(32)", "allowNull": false},
  "name": "STRING", "shop": "INTEGER", "tags": "JSONB", "price": "DECIMAL(10,2)",
  "createdAt": "DATE"
}', '{"schema": "index_test", "indexes": [
  {"fields": ["name"]},
  {"unique": true, "fields": ["shop", "sku"]},
  {"name": "products_tags_gin", "fields": ["tags"], "using": "gin"},
  {"fields": [{"name": "createdAt", "order": "DESC"}, "price"]},
  {"name": "cheap_ones", "fields": ["name"], "where": {"price": {"$lt": 10}, "sku": {"$notLike": "X%"}, "$or": [{"shop": [1, 2]}, {"shop": null}]}}
]}') #> '{tableName}';
SELECT * FROM orm.sync();
\d index_test."Products"
-- errors
SELECT orm.define('Bad', '{"x": "TEXT"}', '{"indexes": {}}');
SELECT orm.define('Bad', '{"x": "TEXT"}', '{"indexes": [{}]}');
SELECT orm.define_models('{"Bad": {"attributes": {"x": "TEXT"}, "options": {"indexes": [{"fields": ["y"]}]}}}');
SELECT orm.define('Bad', '{"x": "TEXT"}', '{"indexes": [{"fields": ["x"], "bogus": 1}]}');
SELECT orm.define('Bad', '{"x": "TEXT"}', '{"indexes": [{"fields": [{"name": "x", "order": "UP"}]}]}');
SELECT orm.define('Bad', '{"x": "TEXT"}', '{"indexes": [{"fields": ["x"], "where": {"x": {"$nope": 1}}}]}');
-- a partial index on an ENUM attribute, defined before sync creates the
-- type: the labels are checked and written as literals of the type's name
CREATE SCHEMA enum_idx;
SELECT orm.define('Item', '{"status": {"type": "ENUM", "values": ["a", "b \"q\""]}, "n": "INTEGER"}',
  '{"schema": "enum_idx", "indexes": [{"fields": ["n"], "where": {"status": "a"}},
    {"fields": ["n"], "name": "in_idx", "where": {"status": {"$in": ["a", "b \"q\""]}, "n": {"$gt": 1}}},
    {"fields": ["n"], "name": "nin_idx", "where": {"status": {"$notIn": []}, "$or": [{"status": {"$ne": "a"}}]}}]}') IS NOT NULL AS defined;
SELECT orm.define('Bad', '{"status": {"type": "ENUM", "values": ["a", "b"]}}', '{"schema": "enum_idx", "indexes": [{"fields": ["status"], "where": {"status": "zz"}}]}');
SELECT orm.define('Bad', '{"status": {"type": "ENUM", "values": ["a", "b"]}}', '{"schema": "enum_idx", "indexes": [{"fields": ["status"], "where": {"status": {"$in": ["a", 3]}}}]}');
SELECT count(*) > 0 AS synced FROM orm.sync();
SELECT indexdef FROM pg_indexes WHERE schemaname = 'enum_idx' ORDER BY 1;
SELECT * FROM orm.drift() WHERE model = 'Item';
-- once the type exists, the same definition is the same indexes
SELECT orm.define('Item', '{"status": {"type": "ENUM", "values": ["a", "b \"q\""]}, "n": "INTEGER"}',
  '{"schema": "enum_idx", "indexes": [{"fields": ["n"], "where": {"status": "a"}},
    {"fields": ["n"], "name": "in_idx", "where": {"status": {"$in": ["a", "b \"q\""]}, "n": {"$gt": 1}}},
    {"fields": ["n"], "name": "nin_idx", "where": {"status": {"$notIn": []}, "$or": [{"status": {"$ne": "a"}}]}}]}') IS NOT NULL AS defined;
SELECT * FROM orm.drift() WHERE model = 'Item';
DROP SCHEMA enum_idx CASCADE;
DROP SCHEMA index_test CASCADE;
DROP EXTENSION orm_models;
