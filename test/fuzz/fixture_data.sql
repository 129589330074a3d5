-- test/fuzz/fixture_data.sql: rows for the fixture models (fixture_models.json),
-- loaded after orm.sync() created their tables.  Plain SQL, column names as
-- the tables have them (fields, not attribute names).
INSERT INTO public."Users" (name, email, age, score, active, bio, nicknames, settings,
                           mood, born, "lastLogin", token, "mentorId")
SELECT 'user' || i, 'u' || i || '@example.org', 20 + i, i * 1.5, i % 2 = 0,
       repeat('bio ', i), ARRAY['n' || i, 'm'],
       jsonb_build_object('theme', CASE WHEN i % 2 = 0 THEN 'dark' ELSE 'light' END,
                          'n', i, 'a', jsonb_build_object('b', i)),
       (ARRAY['happy', 'sad', 'it''s "ok"'])[1 + i % 3]::public."enum_Users_mood",
       date '2000-01-01' + i, timestamptz '2024-01-01 00:00+00' + i * interval '1 day',
       md5(i::text)::uuid, CASE WHEN i > 3 THEN 1 + i % 3 END
  FROM generate_series(1, 20) i;
INSERT INTO public."Profiles" ("userId", website, prefs, "wakeUp", latitude)
SELECT i, 'https://example.org/' || i, json_build_object('lang', 'en', 'n', i),
       time '06:00' + i * interval '5 min', i / 7.0
  FROM generate_series(1, 10) i;
INSERT INTO public."Posts" (title, content, "userId", rating, view_count, keywords)
SELECT 'post ' || i, 'content of post ' || i, 1 + i % 20, (i % 100) / 10.0, i * 1000,
       ARRAY['k' || i % 5, 'all']
  FROM generate_series(1, 60) i;
INSERT INTO public."Comments" (body, stars, "postId", "userId", "deletedAt")
SELECT 'comment ' || i, i % 6, 1 + i % 60, CASE WHEN i % 7 <> 0 THEN 1 + i % 20 END,
       CASE WHEN i % 10 = 0 THEN timestamptz '2024-06-01 00:00+00' END
  FROM generate_series(1, 120) i;
INSERT INTO public."Tags" (name, color)
SELECT 'tag' || i, '#' || lpad(to_hex(i * 99999), 6, '0') FROM generate_series(1, 10) i;
INSERT INTO public."PostTags" ("postId", "tagId")
SELECT p, t FROM generate_series(1, 60) p, generate_series(1, 10) t WHERE (p + t) % 4 = 0;
INSERT INTO "fuzz schema"."odd ""table""; --" ("select", "a""b", "c'd", "$1", "e; DROP TABLE x; --", owner_id)
SELECT 'sel' || i, i, 'c''d ' || i, i % 2 = 0, 'x; DROP TABLE y; --', 1 + i % 4
  FROM generate_series(1, 8) i;
INSERT INTO public."Straße" ("名前", "emoji😀", "user")
SELECT '名前' || i, i, 'u' || i FROM generate_series(1, 3) i;
-- a canary for SQL injection: the hostile names say "DROP TABLE x"
CREATE TABLE public.x (canary int);
INSERT INTO public.x VALUES (1);
