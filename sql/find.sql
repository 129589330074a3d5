-- Eager loading: find_all, find_one, find_by_pk, count, find_all_sql,
-- find_all_rows, and the relationship functions sync makes.
CREATE EXTENSION orm_models;
SET TIME ZONE 'UTC';
CREATE SCHEMA find_test;
SELECT orm.define_models('{
 "User": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                         "name": {"type": "STRING", "allowNull": false},
                         "email": {"type": "STRING", "allowNull": false, "unique": true},
                         "tags": "ARRAY(TEXT)", "meta": "JSONB"},
          "options": {"schema": "find_test", "timestamps": false},
          "associations": [{"hasMany": "Post", "foreignKey": "userId", "as": "posts"},
                           {"hasOne": "Profile", "as": "profile"},
                           {"belongsToMany": "Group", "as": "groups", "through": "Memberships"}]},
 "Post": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                         "title": {"type": "STRING", "allowNull": false},
                         "stars": {"type": "INTEGER", "defaultValue": 0},
                         "userId": {"type": "INTEGER", "allowNull": false,
                                    "references": {"model": "Users", "key": "id"}}},
          "options": {"schema": "find_test", "timestamps": false, "paranoid": false},
          "associations": [{"belongsTo": "User", "foreignKey": "userId", "as": "author"},
                           {"hasMany": "Comment", "as": "comments"}]},
 "Comment": {"attributes": {"body": "TEXT", "deletedAt": "DATE"},
             "options": {"schema": "find_test", "timestamps": false}},
 "Profile": {"attributes": {"bio": "TEXT"}, "options": {"schema": "find_test", "timestamps": false}},
 "Group": {"attributes": {"name": "STRING"}, "options": {"schema": "find_test", "timestamps": false}},
 "Note": {"attributes": {"text": "TEXT"}, "options": {"schema": "find_test", "paranoid": true}}
}') IS NOT NULL AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync();

INSERT INTO find_test."Users" (name, email, tags, meta) VALUES
  ('ann', 'ann@x', '{a,b}', '{"vip": true}'),
  ('bob', 'bob@x', '{b}', '{"vip": false}'),
  ('cy', 'cy@x', '{}', NULL),
  ('Al_%', 'al@x', NULL, NULL);
INSERT INTO find_test."Posts" (title, stars, "userId") VALUES
  ('hello', 5, 1), ('world', 3, 1), ('again', 4, 1), ('bob''s', 1, 2);
INSERT INTO find_test."Comments" (body, "PostId", "deletedAt") VALUES
  ('nice', 1, NULL), ('meh', 1, NULL), ('gone', 1, '2020-01-01'), ('ok', 4, NULL);
INSERT INTO find_test."Profiles" (bio, "profileId") VALUES ('ann bio', 1);
-- (Sequelize names the key of a hasOne with an alias after the alias: profileId)
INSERT INTO find_test."Groups" (name) VALUES ('admins'), ('users');
INSERT INTO find_test."Memberships" ("UserId", "GroupId", "createdAt", "updatedAt")
  VALUES (1, 1, '2020-01-01', '2020-01-02'), (1, 2, '2020-01-01', '2020-01-02'), (2, 2, '2020-01-01', '2020-01-02');
INSERT INTO find_test."Notes" (text, "deletedAt") VALUES ('kept', NULL), ('deleted', now());

-- every row, every attribute, in the order defined
SELECT orm.find_all('User', '{"order": [["id", "ASC"]]}');
-- attributes, exclude; the primary key comes first when there are includes
SELECT orm.find_all('User', '{"attributes": ["name"], "order": ["id"]}');
SELECT orm.find_all('User', '{"attributes": {"exclude": ["tags", "meta", "email"]}, "order": [["id", "DESC"]]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "include": ["profile"], "order": ["id"]}');

