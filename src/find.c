/*
 * find.c
 *		The eager-loading SQL functions: orm.find_all, orm.find_one,
 *		orm.find_by_pk, orm.count, orm.find_all_sql, orm.find_all_rows.
 *
 * Each parses its query against the cached catalog, builds one statement,
 * and runs its cached plan with the caller's rights, read-only.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "orm_models.h"

PG_FUNCTION_INFO_V1(orm_find_all);
PG_FUNCTION_INFO_V1(orm_find_one);
PG_FUNCTION_INFO_V1(orm_find_by_pk);
PG_FUNCTION_INFO_V1(orm_count);
PG_FUNCTION_INFO_V1(orm_find_all_sql);
PG_FUNCTION_INFO_V1(orm_find_all_rows);

#define ROWS_BATCH 1000

/* The model named by argument 0, from the cached catalog. */
static OrmModel *
ModelArg(FunctionCallInfo fcinfo, OrmSchema *schema)
{
	char	   *name;
	OrmModel   *m;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("model name must not be null"));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	m = OrmFindModel(schema, name);
	if (m == NULL || m->is_junction)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("model \"%s\" does not exist", name));
	return m;
}

/* Fails cleanly when a model's table does not exist (not synced, dropped). */
static void
RequireTable(OrmModel *m)
{
	Oid			nsp = get_namespace_oid(m->schema, true);

	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid(m->table_name, nsp)))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_TABLE),
				errmsg("table %s of model \"%s\" does not exist",
					   OrmQualifiedTable(m), m->name),
				errhint("Run orm.sync to create it."));
}

/* Every table a query tree reads exists. */
static void
RequireTables(OrmQueryNode *node)
{
	ListCell   *lc;

	RequireTable(node->model);
	if (node->assoc && node->assoc->kind == ORM_BELONGS_TO_MANY)
		RequireTable(node->assoc->junction);
	foreach(lc, node->children)
		RequireTables(lfirst(lc));
}

/* The query tree of (model, query) arguments; query at argument qarg. */
static OrmQueryNode *
QueryArgs(FunctionCallInfo fcinfo, int qarg)
{
	OrmSchema  *schema = OrmCachedSchema();
	OrmModel   *m = ModelArg(fcinfo, schema);
	OrmQueryNode *root = OrmParseQuery(schema, m, PG_ARGISNULL(qarg) ? NULL :
									   PG_GETARG_JSONB_P(qarg));

	RequireTables(root);
	return root;
}

/* Runs a statement that returns one value; the value, copied out of SPI. */
static Datum
RunScalar(const char *sql, OrmParams *params, bool *isnull)
{
	SPIPlanPtr	plan;
	Datum		value = (Datum) 0;
	int			rc;

	*isnull = true;
	OrmSpiConnect();
	plan = OrmCachedPlan(sql, params->count, params->types);
	rc = SPI_execute_plan(plan, params->values, params->nulls, true, 1);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not run a find statement: %s",
			 SPI_result_code_string(rc));
	if (SPI_processed > 0)
	{
		Form_pg_attribute att = TupleDescAttr(SPI_tuptable->tupdesc, 0);

		value = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
							  1, isnull);
		if (!*isnull)
			value = SPI_datumTransfer(value, att->attbyval, att->attlen);
	}
	OrmSpiFinish();
	return value;
}

