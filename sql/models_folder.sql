-- Real models/ folders, unedited: what Sequelize 6 accepts on PostgreSQL
-- works with Sequelize's meaning, is an accepted no-op, or fails saying why.
CREATE EXTENSION orm_models;
SET TIME ZONE 'UTC';
CREATE SCHEMA mf;
CREATE FUNCTION err(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

--
-- belongsToMany declared from both sides with only foreignKey: paired as
-- Sequelize pairs them, one junction with the two keys
--
SELECT orm.define_models('{
 "Order": {"attributes": {"reference": "STRING"}, "options": {"schema": "mf", "timestamps": false},
           "associations": [{"belongsToMany": "Product", "through": "OrderProducts", "foreignKey": "orderId"}]},
 "Product": {"attributes": {"name": "STRING"}, "options": {"schema": "mf", "timestamps": false},
             "associations": [{"belongsToMany": "Order", "through": "OrderProducts", "foreignKey": "productId"}]}
}') IS NOT NULL AS defined;
SELECT source, alias, options, a ->> 'foreignKey' AS foreign_key, a ->> 'otherKey' AS other_key
FROM orm.associations, LATERAL (SELECT orm.describe(source) -> 'associations' -> 0) d(a)
ORDER BY position;
SELECT * FROM orm.sync('{"dryRun": true, "models": ["Order", "Product"]}')
WHERE sync LIKE '%"OrderProducts" (%';
-- declared from one side only, the junction has Sequelize's default otherKey
SELECT orm.define_models('{
 "Cart": {"attributes": {}, "options": {"schema": "mf", "timestamps": false},
          "associations": [{"belongsToMany": "Product", "through": "CartProducts", "foreignKey": "cartId"}]}
}') -> 'Cart' -> 'associations' -> 0 ->> 'otherKey' AS default_other_key;
-- through as an object: a defined model with its own key and unique false
-- gets no unique constraint; without a key of its own, the keys are its key
SELECT orm.define_models('{
 "Shop": {"attributes": {}, "options": {"schema": "mf", "timestamps": false},
          "associations": [{"belongsToMany": "Product", "through": {"model": "Stock", "unique": false}, "foreignKey": "shopId", "as": "stocked"},
                           {"belongsToMany": "Product", "through": {"model": "Listing"}, "foreignKey": "shopId", "as": "listed"}]},
 "Stock": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true}, "quantity": "INTEGER"},
           "options": {"schema": "mf", "timestamps": false}},
 "Listing": {"attributes": {"price": "DECIMAL(8,2)"}, "options": {"schema": "mf", "timestamps": false}}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"dryRun": true, "models": ["Stock", "Listing"]}') WHERE sync LIKE 'CREATE TABLE%';
SELECT err($$SELECT orm.associate('Shop', 'belongsToMany', 'Order', '{"through": {"unique": false}}')$$);
SELECT err($$SELECT orm.associate('Shop', 'belongsToMany', 'Order', '{"through": {"model": "X", "as": "y"}}')$$);
SELECT err($$SELECT orm.associate('Shop', 'hasMany', 'Order', '{"through": "X"}')$$);
-- a made-up junction takes the source model's options, as Sequelize's does
SELECT orm.define_models('{
 "Team": {"attributes": {}, "options": {"schema": "mf", "underscored": true, "version": true, "comment": "teams", "createdAt": "made"},
          "associations": [{"belongsToMany": "Order", "through": "TeamOrders"}]}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"dryRun": true, "models": ["Team"]}') WHERE sync ~ '"TeamOrders"' AND sync !~ 'FUNCTION';
SELECT * FROM orm.sync('{"force": true}') \g /dev/null
SELECT * FROM orm.drift();

--
-- A belongsToMany row's junction row comes before its includes, as in
-- Sequelize's toJSON(); after them when the include lists attributes
--
INSERT INTO mf."Orders" (id, reference) VALUES (1, 'A-1'), (2, 'B-2');
INSERT INTO mf."Products" (id, name) VALUES (1, 'pen'), (2, 'ink');
INSERT INTO mf."OrderProducts" ("orderId", "productId", "createdAt", "updatedAt") VALUES
	(1, 1, '2024-01-01', '2024-01-01'), (1, 2, '2024-01-02', '2024-01-02'), (2, 1, '2024-01-03', '2024-01-03');
