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
#include "jit/jit.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "optimizer/cost.h"
#include "utils/guc.h"
#include "utils/resowner.h"
#include "utils/tuplestore.h"

#include "orm_util.h"


/* Connects to SPI or fails. */
void
OrmSpiConnect(void)
{
	int			rc = SPI_connect();

	if (rc != SPI_OK_CONNECT)
		elog(ERROR, "could not connect to SPI: %s", SPI_result_code_string(rc));
}

/* Disconnects from SPI or fails. */
void
OrmSpiFinish(void)
{
	int			rc = SPI_finish();

	if (rc != SPI_OK_FINISH)
		elog(ERROR, "could not disconnect from SPI: %s", SPI_result_code_string(rc));
}

/*
 * Runs one statement with its values as parameters; returns the number of
 * rows processed.  nulls follows SPI's convention (' ' or 'n'), may be NULL.
 * Its errors' context is cut short (OrmRethrowShortened).
 */
int
OrmSpiExec(const char *sql, int nargs, Oid *argtypes, Datum *values,
		   const char *nulls, bool read_only)
{
	MemoryContext caller = CurrentMemoryContext;
	int			rc = 0;

	PG_TRY();
	{
		rc = SPI_execute_with_args(sql, nargs, argtypes, values, nulls,
								   read_only, 0);
	}
	PG_CATCH();
	{
		OrmRethrowShortened(caller);
	}
	PG_END_TRY();
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
		/*
		 * Roll the subtransaction back before anything is raised: an error
		 * that left it open would leave the session's transaction aborted,
		 * even in autocommit (AbortCurrentTransaction's SUBABORT state).
		 */
		MemoryContextSwitchTo(caller);
		error = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(caller);
		CurrentResourceOwner = owner;
		if (!CatchableError(error))
			ReThrowError(error);
	}
	PG_END_TRY();
	return error;
}

/* At most this much of one line of an error's context is kept. */
#define CONTEXT_LINE_BYTES 1000

/* A copy of text with every line cut to CONTEXT_LINE_BYTES. */
static char *
ShortLines(const char *text)
{
	StringInfoData buf;
	const char *line = text;

	initStringInfo(&buf);
	while (*line)
	{
		const char *end = strchrnul(line, '\n');
		int			len = end - line;

		if (len > CONTEXT_LINE_BYTES)
			appendStringInfo(&buf, "%.*s... (%d bytes)",
							 pg_mbcliplen(line, len, CONTEXT_LINE_BYTES), line, len);
		else
			appendBinaryStringInfo(&buf, line, len);
		if (*end == '\0')
			break;
		appendStringInfoChar(&buf, '\n');
		line = end + 1;
	}
	return buf.data;
}

/*
 * In a PG_CATCH block: raises the error caught again, with the lines of its
 * context cut short.  SPI puts the whole statement into the context of an
 * error it raises, and a generated statement may be megabytes long.
 */
void
OrmRethrowShortened(MemoryContext context)
{
	ErrorData  *e;

	MemoryContextSwitchTo(context);
	e = CopyErrorData();
	if (e->context)
		e->context = ShortLines(e->context);
	if (e->internalquery && strlen(e->internalquery) > CONTEXT_LINE_BYTES)
	{
		e->internalquery = NULL;	/* its position would point past the cut */
		e->internalpos = 0;
	}
	FlushErrorState();
	ReThrowError(e);
}

/*
 * Until OrmJitRestore(level), statements are planned without JIT.  LLVM
 * compiles the expressions of a plan before it runs, without checking for
 * interrupts: for a find statement with a deep include tree that took
 * seconds past statement_timeout (84 include nodes: 13.6 s with JIT, 72 ms
 * without), to save nothing on queries that read rows by key.
 */
int
OrmJitOff(void)
{
	return OrmPlanSettings(false);
}

/*
 * OrmJitOff's settings and, for the statement of a point load (point: its
 * root is one row, found by key), no bitmap scans either.  Every level of
 * such a statement reads the rows of a few keys by index, where the
 * planner's cost model, made for pages read from disk, often prefers a
 * bitmap scan of the few heap pages; with the pages in memory that costs a
 * bitmap built, sorted and walked, and a prefetch's buffer lookup per page,
 * on top of the same index and heap reads, for nothing: a plain index scan
 * reads them in the index's order, which for one key is the heap's (a
 * find_by_pk of a user with posts and their comments: 1.2-1.3x the
 * throughput).  Restored with OrmJitRestore(level).
 */
int
OrmPlanSettings(bool point)
{
	bool		bitmap = point && enable_bitmapscan;
	int			level;

	if (!jit_enabled && !bitmap)
		return -1;
	level = NewGUCNestLevel();
	if (jit_enabled)
		(void) set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	if (bitmap)
		(void) set_config_option("enable_bitmapscan", "off", PGC_USERSET,
								 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

void
OrmJitRestore(int level)
{
	if (level >= 0)
		AtEOXact_GUC(true, level);
}

/*
 * SPI_execute_plan, checked, planned without JIT, with its errors' context
 * cut short; returns the number of rows processed.
 */
uint64
OrmSpiExecPlan(SPIPlanPtr plan, Datum *values, const char *nulls,
			   bool read_only, long count)
{
	MemoryContext caller = CurrentMemoryContext;
	int			jit = OrmJitOff();
	int			rc = 0;

	PG_TRY();
	{
		rc = SPI_execute_plan(plan, values, nulls, read_only, count);
	}
	PG_CATCH();
	{
		OrmRethrowShortened(caller);
	}
	PG_END_TRY();
	OrmJitRestore(jit);
	if (rc < 0)
		elog(ERROR, "could not run a statement: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/* SPI_cursor_fetch forward, with its errors' context cut short. */
uint64
OrmSpiFetch(Portal portal, long count)
{
	MemoryContext caller = CurrentMemoryContext;

	PG_TRY();
	{
		SPI_cursor_fetch(portal, true, count);
	}
	PG_CATCH();
	{
		OrmRethrowShortened(caller);
	}
	PG_END_TRY();
	return SPI_processed;
}

/* SPI_prepare, checked, with its errors' context cut short. */
SPIPlanPtr
OrmSpiPrepare(const char *sql, int nargs, Oid *argtypes)
{
	MemoryContext caller = CurrentMemoryContext;
	SPIPlanPtr	plan = NULL;

	PG_TRY();
	{
		plan = SPI_prepare(sql, nargs, argtypes);
	}
	PG_CATCH();
	{
		OrmRethrowShortened(caller);
	}
	PG_END_TRY();
	if (plan == NULL)
		elog(ERROR, "could not prepare a statement: %s",
			 SPI_result_code_string(SPI_result));
	return plan;
}
