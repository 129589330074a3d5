/*
 * spi_util.c
 *		Checked SPI wrappers: every failure becomes an ERROR; the result
 *		set of a function returning SETOF a scalar; and running a piece of
 *		work in a subtransaction that keeps its error.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/resowner.h"
#include "utils/tuplestore.h"

#include "orm_models.h"

/* Connects to SPI or fails. */
void
OrmSpiConnect(void)
{
	int			rc = SPI_connect();

	if (rc != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %s", SPI_result_code_string(rc));
}

/* Disconnects from SPI or fails. */
void
OrmSpiFinish(void)
{
	int			rc = SPI_finish();

	if (rc != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed: %s", SPI_result_code_string(rc));
}

/*
 * Runs one statement with its values as parameters; returns the number of
 * rows processed.  nulls follows SPI's convention (' ' or 'n'), may be NULL.
 */
int
OrmSpiExec(const char *sql, int nargs, Oid *argtypes, Datum *values,
		   const char *nulls, bool read_only)
{
	int			rc;

	rc = SPI_execute_with_args(sql, nargs, argtypes, values, nulls,
							   read_only, 0);
	if (rc < 0)
		elog(ERROR, "could not run \"%s\": %s", sql,
			 SPI_result_code_string(rc));
	return (int) SPI_processed;
}

/*
 * Sets up a materialized result for a function returning SETOF one scalar
 * type (InitMaterializedSRF wants a row type): callers put values into
 * rsinfo->setResult with rsinfo->setDesc.
 */
void
OrmInitScalarSetResult(FunctionCallInfo fcinfo, Oid type)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("set-valued function called in context that cannot accept a set"));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->setDesc = CreateTemplateTupleDesc(1);
	TupleDescInitEntry(rsinfo->setDesc, 1, "value", type, -1, 0);
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	MemoryContextSwitchTo(old);
	rsinfo->returnMode = SFRM_Materialize;
}

/*
 * Whether an error may be caught and kept as a model's load failure: not
 * a cancel, a shutdown, an exhausted resource or an internal error, which
 * say nothing about the model and must reach the caller.
 */
static bool
CatchableError(ErrorData *e)
{
	int			class = ERRCODE_TO_CATEGORY(e->sqlerrcode);

	return e->elevel == ERROR &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR) &&
		class != ERRCODE_TO_CATEGORY(ERRCODE_INTERNAL_ERROR);
}

/*
 * Runs fn(arg) in a subtransaction, as PL/pgSQL runs a block with an
 * EXCEPTION clause: returns NULL when it succeeded, or its error, copied
 * into the caller's memory context, with everything it did rolled back
 * (memory it allocated in the caller's context stays).  Errors that are
 * not about fn's input (a cancel, out of memory, an internal error) are
 * raised.
 */
ErrorData *
OrmTry(void (*fn) (void *), void *arg)
{
	MemoryContext caller = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	ErrorData  *volatile error = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(caller);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller);
		error = CopyErrorData();
		if (!CatchableError(error))
			PG_RE_THROW();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller);
		CurrentResourceOwner = owner;
	}
	PG_END_TRY();
	return error;
}
