-- orm.define_models: the whole models/ folder at once, all or nothing.
CREATE EXTENSION orm_models;
SELECT jsonb_pretty(orm.define_models('{
  "User": {
    "attributes": {"name": {"type": "STRING", "allowNull": false}},
    "associations": [{"hasMany": "Post", "as": "posts", "foreignKey": "userId"}]
  },
  "Post": {
    "attributes": {"title": "STRING",
                   "userId": {"type": "INTEGER", "allowNull": false,
                              "references": {"model": "Users", "key": "id"}}},
    "options": {"timestamps": false},
    "associations": [{"belongsTo": "User", "as": "author", "foreignKey": "userId"}]
  }
}'));
SELECT name, table_name FROM orm.models ORDER BY name;
SELECT source, alias, position FROM orm.associations ORDER BY position;

-- all or nothing: a bad model in the middle leaves nothing behind
SELECT orm.define_models('{"A": {"attributes": {"x": "TEXT"}},
                           "B": {"attributes": {"x": "STRNG"}},
                           "C": {"attributes": {"x": "TEXT"}}}');
SELECT name FROM orm.models ORDER BY name;
-- ... and so does a bad association after good models
SELECT orm.define_models('{"A": {"attributes": {"x": "TEXT"},
                                 "associations": [{"hasMany": "Nope"}]}}');
SELECT name FROM orm.models ORDER BY name;
DROP EXTENSION orm_models;
