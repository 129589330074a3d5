/*
 * json_nest.c
 *		Runs a find's level statement (query_levels.c) and writes the nested
 *		JSON of its rows.
 *
 * The rows come from the executor straight into a DestReceiver, without
 * SPI's tuple table.  Children's levels come first: each row of a child
 * level is kept, as its values (CopyRow), in a hash table by the parent's side
 * of its link; the root's rows come last and are written as they arrive,
 * each object with its attributes, then for every include the kept rows
 * under its key, written the same way, recursively.  So every value is
 * written once, where it ends up, into the one output buffer; nothing is
 * copied from a child's text into its parent's.  The members' types are
 * looked up the first time a kept statement runs.
 */
#include "postgres.h"

#include "access/tupdesc.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_sql.h"
#include "orm_query.h"

/*
 * A kept row: the statement's row as values and nulls, what WriteRow reads,
 * in one allocation with the data of its by-reference values.  The rows of
 * one parent key, in the order they came, are a list.
 */
typedef struct KeptRow
{
	struct KeptRow *next;
	Datum	   *values;
	bool	   *nulls;
} KeptRow;

typedef struct Bucket
{
	Datum		key;
	uint32		hash;
	char		status;			/* simplehash's */
	KeptRow    *first;
	KeptRow    *last;
} Bucket;

/* How a level's keys compare: by value for the integer types. */
typedef struct KeyKind
{
	bool		byval_int;		/* int2, int4, int8, oid: compare the Datum */
	FmgrInfo   *hash;			/* else the type's hash and equality */
	FmgrInfo   *eq;
	Oid			collation;
	int16		typlen;
	bool		typbyval;
} KeyKind;

#define SH_PREFIX buckets
#define SH_ELEMENT_TYPE Bucket
#define SH_KEY_TYPE Datum
#define SH_KEY key
#define SH_HASH_KEY(tb, k) KeyHash((KeyKind *) (tb)->private_data, k)
#define SH_EQUAL(tb, a, b) KeyEqual((KeyKind *) (tb)->private_data, a, b)
#define SH_STORE_HASH
#define SH_GET_HASH(tb, a) a->hash
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
static inline uint32 KeyHash(KeyKind *k, Datum key);
static inline bool KeyEqual(KeyKind *k, Datum a, Datum b);
/* PostgreSQL 15's simplehash.h shadows a local (fixed in 16) */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow=compatible-local"
#endif
#include "lib/simplehash.h"
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

static inline uint32
KeyHash(KeyKind *k, Datum key)
{
	if (k->byval_int)
		return hash_bytes_uint32((uint32) key) ^
			hash_bytes_uint32((uint32) ((uint64) key >> 32));
	return DatumGetUInt32(FunctionCall1Coll(k->hash, k->collation, key));
}

static inline bool
KeyEqual(KeyKind *k, Datum a, Datum b)
{
	if (k->byval_int)
		return a == b;
	return DatumGetBool(FunctionCall2Coll(k->eq, k->collation, a, b));
}

/* What one call knows of a level. */
typedef struct LevelRun
{
	OrmLevel   *level;
	buckets_hash *buckets;		/* non-root levels: rows by parent key */
	KeyKind		key;
} LevelRun;

typedef struct NestReceiver
{
	DestReceiver pub;
	OrmFindLevels *plan;
	MemoryContext plan_context; /* where the plan's types go */
	MemoryContext rows;			/* kept rows and buckets, this call's */
	LevelRun   *runs;			/* by level id */
	StringInfo	out;
	bool		array;			/* find_all: [obj,...]; else one object */
	Tuplestorestate *result;	/* find_all_rows: each root row a value */
	TupleDesc	result_desc;
	uint64		written;		/* root rows written */
} NestReceiver;

static void WriteRow(NestReceiver *r, OrmLevel *level, Datum *values,
					 bool *nulls);
