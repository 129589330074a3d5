/* orm_models--1.1.sql: catalog and SQL interface of orm_models 1.1 */

\echo Use "CREATE EXTENSION orm_models" to load this file. \quit

/* The extension's own schema: created here, so it goes with DROP EXTENSION. */
CREATE SCHEMA orm;
COMMENT ON SCHEMA orm IS 'orm_models: model catalog and functions';

/*
 * The catalog.  Models and associations are stored as the user wrote them
 * (attributes, options); the C code parses and validates them again
 * whenever it reads them, so the normalized form is always derived, never
 * stale.  Rows belong to the role that wrote them (owner).
 */
CREATE TABLE orm.models (
	name		text PRIMARY KEY,
	table_name	text NOT NULL,
	schema_name	text NOT NULL,
	attributes	json NOT NULL,
	options		jsonb NOT NULL DEFAULT '{}',
	owner		regrole NOT NULL,
	relid		regclass,
	columns		jsonb,
	defined_at	timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE orm.models IS 'models defined with orm.define, as written; relid is the synced table';
COMMENT ON COLUMN orm.models.columns IS 'the column (attribute number) of each attribute when sync last linked the table: {"relid": oid, "attnums": {...}}, so renamed columns are followed';

CREATE TABLE orm.associations (
	source		text NOT NULL,
	alias		text NOT NULL,
	kind		text NOT NULL
				CHECK (kind IN ('hasOne', 'hasMany', 'belongsTo', 'belongsToMany')),
	target		text NOT NULL,
	options		jsonb NOT NULL DEFAULT '{}',
	position	integer NOT NULL,
	owner		regrole NOT NULL,
	function	regprocedure,
	PRIMARY KEY (source, alias)
);
COMMENT ON TABLE orm.associations IS 'associations declared with orm.associate, in declaration order; function is the relationship function sync made';
/*
 * No foreign keys between the two tables: pg_restore -j loads them in
 * parallel, in either order.  orm.undefine removes a model's associations.
 */
CREATE INDEX ON orm.associations (target);

SELECT pg_catalog.pg_extension_config_dump('orm.models', '');
SELECT pg_catalog.pg_extension_config_dump('orm.associations', '');

/*
 * Everyone may read the catalog; only the extension's functions write it.
 * They check that the caller owns (or is a member of the owner of) every
 * model a change touches, then write as the catalog's owner, so a role can
 * neither change another role's models nor store a row the functions did
 * not validate (one bad row would break every call of every role).
 */
GRANT USAGE ON SCHEMA orm TO PUBLIC;
GRANT SELECT ON orm.models, orm.associations TO PUBLIC;

/* The inflector */
CREATE FUNCTION orm.pluralize(word text) RETURNS text
	AS 'MODULE_PATHNAME', 'orm_pluralize'
	LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION orm.singularize(word text) RETURNS text
	AS 'MODULE_PATHNAME', 'orm_singularize'
	LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

/* Defining models */
/*
 * Attributes are json, not jsonb: jsonb forgets the order of keys, and the
 * order of attributes is the order of the table's columns.
 */
CREATE FUNCTION orm.define(model text, attributes json, options jsonb DEFAULT '{}')
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'orm_define'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.associate(source text, kind text, target text,
							  options jsonb DEFAULT '{}')
	RETURNS jsonb
	AS 'MODULE_PATHNAME', 'orm_associate'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.define_models(models json) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'orm_define_models'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.undefine(model text) RETURNS void
	AS 'MODULE_PATHNAME', 'orm_undefine'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.describe(model text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'orm_describe'
	LANGUAGE C STRICT STABLE;

/* Creating the tables */
CREATE FUNCTION orm.sync(options jsonb DEFAULT '{}') RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'orm_sync'
	LANGUAGE C VOLATILE;

/* Keeps "updatedAt" current: the trigger sync puts on timestamped tables */
CREATE FUNCTION orm.touch_updated_at() RETURNS trigger
	AS 'MODULE_PATHNAME', 'orm_touch_updated_at'
	LANGUAGE C;

/* Counts "version" up on every update: the trigger sync puts on versioned tables */
CREATE FUNCTION orm.bump_version() RETURNS trigger
	AS 'MODULE_PATHNAME', 'orm_bump_version'
	LANGUAGE C;

/*
 * Every change of the catalog tells every backend to drop its cached
 * models and plans.
 */
CREATE FUNCTION orm.catalog_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'orm_catalog_changed'
	LANGUAGE C;
CREATE TRIGGER models_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
	ON orm.models FOR EACH STATEMENT EXECUTE FUNCTION orm.catalog_changed();
CREATE TRIGGER associations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
	ON orm.associations FOR EACH STATEMENT EXECUTE FUNCTION orm.catalog_changed();

/* Eager loading */
CREATE FUNCTION orm.find_all(model text, query jsonb DEFAULT '{}') RETURNS json
	AS 'MODULE_PATHNAME', 'orm_find_all'
	LANGUAGE C STABLE PARALLEL UNSAFE;
CREATE FUNCTION orm.find_one(model text, query jsonb DEFAULT '{}') RETURNS json
	AS 'MODULE_PATHNAME', 'orm_find_one'
	LANGUAGE C STABLE;
CREATE FUNCTION orm.find_by_pk(model text, pk anyelement, query jsonb DEFAULT '{}')
	RETURNS json
	AS 'MODULE_PATHNAME', 'orm_find_by_pk'
	LANGUAGE C STABLE;
CREATE FUNCTION orm.count(model text, query jsonb DEFAULT '{}') RETURNS bigint
	AS 'MODULE_PATHNAME', 'orm_count'
	LANGUAGE C STABLE;
/* {"count": parents, "rows": find_all's array}, in one snapshot */
CREATE FUNCTION orm.find_and_count_all(model text, query jsonb DEFAULT '{}') RETURNS json
	AS 'MODULE_PATHNAME', 'orm_find_and_count_all'
	LANGUAGE C STABLE;
CREATE FUNCTION orm.find_all_sql(model text, query jsonb DEFAULT '{}') RETURNS text
	AS 'MODULE_PATHNAME', 'orm_find_all_sql'
	LANGUAGE C STABLE;
/* find_all for results too large for one json value: one row per parent */
CREATE FUNCTION orm.find_all_rows(model text, query jsonb DEFAULT '{}')
	RETURNS SETOF json
	AS 'MODULE_PATHNAME', 'orm_find_all_rows'
	LANGUAGE C STABLE;

/* Writing through the models: one statement each, the caller's rights */
CREATE FUNCTION orm.create(model text, data json, options jsonb DEFAULT '{}')
	RETURNS json
	AS 'MODULE_PATHNAME', 'orm_create'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.bulk_create(model text, rows json, options jsonb DEFAULT '{}')
	RETURNS json
	AS 'MODULE_PATHNAME', 'orm_bulk_create'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.update(model text, data json, query jsonb) RETURNS json
	AS 'MODULE_PATHNAME', 'orm_update'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.destroy(model text, query jsonb) RETURNS bigint
	AS 'MODULE_PATHNAME', 'orm_destroy'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.restore(model text, query jsonb) RETURNS bigint
	AS 'MODULE_PATHNAME', 'orm_restore'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.upsert(model text, data json, options jsonb DEFAULT '{}')
	RETURNS json
	AS 'MODULE_PATHNAME', 'orm_upsert'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.increment(model text, by jsonb, query jsonb) RETURNS json
	AS 'MODULE_PATHNAME', 'orm_increment'
	LANGUAGE C VOLATILE;
CREATE FUNCTION orm.decrement(model text, by jsonb, query jsonb) RETURNS json
	AS 'MODULE_PATHNAME', 'orm_decrement'
	LANGUAGE C VOLATILE;

/* Where the live tables differ from the catalog */
CREATE FUNCTION orm.drift()
	RETURNS TABLE (model text, problem text, detail text)
	AS 'MODULE_PATHNAME', 'orm_drift'
	LANGUAGE C STABLE;

/*
 * The DDL watcher: a synced table or relationship function dropped by hand
 * (also through CASCADE or DROP SCHEMA) is unlinked from the catalog; a
 * renamed table is followed.  Their SQL is schema-qualified, prepared once
 * per backend, and their one catalog write runs as the catalog's owner;
 * they return at once for DDL on objects the catalog does not know.
 */
CREATE FUNCTION orm.on_sql_drop() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'orm_on_sql_drop'
	LANGUAGE C;
CREATE FUNCTION orm.on_ddl_command_end() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'orm_on_ddl_command_end'
	LANGUAGE C;
CREATE EVENT TRIGGER orm_sql_drop ON sql_drop
	WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP FUNCTION', 'DROP OWNED')
	EXECUTE FUNCTION orm.on_sql_drop();
CREATE EVENT TRIGGER orm_ddl_command_end ON ddl_command_end
	WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA')
	EXECUTE FUNCTION orm.on_ddl_command_end();

/* TypeScript declarations of every model (1.1) */
CREATE FUNCTION orm.typescript() RETURNS text
	AS 'MODULE_PATHNAME', 'orm_typescript'
	LANGUAGE C STABLE;
