/*
 * write.c
 *		The write SQL functions: orm.create, orm.bulk_create, orm.update,
 *		orm.destroy, orm.restore, orm.upsert, orm.increment, orm.decrement.
 *
 * Each parses its data and options (write_parse.c), finds its statement
 * among the kept ones by its options and the data's shape, or builds it
 * (write_sql.c), and runs it once with the caller's rights: the rows it
 * wrote come back through the JSON writer, as find_* return them.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "access/stratnum.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_sql.h"
#include "orm_catalog.h"
#include "orm_query.h"
#include "orm_write.h"

PG_FUNCTION_INFO_V1(orm_create);
PG_FUNCTION_INFO_V1(orm_bulk_create);
PG_FUNCTION_INFO_V1(orm_upsert);
PG_FUNCTION_INFO_V1(orm_update);
PG_FUNCTION_INFO_V1(orm_increment);
PG_FUNCTION_INFO_V1(orm_decrement);
PG_FUNCTION_INFO_V1(orm_destroy);
PG_FUNCTION_INFO_V1(orm_restore);

/* A json (or jsonb) argument's text, or 22004 when it is null. */
static text *
DataArg(FunctionCallInfo fcinfo, int arg, OrmWriteKind kind)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("the data of %s must not be null", OrmWriteKindName(kind)));
	if (kind == ORM_WRITE_INCREMENT || kind == ORM_WRITE_DECREMENT)
	{
		Jsonb	   *by = PG_GETARG_JSONB_P(arg);

		return cstring_to_text(JsonbToCString(NULL, &by->root, VARSIZE(by)));
	}
	return PG_GETARG_TEXT_PP(arg);
}

/* Whether a statement's kept values (its where's) read the same anywhere. */
static bool
StableValues(OrmStatement *st)
{
	for (int i = st->call_params; i < st->params.count; i++)
		if (!OrmStableInput(st->params.types[i]))
			return false;
	return true;
}

/*
 * The statement of a write, kept per backend by its options and the
 * shape of its data; every table it touches checked on every call.
 */
static OrmStatement *
WriteStatement(OrmWrite *w, Jsonb *options)
{
	StringInfoData key;
	OrmStatement *st;
	ListCell   *lc;

	initStringInfo(&key);
	if (options)
		appendBinaryStringInfo(&key, VARDATA_ANY(options), VARSIZE_ANY_EXHDR(options));
	appendStringInfoChar(&key, '\0');
	appendBinaryStringInfo(&key, w->shape.data, w->shape.len);
	st = OrmLookupStatementKey(ORM_CALL_WRITE, (int) w->kind, w->model->name,
							   key.data, key.len);
	if (st)
	{
		foreach(lc, st->models)
			(void) OrmLiveTable(lfirst(lc), ORM_LIVE_REQUIRED);
		return st;
	}
	foreach(lc, w->levels)
		(void) OrmLiveTable(((OrmWriteLevel *) lfirst(lc))->model, ORM_LIVE_REQUIRED);
	(void) OrmLiveTable(w->model, ORM_LIVE_REQUIRED);
	st = OrmWriteStatement(w);
	foreach(lc, st->models)
		(void) OrmLiveTable(lfirst(lc), ORM_LIVE_REQUIRED);
	if (!StableValues(st))
		return st;
	return OrmKeepStatementKey(ORM_CALL_WRITE, (int) w->kind, w->model->name,
							   key.data, key.len, st);
}

typedef struct RunArgs
{
	OrmStatement *st;
	Datum	   *values;
	char	   *nulls;
	bool		array;			/* the rows as an array, else the first */
	MemoryContext caller;
	Datum		result;
	bool		isnull;
	uint64		rows;			/* the rows it returned */
} RunArgs;

/*
 * Runs a write's statement, not read-only: its JSON, or its one value,
 * in the caller's memory context.  In a subtransaction (OrmTry), so that
 * its error can be told in the models' terms.
 */
static void
RunStatement(void *arg)
{
	RunArgs    *run = arg;
	OrmStatement *st = run->st;

	OrmSpiConnect();
	if (st->levels)
	{
		text	   *json = OrmRunLevels(st->levels, st->levels_context,
										OrmStatementPlan(st), st->params.count,
										st->params.types, run->values, run->nulls,
										run->array, false, run->caller, &run->rows);

		run->isnull = json == NULL;
		run->result = PointerGetDatum(json);
	}
	else if (OrmSpiExecPlan(OrmStatementPlan(st), run->values, run->nulls, false, 0) > 0)
	{
		Form_pg_attribute att = TupleDescAttr(SPI_tuptable->tupdesc, 0);

		run->result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									1, &run->isnull);
		run->rows = run->isnull ? 0 : (uint64) DatumGetInt64(run->result);
		if (!run->isnull)
		{
			MemoryContext old = MemoryContextSwitchTo(run->caller);

			run->result = datumCopy(run->result, att->attbyval, att->attlen);
			MemoryContextSwitchTo(old);
		}
	}
	OrmSpiFinish();
}