static bool PutRow(NestReceiver *r, OrmLevel *level, TupleTableSlot *slot);

/* Sets up how a level's bucket keys hash and compare. */
static void
InitKeyKind(KeyKind *k, Oid typid, MemoryContext cxt)
{
	TypeCacheEntry *tc;

	get_typlenbyval(typid, &k->typlen, &k->typbyval);
	k->byval_int = typid == INT2OID || typid == INT4OID || typid == INT8OID ||
		typid == OIDOID;
	if (k->byval_int)
		return;
	tc = lookup_type_cache(typid, TYPECACHE_HASH_PROC_FINFO | TYPECACHE_EQ_OPR_FINFO);
	if (!OidIsValid(tc->hash_proc_finfo.fn_oid) || !OidIsValid(tc->eq_opr_finfo.fn_oid))
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("could not hash keys of type %s", format_type_be(typid)));
	k->hash = &tc->hash_proc_finfo;
	k->eq = &tc->eq_opr_finfo;
	k->collation = tc->typcollation;
}

/* Looks up the types of every member, once per kept statement. */
static void
InitTypes(OrmFindLevels *plan, TupleDesc desc, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	for (int id = 0; id < plan->nlevels; id++)
	{
		OrmLevel   *level = plan->levels[id];

		for (int i = 0; i < level->nmembers; i++)
			OrmJsonTypeInit(&level->members[i].type,
							TupleDescAttr(desc, level->members[i].column - 1)->atttypid);
		for (int i = 0; i < level->njunction; i++)
			OrmJsonTypeInit(&level->junction[i].type,
							TupleDescAttr(desc, level->junction[i].column - 1)->atttypid);
	}
	MemoryContextSwitchTo(old);
	plan->types_ready = true;
}

static void
NestStartup(DestReceiver *self, int operation, TupleDesc desc)
{
	NestReceiver *r = (NestReceiver *) self;
	MemoryContext old = MemoryContextSwitchTo(r->rows);

	if (!r->plan->types_ready)
		InitTypes(r->plan, desc, r->plan_context);
	r->runs = palloc0(sizeof(LevelRun) * r->plan->nlevels);
	for (int id = 0; id < r->plan->nlevels; id++)
	{
		LevelRun   *run = &r->runs[id];

		run->level = r->plan->levels[id];
		if (run->level->parent_column == 0)
			continue;
		InitKeyKind(&run->key,
					TupleDescAttr(desc, run->level->parent_column - 1)->atttypid,
					r->rows);
		run->buckets = buckets_create(r->rows, 64, &run->key);
	}
	MemoryContextSwitchTo(old);
}

/*
 * A copy of a row of the statement (all its attributes read into slot), in
 * the current memory context: its values and nulls, the data of each
 * by-reference value after them, in one allocation; an expanded value
 * (which no column of a table holds) flattened by datumCopy.
 */
static KeptRow *
CopyRow(TupleTableSlot *slot)
{
	TupleDesc	desc = slot->tts_tupleDescriptor;
	int			n = desc->natts;
	Size		size = MAXALIGN(sizeof(KeptRow)) + MAXALIGN(sizeof(Datum) * n) +
		MAXALIGN(sizeof(bool) * n);
	KeptRow    *kept;
	char	   *data;

	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!slot->tts_isnull[i] && !att->attbyval)
			size += MAXALIGN(datumGetSize(slot->tts_values[i], false, att->attlen));
	}
	kept = palloc(size);
	kept->next = NULL;
	kept->values = (Datum *) ((char *) kept + MAXALIGN(sizeof(KeptRow)));
	kept->nulls = (bool *) ((char *) kept->values + MAXALIGN(sizeof(Datum) * n));
	data = (char *) kept->nulls + MAXALIGN(sizeof(bool) * n);
	memcpy(kept->values, slot->tts_values, sizeof(Datum) * n);
	memcpy(kept->nulls, slot->tts_isnull, sizeof(bool) * n);
	for (int i = 0; i < n; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Pointer		p = DatumGetPointer(slot->tts_values[i]);
		Size		len;

		if (slot->tts_isnull[i] || att->attbyval)
			continue;
		len = datumGetSize(slot->tts_values[i], false, att->attlen);
		if (att->attlen == -1 && VARATT_IS_EXTERNAL_EXPANDED(p))
			kept->values[i] = datumCopy(slot->tts_values[i], false, -1);
		else
		{
			memcpy(data, p, len);
			kept->values[i] = PointerGetDatum(data);
		}
		data += MAXALIGN(len);
	}
	return kept;
}

