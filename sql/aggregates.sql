--
-- Aggregates and pages: fn/col in attributes, aggregates over to-many
-- includes per parent row, group/having, count with distinct and col,
-- find_and_count_all (query_expr.c, query_sql.c, query_levels.c).
-- Every query runs with json_writer = check: the JSON writer and the SQL
-- path must give the same JSON.
--
SET client_min_messages = warning;
CREATE EXTENSION orm_models;
SET orm_models.json_writer = 'check';
CREATE SCHEMA ag;
SELECT orm.define('User', '{"id": {"type": "INTEGER", "primaryKey": true}, "name": "STRING", "status": "STRING"}',
  '{"schema": "ag", "timestamps": false}') ->> 'name' AS defined;
SELECT orm.define('Post', '{"id": {"type": "INTEGER", "primaryKey": true}, "title": "STRING", "stars": "INTEGER", "userId": "INTEGER"}',
  '{"schema": "ag", "timestamps": false}') ->> 'name' AS defined;
SELECT orm.define('Comment', '{"id": {"type": "INTEGER", "primaryKey": true}, "body": "STRING", "postId": "INTEGER"}',
  '{"schema": "ag", "timestamps": false, "paranoid": false}') ->> 'name' AS defined;
SELECT orm.define('Tag', '{"id": {"type": "INTEGER", "primaryKey": true}, "label": "STRING"}',
  '{"schema": "ag", "timestamps": false}') ->> 'name' AS defined;
SELECT orm.associate('User', 'hasMany', 'Post', '{"as": "posts", "foreignKey": "userId"}') ->> 'as';
SELECT orm.associate('Post', 'belongsTo', 'User', '{"as": "author", "foreignKey": "userId"}') ->> 'as';
SELECT orm.associate('Post', 'hasMany', 'Comment', '{"as": "comments", "foreignKey": "postId"}') ->> 'as';
SELECT orm.associate('Post', 'belongsToMany', 'Tag', '{"as": "tags", "through": "PostTags"}') ->> 'as';
SELECT count(*) > 0 AS synced FROM orm.sync();
INSERT INTO ag."Users" VALUES (1, 'ann', 'a'), (2, 'bob', 'a'), (3, 'cyd', 'b'), (4, 'dee', 'b'), (5, 'eve', NULL);
INSERT INTO ag."Posts" VALUES (1, 'p1', 5, 1), (2, 'p2', 3, 1), (3, 'p3', 4, 1), (4, 'p4', 2, 2), (5, 'p5', 5, 3), (6, 'p6', 1, 3);
INSERT INTO ag."Comments" VALUES (1, 'c', 1), (2, 'c', 1), (3, 'c', 2), (4, 'c', 5), (5, 'c', 5), (6, 'c', 5);
INSERT INTO ag."Tags" VALUES (1, 'x'), (2, 'y');
INSERT INTO ag."PostTags" ("PostId", "TagId") VALUES (1, 1), (1, 2), (2, 1), (5, 2);

-- post count per user: an include with "attributes": [] adds no key
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "postCount"]],
  "include": [{"association": "posts", "attributes": []}], "order": ["id"]}');
-- in attributes.include, ordered by the alias, with limit and offset: per parent, right
SELECT orm.find_all('User', '{"attributes": {"include": [[{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "postCount"]]},
  "include": [{"association": "posts", "attributes": []}], "order": [["postCount", "DESC"], "id"], "limit": 2, "offset": 1}');
-- the hand-written statement that answer must equal
SELECT json_agg(r) FROM (SELECT u.id, u.name, u.status, (SELECT count(p.id) FROM ag."Posts" p WHERE p."userId" = u.id) AS "postCount"
  FROM ag."Users" u ORDER BY 4 DESC, 1 LIMIT 2 OFFSET 1) r;
-- next to the included rows themselves, and other includes
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"],
    [{"fn": "SUM", "args": [{"col": "posts.stars"}]}, "stars"], [{"fn": "MAX", "args": [{"col": "posts.stars"}]}, "best"]],
  "include": [{"association": "posts", "attributes": ["id"], "order": [["id", "DESC"]]}], "where": {"id": {"$lte": 3}}, "order": ["id"]}');
-- the include's where applies to what it counts (and makes it required, as in Sequelize)
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "good"]],
  "include": [{"association": "posts", "attributes": [], "where": {"stars": {"$gte": 4}}}], "order": ["id"]}');
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "good"]],
  "include": [{"association": "posts", "attributes": [], "required": false, "where": {"stars": {"$gte": 4}}}], "order": ["id"]}');
