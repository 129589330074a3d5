-- demo/demo.sql: the README example, run by demo/run (psql -e echoes each query).
-- Needs a database where "CREATE EXTENSION orm_models" has been run.
\set ON_ERROR_STOP on
-- one JSON value or one statement per line: unaligned output reads best
\set QUIET on
\pset pager off
\pset format unaligned
\set QUIET off

\echo
\echo '== Define two models, as in models/User.js and models/Post.js'
SELECT orm.define('User', '{
  "id":    {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "name":  {"type": "STRING", "allowNull": false},
  "email": {"type": "STRING", "allowNull": false, "unique": true}
}');
\echo
SELECT orm.define('Post', '{
  "id":      {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "title":   {"type": "STRING", "allowNull": false},
  "content": {"type": "TEXT", "allowNull": false},
  "userId":  {"type": "INTEGER", "allowNull": false,
              "references": {"model": "Users", "key": "id"}}
}');

\echo
\echo '== Associate them'
SELECT orm.associate('User', 'hasMany',   'Post', '{"foreignKey": "userId", "as": "posts"}');
\echo
SELECT orm.associate('Post', 'belongsTo', 'User', '{"foreignKey": "userId", "as": "author"}');

\echo
\echo '== Create the tables; sync returns every statement it ran'
SELECT * FROM orm.sync('{"force": true}');

\echo
\echo '== The tables sync made'
\set QUIET on
\pset format aligned
\set QUIET off
\d "Users"
\d "Posts"

\echo
\echo '== Some rows (ids, createdAt and updatedAt are filled in by the database)'
INSERT INTO "Users" (name, email) VALUES
  ('Alice', 'alice@example.com'),
  ('Bob',   'bob@example.com');

INSERT INTO "Posts" (title, content, "userId") VALUES
  ('Hello',           'My first post.',         1),
  ('Second thoughts', 'Another post by Alice.', 1),
  ('Hi from Bob',     'Bob writes too.',        2);

\echo
\echo '== Eager loading: User.findAll({include: [''posts'']})'
\set ECHO none
SELECT EXISTS (SELECT 1
                 FROM pg_catalog.pg_proc p
                 JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'orm' AND p.proname = 'find_all') AS has_find_all
\gset
\set ECHO queries
\set QUIET on
\pset format unaligned
\set QUIET off
\if :has_find_all
SELECT orm.find_all('User', '{"include": ["posts"], "order": [["id", "ASC"], ["posts", "id", "ASC"]]}');
\else
\echo 'orm.find_all is not in this version yet; here is the same result written by hand:'
SELECT json_agg(u ORDER BY u.id) AS users
  FROM (SELECT "Users".*,
               (SELECT coalesce(json_agg(p ORDER BY p.id), '[]')
                  FROM "Posts" p
                 WHERE p."userId" = "Users".id) AS posts
          FROM "Users") u;
\endif