/* Keeps a child level's row under its parent key (rows without one go). */
static void
KeepRow(NestReceiver *r, LevelRun *run, TupleTableSlot *slot)
{
	int			col = run->level->parent_column - 1;
	MemoryContext old;
	Bucket	   *b;
	KeptRow    *kept;
	bool		found;

	if (slot->tts_isnull[col])
		return;
	old = MemoryContextSwitchTo(r->rows);
	kept = CopyRow(slot);
	b = buckets_insert(run->buckets,
					   run->key.typbyval ? slot->tts_values[col] : kept->values[col],
					   &found);
	if (!found)
		b->first = kept;
	else
		b->last->next = kept;
	b->last = kept;
	MemoryContextSwitchTo(old);
}

/* find_all_rows: one root row as one json value of the result. */
static bool
PutRow(NestReceiver *r, OrmLevel *level, TupleTableSlot *slot)
{
	Datum		value;
	bool		isnull = false;

	r->out->len = VARHDRSZ;
	WriteRow(r, level, slot->tts_values, slot->tts_isnull);
	SET_VARSIZE(r->out->data, r->out->len);
	value = PointerGetDatum(r->out->data);
	tuplestore_putvalues(r->result, r->result_desc, &value, &isnull);
	r->written++;
	return true;
}

static bool
NestReceive(TupleTableSlot *slot, DestReceiver *self)
{
	NestReceiver *r = (NestReceiver *) self;
	int			id;
	LevelRun   *run;

	slot_getallattrs(slot);
	id = DatumGetInt32(slot->tts_values[0]);
	if (id < 0 || id >= r->plan->nlevels)
		elog(ERROR, "find statement returned a row of level %d", id);
	run = &r->runs[id];
	CHECK_FOR_INTERRUPTS();
	if (run->level->parent_column)
	{
		KeepRow(r, run, slot);
		return true;
	}
	if (r->result)
		return PutRow(r, run->level, slot);
	if (r->written > 0)
		appendStringInfoChar(r->out, ',');
	WriteRow(r, run->level, slot->tts_values, slot->tts_isnull);
	r->written++;
	return true;
}

static void
NestShutdown(DestReceiver *self)
{
}

static void
NestDestroy(DestReceiver *self)
{
}

/* "key":value for each member, commas between; *first says if none yet. */
static void
WriteMembers(StringInfo out, OrmLevelMember *members, int n, Datum *values,
			 bool *nulls, bool *first)
{
	for (int i = 0; i < n; i++)
	{
		OrmLevelMember *m = &members[i];

		if (!*first)
			appendStringInfoChar(out, ',');
		*first = false;
		appendBinaryStringInfo(out, m->key, m->key_len);
		if (nulls[m->column - 1])
			appendStringInfoString(out, "null");
		else
			OrmJsonAppendValue(out, &m->type, values[m->column - 1]);
	}
}

/* A belongsToMany row's junction row, as an object member. */
static void
WriteJunction(StringInfo out, OrmLevel *level, Datum *values, bool *nulls,
			  bool *first)
{
	bool		none = true;

	if (!*first)
		appendStringInfoChar(out, ',');
	*first = false;
	appendStringInfoString(out, level->junction_key);
	appendStringInfoChar(out, '{');
	WriteMembers(out, level->junction, level->njunction, values, nulls, &none);
	appendStringInfoChar(out, '}');
}

