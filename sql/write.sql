-- Writing through the models: create (nested, through every association
-- kind), bulk_create, update, increment, decrement, destroy, restore,
-- upsert; their options and their errors.
CREATE EXTENSION orm_models;
SET TIME ZONE 'UTC';
CREATE SCHEMA write_test;
SELECT orm.define_models('{
 "User": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                         "name": {"type": "STRING", "allowNull": false},
                         "email": {"type": "STRING", "unique": true,
                                   "validate": {"isEmail": true}},
                         "score": {"type": "INTEGER", "defaultValue": 0}},
          "options": {"schema": "write_test", "timestamps": false},
          "associations": [{"hasMany": "Post", "foreignKey": "userId", "as": "posts"},
                           {"hasOne": "Profile", "as": "profile"},
                           {"belongsToMany": "Tag", "as": "tags", "through": "UserTag"}]},
 "Post": {"attributes": {"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
                         "title": {"type": "STRING", "allowNull": false},
                         "stars": {"type": "INTEGER", "defaultValue": 0},
                         "userId": {"type": "INTEGER", "references": {"model": "Users", "key": "id"}}},
          "options": {"schema": "write_test", "timestamps": false},
          "associations": [{"belongsTo": "User", "foreignKey": "userId", "as": "author"},
                           {"hasMany": "Comment", "as": "comments"}]},
 "Comment": {"attributes": {"body": {"type": "TEXT", "allowNull": false}},
             "options": {"schema": "write_test", "timestamps": false}},
 "Profile": {"attributes": {"bio": "TEXT"}, "options": {"schema": "write_test", "timestamps": false}},
 "Tag": {"attributes": {"name": "STRING"}, "options": {"schema": "write_test", "timestamps": false}},
 "UserTag": {"attributes": {"role": {"type": "STRING", "defaultValue": "member"}},
             "options": {"schema": "write_test", "timestamps": false, "tableName": "UserTags"}},
 "Note": {"attributes": {"text": "TEXT", "n": {"type": "INTEGER", "defaultValue": 0}},
          "options": {"schema": "write_test", "paranoid": true, "underscored": true}},
 "Doc": {"attributes": {"title": "STRING"},
         "options": {"schema": "write_test", "timestamps": false, "version": true}}
}') IS NOT NULL AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync();
-- rows without their timestamps, which the database sets
CREATE FUNCTION pg_temp.untimed(rows json) RETURNS jsonb LANGUAGE sql AS $$
  SELECT coalesce(jsonb_agg(r - 'createdAt' - 'updatedAt' - 'deletedAt' ORDER BY o), '[]')
  FROM jsonb_array_elements(rows::jsonb) WITH ORDINALITY AS e(r, o) $$;

-- create: the row as find_by_pk returns it, defaults and identity keys filled in
SELECT orm.create('User', '{"name": "ann", "email": "ann@x.org"}');
-- nested: hasMany to any depth, hasOne; keys from the parent, rows in the order given
SELECT jsonb_pretty(orm.create('User',
  '{"name": "bob", "posts": [{"title": "p1"}, {"title": "p2", "stars": 3,
    "comments": [{"body": "c1"}, {"body": "c2"}]}], "profile": {"bio": "hi"}}',
  '{"include": [{"association": "posts", "include": ["comments"]}, "profile"]}')::jsonb);
