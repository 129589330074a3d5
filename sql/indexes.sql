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
DROP SCHEMA index_test CASCADE;
DROP EXTENSION orm_models;
