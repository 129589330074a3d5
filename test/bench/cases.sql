-- test/bench/cases.sql: what is measured.  For cases 1-3, the orm_models
-- call and the hand-written statements it is held to, each one SELECT of one
-- json value, all producing the same JSON.  Shapes:
--   a   correlated sub-select per include, json_agg / row_to_json over a
--       sub-select naming the columns (SPEC's recommended shape)
--   a2  like a, but json_agg of the child table's whole-row variable
--   b   LEFT/CROSS JOIN LATERAL with json_agg
--   c   GROUP BY pre-aggregation of the children, joined to the parents
--   c2  like c, json_agg of the whole-row variable
--   d1  json_build_object, correlated
--   d2  json_build_object, GROUP BY pre-aggregation
-- Case 2 runs through pgbench: ":id" is pgbench's variable (a parameter
-- with -M prepared); bench.check_case binds it as $1.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

INSERT INTO bench.cases (case_no, title, target, sort_top, sort_keys) VALUES
 (1, 'find_all User include posts, every user', 'ratio <= 0.70', true, '{posts}'),
 (2, 'find_by_pk User include posts.comments, pgbench', 'TPS ratio >= 1.20', false, '{posts,comments}'),
 (3, 'find_all nested include + where + order + limit', 'ratio <= 0.80', false, '{comments}'),
 (4, 'sync of 200 models, 400 associations', 'seconds, not minutes', false, '{}'),
 (5, 'unrelated DDL, extension vs none', 'ratio <= 1.05', false, '{}'),
 (6, 'Sequelize 6 findAll (case 1) vs orm-models, Node', '>= 3 (info)', false, '{}'),
 (7, 'post count per user, every user', 'ratio <= 1.10', true, '{}'),
 (8, 'page of 20 users by post count, with the total', 'ratio <= 1.10', false, '{}');

-------------------------------------------------------------------------------
-- Case 1: User.findAll({include: ['posts']}) over every user.
INSERT INTO bench.contenders (case_no, shape, label, is_orm, sql) VALUES
(1, 'orm', 'orm.find_all', true, $q$
SELECT orm.find_all('User', '{"include": ["posts"]}')
$q$),
(1, 'a', 'correlated subquery, json_agg(row) over sub-select', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               (SELECT coalesce(json_agg(p), '[]')
                  FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt"
                          FROM public."Posts" p
                         WHERE p."userId" = u.id) p) AS posts
          FROM public."Users" u) r
$q$),
(1, 'a2', 'correlated subquery, json_agg(table whole-row)', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               (SELECT coalesce(json_agg(p), '[]')
                  FROM public."Posts" p
                 WHERE p."userId" = u.id) AS posts
          FROM public."Users" u) r
$q$),
(1, 'b', 'LEFT JOIN LATERAL json_agg', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt", p.posts
          FROM public."Users" u
          LEFT JOIN LATERAL (
               SELECT coalesce(json_agg(p), '[]') AS posts
                 FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt"
                         FROM public."Posts" p
                        WHERE p."userId" = u.id) p) p ON true) r
$q$),
(1, 'c', 'GROUP BY pre-aggregation joined to users', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               coalesce(pa.posts, '[]') AS posts
          FROM public."Users" u
          LEFT JOIN (SELECT p."userId" AS k, json_agg(p) AS posts
                       FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt"
                               FROM public."Posts" p) p
                      GROUP BY p."userId") pa ON pa.k = u.id) r
$q$),
(1, 'c2', 'GROUP BY pre-aggregation, json_agg(table whole-row)', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               coalesce(pa.posts, '[]') AS posts
          FROM public."Users" u
          LEFT JOIN (SELECT p."userId" AS k, json_agg(p) AS posts
                       FROM public."Posts" p
                      GROUP BY p."userId") pa ON pa.k = u.id) r
