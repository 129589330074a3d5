-- orm.associate: Sequelize 6's defaults for all four kinds.
CREATE EXTENSION orm_models;
SELECT orm.define('User', '{"id": {"type": "INTEGER", "primaryKey": true, "autoIncrement": true}, "name": "STRING"}') IS NOT NULL AS ok;
SELECT orm.define('Post', '{"title": "STRING"}') IS NOT NULL AS ok;
SELECT orm.define('Profile', '{"bio": "TEXT"}') IS NOT NULL AS ok;
SELECT orm.define('Tag', '{"label": "STRING"}') IS NOT NULL AS ok;

-- hasMany without options: alias is the target's plural, key is UserId
SELECT jsonb_pretty(orm.associate('User', 'hasMany', 'Post'));
-- belongsTo with an alias: the key is authorId, nullable, so SET NULL
SELECT orm.associate('Post', 'belongsTo', 'User', '{"as": "author"}');
-- hasOne with an alias uses the alias for the key; without, the source name
SELECT orm.associate('User', 'hasOne', 'Profile', '{"as": "profile"}') ->> 'foreignKey' AS with_alias;
SELECT orm.associate('Post', 'hasOne', 'Profile') ->> 'foreignKey' AS without_alias;
-- a non-null foreign key: hasMany cascades, belongsTo does nothing
SELECT orm.associate('Tag', 'hasMany', 'Post', '{"as": "tagged", "foreignKey": {"name": "tagId", "allowNull": false}}')
       ->> 'onDelete' AS has_many_not_null;
SELECT orm.associate('Post', 'belongsTo', 'Tag', '{"as": "mainTag", "foreignKey": {"name": "mainTagId", "allowNull": false}}')
       ->> 'onDelete' AS belongs_to_not_null;
-- explicit actions win; constraints false makes no reference
SELECT orm.associate('User', 'hasMany', 'Tag', '{"as": "ownTags", "onDelete": "restrict", "onUpdate": "no action"}')
       - 'source' - 'target' AS explicit_actions;
SELECT orm.associate('Tag', 'belongsTo', 'User', '{"as": "creator", "constraints": false}') AS no_constraint;
SELECT orm.describe('Tag') #> '{attributes,creatorId}' AS creator_key;

-- belongsToMany without through: the junction is Sequelize's combinedTableName
SELECT orm.associate('Post', 'belongsToMany', 'Tag') - 'source' - 'target' AS post_tags;
SELECT orm.associate('Tag', 'belongsToMany', 'Post') ->> 'through' AS same_junction;
-- with through, and a self-association with as
SELECT orm.associate('User', 'belongsToMany', 'User', '{"as": "friends", "through": "Friendships"}') - 'source' - 'target' AS friends;

-- the foreign keys are attributes of the models now, after the timestamps
SELECT key, value ->> 'type' AS type, value ->> 'allowNull' AS allow_null,
       value #>> '{references,model}' AS ref, value ->> 'onDelete' AS on_delete
  FROM jsonb_each(orm.describe('Post') -> 'attributes');

-- declaring the same association again is a no-op
SELECT orm.associate('User', 'hasMany', 'Post') ->> 'as' AS again;
SELECT count(*) FROM orm.associations WHERE source = 'User' AND alias = 'Posts';

-- the catalog, in declaration order
SELECT source, alias, kind, target, position FROM orm.associations ORDER BY position;

-- (fuzzer crash) a reference checked before its target model had the
-- columns its associations add: now a clean error
SELECT orm.associate('User', 'hasMany', 'Tag', '{"as": "tags2", "foreignKey": "ownerRef"}') ->> 'foreignKey' AS fk;
SELECT orm.define('Aardvark', '{"tagRef": {"type": "INTEGER", "references": {"model": "Tag", "key": "nope"}}}');

-- undefine takes the model's associations with it, both ways
SELECT orm.undefine('Tag');
SELECT source, alias, target FROM orm.associations ORDER BY position;
DROP EXTENSION orm_models;