-- belongsTo: the parent row first, its key in the child's row
SELECT orm.create('Post', '{"title": "by cy", "author": {"name": "cy"}}', '{"include": ["author"]}');
-- a child given by its primary key alone links the existing row
SELECT orm.create('Post', '{"title": "by ann", "author": {"id": 1}}', '{"include": ["author"]}');
-- belongsToMany: target rows and junction rows (junction values under its model's name), or links
SELECT jsonb_pretty(orm.create('User',
  '{"name": "dee", "tags": [{"name": "t1", "UserTag": {"role": "owner"}}, {"name": "t2"}]}',
  '{"include": ["tags"]}')::jsonb);
SELECT orm.create('User', '{"name": "eve", "tags": [{"id": 1}], "posts": [{"id": 1}]}',
  '{"include": ["tags", "posts"]}');
SELECT "UserId", "TagId", role FROM write_test."UserTags" ORDER BY 1, 2;
-- hasMany link: the post moved to eve
SELECT id, title, "userId" FROM write_test."Posts" ORDER BY id;
-- the same call again reuses its kept statement
SELECT orm.create('User', '{"name": "fay", "posts": [{"title": "f1"}]}', '{"include": ["posts"]}');
SELECT orm.create('User', '{"name": "gus", "posts": [{"title": "g1"}]}', '{"include": ["posts"]}');
-- an include's where filters what comes back, never the row created (both posts are written)
SELECT orm.create('User', '{"name": "ida", "posts": [{"title": "kept"}, {"title": "shown"}]}',
  '{"include": [{"association": "posts", "where": {"title": "shown"}, "attributes": ["title"]}]}');
SELECT title FROM write_test."Posts" WHERE title IN ('kept', 'shown') ORDER BY 1;
-- fields: what it leaves out gets the database default
SELECT orm.create('User', '{"name": "hal", "score": 5}', '{"fields": ["name"]}');

-- bulk_create: the rows in the order given
-- (rows that give the same attributes are inserted together: ids by group)
SELECT pg_temp.untimed(orm.bulk_create('Note', '[{"text": "a"}, {"text": "b", "n": 2}, {"text": "c"}]'));
-- the timestamps are the database's; an explicit createdAt is written
SELECT r->>'createdAt' = r->>'updatedAt' AS same, r->>'deletedAt' AS deleted
  FROM json_array_elements(orm.bulk_create('Note', '[{"text": "d"}]')) r;
SELECT r->>'createdAt' AS created
  FROM json_array_elements(orm.bulk_create('Note', '[{"text": "e", "createdAt": "2020-01-02T03:04:05Z"}]')) r;
SELECT orm.bulk_create('User', '[{"name": "m1", "posts": [{"title": "x"}]},
  {"name": "m2", "posts": [{"title": "y"}, {"title": "z"}]}]', '{"include": ["posts"]}');
SELECT orm.bulk_create('User', '[{"name": "dup", "email": "ann@x.org"}, {"name": "new", "email": "new@x.org"}]',
  '{"ignoreDuplicates": true}');
SELECT orm.bulk_create('User', '[{"name": "ann2", "email": "ann@x.org"}]',
  '{"updateOnDuplicate": ["name"], "conflictAttributes": ["email"]}');
SELECT orm.bulk_create('User', '[]');
-- rows that give nothing get every default
SELECT pg_temp.untimed(orm.bulk_create('Note', '[{}, {}]'));
SELECT orm.create('User', '{"name": "tagless", "tags": [{}, {}]}', '{"include": ["tags"]}');

-- update, increment, decrement: the rows written
SELECT orm.update('User', '{"score": 7}', '{"where": {"name": ["ann2", "bob"]}}');
SELECT orm.update('User', '{"score": 1, "name": "no"}', '{"where": {"id": 1}, "fields": ["score"]}');
SELECT orm.update('User', '{"score": 1}', '{"where": {"id": -1}}');
SELECT orm.increment('User', '{"score": 2}', '{"where": {"id": [1, 2]}}');
SELECT orm.decrement('User', '{"score": 10}', '{"where": {"id": 1}}');
-- the find_* where, "$path$" keys through an include too
SELECT orm.update('User', '{"score": 9}', '{"where": {"$posts.title$": "p2"}, "include": ["posts"]}');
SELECT orm.update('User', '{"score": 9}', '{"where": {"$posts.title$": "p2"}}');

-- destroy and restore: the rows affected; paranoid rows get deletedAt
SELECT orm.destroy('Note', '{"where": {"text": "a"}}');
SELECT id, text, deleted_at IS NOT NULL AS deleted FROM write_test.notes ORDER BY id;
SELECT orm.update('Note', '{"n": 9}', '{"where": {"text": "a"}}');
SELECT orm.update('Note', '{"n": 9}', '{"where": {"text": "a"}, "paranoid": false}') IS NOT NULL AS updated;
SELECT orm.destroy('Note', '{"where": {"text": "a"}}');
SELECT orm.restore('Note', '{"where": {}}');
SELECT orm.restore('Note', '{"where": {}}');
SELECT orm.destroy('Note', '{"where": {"text": "c"}, "force": true}');
SELECT id, text, n, deleted_at IS NOT NULL AS deleted FROM write_test.notes ORDER BY id;
SELECT pg_temp.untimed(orm.increment('Note', '{"n": 1}', '{"where": {"text": "b"}}'));
SELECT orm.destroy('Comment', '{"where": {"body": "c1"}}');

-- upsert: by the primary key, or conflictFields
SELECT orm.upsert('User', '{"id": 1, "name": "ann3", "email": "ann@x.org"}');
SELECT orm.upsert('User', '{"name": "zed", "email": "zed@x.org"}', '{"conflictFields": ["email"]}');
SELECT orm.upsert('User', '{"name": "zed2", "email": "zed@x.org"}', '{"conflictFields": ["email"]}');

-- version: counted by a trigger on every update, whoever writes; an update or
-- destroy by primary key and version that finds the row at another version is
-- Sequelize's OptimisticLockError
SELECT orm.create('Doc', '{"title": "a"}');
SELECT orm.update('Doc', '{"title": "b"}', '{"where": {"id": 1, "version": 0}}');
SELECT orm.update('Doc', '{"title": "c"}', '{"where": {"id": 1, "version": 0}}');
UPDATE write_test."Docs" SET title = 'by hand';
SELECT * FROM write_test."Docs";
SELECT orm.destroy('Doc', '{"where": {"id": 1, "version": 1}}');
SELECT orm.update('Doc', '{"title": "c"}', '{"where": {"id": 2, "version": 0}}');
SELECT orm.destroy('Doc', '{"where": {"id": 1, "version": 2}}');
-- the trigger is sync's: drift() reports it missing (a table made by 1.0,
-- or one whose trigger was dropped), sync with alter puts it back
SELECT orm.create('Doc', '{"title": "d"}') IS NOT NULL AS created;
DROP TRIGGER orm_bump_version ON write_test."Docs";
SELECT model, problem, detail FROM orm.drift() WHERE model = 'Doc';
SELECT s FROM orm.sync('{"alter": true}') s WHERE s LIKE '%"Docs"%';
SELECT count(*) AS drift FROM orm.drift() WHERE model = 'Doc';
UPDATE write_test."Docs" SET title = 'd2' WHERE title = 'd' RETURNING title, version;
-- one of the same name that keeps another column is reported, and replaced
DROP TRIGGER orm_bump_version ON write_test."Docs";
CREATE TRIGGER orm_bump_version BEFORE UPDATE ON write_test."Docs" FOR EACH ROW EXECUTE FUNCTION orm.bump_version('id');
SELECT model, problem, detail FROM orm.drift() WHERE model = 'Doc';
SELECT s FROM orm.sync('{"alter": true}') s WHERE s LIKE '%"Docs"%';
SELECT count(*) AS drift FROM orm.drift() WHERE model = 'Doc';