$q$),
(1, 'd1', 'json_build_object, correlated', false, $q$
SELECT coalesce(json_agg(json_build_object(
         'id', u.id, 'name', u.name, 'email', u.email,
         'createdAt', u."createdAt", 'updatedAt', u."updatedAt",
         'posts', (SELECT coalesce(json_agg(json_build_object(
                            'id', p.id, 'title', p.title, 'content', p.content, 'userId', p."userId",
                            'createdAt', p."createdAt", 'updatedAt', p."updatedAt")), '[]')
                     FROM public."Posts" p
                    WHERE p."userId" = u.id))), '[]')
  FROM public."Users" u
$q$),
(1, 'd2', 'json_build_object, GROUP BY pre-aggregation', false, $q$
SELECT coalesce(json_agg(json_build_object(
         'id', u.id, 'name', u.name, 'email', u.email,
         'createdAt', u."createdAt", 'updatedAt', u."updatedAt",
         'posts', coalesce(pa.posts, '[]'))), '[]')
  FROM public."Users" u
  LEFT JOIN (SELECT p."userId" AS k,
                    json_agg(json_build_object(
                      'id', p.id, 'title', p.title, 'content', p.content, 'userId', p."userId",
                      'createdAt', p."createdAt", 'updatedAt', p."updatedAt")) AS posts
               FROM public."Posts" p
              GROUP BY p."userId") pa ON pa.k = u.id
$q$);

-------------------------------------------------------------------------------
-- Case 2: User.findByPk(id, {include: [{association: 'posts', include:
-- ['comments']}]}), one random user per transaction.
INSERT INTO bench.contenders (case_no, shape, label, is_orm, sql) VALUES
(2, 'orm', 'orm.find_by_pk', true, $q$
SELECT orm.find_by_pk('User', :id::int, '{"include": [{"association": "posts", "include": ["comments"]}]}')
$q$),
(2, 'a', 'correlated subqueries, json_agg(row) over sub-selects', false, $q$
SELECT row_to_json(r)
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               (SELECT coalesce(json_agg(p), '[]')
                  FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt",
                               (SELECT coalesce(json_agg(c), '[]')
                                  FROM (SELECT c.id, c.body, c."postId", c."createdAt", c."updatedAt"
                                          FROM public."Comments" c
                                         WHERE c."postId" = p.id) c) AS comments
                          FROM public."Posts" p
                         WHERE p."userId" = u.id) p) AS posts
          FROM public."Users" u
         WHERE u.id = :id) r
$q$),
(2, 'a2', 'correlated subqueries, comments as table whole-row', false, $q$
SELECT row_to_json(r)
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               (SELECT coalesce(json_agg(p), '[]')
                  FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt",
                               (SELECT coalesce(json_agg(c), '[]')
                                  FROM public."Comments" c
                                 WHERE c."postId" = p.id) AS comments
                          FROM public."Posts" p
                         WHERE p."userId" = u.id) p) AS posts
          FROM public."Users" u
         WHERE u.id = :id) r
$q$),
(2, 'b', 'LEFT JOIN LATERAL json_agg, two levels', false, $q$
SELECT row_to_json(r)
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt", p.posts
          FROM public."Users" u
          LEFT JOIN LATERAL (
               SELECT coalesce(json_agg(p), '[]') AS posts
                 FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt", c.comments
                         FROM public."Posts" p
                         LEFT JOIN LATERAL (
                              SELECT coalesce(json_agg(c), '[]') AS comments
                                FROM (SELECT c.id, c.body, c."postId", c."createdAt", c."updatedAt"
                                        FROM public."Comments" c
                                       WHERE c."postId" = p.id) c) c ON true
                        WHERE p."userId" = u.id) p) p ON true
         WHERE u.id = :id) r
$q$),
(2, 'c', 'GROUP BY pre-aggregation of the user''s comments', false, $q$
SELECT row_to_json(r)
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               (SELECT coalesce(json_agg(p), '[]')
                  FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt",
                               coalesce(ca.comments, '[]') AS comments
                          FROM public."Posts" p
                          LEFT JOIN (SELECT c."postId" AS k, json_agg(c) AS comments
                                       FROM (SELECT c.id, c.body, c."postId", c."createdAt", c."updatedAt"
                                               FROM public."Comments" c
                                              WHERE c."postId" IN (SELECT id FROM public."Posts" WHERE "userId" = :id)) c
                                      GROUP BY c."postId") ca ON ca.k = p.id
                         WHERE p."userId" = u.id) p) AS posts
          FROM public."Users" u
         WHERE u.id = :id) r
