/* orm_models--1.0--1.1.sql: from orm_models 1.0 to 1.1 */

\echo Use "ALTER EXTENSION orm_models UPDATE TO '1.1'" to load this file. \quit

/*
 * Every object 1.1 adds to 1.0, in the order orm_models--1.1.sql creates
 * it; test/upgrade checks that 1.0 updated to 1.1 is exactly a fresh 1.1.
 */

/* {"count": parents, "rows": find_all's array}, in one snapshot */
CREATE FUNCTION orm.find_and_count_all(model text, query jsonb DEFAULT '{}') RETURNS json
	AS 'MODULE_PATHNAME', 'orm_find_and_count_all'
	LANGUAGE C STABLE;
