--
-- Scopes: defaultScope and scopes in define's options, merged into queries
-- as Sequelize 6 merges them (query_scope.c)
--
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
CREATE SCHEMA sc;
SELECT orm.define('Author', '{
  "id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "name": "STRING", "active": "BOOLEAN", "country": "STRING", "bio": "TEXT"}',
  '{"schema": "sc", "timestamps": false,
    "defaultScope": {"where": {"active": true}, "attributes": {"exclude": ["bio"]}, "order": [["id", "ASC"]]},
    "scopes": {
      "fr": {"where": {"country": "fr"}},
      "uk": {"where": {"country": "uk"}},
      "withBooks": {"include": ["books"]},
      "withGoodBooks": {"include": [{"association": "books", "where": {"stars": {"$gte": 4}}}]},
      "byName": {"order": [["name", "DESC"]]},
      "two": {"limit": 2},
      "named": {"attributes": ["id", "name"]}
    }}') ->> 'name' AS defined;
SELECT orm.define('Book', '{
  "id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "title": "STRING", "stars": "INTEGER", "published": "BOOLEAN", "authorId": "INTEGER"}',
  '{"schema": "sc", "timestamps": false,
    "defaultScope": {"where": {"published": true}},
    "scopes": {"top": {"where": {"stars": 5}}, "recent": {"order": [["id", "DESC"]], "limit": 1}}}') ->> 'name' AS defined;
-- whereMergeStrategy "and": wheres on the same key are ANDed
SELECT orm.define('Shelf', '{"id": {"type": "INTEGER", "primaryKey": true}, "label": "STRING", "floor": "INTEGER"}',
  '{"schema": "sc", "timestamps": false, "whereMergeStrategy": "and",
    "defaultScope": {"where": {"floor": {"$gte": 1}}},
    "scopes": {"low": {"where": {"floor": {"$lte": 2}}}, "odd": {"where": {"$and": [{"floor": [1, 3, 5]}]}}}}') ->> 'name' AS defined;
SELECT orm.associate('Author', 'hasMany', 'Book', '{"as": "books", "foreignKey": "authorId"}') ->> 'as';
SELECT orm.associate('Book', 'belongsTo', 'Author', '{"as": "author", "foreignKey": "authorId"}') ->> 'as';
SELECT count(*) > 0 AS synced FROM orm.sync();
INSERT INTO sc."Authors" (name, active, country, bio) VALUES
  ('Ann', true, 'fr', 'a'), ('Bob', true, 'uk', 'b'), ('Cyd', false, 'fr', 'c'), ('Dee', true, 'fr', 'd');
INSERT INTO sc."Books" (title, stars, published, "authorId") VALUES
  ('a1', 5, true, 1), ('a2', 3, true, 1), ('a3', 4, false, 1), ('b1', 2, true, 2), ('c1', 5, true, 3);
INSERT INTO sc."Shelves" VALUES (1, 'ground', 0), (2, 'one', 1), (3, 'two', 2), (4, 'three', 3);