$q$),
(2, 'd1', 'json_build_object, correlated', false, $q$
SELECT json_build_object(
         'id', u.id, 'name', u.name, 'email', u.email,
         'createdAt', u."createdAt", 'updatedAt', u."updatedAt",
         'posts', (SELECT coalesce(json_agg(json_build_object(
                            'id', p.id, 'title', p.title, 'content', p.content, 'userId', p."userId",
                            'createdAt', p."createdAt", 'updatedAt', p."updatedAt",
                            'comments', (SELECT coalesce(json_agg(json_build_object(
                                                  'id', c.id, 'body', c.body, 'postId', c."postId",
                                                  'createdAt', c."createdAt", 'updatedAt', c."updatedAt")), '[]')
                                           FROM public."Comments" c
                                          WHERE c."postId" = p.id))), '[]')
                     FROM public."Posts" p
                    WHERE p."userId" = u.id))
  FROM public."Users" u
 WHERE u.id = :id
$q$);

-------------------------------------------------------------------------------
-- Case 3: nested include with where, order and limit at both levels.  The
-- include has a where, so it is required (EXISTS on the parent).
INSERT INTO bench.contenders (case_no, shape, label, is_orm, sql) VALUES
(3, 'orm', 'orm.find_all', true, $q$
SELECT orm.find_all('User', '{"where": {"id": {"$lte": 5000}}, "include": [{"association": "posts", "where": {"title": {"$like": "%1%"}}, "include": ["comments"], "order": [["id", "DESC"]], "limit": 3}], "order": [["name", "ASC"]], "limit": 50}')
$q$),
(3, 'a', 'correlated subqueries, json_agg(row) over sub-selects', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               (SELECT coalesce(json_agg(p), '[]')
                  FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt",
                               (SELECT coalesce(json_agg(c), '[]')
                                  FROM (SELECT c.id, c.body, c."postId", c."createdAt", c."updatedAt"
                                          FROM public."Comments" c
                                         WHERE c."postId" = p.id) c) AS comments
                          FROM public."Posts" p
                         WHERE p."userId" = u.id AND p.title LIKE '%1%'
                         ORDER BY p.id DESC
                         LIMIT 3) p) AS posts
          FROM public."Users" u
         WHERE u.id <= 5000
           AND EXISTS (SELECT 1 FROM public."Posts" p
                        WHERE p."userId" = u.id AND p.title LIKE '%1%')
         ORDER BY u.name
         LIMIT 50) r
$q$),
(3, 'b', 'users first, then CROSS JOIN LATERAL json_agg, two levels', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt", p.posts
          FROM (SELECT * FROM public."Users" u
                 WHERE u.id <= 5000
                   AND EXISTS (SELECT 1 FROM public."Posts" p
                                WHERE p."userId" = u.id AND p.title LIKE '%1%')
                 ORDER BY u.name
                 LIMIT 50) u
         CROSS JOIN LATERAL (
               SELECT coalesce(json_agg(p), '[]') AS posts
                 FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt", c.comments
                         FROM (SELECT * FROM public."Posts" p
                                WHERE p."userId" = u.id AND p.title LIKE '%1%'
                                ORDER BY p.id DESC
                                LIMIT 3) p
                        CROSS JOIN LATERAL (
                              SELECT coalesce(json_agg(c), '[]') AS comments
                                FROM (SELECT c.id, c.body, c."postId", c."createdAt", c."updatedAt"
                                        FROM public."Comments" c
                                       WHERE c."postId" = p.id) c) c) p) p) r