/* An include's value: the kept rows under key, an array or one or null. */
static void
WriteInclude(NestReceiver *r, OrmLevel *child, Datum key, bool isnull)
{
	LevelRun   *run = &r->runs[child->id];
	Bucket	   *b = isnull ? NULL : buckets_lookup(run->buckets, key);
	StringInfo	out = r->out;

	if (!child->many)
	{
		if (b == NULL)
		{
			appendStringInfoString(out, "null");
			return;
		}
		WriteRow(r, child, b->first->values, b->first->nulls);
		return;
	}
	appendStringInfoChar(out, '[');
	for (KeptRow *k = b ? b->first : NULL; k; k = k->next)
	{
		if (k != b->first)
			appendStringInfoChar(out, ',');
		WriteRow(r, child, k->values, k->nulls);
	}
	appendStringInfoChar(out, ']');
}

/* One row of a level as an object, its includes nested. */
static void
WriteRow(NestReceiver *r, OrmLevel *level, Datum *values, bool *nulls)
{
	StringInfo	out = r->out;
	bool		first = true;

	check_stack_depth();
	appendStringInfoChar(out, '{');
	WriteMembers(out, level->members, level->nmembers, values, nulls, &first);
	if (level->junction_key && !level->junction_last)
		WriteJunction(out, level, values, nulls, &first);
	for (int i = 0; i < level->nchildren; i++)
	{
		int			col = level->child_columns[i] - 1;

		if (!first)
			appendStringInfoChar(out, ',');
		first = false;
		appendStringInfoString(out, level->children[i]->key);
		WriteInclude(r, level->children[i], values[col], nulls[col]);
	}
	if (level->junction_key && level->junction_last)
		WriteJunction(out, level, values, nulls, &first);
	appendStringInfoChar(out, '}');
}

/* The statement's parameters as a ParamListInfo. */
static ParamListInfo
Params(int n, Oid *types, Datum *values, const char *nulls)
{
	ParamListInfo p = makeParamList(n);

	for (int i = 0; i < n; i++)
	{
		p->params[i].value = values[i];
		p->params[i].isnull = nulls && nulls[i] == 'n';
		p->params[i].pflags = PARAM_FLAG_CONST;
		p->params[i].ptype = types[i];
	}
	return p;
}

/* A receiver for a levels statement's rows. */
static void
InitReceiver(NestReceiver *r, OrmFindLevels *plan, MemoryContext plan_context,
			 StringInfo out)
{
	r->pub.receiveSlot = NestReceive;
	r->pub.rStartup = NestStartup;
	r->pub.rShutdown = NestShutdown;
	r->pub.rDestroy = NestDestroy;
	r->pub.mydest = DestTuplestore;	/* neither SPI's nor discarded */
	r->plan = plan;
	r->plan_context = plan_context;
	r->out = out;
}

/*
 * Runs a levels statement once into r, its kept rows in a fresh context;
 * that of one root row (find_by_pk, find_one, a write's) planned as a
 * point load's (OrmPlanSettings).
 */
static void
RunOnce(NestReceiver *r, SPIPlanPtr splan, ParamListInfo params, bool read_only)
{
	SPIExecuteOptions options = {0};
	MemoryContext caller = CurrentMemoryContext;
	int			jit = OrmPlanSettings(!r->array && r->result == NULL);

	r->rows = AllocSetContextCreate(caller, "orm_models find rows",
									ALLOCSET_DEFAULT_SIZES);
	options.params = params;
	options.read_only = read_only;
	options.dest = &r->pub;
	PG_TRY();
	{
		int			rc = SPI_execute_plan_extended(splan, &options);

		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not run a find statement: %s",
				 SPI_result_code_string(rc));
	}
	PG_CATCH();
	{
		OrmRethrowShortened(caller);
	}
	PG_END_TRY();
	OrmJitRestore(jit);
	MemoryContextDelete(r->rows);
	r->rows = NULL;
}