-- two levels down: comments per user, through posts
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.comments.id"}]}, "comments"],
    [{"fn": "COUNT", "args": [{"fn": "DISTINCT", "args": [{"col": "posts->comments.postId"}]}]}, "commented"]],
  "include": [{"association": "posts", "attributes": [], "include": [{"association": "comments", "attributes": []}]}], "order": ["id"]}');
-- an aggregate in an include: per included row; its alias orders the include's rows, with a limit per parent
SELECT orm.find_all('User', '{"attributes": ["id"], "where": {"id": [1, 3]}, "order": ["id"],
  "include": [{"association": "posts", "attributes": ["id", [{"fn": "COUNT", "args": [{"col": "comments.id"}]}, "nc"]],
    "include": [{"association": "comments", "attributes": []}], "order": [["nc", "DESC"], "id"], "limit": 2}]}');
-- as the include's array, the rows a where on "$posts.column$" keeps
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": ["id"]}], "where": {"$posts.stars$": {"$gte": 4}}, "order": ["id"]}');
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.comments.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": [], "include": [{"association": "comments", "attributes": []}]}],
  "where": {"$posts.comments.id$": {"$gt": 1}}, "order": ["id"]}');
-- an aggregate in a to-one include, per included row
SELECT orm.find_all('Post', '{"attributes": ["id"], "include": [{"association": "author", "attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}]}], "order": ["id"], "limit": 3}');
-- over a belongsToMany
SELECT orm.find_all('Post', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "tags.id"}]}, "tagCount"]],
  "include": [{"association": "tags", "attributes": []}, {"association": "author", "attributes": ["name"]}], "order": [["tagCount", "DESC"], "id"], "limit": 3}');
-- having over the alias
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}], "having": {"n": {"$gte": 2}}, "order": ["id"]}');
-- an order by an expression written in place, and scalar functions
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "UPPER", "args": [{"col": "name"}]}, "shout"],
    [{"fn": "COALESCE", "args": [{"col": "status"}, "none"]}, "st"], [{"fn": "LENGTH", "args": [{"col": "User.name"}]}, "len"]],
  "include": [{"association": "posts", "attributes": []}],
  "order": [[{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "ASC"], ["id", "DESC"]]}');
-- a column of a to-one include, and a column under another alias
SELECT orm.find_all('Post', '{"attributes": ["id", [{"col": "author.name"}, "by"], ["title", "heading"]],
  "include": [{"association": "author", "attributes": []}], "where": {"id": [1, 4]}, "order": ["id"]}');
-- find_one, find_by_pk, find_all_rows
SELECT orm.find_one('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}], "order": [["n", "DESC"]]}');
SELECT orm.find_by_pk('User', 3, '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}]}');
SELECT * FROM orm.find_all_rows('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}], "having": {"n": 0}, "order": ["id"]}');
-- the same answers from the SQL path
SET orm_models.json_writer = off;
SELECT orm.find_all('User', '{"attributes": {"include": [[{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "postCount"]]},
  "include": [{"association": "posts", "attributes": []}], "order": [["postCount", "DESC"], "id"], "limit": 2, "offset": 1}');
SET orm_models.json_writer = 'check';

-- grouped reports over one model
SELECT orm.find_all('User', '{"attributes": ["status", [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]], "group": ["status"], "order": ["status"]}');
SELECT orm.find_all('User', '{"attributes": ["status", [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]], "group": "status",
  "having": {"n": {"$gt": 1}}, "order": [["n", "DESC"], ["status", "DESC"]], "limit": 1}');
-- a report over an include's rows: posts and stars per status
SELECT orm.find_all('User', '{"attributes": ["status", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "postCount"],
    [{"fn": "SUM", "args": [{"col": "posts.stars"}]}, "stars"]],
  "include": [{"association": "posts", "attributes": []}], "group": ["status"], "order": ["status"]}');
