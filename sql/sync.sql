-- orm.sync: tables in dependency order, keys, indexes, the updatedAt trigger.
CREATE EXTENSION orm_models;
CREATE SCHEMA sync_test;
SELECT orm.define_models('{
  "Author": {"attributes": {"name": {"type": "STRING", "allowNull": false, "unique": true},
                            "bio": {"type": "TEXT", "comment": "about the author"}},
             "options": {"schema": "sync_test", "comment": "people who write"},
             "associations": [{"hasMany": "Book", "as": "books"}]},
  "Book": {"attributes": {"isbn": {"type": "STRING(13)", "primaryKey": true},
                          "title": {"type": "STRING", "allowNull": false, "unique": "title_edition"},
                          "edition": {"type": "INTEGER", "defaultValue": 1, "unique": "title_edition"},
                          "price": {"type": "DECIMAL(10,2)"},
                          "meta": {"type": "JSONB", "defaultValue": {}},
                          "uid": {"type": "UUID", "defaultValue": "UUIDV4"}},
           "options": {"schema": "sync_test", "underscored": true},
           "associations": [{"belongsToMany": "Genre", "as": "genres"}]},
  "Genre": {"attributes": {"name": "STRING"},
            "options": {"schema": "sync_test", "timestamps": false}}
}') IS NOT NULL AS defined;

-- dryRun returns the statements and creates nothing
SELECT * FROM orm.sync('{"dryRun": true}');
SELECT to_regclass('sync_test."Authors"') IS NULL AS nothing_created;

SELECT * FROM orm.sync();
\d sync_test."Authors"
\d sync_test.books
\d sync_test."booksGenres"
SELECT name, relid FROM orm.models ORDER BY name;

-- without force, existing tables are left alone: nothing to do
SELECT * FROM orm.sync();
-- models subset
SELECT * FROM orm.sync('{"force": true, "models": ["Genre"], "dryRun": true}');

-- the tables work: defaults, keys, cascades, the updatedAt trigger
INSERT INTO sync_test."Authors" (name) VALUES ('Ann') RETURNING id, "createdAt" = "updatedAt" AS same_stamps;
INSERT INTO sync_test.books (isbn, title, author_id) VALUES ('978', 'Ode', 1) RETURNING edition, meta, uid IS NOT NULL AS has_uid;
BEGIN;
UPDATE sync_test."Authors" SET "updatedAt" = '2000-01-01' WHERE id = 1
RETURNING "updatedAt" = now() AS touched;
COMMIT;
DELETE FROM sync_test."Authors" WHERE id = 1;
SELECT author_id FROM sync_test.books;

-- a cycle: each table references the other; the second key comes after
SELECT orm.define_models('{
  "Egg": {"attributes": {"x": "TEXT"}, "options": {"schema": "sync_test", "timestamps": false},
          "associations": [{"belongsTo": "Hen", "as": "mother"}]},
  "Hen": {"attributes": {"x": "TEXT"}, "options": {"schema": "sync_test", "timestamps": false},
          "associations": [{"belongsTo": "Egg", "as": "origin"}, {"hasMany": "Hen", "as": "chicks"}]}
}') IS NOT NULL AS defined;
SELECT * FROM orm.sync('{"models": ["Egg", "Hen"]}');

-- force drops and recreates
SELECT * FROM orm.sync('{"force": true, "models": ["Genre"]}');

-- sync runs with the caller's search_path out of the way
SET search_path = pg_catalog;
SELECT count(*) FROM orm.sync('{"force": true, "models": ["Genre"]}');
RESET search_path;

DROP SCHEMA sync_test CASCADE;
DROP EXTENSION orm_models;
