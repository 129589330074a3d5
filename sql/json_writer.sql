-- json_writer: the JSON writer's values, type by type, against the SQL
-- path (orm_models.json_writer = 'check' answers each find both ways and
-- fails on any difference), and its compact text pinned.
CREATE EXTENSION orm_models;
CREATE SCHEMA jw;
SELECT orm.define('Val', '{
  "i2": "SMALLINT", "i4": "INTEGER", "i8": "BIGINT",
  "f4": "REAL", "f8": "DOUBLE", "num": "DECIMAL", "num2": "DECIMAL(10,2)",
  "b": "BOOLEAN", "t": "TEXT", "vc": "STRING(20)", "ch": "CHAR(4)",
  "u": "UUID", "d": "DATEONLY", "ts": "timestamp", "tz": "DATE", "tm": "TIME",
  "j": "JSON", "jb": "JSONB", "arr": "ARRAY(INTEGER)", "arr2": "integer[]",
  "tarr": "ARRAY(TEXT)", "e": {"type": "ENUM", "values": ["a", "b c"]},
  "by": "BLOB", "r": "RANGE(INTEGER)", "ip": "INET", "iv": "interval"
}', '{"schema": "jw", "timestamps": false}') IS NOT NULL AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync();
INSERT INTO jw."Vals" (i2, i4, i8, f4, f8, num, num2, b, t, vc, ch, u, d, ts, tz, tm, j, jb, arr, arr2, tarr, e, by, r, ip, iv) VALUES
 (-32768, 2147483647, -9223372036854775808, 1.5, 0.1, 1.50, 2.5, true,
  E'quote " backslash \\ tab \t newline \n bell \x07 unicode é 😀', 'varchar', 'ab',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2026-12-01', '2026-12-01 12:34:56.789',
  '2026-12-01 12:34:56.000123+00', '23:59:59.5', '{ "a" : [1, 2 ,3], "b": "x y" }',
  '{"z": {"y": [true, null, 1.10]}, "a": "s p a c e"}', '{1,2,3}', '{{1,2},{3,4}}',
  '{"x","y z",NULL}', 'b c', '\xdeadbeef', '[1,10)', '192.168.0.1/24', '1 day 02:00'),
 (0, 0, 0, 'NaN', 'Infinity', 'NaN', 0, false, '', '', '', NULL, '0001-01-01', '1999-12-31 23:59:59',
  '1970-01-01 00:00:00+00', '00:00', 'null', '[]', '{}', '{}', '{}', 'a', '\x', 'empty', '::1', '0'),
 (1, -1, 1, '-Infinity', -0.0, '-0.001', -1.25, NULL, NULL, NULL, NULL, NULL, '2001-02-29 BC', 'infinity',
  '-infinity', NULL, '"str"', '1.0e2', '{NULL}', NULL, NULL, NULL, NULL, '(,5]', NULL, '-1 mon'),
 (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '20000-01-01', '0044-03-15 12:00:00 BC',
  '2038-01-19 03:14:07.999999+00', NULL, NULL, '{"k": "v"}', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
-- attributes named like the statement's own aliases (r, x, k, v, c1, g1)
SELECT orm.define('Owner', '{"r": "INTEGER", "x": "TEXT", "k": "INTEGER"}',
  '{"schema": "jw", "timestamps": false}') IS NOT NULL AS defined;
SELECT orm.define('Pet', '{"c1": "INTEGER", "v": "TEXT", "g1": "INTEGER", "r": "TEXT"}',
  '{"schema": "jw", "timestamps": false}') IS NOT NULL AS defined;
SELECT orm.define('Tag', '{"c2": "TEXT", "x": "TEXT"}', '{"schema": "jw", "timestamps": false}') IS NOT NULL AS defined;
SELECT orm.associate('Owner', 'hasMany', 'Pet', '{"as": "pets"}') IS NOT NULL AS associated;
SELECT orm.associate('Owner', 'hasOne', 'Pet', '{"as": "firstPet"}') IS NOT NULL AS associated;
SELECT orm.associate('Pet', 'belongsToMany', 'Tag', '{"through": "PetTag", "as": "tags"}') IS NOT NULL AS associated;
SELECT count(*) > 0 AS synced FROM orm.sync();
INSERT INTO jw."Owners" (r, x, k) VALUES (7, 'seven', 70), (8, 'eight', 80);
INSERT INTO jw."Pets" (c1, v, g1, r, "OwnerId") VALUES (1, 'one', 10, 'r1', 1), (2, 'two', 20, 'r2', 1), (3, 'three', 30, 'r3', 2);
INSERT INTO jw."Tags" (c2, x) VALUES ('t', 'tx');
INSERT INTO jw."PetTag" ("PetId", "TagId", "createdAt", "updatedAt") VALUES (1, 1, '2026-01-01', '2026-01-02'), (3, 1, '2026-01-01', '2026-01-02');
SET orm_models.json_writer = 'check';
\pset format unaligned
\pset tuples_only on
-- in UTC (a fixed offset: the writer's own timestamp code)
SET TIME ZONE 'UTC';
SELECT orm.find_all('Val', '{"order": [["i4", "DESC NULLS LAST"]]}');
-- an offset of hours and minutes, east and west
SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE;
SELECT orm.find_all('Val', '{"attributes": ["ts", "tz", "d"], "order": [["i4", "DESC NULLS LAST"]]}');
SET TIME ZONE INTERVAL '-03:00' HOUR TO MINUTE;
SELECT orm.find_all('Val', '{"attributes": ["tz"], "order": [["i4", "DESC NULLS LAST"]]}');
-- a zone with daylight saving time: PostgreSQL's own code
SET TIME ZONE 'America/New_York';
SELECT orm.find_all('Val', '{"attributes": ["tz"], "order": [["i4", "DESC NULLS LAST"]]}');
SET TIME ZONE 'UTC';
-- extra_float_digits changes how floats read, both ways alike
SET extra_float_digits = 0;
SELECT orm.find_all('Val', '{"attributes": ["f4", "f8"], "where": {"f8": {"$ne": null}}, "order": ["i2"]}');
RESET extra_float_digits;
-- find_one, find_by_pk and find_all_rows write the same values
SELECT orm.find_one('Val', '{"where": {"i4": 2147483647}, "attributes": ["t", "jb", "arr2"]}');
SELECT orm.find_by_pk('Val', (SELECT id FROM jw."Vals" WHERE i4 = 0), '{"attributes": ["id", "f4", "num", "e"]}') IS NOT NULL AS found;
SELECT r FROM orm.find_all_rows('Val', '{"attributes": ["t", "tarr"], "order": ["i4"]}') r;
SELECT orm.find_all('Owner', '{"include": [{"association": "pets", "include": ["tags"]}, "firstPet"], "order": ["id", ["pets", "c1", "DESC"]]}');
SELECT orm.find_all('Owner', '{"include": [{"association": "pets", "attributes": ["v", "OwnerId"]}], "order": ["r"]}');
SELECT r FROM orm.find_all_rows('Owner', '{"include": ["pets"], "order": ["k"]}') r;
-- attributes renamed with [name, alias]: the alias is the key, both ways
UPDATE jw."Pets" SET "firstPetId" = 2 WHERE id = 3;
SELECT orm.find_all('Owner', '{"attributes": ["id", ["x", "name"], ["r", "rr"], ["k", "k2"], "k"], "include": [{"association": "pets", "attributes": [["v", "value"], "OwnerId", ["c1", "cc"]], "include": [{"association": "tags", "attributes": [["c2", "label"]]}]}, {"association": "firstPet", "attributes": [["v", "v2"], ["v", "v3"]]}], "order": ["id", ["pets", "c1", "DESC"]]}');
SELECT orm.find_one('Owner', '{"attributes": [["x", "name"]], "where": {"r": 8}}');
SELECT orm.find_by_pk('Owner', 1, '{"attributes": [["x", "name"]], "include": [{"association": "pets", "attributes": [["c1", "n"]]}]}');
SELECT r FROM orm.find_all_rows('Owner', '{"attributes": [["x", "name"], "id"], "include": [{"association": "pets", "attributes": [["v", "value"], "OwnerId"]}], "order": ["k"]}') r;
-- which statement answers: the writer's levels (a UNION ALL of flat
-- branches), except for a where naming an include from further up than
-- its parent (here the root naming posts' tags), which the SQL path writes
SELECT orm.find_all_sql('Owner', '{"include": [{"association": "pets", "include": ["tags"]}]}') LIKE '%UNION ALL%' AS levels;
SELECT orm.find_all_sql('Owner', '{"include": [{"association": "pets", "include": ["tags"]}], "where": {"$pets.tags.c2$": "t"}}') LIKE '%json_agg%' AS sql_path;
SELECT orm.find_all('Owner', '{"attributes": ["x"], "include": [{"association": "pets", "attributes": ["v"], "include": [{"association": "tags", "attributes": ["c2"], "through": {"attributes": []}}]}], "where": {"$pets.tags.c2$": "t"}, "order": ["id", ["pets", "c1"]]}');
\pset tuples_only off
\pset format aligned
-- a renamed attribute: a bad pair, an unknown name, an alias that names
-- an attribute (aliases are names in order and having), the junction
SELECT orm.find_all('Owner', '{"attributes": [["x"]]}');
SELECT orm.find_all('Owner', '{"attributes": [["x", 1]]}');
SELECT orm.find_all('Owner', '{"attributes": [["x", ""]]}');
SELECT orm.find_all('Owner', '{"attributes": [["nope", "n"]]}');
SELECT orm.find_all('Owner', '{"attributes": [["x", "k"], "k"]}');
SELECT orm.find_all('Owner', '{"attributes": ["x", "x"]}') IS NOT NULL AS repeated_name_once;
SELECT orm.find_all('Pet', '{"include": [{"association": "tags", "through": {"attributes": [["PetId", "p"]]}}]}');
-- a level reads its parent's keys as an array (one index scan for them
-- all) when the column it compares them with leads a btree index of its
-- type's operator class, at every level and per parent row; without such
-- an index, the sub-select the planner may hash; the same rows either way
\set q '{"where": {"r": 7}, "include": [{"association": "pets", "include": ["tags"]}, "firstPet"]}'
\set q2 '{"where": {"r": 7}, "include": [{"association": "pets", "limit": 1}]}'
SELECT orm.find_all_sql('Owner', :'q') ~ '"OwnerId" OPERATOR\(pg_catalog.=\) ANY \(ARRAY\(SELECT' AS pets,
       orm.find_all_sql('Owner', :'q') ~ '"PetId" OPERATOR\(pg_catalog.=\) ANY \(ARRAY\(SELECT' AS tags,
       orm.find_all_sql('Owner', :'q2') ~ 't0.id OPERATOR\(pg_catalog.=\) ANY \(ARRAY\(SELECT' AS per_parent;
SELECT orm.find_all('Owner', :'q2');
SELECT orm.find_all('Owner', :'q');
SELECT format('DROP INDEX jw.%I', i.relname) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
 WHERE x.indrelid = 'jw."Pets"'::regclass
   AND x.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = 'jw."Pets"'::regclass AND attname = 'OwnerId') \gexec
