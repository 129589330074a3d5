-- test/bench/load.sql: the benchmark's data set, built with generate_series.
--
-- psql -v scale=1 -f load.sql, in a database where schema.json has been
-- defined and synced.  At scale 1: 10,000 users, 100,000 posts (about 10 per
-- user, a few users with none), 500,000 comments (about 5 per post).
-- Deterministic: the same scale gives the same rows, byte for byte, on every
-- run (hashint4/hashint8 are stable hash functions; timestamps are computed
-- from a fixed origin, with microseconds, as now() would give them).
-- Rows are inserted in id order, children scattered over their parents, as
-- an application writing over time would leave them.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT greatest(1, round(10000 * :scale)::int)  AS nusers,
       greatest(1, round(100000 * :scale)::int) AS nposts,
       greatest(1, round(500000 * :scale)::int) AS ncomments
\gset

TRUNCATE public."Comments", public."Posts", public."Users";

INSERT INTO public."Users" (id, name, email, "createdAt", "updatedAt")
SELECT i,
       'User ' || i,
       'user' || i || '@example.com',
       timestamptz '2020-01-01 00:00:00+00' + i * interval '61.123457 seconds',
       timestamptz '2020-01-01 00:00:00+00' + i * interval '61.123457 seconds'
                                            + (i % 97) * interval '1 day 0.000123 seconds'
  FROM generate_series(1, :nusers) AS i;

INSERT INTO public."Posts" (id, title, content, "userId", "createdAt", "updatedAt")
SELECT i,
       'Post title ' || i,
       'Content of post ' || i || ': ' || md5(i::text) || ' ' || md5((-i)::text),
       1 + (hashint4(i)::bigint & 2147483647) % :nusers,
       timestamptz '2021-01-01 00:00:00+00' + i * interval '7.654321 seconds',
       timestamptz '2021-01-01 00:00:00+00' + i * interval '7.654321 seconds'
                                            + (i % 31) * interval '1 hour 0.000017 seconds'
  FROM generate_series(1, :nposts) AS i;

INSERT INTO public."Comments" (id, body, "postId", "createdAt", "updatedAt")
SELECT i,
       'Comment ' || i || ' ' || substr(md5(i::text), 1, 8 + i % 24),
       1 + (hashint8(i) & 2147483647) % :nposts,
       timestamptz '2022-01-01 00:00:00+00' + i * interval '1.234567 seconds',
       timestamptz '2022-01-01 00:00:00+00' + i * interval '1.234567 seconds'
  FROM generate_series(1, :ncomments) AS i;

-- the identity sequences continue after the loaded ids
SELECT setval(pg_get_serial_sequence('public."Users"', 'id'), :nusers),
       setval(pg_get_serial_sequence('public."Posts"', 'id'), :nposts),
       setval(pg_get_serial_sequence('public."Comments"', 'id'), :ncomments)
\g /dev/null

VACUUM (ANALYZE) public."Users", public."Posts", public."Comments";