-- errors
SELECT orm.create('User', '{"nam": "x"}');
SELECT orm.create('User', '{"name": "x", "name": "y"}');
SELECT orm.create('User', '{"name": "x", "posts": []}');
SELECT orm.create('User', '{"email": "q@x.org"}');
SELECT orm.create('User', '{"name": "dup", "email": "ann@x.org"}');
SELECT orm.create('User', '{"name": "bad", "email": "not an email"}');
SELECT orm.create('Post', '{"title": "t", "userId": 999}');
SELECT orm.create('Post', '{"title": "t", "stars": "abc"}');
SELECT orm.bulk_create('Post', '[{"title": "t", "stars": 1}, {"title": "u", "stars": "x"}]');
SELECT orm.create('Post', '{"title": "t", "stars": {"a": 1}}');
SELECT orm.update('User', '{"score": "many"}', '{"where": {"id": 1}}');
SELECT orm.create('User', '{"name": "x"}', '{"bogus": 1}');
SELECT orm.create('User', '[]');
SELECT orm.bulk_create('User', '{}');
SELECT orm.create('User', '{"name": "x", "posts": {"title": "t"}}', '{"include": ["posts"]}');
SELECT orm.update('User', '{"name": "x"}', '{}');
SELECT orm.destroy('User', '{}');
SELECT orm.restore('User', '{"where": {}}');
SELECT orm.increment('User', '{"name": 1}', '{"where": {}}');
SELECT orm.increment('User', '{"score": "1"}', '{"where": {}}');
SELECT orm.update('User', '{"nope": 1}', '{"where": {}}');
SELECT orm.update('User', '{"posts": []}', '{"where": {}}');
SELECT orm.update('User', '{"name": "x"}', '{"where": {"nope": 1}}');
SELECT orm.destroy('User', '{"where": {}, "individualHooks": true}');
SELECT orm.bulk_create('User', '[{"name": "a"}]', '{"ignoreDuplicates": true, "include": ["posts"]}');
SELECT orm.create('Nobody', '{}');
SELECT orm.create('User', NULL);
-- all or nothing: a failure deep in a nested create leaves nothing
SELECT count(*) AS users, (SELECT count(*) FROM write_test."Posts") AS posts,
       (SELECT count(*) FROM write_test."Comments") AS comments FROM write_test."Users";
