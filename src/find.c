/*
 * find.c
 *		The eager-loading SQL functions: orm.find_all, orm.find_one,
 *		orm.find_by_pk, orm.count, orm.find_all_sql, orm.find_all_rows.
 *
 * Each parses its query against the cached catalog, builds one statement,
 * and runs its cached plan with the caller's rights, read-only.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_sql.h"
#include "orm_catalog.h"
#include "orm_query.h"

/* orm_models.json_writer: find_* write their JSON in C, in SQL, or both */
static int	OrmJsonWriter = ORM_WRITER_ON;

static const struct config_enum_entry writer_options[] = {
	{"on", ORM_WRITER_ON, false},
	{"off", ORM_WRITER_OFF, false},
	{"check", ORM_WRITER_CHECK, false},
	{"true", ORM_WRITER_ON, true},
	{"false", ORM_WRITER_OFF, true},
	{NULL, 0, false}
};

/* Defines the settings of find_*; called once, from _PG_init. */
void
OrmDefineFindSettings(void)
{
	DefineCustomEnumVariable("orm_models.json_writer",
							 "Whether find_* write their JSON in C, from flat rows.",
							 "off: with row_to_json and json_agg in the statement, as 1.0 does; "
							 "check: both ways, and an error when they disagree (for tests).",
							 &OrmJsonWriter, ORM_WRITER_ON, writer_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
}

PG_FUNCTION_INFO_V1(orm_find_all);
PG_FUNCTION_INFO_V1(orm_find_one);
PG_FUNCTION_INFO_V1(orm_find_by_pk);
PG_FUNCTION_INFO_V1(orm_count);
PG_FUNCTION_INFO_V1(orm_find_and_count_all);
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
	m = OrmLookupModel(schema, name);
	return m;
}

/* Every table a query tree reads exists. */
static void
RequireTables(OrmQueryNode *node)
{
	ListCell   *lc;

	(void) OrmLiveTable(node->model, ORM_LIVE_REQUIRED);
	if (node->assoc && node->assoc->kind == ORM_BELONGS_TO_MANY)
		(void) OrmLiveTable(node->assoc->junction, ORM_LIVE_REQUIRED);
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

/* The models whose tables a query tree reads. */
static List *
QueryModels(OrmQueryNode *node, List *models)
{
	ListCell   *lc;

	models = list_append_unique_ptr(models, node->model);
	if (node->assoc && node->assoc->kind == ORM_BELONGS_TO_MANY)
		models = list_append_unique_ptr(models, node->assoc->junction);
	foreach(lc, node->children)
		models = QueryModels(lfirst(lc), models);
	return models;
}

/* find_by_pk's primary key, which must be a single attribute. */
static OrmAttribute *
SingleKey(OrmModel *m)
{
	ListCell   *lc;
	int			keys = 0;

	foreach(lc, m->attributes)
		keys += ((OrmAttribute *) lfirst(lc))->primary_key;
	if (keys != 1)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("model \"%s\" has a composite primary key", m->name),
				errhint("Use orm.find_one with a where on every key attribute."));
	return OrmPrimaryKey(m);
}

/*
 * The JSON writer's levels for a call's statement (json_nest.c), unless
 * orm_models.json_writer is off or the query is one they cannot serve; in
 * a memory context of their own, which the statement cache adopts.
 */
static void
PlanLevels(OrmStatement *st, OrmQueryNode *root, bool rows)
{
	MemoryContext cxt;
	MemoryContext old;

	if (OrmJsonWriter == ORM_WRITER_OFF)
		return;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "orm_models find levels",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	st->levels = rows ? OrmLevelsRowsPlan(root, &st->params) :
		OrmLevelsPlan(root, &st->params);
	MemoryContextSwitchTo(old);
	if (st->levels == NULL)
	{
		MemoryContextDelete(cxt);
		return;
	}
	st->levels_context = cxt;
	st->sql = st->levels->sql;
}

/*
 * Builds the statement of a call (find_by_pk's key is parameter $1), with
 * the JSON writer's levels where they serve it (writer).
 */
