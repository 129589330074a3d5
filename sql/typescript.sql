-- typescript: orm.typescript(), the TypeScript declarations of every model.
CREATE EXTENSION orm_models;
SELECT orm.define_models('{
  "User": {"attributes": {
     "id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true},
     "name": {"type": "STRING", "allowNull": false},
     "email": "STRING",
     "karma": {"type": "BIGINT", "allowNull": false, "defaultValue": 0},
     "score": "DECIMAL(10,2)",
     "ratio": "DOUBLE",
     "active": {"type": "BOOLEAN", "allowNull": false, "defaultValue": true},
     "born": "DATEONLY",
     "seen": "DATE",
     "token": "UUID",
     "meta": "JSONB",
     "tags": "ARRAY(STRING)",
     "mood": {"type": "ENUM", "values": ["happy", "it''s \"ok\""], "allowNull": false},
     "avatar": "BLOB"},
   "options": {"paranoid": true, "version": true},
   "associations": [{"hasMany": "Post", "as": "posts", "foreignKey": "authorId"},
                    {"hasOne": "Profile", "as": "profile"}]},
  "Post": {"attributes": {"title": {"type": "TEXT", "allowNull": false}},
   "associations": [{"belongsTo": "User", "as": "author", "foreignKey": "authorId"},
                    {"belongsToMany": "Tag", "as": "tags", "through": "PostTags"}]},
  "Profile": {"attributes": {"bio": "TEXT"}},
  "Tag": {"attributes": {"name": "STRING"}, "options": {"timestamps": false}},
  "odd model": {"attributes": {"my key": "INTEGER"}, "options": {"timestamps": false}}
}') IS NOT NULL AS defined;
\pset format unaligned
\pset tuples_only on
SELECT orm.typescript();
\pset tuples_only off
\pset format aligned
DROP EXTENSION orm_models;