/* A scalar field of a jsonb object, or NULL. */
static JsonbValue *
ScalarField(JsonbContainer *obj, const char *key)
{
	JsonbValue *v = getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);

	return v && v->type != jbvNull && v->type != jbvBinary ? v : NULL;
}

/*
 * Sequelize's OptimisticLockError: an update or destroy whose where gives
 * the primary key and the version as plain values, and that wrote no row,
 * while the row exists (at another version).
 */
static void
CheckStale(OrmWrite *w, Jsonb *options, uint64 rows)
{
	OrmModel   *m = w->model;
	OrmAttribute *pk = OrmPrimaryKey(m);
	JsonbValue *where;
	JsonbValue *key;
	Datum		value;
	Oid			type;
	char	   *sql;

	if (rows > 0 || m->version == NULL || pk == NULL || options == NULL ||
		(w->kind != ORM_WRITE_UPDATE && w->kind != ORM_WRITE_DESTROY))
		return;
	where = getKeyJsonValueFromContainer(&options->root, "where", 5, NULL);
	if (where == NULL || where->type != jbvBinary ||
		!JsonContainerIsObject(where->val.binary.data) ||
		(key = ScalarField(where->val.binary.data, pk->name)) == NULL ||
		ScalarField(where->val.binary.data, m->version) == NULL)
		return;
	value = OrmValueDatum(key, pk, m, pk->typid);
	type = pk->typid;
	sql = psprintf("SELECT 1 FROM %s t WHERE t.%s %s $1", OrmQualifiedTable(m),
				   quote_identifier(pk->field),
				   OrmComparisonOperator(m, pk, BTEqualStrategyNumber, false));
	OrmSpiConnect();
	rows = OrmSpiExec(sql, 1, &type, &value, " ", true);
	OrmSpiFinish();
	if (rows > 0)
		ereport(ERROR,
				errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				errmsg("Attempting to update a stale model instance: %s", m->name),
				errdetail("The row of model \"%s\" with that %s exists at another %s.",
						  m->name, pk->name, m->version),
				errhint("Read the row again, and write with the version it has now."));
}

/*
 * Runs a write: model at argument 0, its data (or NULL) and options (or
 * the query, for update...) at those arguments.  Its JSON (an array, or
 * create's and upsert's object), or for destroy and restore the count.
 */
static Datum
RunWrite(FunctionCallInfo fcinfo, OrmWriteKind kind, int data_arg, int options_arg)
{
	MemoryContext caller = CurrentMemoryContext;
	OrmSchema  *schema = OrmCachedSchema();
	OrmModel   *m;
	text	   *data = data_arg < 0 ? NULL : DataArg(fcinfo, data_arg, kind);
	Jsonb	   *options = PG_ARGISNULL(options_arg) ? NULL : PG_GETARG_JSONB_P(options_arg);
	OrmWrite   *w;
	OrmStatement *st;
	Datum	   *values;
	char	   *nulls;
	Datum		result;
	bool		isnull;
	RunArgs		run;
	ErrorData  *error;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("model name must not be null"));
	m = OrmLookupModel(schema, text_to_cstring(PG_GETARG_TEXT_PP(0)));
	w = OrmParseWrite(kind, schema, m, data, options);
	st = WriteStatement(w, options);
	values = palloc(sizeof(Datum) * Max(st->params.count, 1));
	nulls = palloc(Max(st->params.count, 1));
	memcpy(values, st->params.values, sizeof(Datum) * st->params.count);
	memcpy(nulls, st->params.nulls, st->params.count);
	OrmWriteParams(w, values, nulls);
	run.st = st;
	run.values = values;
	run.nulls = nulls;
	run.array = kind != ORM_WRITE_CREATE && kind != ORM_WRITE_UPSERT;
	run.caller = caller;
	run.isnull = true;
	error = OrmTry(RunStatement, &run);
	if (error)
		OrmRaiseWriteError(w, st->models, error);
	CheckStale(w, options, run.rows);
	result = run.result;
	isnull = run.isnull;
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/* orm.create(model, data json, options jsonb) RETURNS json */
Datum
orm_create(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_CREATE, 1, 2);
}

/* orm.bulk_create(model, rows json, options jsonb) RETURNS json */
Datum
orm_bulk_create(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_BULK_CREATE, 1, 2);
}

/* orm.upsert(model, data json, options jsonb) RETURNS json */
Datum
orm_upsert(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_UPSERT, 1, 2);
}

/* orm.update(model, data json, query jsonb) RETURNS json */
Datum
orm_update(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_UPDATE, 1, 2);
}

/* orm.increment(model, by jsonb, query jsonb) RETURNS json */
Datum
orm_increment(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_INCREMENT, 1, 2);
}

/* orm.decrement(model, by jsonb, query jsonb) RETURNS json */
Datum
orm_decrement(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_DECREMENT, 1, 2);
}

/* orm.destroy(model, query jsonb) RETURNS bigint */
Datum
orm_destroy(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_DESTROY, -1, 1);
}

/* orm.restore(model, query jsonb) RETURNS bigint */
Datum
orm_restore(PG_FUNCTION_ARGS)
{
	return RunWrite(fcinfo, ORM_WRITE_RESTORE, -1, 1);
}
