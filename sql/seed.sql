-- The example of SPEC.md, end to end: two tables, one foreign key.
CREATE EXTENSION orm_models;
SELECT orm.define('User', '{
  "id":    {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "name":  {"type": "STRING", "allowNull": false},
  "email": {"type": "STRING", "allowNull": false, "unique": true}
}') ->> 'tableName' AS table_name;
SELECT orm.define('Post', '{
  "id":      {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
  "title":   {"type": "STRING", "allowNull": false},
  "content": {"type": "TEXT", "allowNull": false},
  "userId":  {"type": "INTEGER", "allowNull": false,
              "references": {"model": "Users", "key": "id"}}
}') ->> 'tableName' AS table_name;
SELECT jsonb_pretty(orm.associate('User', 'hasMany',   'Post', '{"foreignKey": "userId", "as": "posts"}'));
SELECT jsonb_pretty(orm.associate('Post', 'belongsTo', 'User', '{"foreignKey": "userId", "as": "author"}'));
SELECT * FROM orm.sync('{"force": true}');
\d "Users"
\d "Posts"
-- exactly one foreign key, with the first association's actions
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
 WHERE conrelid = '"Posts"'::regclass AND contype = 'f';
SELECT name, relid FROM orm.models ORDER BY name;
DROP TABLE "Posts", "Users" CASCADE;
DROP EXTENSION orm_models;