/* An output buffer that becomes a text value in place: its header first. */
static void
InitOutput(StringInfo out, MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);

	initStringInfo(out);
	appendBinaryStringInfo(out, "\0\0\0\0", VARHDRSZ);
	MemoryContextSwitchTo(old);
}

/*
 * Runs a levels statement (plan, prepared as splan, its values given) and
 * returns its JSON, in result_context: an array of the root's rows
 * (array), or the first one, or NULL when there are none.  plan_context
 * keeps the plan's types.  read_only is false for a write's statement
 * (its rows come from data-modifying CTEs).  The caller has connected to
 * SPI.
 */
text *
OrmRunLevels(OrmFindLevels *plan, MemoryContext plan_context, SPIPlanPtr splan,
			 int nparams, Oid *types, Datum *values, const char *nulls,
			 bool array, bool read_only, MemoryContext result_context,
			 uint64 *rows)
{
	NestReceiver r = {0};
	StringInfoData out;

	InitOutput(&out, result_context);
	if (array)
		appendStringInfoChar(&out, '[');
	InitReceiver(&r, plan, plan_context, &out);
	r.array = array;
	RunOnce(&r, splan, Params(nparams, types, values, nulls), read_only);
	*rows = r.written;
	if (!array && r.written == 0)
	{
		pfree(out.data);
		return NULL;
	}
	if (array)
		appendStringInfoChar(&out, ']');
	SET_VARSIZE(out.data, out.len);
	return (text *) out.data;
}

/* How many root rows find_all_rows writes out of one statement. */
#define ROWS_BATCH 1000

/*
 * find_all_rows: reads the root's keys through a cursor (keys), and for
 * each batch of them runs the levels statement (splan, the batch as its
 * parameter plan->keys_param), putting each root row into result as one
 * json value.  Returns the number of rows.  The caller has connected to
 * SPI.
 */
uint64
OrmRunLevelsRows(OrmFindLevels *plan, MemoryContext plan_context,
				 SPIPlanPtr keys, SPIPlanPtr splan, int nparams, Oid *types,
				 Datum *values, const char *nulls, Tuplestorestate *result,
				 TupleDesc desc)
{
	NestReceiver r = {0};
	StringInfoData out;
	ParamListInfo params = Params(nparams, types, values, nulls);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			jit = OrmJitOff();
	Portal		portal;

	InitOutput(&out, CurrentMemoryContext);
	InitReceiver(&r, plan, plan_context, &out);
	r.result = result;
	r.result_desc = desc;
	get_typlenbyvalalign(plan->keys_type, &typlen, &typbyval, &typalign);
	portal = SPI_cursor_open(NULL, keys, values, nulls, true);
	OrmJitRestore(jit);
	for (;;)
	{
		uint64		n = OrmSpiFetch(portal, ROWS_BATCH);
		SPITupleTable *fetched = SPI_tuptable;	/* the next run resets it */
		Datum	   *batch = palloc(sizeof(Datum) * (n + 1));
		ArrayType  *keys_array = NULL;
		bool		isnull;

		for (uint64 i = 0; i < n; i++)
			batch[i] = SPI_getbinval(fetched->vals[i], fetched->tupdesc, 1, &isnull);
		if (n > 0)
		{
			keys_array = construct_array(batch, (int) n, plan->keys_type,
										 typlen, typbyval, typalign);
			params->params[plan->keys_param].value = PointerGetDatum(keys_array);
			params->params[plan->keys_param].isnull = false;
			RunOnce(&r, splan, params, true);
			pfree(keys_array);
		}
		SPI_freetuptable(fetched);
		pfree(batch);
		if (n < ROWS_BATCH)
			break;
	}
	SPI_cursor_close(portal);
	return r.written;
}