static OrmStatement *
BuildStatement(OrmSchema *schema, OrmModel *m, Jsonb *query, OrmCallKind kind,
			   bool writer)
{
	OrmStatement *st = palloc0(sizeof(OrmStatement));
	OrmQueryNode *root;
	OrmFindShape shape = kind == ORM_CALL_FIND_ALL ? ORM_FIND_ARRAY :
		kind == ORM_CALL_COUNT ? ORM_FIND_COUNT : ORM_FIND_ROWS;

	if (kind == ORM_CALL_COUNT && query && JB_ROOT_IS_OBJECT(query) &&
		getKeyJsonValueFromContainer(&query->root, "group", 5, NULL))
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("orm.count and orm.find_and_count_all do not take \"group\""),
				errdetail("Sequelize's count({group}) returns a count per group: that is a grouped find_all."),
				errhint("Use orm.find_all('%s', '{\"attributes\": [\"status\", [{\"fn\": \"COUNT\", \"args\": [{\"col\": \"id\"}]}, \"count\"]], \"group\": [\"status\"]}') with your group's attributes.",
						m->name));
	root = OrmParseQuery(schema, m, query);
	RequireTables(root);
	st->root = m;
	st->key_param = -1;
	if (kind == ORM_CALL_FIND_BY_PK)
	{
		st->key_attr = SingleKey(root->model);
		root->key_param = OrmAddParam(&st->params, st->key_attr->typid,
									  (Datum) 0, false);
		st->key_param = root->key_param - 1;
	}
	if (kind == ORM_CALL_FIND_ONE || kind == ORM_CALL_FIND_BY_PK)
		root->limit = 1;
	if (writer && kind != ORM_CALL_COUNT)
		PlanLevels(st, root, kind == ORM_CALL_FIND_ALL_ROWS);
	if (st->levels == NULL)
		st->sql = OrmFindSql(root, shape, &st->params);
	st->models = QueryModels(root, NIL);
	st->reject_on_empty = root->reject_on_empty && kind != ORM_CALL_COUNT;
	return st;
}

/*
 * Whether a value of the type reads the same in every session: date and
 * time input depends on TimeZone and DateStyle (and 'now' on the clock),
 * money's on lc_monetary, so statements with such values are not kept.
 */
bool
OrmStableInput(Oid typid)
{
	char		category;
	bool		preferred;
	Oid			inner;

	typid = getBaseType(typid);
	if (OidIsValid(inner = get_element_type(typid)) ||
		OidIsValid(inner = get_range_subtype(typid)))
		return OrmStableInput(inner);
	get_type_category_preferred(typid, &category, &preferred);
	return category != TYPCATEGORY_DATETIME &&
		category != TYPCATEGORY_TIMESPAN && typid != MONEYOID;
}

static bool
StableParams(OrmStatement *st)
{
	for (int i = 0; i < st->params.count; i++)
		if (i != st->key_param && !OrmStableInput(st->params.types[i]))
			return false;
	return true;
}

/*
 * The statement of a call, kept per backend unless its values depend on
 * session settings; the tables it reads are checked on every call (a
 * dropped table is a clean error).  The schema is looked up once: looking
 * it up again could free it, when another session changed the catalog.
 */
static OrmStatement *
CallStatement(FunctionCallInfo fcinfo, OrmCallKind kind, int qarg)
{
	OrmSchema  *schema = OrmCachedSchema();
	OrmModel   *m = ModelArg(fcinfo, schema);
	Jsonb	   *query = PG_ARGISNULL(qarg) ? NULL : PG_GETARG_JSONB_P(qarg);
	OrmStatement *st = OrmLookupStatement(kind, OrmJsonWriter, m->name, query);
	ListCell   *lc;

	if (st == NULL && OrmJsonWriter == ORM_WRITER_CHECK)
	{
		st = BuildStatement(schema, m, query, kind, true);
		if (st->levels)
			st->check = BuildStatement(schema, m, query, kind, false);
		return st;				/* not kept: the check is for tests */
	}
	if (st == NULL)
	{
		st = BuildStatement(schema, m, query, kind, true);
		return StableParams(st) ?
			OrmKeepStatement(kind, OrmJsonWriter, m->name, query, st) : st;
	}
	foreach(lc, st->models)
		(void) OrmLiveTable(lfirst(lc), ORM_LIVE_REQUIRED);
	return st;
}