-- a whole-table aggregate: one row
SELECT orm.find_all('Post', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "*"}]}, "n"], [{"fn": "AVG", "args": [{"col": "stars"}]}, "avg"]]}');
SELECT orm.find_all('Post', '{"attributes": [[{"fn": "ROUND", "args": [{"fn": "AVG", "args": [{"col": "stars"}]}, 2]}, "avg"]], "where": {"userId": 1}}');
-- grouped by the primary key: each row is its group, aggregates stay per row
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}], "group": ["User.id"], "order": ["id"], "limit": 2}');
-- grouped by an expression, and by the alias of one
SELECT orm.find_all('Post', '{"attributes": [[{"fn": "GREATEST", "args": [{"col": "stars"}, 3]}, "g"], [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]],
  "group": [{"fn": "GREATEST", "args": [{"col": "stars"}, 3]}], "order": [["n", "DESC"]]}');
SELECT orm.find_all('Post', '{"attributes": [[{"fn": "LEAST", "args": [{"col": "stars"}, 3]}, "l"], [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]],
  "group": ["l"], "order": ["l"]}');

-- count: distinct and col as Sequelize's
SELECT orm.count('User') AS all_users,
       orm.count('User', '{"col": "status"}') AS with_status,
       orm.count('User', '{"distinct": true, "col": "status"}') AS statuses,
       orm.count('User', '{"distinct": true, "col": "User.status"}') AS statuses_qualified,
       orm.count('User', '{"distinct": true}') AS distinct_users;
-- with a to-many include it counts parents (Sequelize counts joined rows without distinct)
SELECT orm.count('User', '{"include": [{"association": "posts", "where": {"stars": {"$gte": 3}}}]}') AS parents;
SELECT count(*) AS joined_rows FROM ag."Users" u JOIN ag."Posts" p ON p."userId" = u.id WHERE p.stars >= 3;
SELECT orm.count('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": []}], "having": {"n": {"$gt": 1}}}') AS having_count;
-- with group: the error whose hint is the find_all form
SELECT orm.count('User', '{"group": ["status"]}');

-- find_and_count_all: the parents' count, whatever the limit, offset and includes
SELECT orm.find_and_count_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "n"]],
  "include": [{"association": "posts", "attributes": ["id"]}], "order": [["n", "DESC"], "id"], "limit": 2}');
SELECT orm.find_and_count_all('User', '{"include": [{"association": "posts", "attributes": ["id"], "where": {"stars": {"$gte": 4}}}],
  "order": ["id"], "limit": 1, "offset": 1}');
SELECT orm.find_and_count_all('User', '{"where": {"id": 0}}');
SELECT orm.find_and_count_all('User', '{"group": ["status"]}');

-- errors
SELECT orm.find_all('User', '{"attributes": [[{"fn": "NOW"}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "pg_sleep", "args": [1]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"literal": "1"}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "name"]], "include": [{"association": "posts", "attributes": []}]}');
SELECT orm.find_all('User', '{"attributes": ["id", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "posts"]], "include": [{"association": "posts", "attributes": []}]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "id"}]}, "n"], [{"fn": "MAX", "args": [{"col": "id"}]}, "n"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "id"}]}, ""]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "id"}]}]]}');
SELECT orm.find_all('User', '{"having": {"id": 1}}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "LOWER", "args": [{"col": "id"}]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "nope"}]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": ["id", [{"col": "posts.id"}, "x"]], "include": [{"association": "posts", "attributes": []}]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"fn": "SUM", "args": [{"col": "id"}]}]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "LOWER", "args": [{"col": "*"}]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "DISTINCT", "args": [{"col": "id"}]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [1, 2]}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": [[{"fn": "COUNT", "args": [{"col": "id"}], "extra": 1}, "x"]]}');
SELECT orm.find_all('User', '{"attributes": ["id", "name"], "group": ["status"]}');
SELECT orm.find_all('User', '{"attributes": ["status", [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]], "group": ["n"]}');
SELECT orm.find_all('User', '{"attributes": ["status", [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]], "group": ["status"],
  "include": [{"association": "posts"}]}');
SELECT orm.find_all('User', '{"attributes": ["status", [{"fn": "COUNT", "args": [{"col": "id"}]}, "n"], [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "p"]],
  "include": [{"association": "posts", "attributes": []}], "group": ["status"]}');
SELECT orm.find_all('User', '{"order": [[{"fn": "COUNT", "args": [{"col": "id"}]}, "SIDEWAYS"]]}');
SELECT orm.find_all('User', '{"include": [{"association": "posts", "attributes": [[{"fn": "COUNT", "args": [{"col": "id"}]}, "n"]]}]}');

RESET orm_models.json_writer;
DROP SCHEMA ag CASCADE;
DROP EXTENSION orm_models;