SELECT orm.associate('Product', 'hasMany', 'Product', '{"as": "variants", "foreignKey": "baseId"}') IS NOT NULL AS ok;
SELECT * FROM orm.sync('{"models": ["Product"], "alter": true}') \g /dev/null
UPDATE mf."Products" SET "baseId" = 1 WHERE id = 2;
SELECT orm.find_all('Order', '{"include": [{"association": "Products", "include": ["variants"]}], "order": [["id", "ASC"]], "limit": 1}');
SELECT orm.find_all('Order', '{"include": [{"association": "Products", "attributes": ["name"], "include": ["variants"]}], "order": [["id", "ASC"]], "limit": 1}');
-- the paired side reads the same junction
SELECT orm.find_by_pk('Product', 1, '{"include": [{"association": "Orders", "attributes": ["reference"]}]}');

--
-- {"all": true, "nested": true}: every association, recursively, stopping
-- where Sequelize's _expandIncludeAll stops; types; after written includes
--
SELECT orm.find_by_pk('Order', 2, '{"include": [{"all": true, "nested": true}]}');
SELECT orm.find_by_pk('Product', 2, '{"include": [{"all": true, "nested": true}]}');
SELECT orm.find_by_pk('Product', 2, '{"include": [{"all": "HasMany"}]}');
SELECT orm.find_by_pk('Product', 2, '{"include": [{"all": ["One", "Many"], "attributes": ["id"]}]}');
SELECT orm.find_by_pk('Product', 1, '{"include": [{"all": true}, {"association": "variants", "attributes": ["name"]}]}');
SELECT err($$SELECT orm.find_all('Order', '{"include": [{"all": "BelongsToMany"}]}')$$);
SELECT err($$SELECT orm.find_all('Order', '{"include": [{"all": true, "as": "Products"}]}')$$);
SELECT err($$SELECT orm.find_all('Order', '{"include": [{"all": true, "nested": 1}]}')$$);
SELECT err($$SELECT orm.find_all('Order', '{"include": [{"all": true, "bogus": 1}]}')$$);
SELECT err($$SELECT orm.find_all('Order', '{"include": [{"all": false}]}')$$);
-- the all object's options apply to each include it makes, so a small
-- document could ask for exponentially many: at most 512 includes
SELECT err(format('SELECT orm.find_all(%L, %L)', 'Order',
	'{"include": [' || repeat('{"all": true, "include": [', 12) || '{"all": true}' || repeat(']}', 12) || ']}'));