/* find_by_pk's key argument as a value of the key attribute's type. */
static Datum
KeyValue(FunctionCallInfo fcinfo, OrmStatement *st)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	Oid			typout;
	bool		varlena;
	JsonbValue	v = {.type = jbvString};

	if (argtype == st->key_attr->typid)
		return PG_GETARG_DATUM(1);
	getTypeOutputInfo(argtype, &typout, &varlena);
	v.val.string.val = OidOutputFunctionCall(typout, PG_GETARG_DATUM(1));
	v.val.string.len = strlen(v.val.string.val);
	return OrmValueDatum(&v, st->key_attr, st->root, st->key_attr->typid);
}

/*
 * Runs a statement that returns one value; the value, copied out of SPI.
 * key, if st has a key parameter, is its value for this call.
 */
static Datum
RunScalar(OrmStatement *st, Datum key, bool *isnull)
{
	Datum	   *values = st->params.values;
	Datum		value = (Datum) 0;

	*isnull = true;
	if (st->key_param >= 0)
	{
		values = palloc(sizeof(Datum) * st->params.count);
		memcpy(values, st->params.values, sizeof(Datum) * st->params.count);
		values[st->key_param] = key;
	}
	OrmSpiConnect();
	if (OrmSpiExecPlan(OrmStatementPlan(st), values, st->params.nulls, true, 1) > 0)
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

/* Fails because a query of a model with rejectOnEmpty found nothing. */
static void
RejectEmpty(FunctionCallInfo fcinfo)
{
	ereport(ERROR,
			errcode(ERRCODE_NO_DATA_FOUND),
			errmsg("query of model \"%s\" found no rows",
				   text_to_cstring(PG_GETARG_TEXT_PP(0))),
			errdetail("With rejectOnEmpty, no rows is an error, as Sequelize's EmptyResultError is."));
}

/*
 * Runs a statement of the JSON writer's levels: the JSON of its rows, or
 * NULL when a find_one or find_by_pk finds none.
 */
static text *
RunLevels(OrmStatement *st, OrmCallKind kind, Datum key, uint64 *rows)
{
	MemoryContext caller = CurrentMemoryContext;
	Datum	   *values = st->params.values;
	text	   *json;

	if (st->key_param >= 0)
	{
		values = palloc(sizeof(Datum) * st->params.count);
		memcpy(values, st->params.values, sizeof(Datum) * st->params.count);
		values[st->key_param] = key;
	}
	OrmSpiConnect();
	json = OrmRunLevels(st->levels, st->levels_context, OrmStatementPlan(st),
						st->params.count, st->params.types, values,
						st->params.nulls, kind == ORM_CALL_FIND_ALL, true, caller, rows);
	OrmSpiFinish();
	return json;
}

/*
 * json_writer = check: the SQL path's answer to the same call must be the
 * same JSON value as the writer's (json, or NULL).
 */
static void
CheckAnswer(FunctionCallInfo fcinfo, OrmStatement *st, Datum key, text *json)
{
	bool		isnull;
	Datum		sql = RunScalar(st->check, key, &isnull);
	char	   *model = text_to_cstring(PG_GETARG_TEXT_PP(0));

	if (isnull != (json == NULL))
		ereport(ERROR,
				errcode(ERRCODE_INTERNAL_ERROR),
				errmsg("the JSON writer and the SQL path disagree on a query of model \"%s\"",
					   model),
				errdetail("One found a row, the other none."));
	if (json)
		OrmCheckSameJson(model, text_to_cstring(json), TextDatumGetCString(sql));
}

/*
 * Runs the call's statement; its one value, or SQL NULL (with
 * rejectOnEmpty, no rows is an error).
 */
static Datum
RunCall(FunctionCallInfo fcinfo, OrmCallKind kind, int qarg)
{
	OrmStatement *st = CallStatement(fcinfo, kind, qarg);
	Datum		key = (Datum) 0;
	bool		isnull;
	Datum		result;

	if (st->key_param >= 0)
		key = KeyValue(fcinfo, st);
	if (st->levels)
	{
		uint64		rows;
		text	   *json = RunLevels(st, kind, key, &rows);

		if (st->check)
			CheckAnswer(fcinfo, st, key, json);
		if (rows == 0 && st->reject_on_empty)
			RejectEmpty(fcinfo);
		if (json == NULL)
			PG_RETURN_NULL();
		PG_RETURN_TEXT_P(json);
	}
	result = RunScalar(st, key, &isnull);
	if (st->reject_on_empty &&
		(isnull || (kind == ORM_CALL_FIND_ALL && strcmp(TextDatumGetCString(result), "[]") == 0)))
		RejectEmpty(fcinfo);
	if (isnull)
		PG_RETURN_NULL();
	if (kind != ORM_CALL_COUNT && OrmJsonWriter != ORM_WRITER_OFF)
		PG_RETURN_TEXT_P(OrmCompactJsonText(DatumGetTextPP(result)));
	PG_RETURN_DATUM(result);
}

/* orm.find_all(model, query) RETURNS json: an array of rows */
Datum
orm_find_all(PG_FUNCTION_ARGS)
{
	return RunCall(fcinfo, ORM_CALL_FIND_ALL, 1);
}

/* orm.find_one(model, query) RETURNS json: the first row, or NULL */
Datum
orm_find_one(PG_FUNCTION_ARGS)
{
	return RunCall(fcinfo, ORM_CALL_FIND_ONE, 1);
}

/* orm.find_by_pk(model, pk anyelement, query) RETURNS json */
Datum
orm_find_by_pk(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
	{
		(void) CallStatement(fcinfo, ORM_CALL_FIND_BY_PK, 2);	/* errors still apply */
		PG_RETURN_NULL();
	}
	return RunCall(fcinfo, ORM_CALL_FIND_BY_PK, 2);
}

/* orm.count(model, query) RETURNS bigint: limit, offset, order ignored */
Datum
orm_count(PG_FUNCTION_ARGS)
{
	return RunCall(fcinfo, ORM_CALL_COUNT, 1);
}

/*
 * orm.find_and_count_all(model, query) RETURNS json: {"count": n, "rows":
 * [...]}, count the parents find_all would return without its limit and
 * offset (Sequelize's with distinct: true).  Both statements run read-only
 * in this call's one snapshot: the count is that of the rows' data.
 */
Datum
orm_find_and_count_all(PG_FUNCTION_ARGS)
{
	OrmStatement *count = CallStatement(fcinfo, ORM_CALL_COUNT, 1);
	bool		isnull;
	Datum		n = RunScalar(count, (Datum) 0, &isnull);
	Datum		rows = RunCall(fcinfo, ORM_CALL_FIND_ALL, 1);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"count\":" INT64_FORMAT ",\"rows\":%s}",
					 isnull ? (int64) 0 : DatumGetInt64(n), TextDatumGetCString(rows));
	PG_RETURN_TEXT_P(cstring_to_text(buf.data));
}