-- the default scope applies to every find and count
SELECT orm.find_all('Author');
SELECT orm.find_one('Author', '{"where": {"country": "fr"}}');
SELECT orm.find_by_pk('Author', 3);
SELECT orm.find_by_pk('Author', 2);
SELECT orm.count('Author');
-- the query's where wins on the same key ("overwrite")
SELECT orm.find_all('Author', '{"where": {"active": false}}');
-- "scope": false is unscoped(): no default scope
SELECT orm.find_all('Author', '{"scope": false, "attributes": ["id", "name"]}');
SELECT orm.count('Author', '{"scope": false}');
-- a named scope replaces the default scope
SELECT orm.find_all('Author', '{"scope": "fr", "attributes": ["id", "name", "active"]}');
-- unless "defaultScope" is named too
SELECT orm.find_all('Author', '{"scope": ["defaultScope", "fr"]}');
-- several scopes: the later where wins on the same key
SELECT orm.find_all('Author', '{"scope": ["fr", "uk"], "attributes": ["id", "name"]}');
-- order arrays joined (the scope's first), limit the later one
SELECT orm.find_all('Author', '{"scope": ["defaultScope", "byName"], "attributes": ["id", "name"]}');
SELECT orm.find_all('Author', '{"scope": ["defaultScope", "two"], "attributes": ["id"]}');
SELECT orm.find_all('Author', '{"scope": ["defaultScope", "two"], "attributes": ["id"], "limit": 3}');
-- attributes: a list in the query replaces the scope's exclude; two lists are joined
SELECT orm.find_all('Author', '{"attributes": ["id", "bio"]}');
SELECT orm.find_all('Author', '{"scope": "named", "attributes": ["active", "name"], "where": {"id": 1}}');
-- an inline scope object, as Model.scope({...})
SELECT orm.find_all('Author', '{"scope": [{"where": {"id": 4}}], "attributes": ["id"]}');

-- scopes with includes: the included model's default scope applies too
SELECT orm.find_all('Author', '{"scope": ["defaultScope", "withBooks"], "attributes": ["id"]}');
-- its where makes the include required, as in Sequelize; required: false keeps every author
SELECT orm.find_all('Author', '{"attributes": ["id"], "include": [{"association": "books", "attributes": ["title"]}]}');
SELECT orm.find_all('Author', '{"attributes": ["id"], "include": [{"association": "books", "attributes": ["title"], "required": false}]}');
-- an include names its model's scopes as Model.scope(...) / unscoped() would
SELECT orm.find_all('Author', '{"attributes": ["id"], "include": [{"association": "books", "attributes": ["title"], "scope": false}]}');
SELECT orm.find_all('Author', '{"attributes": ["id"], "include": [{"association": "books", "attributes": ["title"], "scope": ["top"]}]}');
SELECT orm.find_all('Author', '{"attributes": ["id"], "include": [{"association": "books", "attributes": ["title"], "scope": ["defaultScope", "recent"]}]}');
-- the same association in the scope and the query is one include, options merged
SELECT orm.find_all('Author', '{"scope": ["withGoodBooks"], "attributes": ["id"], "include": [{"association": "books", "attributes": ["title", "stars"]}]}');
SELECT orm.find_all('Author', '{"scope": ["withGoodBooks"], "attributes": ["id"], "include": [{"association": "books", "where": {"stars": 3}, "attributes": ["title"]}]}');
-- a belongsTo include applies the target's default scope (Cyd is inactive)
SELECT orm.find_all('Book', '{"scope": false, "attributes": ["title"], "include": [{"association": "author", "attributes": ["name"], "required": false}], "order": [["id", "ASC"]]}');
SELECT orm.find_all('Book', '{"scope": false, "attributes": ["title"], "include": [{"association": "author", "attributes": ["name"]}], "order": [["id", "ASC"]]}');
-- {"all": true} includes get their models' default scopes
SELECT orm.find_all('Author', '{"attributes": ["id"], "include": [{"all": true, "attributes": ["title"], "required": false}]}');
-- count applies the default scope of the root and of its includes
SELECT orm.count('Author', '{"include": ["books"]}');
SELECT orm.count('Author', '{"scope": false, "include": [{"association": "books", "scope": false}]}');

-- whereMergeStrategy "and"
SELECT orm.find_all('Shelf', '{"order": [["id", "ASC"]]}');
SELECT orm.find_all('Shelf', '{"where": {"floor": {"$lte": 2}}, "order": [["id", "ASC"]]}');
SELECT orm.find_all('Shelf', '{"scope": ["defaultScope", "low"], "order": [["id", "ASC"]]}');
SELECT orm.find_all('Shelf', '{"scope": ["defaultScope", "odd"], "where": {"label": {"$ne": "one"}}, "order": [["id", "ASC"]]}');
SELECT orm.find_all_sql('Shelf', '{"scope": ["defaultScope", "odd"], "where": {"label": {"$ne": "one"}}}');

-- a merged query carries "scope": false, so merging it again (as a write
-- that reads its rows back would) changes nothing
SELECT orm.find_all('Author', '{"scope": ["defaultScope", "withBooks"], "attributes": ["id"], "scope": false}');

-- errors at define: a scope is an object of query options
SELECT orm.define('Bad', '{"a": "STRING"}', '{"scopes": {"byA": "function (a) { return {where: {a}}; }"}}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"scopes": {"x": [1]}}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"scopes": []}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"defaultScope": null}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"scopes": {"defaultScope": {}}}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"scopes": {"x": {"wher": {}}}}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"scopes": {"x": {"scope": ["y"]}}}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"defaultScope": {"include": [{"association": "x", "limt": 1}]}}');
SELECT orm.define('Bad', '{"a": "STRING"}', '{"defaultScope": {"include": [1]}}');
-- errors at query time
SELECT orm.find_all('Author', '{"scope": "nope"}');
SELECT orm.find_all('Book', '{"include": [{"association": "author", "scope": ["nope"]}]}');
SELECT orm.find_all('Shelf', '{"scope": ["defaultScope", "nope"]}');
SELECT orm.find_all('Author', '{"scope": [{"method": ["byCountry", "fr"]}]}');
SELECT orm.find_all('Author', '{"scope": {"method": "byCountry"}}');
SELECT orm.find_all('Author', '{"scope": 1}');
SELECT orm.find_all('Author', '{"scope": [true]}');
SELECT orm.find_all('Author', '{"scope": true}');
-- what a scope names is checked when the query runs, its scopes in the context
SELECT orm.define('Pen', '{"id": {"type": "INTEGER", "primaryKey": true}, "ink": "STRING"}',
  '{"schema": "sc", "timestamps": false, "scopes": {"broken": {"order": [["colour", "ASC"]]}, "inc": {"include": ["owner"]}}}') ->> 'name';
SELECT orm.find_all('Pen', '{"scope": "broken"}');
SELECT orm.find_all('Pen', '{"scope": "inc"}');

DROP SCHEMA sc CASCADE;
DROP EXTENSION orm_models;