$q$),
(3, 'c', 'users first, window top-3 posts, GROUP BY pre-aggregation', false, $q$
WITH top AS (
	SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt"
	  FROM public."Users" u
	 WHERE u.id <= 5000
	   AND EXISTS (SELECT 1 FROM public."Posts" p
	                WHERE p."userId" = u.id AND p.title LIKE '%1%')
	 ORDER BY u.name
	 LIMIT 50),
posts3 AS (
	SELECT id, title, content, "userId", "createdAt", "updatedAt"
	  FROM (SELECT p.*, row_number() OVER (PARTITION BY p."userId" ORDER BY p.id DESC) AS rn
	          FROM public."Posts" p
	         WHERE p."userId" IN (SELECT id FROM top) AND p.title LIKE '%1%') x
	 WHERE rn <= 3),
cm AS (
	SELECT c."postId" AS k, json_agg(c) AS comments
	  FROM (SELECT c.id, c.body, c."postId", c."createdAt", c."updatedAt"
	          FROM public."Comments" c
	         WHERE c."postId" IN (SELECT id FROM posts3)) c
	 GROUP BY c."postId"),
pa AS (
	SELECT p."userId" AS k, json_agg(p ORDER BY p.id DESC) AS posts
	  FROM (SELECT p.id, p.title, p.content, p."userId", p."createdAt", p."updatedAt",
	               coalesce(cm.comments, '[]') AS comments
	          FROM posts3 p LEFT JOIN cm ON cm.k = p.id) p
	 GROUP BY p."userId")
SELECT coalesce(json_agg(r ORDER BY r.name), '[]')
  FROM (SELECT top.id, top.name, top.email, top."createdAt", top."updatedAt", pa.posts
          FROM top JOIN pa ON pa.k = top.id) r
$q$),
(3, 'd1', 'json_build_object, correlated', false, $q$
SELECT coalesce(json_agg(json_build_object(
         'id', u.id, 'name', u.name, 'email', u.email,
         'createdAt', u."createdAt", 'updatedAt', u."updatedAt",
         'posts', (SELECT coalesce(json_agg(json_build_object(
                            'id', p.id, 'title', p.title, 'content', p.content, 'userId', p."userId",
                            'createdAt', p."createdAt", 'updatedAt', p."updatedAt",
                            'comments', (SELECT coalesce(json_agg(json_build_object(
                                                  'id', c.id, 'body', c.body, 'postId', c."postId",
                                                  'createdAt', c."createdAt", 'updatedAt', c."updatedAt")), '[]')
                                           FROM public."Comments" c
                                          WHERE c."postId" = p.id))), '[]')
                     FROM (SELECT * FROM public."Posts" p
                            WHERE p."userId" = u.id AND p.title LIKE '%1%'
                            ORDER BY p.id DESC
                            LIMIT 3) p))
         ORDER BY u.name), '[]')
  FROM (SELECT * FROM public."Users" u
         WHERE u.id <= 5000
           AND EXISTS (SELECT 1 FROM public."Posts" p
                        WHERE p."userId" = u.id AND p.title LIKE '%1%')
         ORDER BY u.name
         LIMIT 50) u
$q$);

-------------------------------------------------------------------------------
-- The flat-join floor of cases 1-3: the same rows joined flat and turned into
-- text (record_out of every row, what sending them as text costs), no JSON.
-- Not a contender (its output is not the JSON), the floor the JSON is read
-- against: what any way of nesting rows into JSON costs at least.
INSERT INTO bench.contenders (case_no, shape, label, is_floor, sql) VALUES
(1, 'floor', 'flat join of the same rows, as text', true, $q$
SELECT sum(octet_length(r::text))
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               p.id AS pid, p.title, p.content, p."userId", p."createdAt" AS pc, p."updatedAt" AS pu
          FROM public."Users" u LEFT JOIN public."Posts" p ON p."userId" = u.id) r
$q$),
(2, 'floor', 'flat join of the same rows, as text', true, $q$
SELECT sum(octet_length(r::text))
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               p.id AS pid, p.title, p.content, p."userId", p."createdAt" AS pc, p."updatedAt" AS pu,
               c.id AS cid, c.body, c."postId", c."createdAt" AS cc, c."updatedAt" AS cu
          FROM public."Users" u
          LEFT JOIN public."Posts" p ON p."userId" = u.id
          LEFT JOIN public."Comments" c ON c."postId" = p.id
         WHERE u.id = :id) r
$q$),
(3, 'floor', 'flat join of the same rows, as text', true, $q$
SELECT sum(octet_length(r::text))
  FROM (SELECT u.id, u.name, u.email, u."createdAt", u."updatedAt",
               p.id AS pid, p.title, p.content, p."userId", p."createdAt" AS pc, p."updatedAt" AS pu,
               c.id AS cid, c.body, c."postId", c."createdAt" AS cc, c."updatedAt" AS cu
          FROM (SELECT * FROM public."Users" u
                 WHERE u.id <= 5000
                   AND EXISTS (SELECT 1 FROM public."Posts" p
                                WHERE p."userId" = u.id AND p.title LIKE '%1%')
                 ORDER BY u.name LIMIT 50) u
          CROSS JOIN LATERAL (SELECT * FROM public."Posts" p
                               WHERE p."userId" = u.id AND p.title LIKE '%1%'
                               ORDER BY p.id DESC LIMIT 3) p
          LEFT JOIN public."Comments" c ON c."postId" = p.id) r
$q$);