-- hasMany gives an array ([] when empty), belongsTo and hasOne an object or null
SELECT jsonb_pretty(orm.find_all('User', '{"attributes": ["name"], "order": ["id"],
  "include": [{"association": "posts", "attributes": ["title"], "order": [["id", "ASC"]]}, "profile"]}')::jsonb);
SELECT orm.find_all('Post', '{"attributes": ["title"], "include": [{"association": "author", "attributes": ["name"]}], "order": ["id"]}');

-- belongsToMany: the junction row under the junction's name, or not
SELECT orm.find_all('User', '{"attributes": ["name"], "where": {"id": [1, 2]}, "order": ["id"],
  "include": [{"association": "groups", "attributes": ["name"], "order": ["id"]}]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "where": {"id": 1},
  "include": [{"association": "groups", "attributes": ["name"], "through": {"attributes": []}, "order": ["id"]}]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "where": {"id": 1},
  "include": [{"association": "groups", "attributes": ["name"], "through": {"attributes": ["createdAt"], "where": {"GroupId": 2}}}]}');

-- nested includes, per-parent order and limit, paranoid children
SELECT jsonb_pretty(orm.find_all('User', '{"attributes": ["name"], "where": {"id": 1},
  "include": [{"association": "posts", "attributes": ["title"], "order": [["stars", "DESC"]], "limit": 2,
               "include": [{"association": "comments", "attributes": ["body"], "order": ["id"]}]}]}')::jsonb);
SELECT orm.find_all('Post', '{"attributes": ["title"], "where": {"id": 1},
  "include": [{"association": "comments", "attributes": ["body"], "paranoid": false, "order": ["id"]}]}');

-- required: a where on an include filters the parents, unless required is false
SELECT orm.find_all('User', '{"attributes": ["name"], "order": ["id"],
  "include": [{"association": "posts", "attributes": ["title"], "where": {"stars": {"$gte": 4}}}]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "order": ["id"],
  "include": [{"association": "posts", "attributes": ["title"], "where": {"stars": {"$gte": 4}}, "required": false}]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "order": ["id"],
  "include": [{"association": "posts", "required": true, "attributes": []}]}');

-- limit and offset count parents, also with includes; offset without limit
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["id"]}], "order": ["id"], "limit": 1, "offset": 0}');
SELECT orm.find_all('User', '{"attributes": ["name"], "order": ["id"], "offset": 2}');

-- order by an included to-one column, and the included rows through the top order
SELECT orm.find_all('Post', '{"attributes": ["title"], "include": ["author"], "order": [["author", "name", "DESC"], ["id", "ASC"]]}')::jsonb #> '{0,title}';
SELECT orm.find_all('User', '{"attributes": ["name"], "where": {"id": 1}, "include": [{"association": "posts", "attributes": ["id"]}], "order": [["posts", "id", "DESC"]]}');

-- an order by a to-many include's column also orders the parents (by the
-- first of their children in that order), as Sequelize's joined rows do
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "required": true, "attributes": ["id"]}], "order": [["posts", "id", "DESC"]]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["stars"]}], "order": [["posts", "stars", "ASC"], ["id", "DESC"]]}');

-- a nested object on a JSON column tests paths, as in Sequelize
SELECT orm.count('User', '{"where": {"meta": {"vip": true}}}') AS vip,
       orm.count('User', '{"where": {"meta": {"vip": "true"}}}') AS vip_text,
       orm.count('User', '{"where": {"meta": {"nope": null}}}') AS no_key;
SELECT orm.find_all('User', '{"where": {"meta": {"vip": {"$ne": true}}}}');