/* orm.find_all_sql(model, query) RETURNS text: the statement find_all runs */
Datum
orm_find_all_sql(PG_FUNCTION_ARGS)
{
	OrmParams	params = {0};
	OrmQueryNode *root = QueryArgs(fcinfo, 1);
	OrmFindLevels *levels = OrmJsonWriter != ORM_WRITER_OFF ?
		OrmLevelsPlan(root, &params) : NULL;

	PG_RETURN_TEXT_P(cstring_to_text(levels ? levels->sql :
									 OrmFindSql(root, ORM_FIND_ARRAY, &params)));
}

/*
 * The SQL path of find_all_rows: its statement through a cursor, each row
 * into result.  Returns the number of rows.
 */
static uint64
RunRows(OrmStatement *st, Tuplestorestate *result, TupleDesc desc)
{
	Portal		portal;
	int			jit;
	uint64		rows = 0;

	OrmSpiConnect();
	jit = OrmJitOff();
	portal = SPI_cursor_open(NULL, OrmStatementPlan(st), st->params.values,
							 st->params.nulls, true);
	OrmJitRestore(jit);
	for (;;)
	{
		OrmSpiFetch(portal, ROWS_BATCH);
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			Datum		value = SPI_getbinval(SPI_tuptable->vals[i],
											  SPI_tuptable->tupdesc, 1, &isnull);
			bool		compact = !isnull && OrmJsonWriter != ORM_WRITER_OFF;

			if (compact)
				value = PointerGetDatum(OrmCompactJsonText(DatumGetTextPP(value)));
			tuplestore_putvalues(result, desc, &value, &isnull);
			if (compact)
				pfree(DatumGetPointer(value));
		}
		rows += SPI_processed;
		if (SPI_processed < ROWS_BATCH)
			break;
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	OrmSpiFinish();
	return rows;
}

