-- The DDL watcher: DDL run by hand on synced tables and relationship
-- functions is followed by the catalog (orm.models, orm.associations), and
-- what the watcher does not record shows in orm.drift().
CREATE EXTENSION orm_models;
CREATE SCHEMA ddl_watch;
-- what the steps below look at
CREATE VIEW ddl_watch.models AS
  SELECT name, table_name, schema_name, relid FROM orm.models ORDER BY name;
CREATE VIEW ddl_watch.assocs AS
  SELECT source, alias, kind, function FROM orm.associations ORDER BY position;

SELECT orm.define_models('{
  "Author": {"attributes": {"name": {"type": "STRING", "allowNull": false}},
             "options": {"schema": "ddl_watch", "timestamps": false},
             "associations": [{"hasMany": "Book", "as": "books"},
                              {"hasMany": "Memo", "as": "memos"}]},
  "Book": {"attributes": {"title": {"type": "STRING", "allowNull": false},
                          "pages": "INTEGER"},
           "options": {"schema": "ddl_watch", "timestamps": false},
           "associations": [{"belongsTo": "Author", "as": "author", "foreignKey": "AuthorId"},
                            {"belongsToMany": "Tag", "as": "tags", "through": "book_tags"}]},
  "Tag": {"attributes": {"label": {"type": "STRING", "unique": true}},
          "options": {"schema": "ddl_watch", "timestamps": false}},
  "Memo": {"attributes": {"body": "TEXT"},
           "options": {"schema": "ddl_watch_gone", "timestamps": false},
           "associations": [{"belongsTo": "Author", "as": "writer", "foreignKey": "AuthorId"}]}
}') IS NOT NULL AS defined;
SELECT count(*) AS statements FROM orm.sync();
INSERT INTO ddl_watch."Authors" (name) VALUES ('Ann'), ('Bob');
INSERT INTO ddl_watch."Books" (title, pages, "AuthorId") VALUES ('Odes', 10, 1), ('Epics', 900, 1), ('Notes', 5, 2);
INSERT INTO ddl_watch."Tags" (label) VALUES ('verse'), ('prose');
INSERT INTO ddl_watch.book_tags ("BookId", "TagId") VALUES (1, 1), (2, 1), (3, 2);
INSERT INTO ddl_watch_gone."Memos" (body, "AuthorId") VALUES ('hello', 2);
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();
\set authors_books 'SELECT orm.find_all(''Author'', ''{"attributes": ["id", "name"], "include": [{"association": "books", "attributes": ["title", "pages"], "order": [["id", "ASC"]], "include": [{"association": "tags", "attributes": ["label"], "through": {"attributes": []}}]}], "order": [["id", "ASC"]]}'')'
:authors_books;

--
-- DDL on objects the catalog does not know leaves it as it is
--
CREATE TABLE ddl_watch.unrelated (id integer PRIMARY KEY, x text);
ALTER TABLE ddl_watch.unrelated ADD COLUMN y integer;
ALTER TABLE ddl_watch.unrelated RENAME TO unrelated2;
ALTER TABLE ddl_watch.unrelated2 RENAME COLUMN x TO z;
CREATE FUNCTION ddl_watch.books(ddl_watch.unrelated2) RETURNS integer LANGUAGE sql AS 'SELECT 1';
DROP FUNCTION ddl_watch.books(ddl_watch.unrelated2);
DROP TABLE ddl_watch.unrelated2;
CREATE SCHEMA ddl_watch_other;
CREATE TABLE ddl_watch_other."Books" (id integer);
DROP SCHEMA ddl_watch_other CASCADE;
CREATE TEMP TABLE scratch (id integer);
ALTER TABLE scratch RENAME TO scratch2;
DROP TABLE scratch2;
-- a temporary table named like a synced one: find_all still reads the real one
CREATE TEMP TABLE "Books" (id integer, title text);
ALTER TABLE pg_temp."Books" ADD COLUMN pages integer;
SELECT orm.find_all('Book', '{"attributes": ["title"], "order": [["id", "ASC"]]}');
DROP TABLE pg_temp."Books";
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();

--
-- DDL that fails, or is rolled back, leaves the catalog as it was
--
DROP TABLE ddl_watch."Authors";
ALTER TABLE ddl_watch."Books" RENAME TO "Tags";
ALTER TABLE ddl_watch."Books" SET SCHEMA no_such_schema;
DROP FUNCTION ddl_watch.books(ddl_watch."Authors"), ddl_watch.no_such_function();
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
BEGIN;
DROP TABLE ddl_watch."Books" CASCADE;
ALTER TABLE ddl_watch."Tags" RENAME TO labels;
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
ROLLBACK;
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
BEGIN;
SAVEPOINT s;
DROP TABLE ddl_watch."Tags" CASCADE;
ROLLBACK TO SAVEPOINT s;
ALTER TABLE ddl_watch."Tags" RENAME TO labels;
SELECT * FROM ddl_watch.models;
ROLLBACK;
SELECT * FROM ddl_watch.models;
SELECT * FROM orm.drift();