-- {"model": name} without "as" finds an aliased association (Sequelize
-- refuses it; README lists the difference)
SELECT orm.find_by_pk('Product', 1, '{"include": [{"model": "Product", "attributes": ["id"]}], "attributes": ["id"]}');
-- two belongsToMany through one junction whose keys do not agree: the
-- later one's injection would take the earlier one's key (Sequelize throws)
SELECT err($$SELECT orm.define_models('{
 "Ant": {"attributes": {}, "options": {"schema": "mf"}, "associations": [{"belongsToMany": "Bee", "as": "bees", "through": "Hives"}]},
 "Bee": {"attributes": {}, "options": {"schema": "mf"},
         "associations": [{"belongsToMany": "Ant", "as": "ants", "through": "Hives", "foreignKey": "beeRef", "otherKey": "antRef"}]}
}')$$);
SELECT orm.undefine(name) FROM orm.models WHERE name IN ('Order', 'Product', 'Cart', 'Shop', 'Stock', 'Listing', 'Team');
DROP TABLE mf."OrderProducts", mf."CartProducts", mf."TeamOrders", mf."Stocks", mf."Listings",
	mf."Orders", mf."Products", mf."Carts", mf."Shops", mf.teams;

--
-- Options Sequelize's postgres dialect ignores are accepted; what cannot
-- work here is refused, saying why
--
SELECT orm.define('Account', '{"login": {"type": "STRING", "autoIncrementIdentity": false, "foreignKeyConstraint": true}}',
	'{"schema": "mf", "charset": "utf8mb4", "collate": "utf8mb4_bin", "engine": "InnoDB", "rowFormat": "DYNAMIC",
	  "initialAutoIncrement": "100", "hasTrigger": true, "omitNull": true, "schemaDelimiter": ".",
	  "hooks": {}, "validate": {}, "getterMethods": {}, "setterMethods": {}, "defaultScope": {}, "scopes": {},
	  "whereMergeStrategy": "and", "modelName": "Account"}') ->> 'tableName' AS accepted;
SELECT orm.associate('Account', 'hasMany', 'Account', '{"as": "children", "hooks": true, "uniqueKey": "x"}') ->> 'foreignKey' AS accepted;
SELECT orm.associate('Account', 'belongsTo', 'Account', '{"as": "parent", "sourceKey": "id", "otherKey": "x", "through": "X"}') ->> 'foreignKey' AS ignored_as_by_sequelize;
\pset format unaligned
SELECT options, err(format('SELECT orm.define(%L, %L, %L)', 'Refused', '{"a": "TEXT"}', options)) AS result FROM (VALUES
  ('{"sequelize": {}}'), ('{"hooks": {"beforeCreate": "function () {}"}}'), ('{"validate": {"both": "fn"}}'),
  ('{"getterMethods": {"full": "fn"}}'), ('{"setterMethods": {"full": "fn"}}'),
  ('{"scopes": {"byA": "function (a) { return {where: {a}}; }"}}'), ('{"defaultScope": {"wher": {"a": "x"}}}'),
  ('{"modelName": "Other"}'), ('{"rejectOnEmpty": {"message": "x"}}'), ('{"whereMergeStrategy": "or"}'),
  ('{"uniqueKeys": {"k": {}}}'), ('{"uniqueKeys": {"k": {"fields": "a"}}}'), ('{"uniqueKeys": {"k": {"fields": ["a"], "bogus": 1}}}'),
  ('{"charse": "utf8"}')
) v(options);
SELECT attribute, err(format('SELECT orm.define(%L, %L)', 'Refused', format('{"a": %s}', attribute))) AS result FROM (VALUES
  ('{"type": "TEXT", "get": "function () {}"}'), ('{"type": "TEXT", "set": "function (v) {}"}'),
  ('{"type": "TEXT", "unique": {"name": "u", "msg": "taken", "x": 1}}'), ('{"type": "TEXT", "index": "yes"}'),
  ('{"type": "TEXT", "references": "Accounts"}')
) v(attribute);
SELECT options, err(format('SELECT orm.associate(%L, %L, %L, %L)', 'Account', 'hasMany', 'Account', options)) AS result FROM (VALUES
  ('{"as": "k1", "scope": {"kind": {"$ne": "x"}}}'), ('{"as": "k2", "scope": {"$or": []}}'), ('{"as": "k3", "scope": "x"}'),
  ('{"as": "k4", "keyType": "NOPE"}'), ('{"as": {"plural": "k5"}}'), ('{"as": {"singular": "k6"}}'),
  ('{"as": "k7", "foreignKey": {"name": "k7Id", "get": "fn"}}'), ('{"as": "k8", "foreignKeyConstraint": "yes"}')
) v(options);
\pset format aligned
SELECT orm.undefine('Account');

--
-- sequelize-auto output: indexes named like PostgreSQL's key indexes are
-- skipped, as Sequelize's sync skips an index whose name the table has;
-- "using" in upper case; unique given as the constraint's name
--
SELECT orm.define_models('{
 "users": {"attributes": {"id": {"autoIncrement": true, "type": "INTEGER", "allowNull": false, "primaryKey": true},
                          "email": {"type": "STRING(255)", "allowNull": false, "unique": "users_email_key"},
                          "status": {"type": "STRING(20)", "allowNull": false, "defaultValue": "active"}},
           "options": {"tableName": "users", "schema": "mf", "timestamps": false,
                       "indexes": [{"name": "users_email_key", "unique": true, "fields": [{"name": "email"}], "using": "BTREE"},
                                   {"name": "users_pkey", "unique": true, "fields": [{"name": "id"}], "using": "BTREE"},
                                   {"name": "idx_users_live", "fields": [{"name": "email"}], "using": "BTREE",
                                    "where": {"status": {"$ne": "deleted"}}}]}}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["users"]}');
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'mf' AND tablename = 'users' ORDER BY indexname;
SELECT * FROM orm.drift() WHERE model = 'users';
SELECT err($$SELECT orm.define('Bad', '{"a": "TEXT"}', '{"indexes": [{"fields": ["a"], "using": "btree; drop table x"}]}')$$);
SELECT err($$SELECT orm.define('Bad', '{"a": "TEXT"}', '{"indexes": [{"fields": ["a"], "operator": "a.b.c"}]}')$$);
SELECT orm.undefine('users');
DROP TABLE mf.users;

--
-- unique: "email" in two models is one unnamed unique constraint per table
--
SELECT orm.define_models('{
 "Member": {"attributes": {"email": {"type": "STRING", "unique": "email"}, "org": {"type": "STRING", "unique": "email"}},
            "options": {"schema": "mf", "timestamps": false}},
 "Guest": {"attributes": {"email": {"type": "STRING", "unique": "email"}, "nick": {"type": "STRING", "unique": {"name": "nick", "msg": "taken"}}},
           "options": {"schema": "mf", "timestamps": false}}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Member", "Guest"]}') \g /dev/null
SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = 'mf'::regnamespace ORDER BY 1::text, 2;
SELECT orm.undefine('Member'), orm.undefine('Guest');
DROP TABLE mf."Members", mf."Guests";

--
-- indexes on columns associations add; two associations to one target
-- without "as", with different foreign keys: both keys, the later one
-- takes the alias
--
SELECT orm.define_models('{
 "User": {"attributes": {"name": "STRING"}, "options": {"schema": "mf", "timestamps": false},
          "associations": [{"hasMany": "Note", "foreignKey": "ownerId"}, {"hasMany": "Note", "foreignKey": "lastchangeuserId"}]},
 "Note": {"attributes": {"body": "TEXT"},
          "options": {"schema": "mf", "timestamps": false,
                      "indexes": [{"fields": ["ownerId"]}, {"fields": ["lastchangeuserId", "body"], "name": "notes_changer"}]},
          "associations": [{"belongsTo": "User", "as": "owner", "foreignKey": "ownerId"}]}
}') -> 'User' -> 'associations' AS user_associations;
SELECT source, alias, options ->> 'foreignKey' AS foreign_key FROM orm.associations ORDER BY position;
SELECT * FROM orm.sync('{"models": ["User", "Note"]}');
INSERT INTO mf."Users" (id, name) VALUES (1, 'ann'), (2, 'bo');
INSERT INTO mf."Notes" (id, body, "ownerId", "lastchangeuserId") VALUES (1, 'a', 1, 2), (2, 'b', 2, 1);
SELECT orm.find_all('User', '{"include": ["Notes"], "order": [["id", "ASC"]]}');
SELECT u.name, n.body FROM mf."Users" u, LATERAL mf."Notes"(u) n ORDER BY 1;
-- declared again, nothing changes; through orm.associate, the same rule
SELECT orm.associate('User', 'hasMany', 'Note', '{"foreignKey": "ownerId"}') ->> 'foreignKey' AS again;
SELECT count(*) AS associations FROM orm.associations;
SELECT orm.associate('Note', 'belongsTo', 'User', '{"foreignKey": "lastchangeuserId"}') ->> 'as' AS alias;
SELECT orm.associate('Note', 'belongsTo', 'User', '{"foreignKey": "reviewerId"}') ->> 'foreignKey' AS takes_alias;
SELECT alias, options ->> 'foreignKey' AS foreign_key FROM orm.associations WHERE source = 'Note' ORDER BY position;
SELECT err($$SELECT orm.associate('Note', 'belongsTo', 'User', '{"as": "User", "foreignKey": "otherId"}')$$);
-- an index on a column no association adds fails at define_models and sync
SELECT err($$SELECT orm.define_models('{"Pad": {"attributes": {}, "options": {"indexes": [{"fields": ["userId"]}]}}}')$$);
SELECT orm.define('Pad', '{}', '{"schema": "mf", "indexes": [{"fields": ["userId"]}]}') ->> 'name' AS lenient_define;
SELECT err($$SELECT * FROM orm.sync('{"models": ["Pad"]}')$$);
SELECT model, problem, detail FROM orm.drift() WHERE model = 'Pad';
SELECT orm.undefine('Pad'), orm.undefine('User'), orm.undefine('Note');
DROP TABLE mf."Notes", mf."Users";

--
-- Two attributes on one column: one column, defined by the later one
--
SELECT orm.define('Profile', '{"displayName": {"type": "STRING", "field": "name"},
                               "name": {"type": "STRING(100)", "allowNull": false, "defaultValue": "anon"},
                               "bio": "TEXT"}', '{"schema": "mf", "timestamps": false}') -> 'attributes' AS attributes;
SELECT * FROM orm.sync('{"models": ["Profile"]}');
INSERT INTO mf."Profiles" (bio) VALUES ('x');
SELECT orm.find_all('Profile', '{"where": {"displayName": "anon"}}');
SELECT * FROM orm.drift() WHERE model = 'Profile';
SELECT orm.undefine('Profile');
DROP TABLE mf."Profiles";

--
-- Literal defaults as Sequelize writes them, ARRAY ones among them; drift()
-- compares them as stored expressions
--
SELECT orm.define('Default', '{
  "intsEmpty": {"type": "ARRAY(INTEGER)", "defaultValue": []},
  "ints": {"type": "ARRAY(INTEGER)", "defaultValue": [1, 2]},
  "words": {"type": "ARRAY(STRING)", "defaultValue": ["x", "y z"]},
  "odd": {"type": "ARRAY(TEXT)", "defaultValue": ["a\"b", "c,d", "it''s", null]},
  "grid": {"type": "ARRAY(ARRAY(INTEGER))", "defaultValue": [[1, 2], [3, 4]]},
  "docs": {"type": "ARRAY(JSONB)", "defaultValue": [{"a": 1}]},
  "half": {"type": "INTEGER", "defaultValue": 1.5},
  "ratio": {"type": "FLOAT", "defaultValue": 1.5},
  "price": {"type": "DECIMAL(10,2)", "defaultValue": 1.25},
  "flag": {"type": "BOOLEAN", "defaultValue": "1"},
  "epoch": {"type": "DATE", "defaultValue": 1000},
  "day": {"type": "DATEONLY", "defaultValue": 86400000},
  "jsonString": {"type": "JSON", "defaultValue": "x"},
  "jsonObject": {"type": "JSONB", "defaultValue": {"a": [1, 2]}},
  "blob": {"type": "BLOB", "defaultValue": "ab\\c"},
  "span": {"type": "RANGE(INTEGER)", "defaultValue": [1, {"value": 10, "inclusive": true}]},
  "spanEmpty": {"type": "RANGE(DATEONLY)", "defaultValue": []},
  "label": {"type": "STRING", "defaultValue": 5},
  "note": {"type": "TEXT", "defaultValue": true}
}', '{"schema": "mf", "timestamps": false}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Default"]}');
INSERT INTO mf."Defaults" DEFAULT VALUES;
SELECT orm.find_all('Default');
SELECT * FROM orm.drift() WHERE model = 'Default';
ALTER TABLE mf."Defaults" ALTER COLUMN words SET DEFAULT ARRAY['x']::varchar(255)[],
	ALTER COLUMN ratio SET DEFAULT 1.5;
SELECT * FROM orm.drift() WHERE model = 'Default';
\pset format unaligned
SELECT type, default_value, err(format('SELECT orm.define(%L, %L)', 'Bad',
	format('{"a": {"type": %s, "defaultValue": %s}}', to_json(type), default_value))) AS result FROM (VALUES
  ('ARRAY(INTEGER)', '["x"]'), ('ARRAY(INTEGER)', '5'), ('ARRAY(INTEGER)', '[{"a": 1}]'),
  ('FLOAT', '"x"'), ('DATE', '[1, 2]'), ('DATE', '1e300'), ('BOOLEAN', '0'), ('UUID', '5'),
  ('RANGE(INTEGER)', '[1]'), ('RANGE(INTEGER)', '["a", "b"]'), ('TIME', 'true'), ('JSONB', '{"a": 1}')
) v(type, default_value);
\pset format aligned
SELECT orm.undefine('Default');
DROP TABLE mf."Defaults";

--
-- A partial index's where comes out as the same condition typed by hand
--
SELECT orm.define('Doc', '{"status": "STRING", "code": "CHAR(2)", "size": "INTEGER", "price": "DECIMAL(6,2)"}',
	'{"schema": "mf", "timestamps": false,
	  "indexes": [{"name": "docs_live", "fields": ["status"],
	               "where": {"status": {"$ne": "deleted"}, "code": "xy", "size": {"$gt": -3}, "price": {"$lt": 10.5}}},
	              {"name": "docs_some", "fields": ["status"], "where": {"status": ["a", "b"]}}]}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Doc"]}') \g /dev/null
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'mf' AND tablename = 'Docs' AND indexname LIKE 'docs_%' ORDER BY 1;
SELECT * FROM orm.drift() WHERE model = 'Doc';
SELECT orm.undefine('Doc');
DROP TABLE mf."Docs";

--
-- scope and through.scope: plain value filters, in includes and in the
-- relationship functions
--
SELECT orm.define_models('{
 "Post": {"attributes": {"title": "STRING"}, "options": {"schema": "mf", "timestamps": false},
          "associations": [{"hasMany": "Comment", "as": "comments", "foreignKey": "commentableId", "constraints": false,
                            "scope": {"commentableType": "post"}},
                           {"belongsToMany": "Tag", "as": "pinnedTags", "through": {"model": "PostTags", "scope": {"pinned": true}},
                            "foreignKey": "postId", "otherKey": "tagId"}]},
 "Comment": {"attributes": {"body": "TEXT", "commentableType": "STRING", "commentableId": "INTEGER"},
             "options": {"schema": "mf", "timestamps": false}},
 "Tag": {"attributes": {"name": "STRING"}, "options": {"schema": "mf", "timestamps": false}},
 "PostTags": {"attributes": {"pinned": "BOOLEAN"}, "options": {"schema": "mf", "timestamps": false}}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Post", "Comment", "Tag", "PostTags"]}') WHERE sync LIKE '%FUNCTION%';
INSERT INTO mf."Posts" (id, title) VALUES (1, 'p');
INSERT INTO mf."Comments" (id, body, "commentableType", "commentableId") VALUES (1, 'on post', 'post', 1), (2, 'on photo', 'photo', 1);
INSERT INTO mf."Tags" (id, name) VALUES (1, 'red'), (2, 'blue');
INSERT INTO mf."PostTags" ("postId", "tagId", pinned) VALUES (1, 1, true), (1, 2, false);
SELECT orm.find_all('Post', '{"include": ["comments", {"association": "pinnedTags", "through": {"attributes": []}}]}');
SELECT c.body FROM mf."Posts" p, LATERAL mf.comments(p) c;
SELECT orm.undefine(name) FROM orm.models WHERE name IN ('Post', 'Comment', 'Tag', 'PostTags');
DROP TABLE mf."PostTags", mf."Posts", mf."Comments", mf."Tags";

--
-- rejectOnEmpty (model and query option), keyType, uniqueKeys, and a
-- paranoid model without deletedAt, which Sequelize does not treat as paranoid
--
SELECT orm.define_models('{
 "Owner": {"attributes": {"code": "STRING", "region": "STRING"},
           "options": {"schema": "mf", "timestamps": false, "rejectOnEmpty": true,
                       "uniqueKeys": {"owner_code": {"fields": ["code", "region"]}}},
           "associations": [{"hasMany": "Pet", "as": "pets", "keyType": "BIGINT"}]},
 "Pet": {"attributes": {"name": "STRING"}, "options": {"schema": "mf", "paranoid": true, "timestamps": false}}
}') -> 'Pet' -> 'attributes' -> 'OwnerId' ->> 'type' AS key_type;
SELECT orm.describe('Pet') -> 'options' ->> 'paranoid' AS paranoid;
SELECT orm.describe('Owner') -> 'options' -> 'uniqueKeys' AS unique_keys,
       orm.describe('Owner') -> 'options' -> 'rejectOnEmpty' AS reject_on_empty;
SELECT * FROM orm.sync('{"models": ["Owner", "Pet"]}') WHERE sync LIKE 'CREATE TABLE%';
SELECT err($$SELECT orm.find_one('Owner')$$);
SELECT err($$SELECT orm.find_all('Owner', '{"where": {"code": "x"}}')$$);
SELECT err($$SELECT orm.find_by_pk('Owner', 1)$$);
SELECT orm.count('Owner');
SELECT orm.find_one('Owner', '{"rejectOnEmpty": false}') IS NULL AS not_rejected;
SELECT err($$SELECT orm.find_one('Pet', '{"rejectOnEmpty": true}')$$);
SELECT err($$SELECT orm.find_one('Pet', '{"rejectOnEmpty": "yes"}')$$);
SELECT orm.undefine('Owner'), orm.undefine('Pet');
DROP TABLE mf."Pets", mf."Owners";

DROP FUNCTION err(text);
DROP SCHEMA mf CASCADE;
DROP EXTENSION orm_models;