SELECT orm.find_all_sql('Owner', :'q') ~ '"OwnerId" OPERATOR\(pg_catalog.=\) ANY \(SELECT'
   AND orm.find_all_sql('Owner', :'q') ~ '"PetId" OPERATOR\(pg_catalog.=\) ANY \(ARRAY\(SELECT' AS semi_join_unindexed;
SELECT orm.find_all('Owner', :'q');
CREATE INDEX "Pets_OwnerId_text" ON jw."Pets" (("OwnerId"::text));
SELECT orm.find_all_sql('Owner', :'q') ~ '"OwnerId" OPERATOR\(pg_catalog.=\) ANY \(SELECT' AS semi_join_expression_index;
CREATE INDEX "Pets_OwnerId_partial" ON jw."Pets" ("OwnerId") WHERE "OwnerId" > 0;
SELECT orm.find_all_sql('Owner', :'q') ~ '"OwnerId" OPERATOR\(pg_catalog.=\) ANY \(SELECT' AS semi_join_partial_index;
CREATE INDEX "Pets_OwnerId_hash" ON jw."Pets" USING hash ("OwnerId");
SELECT orm.find_all_sql('Owner', :'q') ~ '"OwnerId" OPERATOR\(pg_catalog.=\) ANY \(SELECT' AS semi_join_hash_index;
CREATE INDEX "Pets_OwnerId_r" ON jw."Pets" ("OwnerId", r);
SELECT orm.find_all_sql('Owner', :'q') ~ '"OwnerId" OPERATOR\(pg_catalog.=\) ANY \(ARRAY\(SELECT' AS keys_array_again;
SELECT orm.find_all('Owner', :'q');
-- a root with a limit, an order by its own columns and a required include
-- linked by an indexed column is sorted before the include's EXISTS, which
-- then stops at the limit; not without a limit, nor ordered by an include
\set q3 '{"where": {"r": {"$gte": 0}}, "include": [{"association": "pets", "where": {"v": {"$ne": "zzz"}}}], "order": [["x", "DESC"]], "limit": 1, "offset": 1}'
SELECT orm.find_all_sql('Owner', :'q3') ~ 'ORDER BY t0.x DESC OFFSET 0\) t0 WHERE .*EXISTS .* ORDER BY t0.x DESC LIMIT' AS sorted_first;
SELECT orm.find_all('Owner', :'q3');
SELECT orm.find_one('Owner', '{"include": [{"association": "pets", "where": {"v": "one"}}], "order": ["x"]}');
SELECT orm.find_all_sql('Owner', '{"include": [{"association": "pets", "where": {"v": "one"}}], "order": [["x", "DESC"]]}') !~ 'OFFSET 0\)' AS not_without_limit;
SELECT orm.find_all_sql('Owner', '{"include": [{"association": "firstPet", "where": {"v": "one"}}], "order": [["firstPet", "v", "DESC"]], "limit": 1}') !~ 'OFFSET 0\)' AS not_by_an_include;
RESET TIME ZONE;
RESET orm_models.json_writer;
DROP SCHEMA jw CASCADE;
DROP EXTENSION orm_models;