--
-- DROP FUNCTION of a relationship function: unlinked; sync makes it again
--
DROP FUNCTION ddl_watch.author(ddl_watch."Books");
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();
SELECT * FROM orm.sync();
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();

--
-- ALTER TABLE ... RENAME TO: the catalog follows, find_all keeps working
--
ALTER TABLE ddl_watch."Books" RENAME TO volumes;
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
:authors_books;
SELECT orm.find_all('Book', '{"attributes": ["title"], "include": [{"association": "author", "attributes": ["name"]}], "where": {"pages": {"$gt": 8}}, "order": [["id", "ASC"]]}');
-- the relationship functions name the table in their bodies: out of date
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
SELECT a.name, b.title FROM ddl_watch."Authors" a, LATERAL ddl_watch.books(a) b ORDER BY b.title;

--
-- ALTER TABLE ... SET SCHEMA: the same
--
CREATE SCHEMA ddl_watch2;
ALTER TABLE ddl_watch."Tags" SET SCHEMA ddl_watch2;
SELECT * FROM ddl_watch.models;
:authors_books;
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
-- and back, renamed on the way
ALTER TABLE ddl_watch2."Tags" RENAME TO labels;
ALTER TABLE ddl_watch2.labels SET SCHEMA ddl_watch;
SELECT * FROM ddl_watch.models;
SELECT orm.find_all('Tag', '{"attributes": ["label"], "order": [["label", "ASC"]]}');

--
-- ALTER TABLE ... RENAME COLUMN: the attribute name stays the JSON key and
-- reads the renamed column; where and order use it too
--
ALTER TABLE ddl_watch.volumes RENAME COLUMN title TO heading;
ALTER TABLE ddl_watch.volumes RENAME COLUMN "AuthorId" TO author_ref;
SELECT * FROM ddl_watch.models;
SELECT orm.find_all('Book', '{"attributes": ["title", "AuthorId"], "where": {"title": {"$like": "%s"}}, "order": [["title", "DESC"]]}');
:authors_books;
SELECT orm.count('Book', '{"where": {"title": "Odes"}}');
-- nothing is missing; only the functions that name the column are out of date
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
SELECT b.heading, a.name FROM ddl_watch.volumes b, LATERAL ddl_watch.author(b) a ORDER BY b.heading;

--
-- ADD COLUMN, DROP COLUMN, ALTER COLUMN TYPE, DROP CONSTRAINT: not recorded
-- (the catalog describes the models), reported by drift()
--
ALTER TABLE ddl_watch.volumes ADD COLUMN isbn text;
ALTER TABLE ddl_watch.volumes DROP COLUMN pages;
ALTER TABLE ddl_watch."Authors" ALTER COLUMN name TYPE text;
ALTER TABLE ddl_watch.labels DROP CONSTRAINT "Tags_label_key";
SELECT * FROM ddl_watch.models;
SELECT * FROM orm.drift();
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
SELECT orm.find_all('Book', '{"attributes": ["title", "pages"], "order": [["id", "ASC"]]}');

--
-- renamed back to the names they were defined with: sync alter brings the
-- functions back too, and nothing is left to repair
--
ALTER TABLE ddl_watch.volumes RENAME TO "Books";
ALTER TABLE ddl_watch."Books" RENAME COLUMN heading TO title;
ALTER TABLE ddl_watch."Books" RENAME COLUMN author_ref TO "AuthorId";
ALTER TABLE ddl_watch.labels RENAME TO "Tags";
ALTER TABLE ddl_watch."Books" DROP COLUMN isbn;
SELECT * FROM ddl_watch.models;
SELECT count(*) AS statements FROM orm.sync('{"alter": true}');
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();

--
-- DROP TABLE ... CASCADE of a synced table: the model stays defined, its
-- table unlinked, and the relationship functions that went with it too
--
DROP TABLE ddl_watch."Books" CASCADE;
SELECT * FROM ddl_watch.models;
SELECT name, columns FROM orm.models WHERE name = 'Book';
SELECT * FROM ddl_watch.assocs;
SELECT orm.describe('Book') ->> 'tableName' AS still_defined;
SELECT * FROM orm.drift();
-- sync makes it again and links it
SELECT * FROM orm.sync('{"dryRun": true}');
SELECT count(*) AS statements FROM orm.sync();
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();
-- the junction's foreign key went with the CASCADE: sync leaves existing
-- tables alone, alter adds it back, once the junction's rows have books
-- again (the junction kept its rows; the new books get the same ids)
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
INSERT INTO ddl_watch."Books" (title, pages, "AuthorId") VALUES ('Odes', 10, 1), ('Epics', 900, 1), ('Notes', 5, 2);
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
:authors_books;

