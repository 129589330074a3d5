-- The count functions sync makes beside each to-many relationship function:
-- <alias>_count(source row) RETURNS bigint, the rows the relationship
-- function returns (scope, through.scope, paranoid), counted; replaced when
-- the association changes, dropped with undefine, checked by drift(),
-- never taken over from another role.
CREATE EXTENSION orm_models;
CREATE SCHEMA cnt;
CREATE ROLE regress_orm_cnt_owner NOLOGIN;
CREATE ROLE regress_orm_cnt_other NOLOGIN;
GRANT CREATE, USAGE ON SCHEMA cnt TO regress_orm_cnt_owner, regress_orm_cnt_other;
SELECT orm.define_models('{
  "Author": {"attributes": {"name": "STRING"},
             "options": {"schema": "cnt", "timestamps": false},
             "associations": [{"hasMany": "Book", "as": "books", "foreignKey": "authorId"},
                              {"hasMany": "Book", "foreignKey": "authorId", "scope": {"genre": "novel"}},
                              {"hasOne": "Book", "as": "firstBook", "foreignKey": "authorId"}]},
  "Book": {"attributes": {"title": "STRING", "genre": "STRING"},
           "options": {"schema": "cnt", "paranoid": true},
           "associations": [{"belongsTo": "Author", "as": "author", "foreignKey": "authorId"},
                            {"belongsToMany": "Tag", "as": "tags", "through": "BookTag",
                             "foreignKey": "bookId", "otherKey": "tagId"},
                            {"belongsToMany": "Tag", "as": "mainTags", "foreignKey": "bookId", "otherKey": "tagId",
                             "through": {"model": "BookTag", "scope": {"main": true}},
                             "scope": {"label": "red"}}]},
  "Tag": {"attributes": {"label": "STRING"},
          "options": {"schema": "cnt", "paranoid": true}},
  "BookTag": {"attributes": {"main": {"type": "BOOLEAN", "defaultValue": false}},
              "options": {"schema": "cnt", "timestamps": false}}
}') IS NOT NULL AS defined;
-- one count function per hasMany and belongsToMany, none for hasOne/belongsTo
SELECT s FROM orm.sync() s WHERE s LIKE 'CREATE OR REPLACE FUNCTION%';
SELECT p.oid::regprocedure AS function, p.prorettype::regtype AS returns, p.provolatile,
       l.lanname, p.proconfig, p.prosecdef, pg_get_userbyid(p.proowner) = current_user AS owner
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'cnt'::regnamespace AND p.proname LIKE '%\_count' ORDER BY p.proname COLLATE "C";

INSERT INTO cnt."Authors" (name) VALUES ('Ann'), ('Bob'), ('Cy');
INSERT INTO cnt."Books" (title, genre, "authorId", "deletedAt") VALUES
  ('a1', 'novel', 1, NULL), ('a2', 'essay', 1, NULL), ('a3', 'novel', 1, now()),
  ('b1', 'novel', 2, NULL), ('x', 'novel', NULL, NULL);
INSERT INTO cnt."Tags" (label, "deletedAt") VALUES ('red', NULL), ('hidden', NULL), ('gone', now()), ('blue', NULL);
INSERT INTO cnt."BookTags" ("bookId", "tagId", main) VALUES
  (1, 1, true), (1, 2, true), (1, 3, true), (1, 4, false), (2, 1, false), (3, 1, true), (4, 4, true);

-- equal to COUNT of the relationship function, scope and paranoid included
SELECT a.name, cnt.books_count(a) AS books, (SELECT count(*) FROM cnt.books(a)) AS books_rows,
       cnt."Books_count"(a) AS novels, (SELECT count(*) FROM cnt."Books"(a)) AS novels_rows
  FROM cnt."Authors" a ORDER BY a.id;
SELECT b.title, cnt.tags_count(b) AS tags, (SELECT count(*) FROM cnt.tags(b)) AS tags_rows,
       cnt."mainTags_count"(b) AS main, (SELECT count(*) FROM cnt."mainTags"(b)) AS main_rows
  FROM cnt."Books" b ORDER BY b.id;
SELECT count(*) AS differing FROM cnt."Authors" a
 WHERE cnt.books_count(a) <> (SELECT count(*) FROM cnt.books(a))
    OR cnt."Books_count"(a) <> (SELECT count(*) FROM cnt."Books"(a));
SELECT count(*) AS differing FROM cnt."Books" b
 WHERE cnt.tags_count(b) <> (SELECT count(*) FROM cnt.tags(b))
    OR cnt."mainTags_count"(b) <> (SELECT count(*) FROM cnt."mainTags"(b));
-- and to what find_all's count over the include gives
SELECT orm.find_all('Author', '{"attributes": ["name", [{"fn": "count", "args": [{"col": "books.id"}]}, "n"]],
  "include": [{"association": "books", "attributes": []}], "order": [["id", "ASC"]]}');
