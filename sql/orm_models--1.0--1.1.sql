/* orm_models--1.0--1.1.sql: from orm_models 1.0 to 1.1 */

\echo Use "ALTER EXTENSION orm_models UPDATE TO '1.1'" to load this file. \quit

/*
 * Every object 1.1 adds to 1.0, in the order orm_models--1.1.sql creates
 * it; test/upgrade checks that 1.0 updated to 1.1 is exactly a fresh 1.1.
 */

/* TypeScript declarations of every model (1.1) */
CREATE FUNCTION orm.typescript() RETURNS text
	AS 'MODULE_PATHNAME', 'orm_typescript'
	LANGUAGE C STABLE;

/* Counts "version" up on every update: the trigger sync puts on versioned tables */
CREATE FUNCTION orm.bump_version() RETURNS trigger
	AS 'MODULE_PATHNAME', 'orm_bump_version'
	LANGUAGE C;

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

/* {"count": parents, "rows": find_all's array}, in one snapshot */
CREATE FUNCTION orm.find_and_count_all(model text, query jsonb DEFAULT '{}') RETURNS json
	AS 'MODULE_PATHNAME', 'orm_find_and_count_all'
	LANGUAGE C STABLE;