--
-- DROP SCHEMA ... CASCADE of a schema holding a synced table
--
DROP SCHEMA ddl_watch_gone CASCADE;
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();
SELECT count(*) AS statements FROM orm.sync();
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();

--
-- DROP OWNED: the tables and functions of a role's models go
--
CREATE ROLE regress_ddl_watch_owner;
CREATE SCHEMA ddl_watch_owned AUTHORIZATION regress_ddl_watch_owner;
SET ROLE regress_ddl_watch_owner;
SELECT orm.define('Gadget', '{"name": "TEXT"}', '{"schema": "ddl_watch_owned", "timestamps": false}') ->> 'tableName' AS table_name;
SELECT orm.associate('Gadget', 'hasMany', 'Gadget', '{"as": "parts"}') ->> 'as' AS alias;
SELECT count(*) AS statements FROM orm.sync('{"models": ["Gadget"]}');
-- a role's own unrelated DDL goes through the watcher too
CREATE TABLE ddl_watch_owned.scratch (id integer);
ALTER TABLE ddl_watch_owned.scratch RENAME TO scratch2;
DROP TABLE ddl_watch_owned.scratch2;
RESET ROLE;
SELECT * FROM ddl_watch.models WHERE name = 'Gadget';
SELECT * FROM ddl_watch.assocs WHERE source = 'Gadget';
DROP OWNED BY regress_ddl_watch_owner;
SELECT * FROM ddl_watch.models WHERE name = 'Gadget';
SELECT * FROM ddl_watch.assocs WHERE source = 'Gadget';
SELECT orm.undefine('Gadget');
DROP ROLE regress_ddl_watch_owner;

--
-- sync's own DDL: force drops and recreates, and the models stay linked to
-- the new tables (the watcher does not unlink what sync drops)
--
CREATE TEMP TABLE before AS SELECT name, relid::oid AS relid FROM orm.models;
SELECT count(*) AS statements FROM orm.sync('{"force": true}');
SELECT m.name, m.relid, m.relid::oid <> b.relid AS new_table
  FROM orm.models m JOIN before b USING (name) ORDER BY m.name;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();
DROP TABLE before;
-- a forced subset: the tables left alone keep their foreign keys to it
SELECT count(*) AS statements FROM orm.sync('{"force": true, "models": ["Author"]}');
SELECT * FROM ddl_watch.models;
SELECT * FROM ddl_watch.assocs;
SELECT * FROM orm.drift();
-- (repair what is missing, if anything, so that what follows starts clean)
SELECT 'repaired' AS step FROM (SELECT count(*) FROM orm.sync('{"alter": true}')) s;
SELECT * FROM orm.drift();
INSERT INTO ddl_watch."Authors" (name) VALUES ('Ann'), ('Bob');
INSERT INTO ddl_watch."Books" (title, pages, "AuthorId") VALUES ('Odes', 10, 1), ('Epics', 900, 1), ('Notes', 5, 2);
INSERT INTO ddl_watch."Tags" (label) VALUES ('verse'), ('prose');
INSERT INTO ddl_watch.book_tags ("BookId", "TagId") VALUES (1, 1), (2, 1), (3, 2);
INSERT INTO ddl_watch_gone."Memos" (body, "AuthorId") VALUES ('hello', 2);

--
-- ALTER SCHEMA ... RENAME moves every table in it: the catalog follows
--
ALTER SCHEMA ddl_watch_gone RENAME TO ddl_watch_memos;
SELECT * FROM ddl_watch.models WHERE name = 'Memo';
SELECT orm.find_all('Memo', '{"attributes": ["body"], "include": [{"association": "writer", "attributes": ["name"]}]}');
ALTER SCHEMA ddl_watch_memos RENAME TO ddl_watch_gone;
SELECT * FROM ddl_watch.models WHERE name = 'Memo';

--
-- a table dropped after it was renamed: unlinked, and the catalog names the
-- table that drift() says is missing and sync makes
--
ALTER TABLE ddl_watch_gone."Memos" RENAME TO notes;
DROP TABLE ddl_watch_gone.notes CASCADE;
SELECT * FROM ddl_watch.models WHERE name = 'Memo';
SELECT * FROM orm.drift() WHERE model = 'Memo';
SELECT count(*) AS statements FROM orm.sync();
SELECT * FROM ddl_watch.models WHERE name = 'Memo';
SELECT * FROM orm.drift();

--
-- a belongsToMany junction table renamed: followed like a model's table
--
ALTER TABLE ddl_watch.book_tags RENAME TO book_labels;
:authors_books;
-- no second, empty junction table
SELECT count(*) AS tables_to_create FROM orm.sync('{"dryRun": true}') s WHERE s LIKE 'CREATE TABLE%';
SELECT * FROM orm.drift() WHERE problem = 'missing table';
ALTER TABLE ddl_watch.book_labels RENAME TO book_tags;

DROP SCHEMA ddl_watch, ddl_watch2, ddl_watch_gone CASCADE;
DROP EXTENSION orm_models;