-- "$include.column$": a column of a to-one include, in the where
SELECT orm.find_all('Post', '{"attributes": ["title"], "include": [{"association": "author", "attributes": ["name"]}], "where": {"$author.name$": "bob"}}');
SELECT orm.find_all('Post', '{"attributes": ["title"], "include": [{"association": "author", "attributes": []}], "where": {"$or": [{"$author.name$": {"$like": "a%"}}, {"stars": {"$lt": 2}}]}, "order": ["id"]}');
SELECT orm.count('Post', '{"include": ["author"], "where": {"$author.email$": {"$ne": null}}}') AS with_author_email;
-- through a to-many include, as Sequelize evaluates it over its joined
-- rows: the parents with a matching row, and only the matching children;
-- a parent without children is one row of nulls; limit counts parents
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"]}], "where": {"$posts.stars$": {"$gte": 4}}, "order": ["id"]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"]}], "where": {"$posts.id$": null}, "order": ["id"]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"]}], "where": {"$or": [{"name": "bob"}, {"$posts.title$": "world"}]}, "order": ["id"]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"]}], "where": {"$posts.title$": {"$like": "%o%"}}, "order": ["id"], "limit": 1}');
SELECT orm.count('User', '{"include": ["posts"], "where": {"$posts.stars$": {"$gte": 1}}}') AS users_with_posts;
-- two levels, and a sibling: each row combines the includes it names
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"], "include": [{"association": "comments", "attributes": ["body"]}]}], "where": {"$posts.comments.body$": {"$in": ["ok", "gone"]}}}');
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"]}, {"association": "groups", "attributes": ["name"], "through": {"attributes": []}}], "where": {"$posts.title$": "hello", "$groups.name$": "admins"}}');
-- an include's where may name its own includes the same way
SELECT orm.find_all('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"], "where": {"$comments.body$": "meh"}, "include": [{"association": "comments", "attributes": ["body"]}]}]}');
SELECT orm.find_all_sql('User', '{"attributes": ["name"], "include": [{"association": "posts", "attributes": ["title"]}], "where": {"name": {"$ne": "cy"}, "$posts.stars$": 5}}');
SELECT orm.find_all('Post', '{"where": {"$comments.nope$": "x"}, "include": ["comments"]}');
-- (fuzzer: ran for minutes past statement_timeout, in PostgreSQL's planner)
-- at most 4096 values per query; $in takes any number as one value
SELECT orm.count('User', jsonb_build_object('where', jsonb_build_object('id',
  jsonb_build_object('$and', (SELECT jsonb_agg(jsonb_build_object('$ne', g)) FROM generate_series(1, 5000) g)))));
SELECT orm.count('User', jsonb_build_object('where', jsonb_build_object('id',
  jsonb_build_object('$and', (SELECT jsonb_agg(jsonb_build_object('$ne', g)) FROM generate_series(1, 4000) g))))) AS four_thousand;
SELECT orm.count('User', jsonb_build_object('where', jsonb_build_object('id',
  jsonb_build_object('$in', (SELECT jsonb_agg(g) FROM generate_series(1, 100000) g))))) AS in_many;
-- (crash) a path with an empty name
SELECT orm.find_all('User', '{"where": {"$.id$": 1}}');
SELECT orm.find_all('User', '{"where": {"$..id$": 1}}');
SELECT orm.find_all('User', '{"where": {"$posts..title$": 1}, "include": ["posts"]}');
SELECT orm.find_all('User', '{"where": {"$posts.$": 1}, "include": ["posts"]}');
SELECT orm.find_all('User', '{"where": {"$or": [{"$.id$": 1}]}}');
SELECT orm.find_all('Post', '{"where": {"$author.name$": "x"}}');
SELECT orm.find_all('Post', '{"where": {"$author.nope$": "x"}, "include": ["author"]}');

-- every operator
SELECT op, orm.count('User', jsonb_build_object('where', w)) AS n
  FROM (VALUES
    ('eq', '{"name": "ann"}'::jsonb), ('eq op', '{"name": {"$eq": "ann"}}'),
    ('ne', '{"name": {"$ne": "ann"}}'), ('null', '{"tags": null}'),
    ('ne null', '{"tags": {"$ne": null}}'), ('gt', '{"id": {"$gt": 2}}'),
    ('gte', '{"id": {"$gte": 2}}'), ('lt', '{"id": {"$lt": 2}}'), ('lte', '{"id": {"$lte": 2}}'),
    ('in', '{"id": [1, 3]}'), ('in op', '{"id": {"$in": [1, 3]}}'), ('in empty', '{"id": []}'),
    ('notIn', '{"id": {"$notIn": [1, 3]}}'), ('notIn empty', '{"id": {"$notIn": []}}'),
    ('like', '{"name": {"$like": "a%"}}'), ('notLike', '{"name": {"$notLike": "a%"}}'),
    ('iLike', '{"name": {"$iLike": "A%"}}'), ('notILike', '{"name": {"$notILike": "A%"}}'),
    ('between', '{"id": {"$between": [2, 3]}}'), ('notBetween', '{"id": {"$notBetween": [2, 3]}}'),
    ('is', '{"meta": {"$is": null}}'), ('not null', '{"meta": {"$not": null}}'),
    ('not value', '{"name": {"$not": "ann"}}'),
    ('startsWith', '{"name": {"$startsWith": "Al_"}}'), ('startsWith literal', '{"name": {"$startsWith": "A_"}}'),
    ('endsWith', '{"name": {"$endsWith": "%"}}'), ('substring', '{"name": {"$substring": "n"}}'),
    ('contains array', '{"tags": {"$contains": ["b"]}}'), ('contained', '{"tags": {"$contained": ["a", "b"]}}'),
    ('overlap', '{"tags": {"$overlap": ["a", "z"]}}'), ('contains jsonb', '{"meta": {"$contains": {"vip": true}}}'), ('jsonb equal', '{"meta": {"vip": false}}'),
    ('and', '{"$and": [{"id": {"$gt": 1}}, {"id": {"$lt": 4}}]}'),
    ('or', '{"$or": [{"id": 1}, {"name": "cy"}]}'), ('or object', '{"$or": {"id": 1, "name": "cy"}}'),
    ('not', '{"$not": {"id": 1}}'), ('column or', '{"id": {"$or": [{"$lt": 2}, {"$gt": 3}]}}'),
    ('column and', '{"id": {"$gt": 1, "$lt": 4}}'), ('nested', '{"$or": [{"$and": [{"id": 1}, {"name": "ann"}]}, {"$not": {"id": {"$lte": 3}}}]}')
  ) AS t(op, w);

-- find_one, find_by_pk, count
SELECT orm.find_one('User', '{"attributes": ["name"], "where": {"id": {"$gt": 1}}, "order": ["id"]}');
SELECT orm.find_one('User', '{"where": {"id": 99}}') IS NULL AS none;
SELECT orm.find_by_pk('User', 2, '{"attributes": ["name"], "include": [{"all": true}]}');
SELECT orm.find_by_pk('User', '1'::text, '{"attributes": ["email"]}');
SELECT orm.find_by_pk('User', 99) IS NULL AS none;
SELECT orm.find_by_pk('User', 1, '{"attributes": ["name"], "where": {"name": "bob"}}') IS NULL AS filtered;
SELECT orm.count('User'), orm.count('Post', '{"where": {"stars": {"$gt": 2}}, "limit": 1}');
SELECT orm.count('User', '{"include": [{"association": "posts", "required": true}]}') AS with_posts;

-- paranoid models hide soft-deleted rows unless paranoid is false
SELECT orm.count('Note'), orm.count('Note', '{"paranoid": false}');

-- one row per parent, for results too large for one value
SELECT * FROM orm.find_all_rows('User', '{"attributes": ["name"], "order": ["id"], "include": [{"association": "posts", "attributes": ["id"], "order": ["id"]}]}');

-- every parent loaded: the include is pre-aggregated (GROUP BY, joined),
-- with the same result as the correlated form
SELECT orm.find_all_sql('User', '{"attributes": ["name"], "include": [{"association": "posts", "order": [["stars", "DESC"]]}]}');
SELECT orm.find_all('User', '{"attributes": ["name"], "order": ["id"], "include": [{"association": "posts", "order": [["stars", "DESC"]]}]}')::text
     = orm.find_all('User', '{"attributes": ["name"], "order": ["id"], "where": {"id": {"$ne": null}}, "include": [{"association": "posts", "order": [["stars", "DESC"]]}]}')::text AS same;

-- the one statement: values are parameters
SELECT orm.find_all_sql('User', '{"attributes": ["name"], "where": {"name": "x''); DROP TABLE y; --"}, "include": ["posts"], "limit": 5}');

-- relationship functions: plain SQL, inlined into the calling query
SELECT u.name, p.title FROM find_test."Users" u, LATERAL find_test.posts(u) p ORDER BY p.id;
SELECT p.title, a.name FROM find_test."Posts" p, LATERAL find_test.author(p) a ORDER BY p.id;
SELECT u.name, g.name FROM find_test."Users" u, find_test.groups(u) g ORDER BY 1, 2;
SELECT count(*) FROM find_test."Posts" p, find_test.comments(p) c;
EXPLAIN (COSTS OFF) SELECT u.name, p.title FROM find_test."Users" u, LATERAL find_test.posts(u) p;
SELECT source, alias, function FROM orm.associations ORDER BY position;

-- the catalog cache follows changes: a new association is visible at once
SELECT orm.associate('Profile', 'belongsTo', 'User', '{"as": "owner"}') ->> 'foreignKey' AS fk;
SELECT orm.find_all('Profile', '{"include": ["owner"]}');
SELECT * FROM orm.sync('{"models": ["Profile"]}');
SELECT count(*) FROM orm.sync('{"models": ["Profile"], "force": true}');
INSERT INTO find_test."Profiles" (bio, "ownerId") VALUES ('bob bio', 2);
SELECT orm.find_all('Profile', '{"attributes": ["bio"], "include": [{"association": "owner", "attributes": ["name"]}]}');

-- errors: they name the model, attribute, alias or operator
SELECT orm.find_all('Nope');
SELECT orm.find_all('User', '{"include": ["postz"]}');
SELECT orm.find_all('User', '{"include": [{"model": "Comment"}]}');
SELECT orm.find_all('User', '{"attributes": ["nope"]}');
SELECT orm.find_all('User', '{"where": {"nope": 1}}');
SELECT orm.find_all('User', '{"where": {"id": {"$foo": 1}}}');
SELECT orm.find_all('User', '{"where": {"$foo": 1}}');
SELECT orm.find_all('User', '{"where": {"id": "abc"}}');
SELECT orm.find_all('User', '{"where": {"id": {"$between": [1]}}}');
-- (fuzzer crashes) null in a comparison is an error, not a crash
SELECT orm.find_all('User', '{"where": {"id": {"$lt": null}}}');
SELECT orm.find_all('User', '{"where": {"id": {"$gte": null, "$lte": 3}}}');
SELECT orm.find_all('User', '{"where": {"name": {"$between": [null, "x"]}}}');
SELECT orm.find_all('User', '{"where": {"name": {"$like": null}}}');
SELECT orm.find_all('User', '{"where": {"id": {"$in": 5}}}');
SELECT orm.find_all('User', '{"where": {"name": {"$like": 5}}}');
SELECT orm.find_all('User', '{"where": {"$or": 5}}');
SELECT orm.find_all('User', '{"limit": -1}');
SELECT orm.find_all('User', '{"limit": 1.5}');
SELECT orm.find_all('User', '{"limit": "5"}');
SELECT orm.find_all('User', '{"order": [["name", "SIDEWAYS"]]}');
SELECT orm.find_all('User', '{"order": [["posts", "id"]]}');
SELECT orm.find_all('User', '{"group": ["name"]}');
SELECT orm.find_all('User', '{"include": [{"association": "posts", "bogus": 1}]}');
SELECT orm.find_all('User', '{"include": ["posts", "posts"]}');
SELECT orm.find_all('User', '{"include": [{"association": "posts", "through": {}}]}');
-- (fuzzer crash) a through where that is not an object
SELECT orm.find_all('User', '{"include": [{"association": "groups", "through": {"where": 1}}]}');
SELECT orm.find_all('User', '{"include": [{"association": "groups", "through": {"where": null}}]}');
SELECT orm.find_all('User', '[]');
SELECT orm.find_by_pk('Membership', 1);

-- a call's statement is kept per backend, keyed by the query document; the
-- key of find_by_pk is set per call, of any type that reads as the key's
SELECT orm.find_by_pk('User', 1, '{"attributes": ["name"]}'),
       orm.find_by_pk('User', 2, '{"attributes": ["name"]}'),
       orm.find_by_pk('User', 2::bigint, '{"attributes": ["name"]}'),
       orm.find_by_pk('User', '3'::text, '{"attributes": ["name"]}'),
       orm.find_by_pk('User', 99, '{"attributes": ["name"]}') IS NULL AS none;
SELECT orm.find_by_pk('User', 'x'::text, '{"attributes": ["name"]}');
SELECT orm.find_by_pk('User', NULL::int, '{"attributes": ["name"]}') IS NULL AS null_key;
-- values whose reading depends on the session are read again on each call
SET TIME ZONE 'UTC';
SELECT orm.count('Note', '{"where": {"createdAt": {"$lt": "2999-01-01 00:00"}}, "paranoid": false}') AS utc;
UPDATE find_test."Notes" SET "createdAt" = '2999-01-01 00:30+00';
SELECT orm.count('Note', '{"where": {"createdAt": {"$lt": "2999-01-01 00:00"}}, "paranoid": false}') AS utc;
SET TIME ZONE 'America/New_York';
SELECT orm.count('Note', '{"where": {"createdAt": {"$lt": "2999-01-01 00:00"}}, "paranoid": false}') AS new_york;
SET TIME ZONE 'UTC';
-- a kept statement follows a renamed table
SELECT orm.count('Profile', '{}') AS profiles;
ALTER TABLE find_test."Profiles" RENAME TO "Profiles2";
SELECT orm.count('Profile', '{}') AS profiles;
ALTER TABLE find_test."Profiles2" RENAME TO "Profiles";
-- many one-off query documents: the statement cache starts over when full
SELECT count(*) AS calls, count(DISTINCT r::text) AS results
  FROM generate_series(1, 1100) i,
       LATERAL orm.find_all('User', jsonb_build_object('where', jsonb_build_object('id', i % 4 + 1), 'attributes', jsonb_build_array('name'), 'limit', i)) r;
SELECT orm.find_by_pk('User', 1, '{"attributes": ["name"]}');

DROP SCHEMA find_test CASCADE;
DROP EXTENSION orm_models;