-- Case 7: the post count of every user, next to its attributes
-- (attributes: [..., [fn('COUNT', col('posts.id')), 'postCount']], an
-- include with attributes: [] only counted).
INSERT INTO bench.contenders (case_no, shape, label, is_orm, sql) VALUES
(7, 'orm', 'orm.find_all', true, $q$
SELECT orm.find_all('User', '{"attributes": ["id", "name", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "postCount"]], "include": [{"association": "posts", "attributes": []}]}')
$q$),
(7, 'a', 'correlated count per user', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name,
               (SELECT count(p.id) FROM public."Posts" p WHERE p."userId" = u.id) AS "postCount"
          FROM public."Users" u) r
$q$),
(7, 'c', 'GROUP BY pre-aggregation joined to users', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, coalesce(c.n, 0) AS "postCount"
          FROM public."Users" u
          LEFT JOIN (SELECT p."userId", count(p.id) AS n FROM public."Posts" p GROUP BY 1) c
            ON c."userId" = u.id) r
$q$),
(7, 'j', 'LEFT JOIN and GROUP BY users (Sequelize''s shape)', false, $q$
SELECT coalesce(json_agg(r), '[]')
  FROM (SELECT u.id, u.name, count(p.id) AS "postCount"
          FROM public."Users" u
          LEFT JOIN public."Posts" p ON p."userId" = u.id
         GROUP BY u.id) r
$q$);

-------------------------------------------------------------------------------
-- Case 8: findAndCountAll: the 20 users with the most posts, and how many
-- users there are, in one snapshot.
INSERT INTO bench.contenders (case_no, shape, label, is_orm, sql) VALUES
(8, 'orm', 'orm.find_and_count_all', true, $q$
SELECT orm.find_and_count_all('User', '{"attributes": ["id", "name", [{"fn": "COUNT", "args": [{"col": "posts.id"}]}, "postCount"]], "include": [{"association": "posts", "attributes": []}], "order": [["postCount", "DESC"], ["id", "ASC"]], "limit": 20}')
$q$),
(8, 'c', 'count, and GROUP BY pre-aggregation, top 20', false, $q$
SELECT json_build_object('count', (SELECT count(*) FROM public."Users"), 'rows',
       (SELECT coalesce(json_agg(r), '[]')
          FROM (SELECT u.id, u.name, coalesce(c.n, 0) AS "postCount"
                  FROM public."Users" u
                  LEFT JOIN (SELECT p."userId", count(p.id) AS n FROM public."Posts" p GROUP BY 1) c
                    ON c."userId" = u.id
                 ORDER BY 3 DESC, 1
                 LIMIT 20) r))
$q$),
(8, 'a', 'count, and correlated counts, top 20', false, $q$
SELECT json_build_object('count', (SELECT count(*) FROM public."Users"), 'rows',
       (SELECT coalesce(json_agg(r), '[]')
          FROM (SELECT u.id, u.name,
                       (SELECT count(p.id) FROM public."Posts" p WHERE p."userId" = u.id) AS "postCount"
                  FROM public."Users" u
                 ORDER BY 3 DESC, 1
                 LIMIT 20) r))
$q$),
(8, 'w', 'window count(*) OVER () over the grouped users, top 20', false, $q$
SELECT json_build_object('count', coalesce(max(total), 0), 'rows',
       coalesce(json_agg(json_build_object('id', id, 'name', name, 'postCount', n) ORDER BY n DESC, id), '[]'))
  FROM (SELECT u.id, u.name, coalesce(c.n, 0) AS n, count(*) OVER () AS total
          FROM public."Users" u
          LEFT JOIN (SELECT p."userId", count(p.id) AS n FROM public."Posts" p GROUP BY 1) c
            ON c."userId" = u.id
         ORDER BY 3 DESC, 1
         LIMIT 20) r
$q$);