/* The rows of a tuplestore of json values as one JSON array; rewound. */
static char *
RowsArray(Tuplestorestate *rows, TupleDesc desc)
{
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	StringInfoData buf;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	tuplestore_rescan(rows);
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		bool		isnull;
		Datum		value = slot_getattr(slot, 1, &isnull);

		appendStringInfo(&buf, "%s%s", first ? "" : ",",
						 isnull ? "null" : TextDatumGetCString(value));
		first = false;
	}
	tuplestore_rescan(rows);
	ExecDropSingleTupleTableSlot(slot);
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

/*
 * json_writer = check for find_all_rows: the SQL path's rows must be the
 * same JSON values as the writer's (as one array, in any order).
 */
static void
CheckRows(FunctionCallInfo fcinfo, OrmStatement *st, Tuplestorestate *writer,
		  TupleDesc desc)
{
	Tuplestorestate *sql = tuplestore_begin_heap(true, false, work_mem);

	(void) RunRows(st->check, sql, desc);
	OrmCheckSameJson(text_to_cstring(PG_GETARG_TEXT_PP(0)),
					 RowsArray(writer, desc), RowsArray(sql, desc));
	tuplestore_end(sql);
}

/* find_all_rows through the JSON writer, a batch of root rows at a time. */
static Datum
RunLevelsRows(FunctionCallInfo fcinfo, OrmStatement *st)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	OrmFindLevels *levels = st->levels;
	uint64		rows;

	OrmSpiConnect();
	rows = OrmRunLevelsRows(levels, st->levels_context,
							OrmSqlPlan(levels->keys_sql, st->params.count,
									   st->params.types),
							OrmStatementPlan(st), st->params.count,
							st->params.types, st->params.values,
							st->params.nulls, rsinfo->setResult,
							rsinfo->setDesc);
	OrmSpiFinish();
	if (st->check)
		CheckRows(fcinfo, st, rsinfo->setResult, rsinfo->setDesc);
	if (rows == 0 && st->reject_on_empty)
		RejectEmpty(fcinfo);
	return (Datum) 0;
}

/*
 * orm.find_all_rows(model, query) RETURNS SETOF json: one row per parent,
 * for results too large for one json value.  Rows are fetched through a
 * cursor in batches (with the JSON writer, each batch's includes with one
 * statement) and spill to disk past work_mem.
 */
Datum
orm_find_all_rows(PG_FUNCTION_ARGS)
{
	OrmStatement *st = CallStatement(fcinfo, ORM_CALL_FIND_ALL_ROWS, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	OrmInitScalarSetResult(fcinfo, JSONOID);
	if (st->levels)
		return RunLevelsRows(fcinfo, st);
	if (RunRows(st, rsinfo->setResult, rsinfo->setDesc) == 0 && st->reject_on_empty)
		RejectEmpty(fcinfo);
	return (Datum) 0;
}