SELECT orm.create('User', '{"name": "ivy", "posts": [{"title": "i1", "comments": [{"body": "ok"}, {"body": null}]}]}',
  '{"include": [{"association": "posts", "include": ["comments"]}]}');
SELECT count(*) AS users, (SELECT count(*) FROM write_test."Posts") AS posts,
       (SELECT count(*) FROM write_test."Comments") AS comments FROM write_test."Users";

-- the caller's rights: row-level security hides rows from update and destroy,
-- and WITH CHECK applies to create
CREATE ROLE write_rls;
GRANT USAGE ON SCHEMA write_test TO write_rls;
GRANT SELECT, INSERT, UPDATE, DELETE ON write_test."Users" TO write_rls;
ALTER TABLE write_test."Users" ENABLE ROW LEVEL SECURITY;
CREATE POLICY low ON write_test."Users" USING (score < 5) WITH CHECK (score < 5);
SET ROLE write_rls;
SELECT orm.update('User', '{"name": "hidden"}', '{"where": {"id": 2}}');
SELECT orm.destroy('User', '{"where": {"id": 2}, "force": true}');
SELECT orm.create('User', '{"name": "rich", "score": 10}');
SELECT orm.create('Post', '{"title": "no rights"}');
RESET ROLE;
DROP POLICY low ON write_test."Users";
ALTER TABLE write_test."Users" DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON write_test."Users" FROM write_rls;
REVOKE ALL ON SCHEMA write_test FROM write_rls;
DROP ROLE write_rls;

-- scopes: update, increment, decrement and destroy merge the default scope
-- (and the named ones given as "scope"), as Sequelize's _injectScope does;
-- create, bulk_create, upsert and restore merge none
SELECT orm.define('Task', '{"title": "STRING", "done": {"type": "BOOLEAN", "defaultValue": false}, "n": {"type": "INTEGER", "defaultValue": 0}}',
  '{"schema": "write_test", "timestamps": false, "paranoid": false,
    "defaultScope": {"where": {"done": false}, "attributes": ["id", "title", "done", "n"]},
    "scopes": {"finished": {"where": {"done": true}}}}') IS NOT NULL AS defined;
SELECT count(*) > 0 AS synced FROM orm.sync('{"models": ["Task"]}');
SELECT orm.bulk_create('Task', '[{"title": "a"}, {"title": "b", "done": true}, {"title": "c", "done": true}]');
SELECT orm.create('Task', '{"title": "d", "done": true}');
SELECT orm.update('Task', '{"title": "open"}', '{"where": {}}');
SELECT orm.increment('Task', '{"n": 1}', '{"where": {}, "scope": "finished"}');
SELECT orm.decrement('Task', '{"n": 5}', '{"where": {"title": "c"}, "scope": false}');
SELECT orm.destroy('Task', '{"where": {"title": "b"}}') AS destroyed_in_scope;
SELECT orm.destroy('Task', '{"where": {"title": "b"}, "scope": false}') AS destroyed_unscoped;
SELECT id, title, done, n FROM write_test."Tasks" ORDER BY id;
SELECT orm.update('Task', '{"n": 0}', '{"where": {}, "scope": "nope"}');
SELECT orm.restore('Task', '{"where": {}, "scope": false}');

-- the nested rows before the attributes, a key written with an escape,
-- rows giving different attributes (two groups), under one parent or several
SELECT jsonb_pretty(orm.create('User',
  '{"posts": [{"comments": [{"body": "k1"}], "title": "kp1"}, {"stars": 2, "title": "kp2"}],
    "n\u0061me": "kim", "score": 4}',
  '{"include": [{"association": "posts", "include": ["comments"]}]}')::jsonb);
SELECT jsonb_pretty(orm.bulk_create('User',
  '[{"name": "b1", "posts": [{"title": "b1a"}, {"title": "b1b", "stars": 1}]},
    {"posts": [{"stars": 2, "title": "b2a"}, {"title": "b2b"}], "name": "b2"}]',
  '{"include": ["posts"]}')::jsonb);

DROP EXTENSION orm_models CASCADE;
DROP SCHEMA write_test CASCADE;