-- usable in ORDER BY and WHERE, as computed fields are
SELECT a.name FROM cnt."Authors" a WHERE cnt.books_count(a) > 0 ORDER BY cnt.books_count(a) DESC, a.id;

-- PostgreSQL 15 does not inline a scalar SQL function whose body has an
-- aggregate (or a sub-SELECT): the plan calls it once per row; the
-- relationship function under count(*) is inlined
EXPLAIN (COSTS OFF, VERBOSE) SELECT cnt.books_count(a) FROM cnt."Authors" a;
EXPLAIN (COSTS OFF) SELECT (SELECT count(*) FROM cnt.books(a)) FROM cnt."Authors" a;

-- an association that changes replaces the count function (associated
-- again without "as", it takes the alias "Books" from the one before)
SELECT orm.associate('Author', 'hasMany', 'Book', '{"foreignKey": "authorId", "scope": {"genre": "essay"}}') IS NOT NULL AS associated;
SELECT * FROM orm.drift() ORDER BY 1, 2, 3;
SELECT s FROM orm.sync() s WHERE s LIKE 'CREATE OR REPLACE FUNCTION%';
SELECT a.name, cnt."Books_count"(a), (SELECT count(*) FROM cnt."Books"(a)) AS rows FROM cnt."Authors" a ORDER BY a.id;
SELECT * FROM orm.drift();

-- drift reports a dropped or changed one; sync with alter puts them back
DROP FUNCTION cnt.books_count(cnt."Authors");
CREATE OR REPLACE FUNCTION cnt.tags_count(cnt."Books") RETURNS bigint LANGUAGE sql STABLE
  AS 'SELECT pg_catalog.count(*) FROM cnt."Tags" t';
SELECT * FROM orm.drift() ORDER BY 1, 2, 3;
SELECT s FROM orm.sync('{"alter": true}') s;
SELECT * FROM orm.drift();
SELECT a.name, cnt.books_count(a) FROM cnt."Authors" a ORDER BY a.id;
-- a nothing-to-do sync writes none
SELECT count(*) AS statements FROM orm.sync();

-- a function of that name that is not a count function is refused
DROP FUNCTION cnt.books_count(cnt."Authors");
CREATE FUNCTION cnt.books_count(cnt."Authors") RETURNS bigint LANGUAGE sql AS 'SELECT 42::bigint';
SELECT * FROM orm.sync();
SELECT cnt.books_count(a) FROM cnt."Authors" a WHERE a.id = 1;
DROP FUNCTION cnt.books_count(cnt."Authors");

-- force recreates the tables and the count functions with them
SELECT s FROM orm.sync('{"force": true, "models": ["Author"]}') s WHERE s LIKE 'CREATE OR REPLACE FUNCTION%' OR s LIKE 'DROP%';
SELECT * FROM orm.drift();

-- undefine drops the count functions from and to the model
SELECT orm.undefine('Tag');
SELECT p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = 'cnt'::regnamespace ORDER BY p.proname COLLATE "C";
SELECT orm.undefine('Author');
SELECT p.oid::regprocedure FROM pg_proc p WHERE p.pronamespace = 'cnt'::regnamespace ORDER BY p.proname COLLATE "C";
SELECT orm.undefine('Book');
SELECT orm.undefine('BookTag');
DROP TABLE cnt."Authors", cnt."Books", cnt."BookTags", cnt."Tags";

-- another role's function of that name is never taken over (42501), even
-- when its body is a count function's; undefine leaves it alone
SET ROLE regress_orm_cnt_owner;
SELECT orm.define_models('{
  "Shelf": {"attributes": {"name": "STRING"}, "options": {"schema": "cnt", "timestamps": false},
            "associations": [{"hasMany": "Item", "as": "items", "foreignKey": "shelfId"}]},
  "Item": {"attributes": {"name": "STRING"}, "options": {"schema": "cnt", "timestamps": false}}
}') IS NOT NULL AS defined;
SELECT count(*) AS statements FROM orm.sync();
SELECT cnt.items_count(s) FROM cnt."Shelves" s;
DROP FUNCTION cnt.items_count(cnt."Shelves");
RESET ROLE;
SET ROLE regress_orm_cnt_other;
CREATE FUNCTION cnt.items_count(cnt."Shelves") RETURNS bigint LANGUAGE sql STABLE
  AS 'SELECT pg_catalog.count(*) FROM cnt."Items" t WHERE t."shelfId" OPERATOR(pg_catalog.=) ($1).id';
RESET ROLE;
SET ROLE regress_orm_cnt_owner;
SELECT * FROM orm.sync('{"alter": true}');
SELECT * FROM orm.drift();
SELECT orm.undefine('Shelf');
RESET ROLE;
SELECT p.oid::regprocedure, pg_get_userbyid(p.proowner) FROM pg_proc p
 WHERE p.pronamespace = 'cnt'::regnamespace ORDER BY p.proname COLLATE "C";

DROP SCHEMA cnt CASCADE;
DROP EXTENSION orm_models;
DROP ROLE regress_orm_cnt_owner, regress_orm_cnt_other;