/* orm.find_all(model, query) RETURNS json: an array of rows */
Datum
orm_find_all(PG_FUNCTION_ARGS)
{
	OrmParams	params = {0};
	char	   *sql = OrmFindSql(QueryArgs(fcinfo, 1), ORM_FIND_ARRAY, &params);
	bool		isnull;
	Datum		result = RunScalar(sql, &params, &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* Runs a one-row query; its JSON object, or SQL NULL. */
static Datum
FindOne(FunctionCallInfo fcinfo, OrmQueryNode *root)
{
	OrmParams	params = {0};
	char	   *sql;
	bool		isnull;
	Datum		result;

	root->limit = 1;
	sql = OrmFindSql(root, ORM_FIND_ROWS, &params);
	result = RunScalar(sql, &params, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* orm.find_one(model, query) RETURNS json: the first row, or NULL */
Datum
orm_find_one(PG_FUNCTION_ARGS)
{
	return FindOne(fcinfo, QueryArgs(fcinfo, 1));
}

/* {"pk": "value"}, and-ed with the query's own where. */
static JsonbValue *
PrimaryKeyWhere(OrmAttribute *pk, const char *value, JsonbValue *where)
{
	JsonbParseState *st = NULL;
	JsonbValue	k = {.type = jbvString};
	JsonbValue	v = {.type = jbvString};
	JsonbValue *cond;

	k.val.string.val = pk->name;
	k.val.string.len = strlen(pk->name);
	v.val.string.val = (char *) value;
	v.val.string.len = strlen(value);
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&st, WJB_KEY, &k);
	pushJsonbValue(&st, WJB_VALUE, &v);
	cond = OrmJsonRoot(JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL)));
	if (where == NULL)
		return cond;
	st = NULL;
	k.val.string.val = "$and";
	k.val.string.len = 4;
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	pushJsonbValue(&st, WJB_KEY, &k);
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	pushJsonbValue(&st, WJB_ELEM, cond);
	pushJsonbValue(&st, WJB_ELEM, where);
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	return OrmJsonRoot(JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL)));
}

/* orm.find_by_pk(model, pk anyelement, query) RETURNS json */
Datum
orm_find_by_pk(PG_FUNCTION_ARGS)
{
	OrmQueryNode *root = QueryArgs(fcinfo, 2);
	OrmAttribute *pk = OrmPrimaryKey(root->model);
	Oid			pktype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	Oid			typout;
	bool		varlena;
	ListCell   *lc;
	int			keys = 0;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	foreach(lc, root->model->attributes)
		keys += ((OrmAttribute *) lfirst(lc))->primary_key;
	if (keys != 1)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("model \"%s\" has a composite primary key", root->model->name),
				errhint("Use orm.find_one with a where on every key attribute."));
	getTypeOutputInfo(pktype, &typout, &varlena);
	root->where = PrimaryKeyWhere(pk, OidOutputFunctionCall(typout, PG_GETARG_DATUM(1)),
								  root->where);
	return FindOne(fcinfo, root);
}

/* orm.count(model, query) RETURNS bigint: limit, offset, order ignored */
Datum
orm_count(PG_FUNCTION_ARGS)
{
	OrmParams	params = {0};
	char	   *sql = OrmFindSql(QueryArgs(fcinfo, 1), ORM_FIND_COUNT, &params);
	bool		isnull;

	PG_RETURN_DATUM(RunScalar(sql, &params, &isnull));
}

/* orm.find_all_sql(model, query) RETURNS text: the statement find_all runs */
Datum
orm_find_all_sql(PG_FUNCTION_ARGS)
{
	OrmParams	params = {0};

	PG_RETURN_TEXT_P(cstring_to_text(OrmFindSql(QueryArgs(fcinfo, 1),
												ORM_FIND_ARRAY, &params)));
}

/*
 * orm.find_all_rows(model, query) RETURNS SETOF json: one row per parent,
 * for results too large for one json value.  Rows are fetched through a
 * cursor in batches and spill to disk past work_mem.
 */
Datum
orm_find_all_rows(PG_FUNCTION_ARGS)
{
	OrmParams	params = {0};
	char	   *sql = OrmFindSql(QueryArgs(fcinfo, 1), ORM_FIND_ROWS, &params);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Portal		portal;

	OrmInitScalarSetResult(fcinfo, JSONOID);
	OrmSpiConnect();
	portal = SPI_cursor_open(NULL, OrmCachedPlan(sql, params.count, params.types),
							 params.values, params.nulls, true);
	for (;;)
	{
		SPI_cursor_fetch(portal, true, ROWS_BATCH);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			Datum		value = SPI_getbinval(SPI_tuptable->vals[i],
											  SPI_tuptable->tupdesc, 1, &isnull);

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
		}
		if (SPI_processed < ROWS_BATCH)
			break;
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	OrmSpiFinish();
	return (Datum) 0;
}
