/*
 * cache.c
 *		Per-backend caches of the resolved catalog and of prepared plans.
 *
 * Loading the catalog parses and resolves every model; find_* calls would
 * pay that on every request, so the result is kept in a memory context of
 * its own, with the plans of the statements built from it.  Both are
 * dropped whenever the catalog changes, in this session or another: a
 * statement trigger on orm.models and orm.associations sends a relcache
 * invalidation for the table, which every backend receives at its next
 * transaction (as ri_triggers.c and Citus do), and the callback below only
 * marks the caches stale; they are rebuilt on next use.
 *
 * A find call's statement is kept too, keyed by the function, the model
 * and the query document's bytes (jsonb is stored normalized, so the same
 * query is the same bytes): a repeated call skips parsing the query and
 * building the SQL, and runs the kept plan with the kept values.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "orm_util.h"
#include "orm_sql.h"
#include "orm_catalog.h"

PG_FUNCTION_INFO_V1(orm_catalog_changed);

static void ResetStatements(void);
static SPIPlanPtr KeepPlan(const char *sql, int nargs, Oid *argtypes,
						   bool *kept);

/*
 * Plans kept per backend: the statement shapes an application uses are
 * few; a stream of ever-new shapes must not grow a backend without bound.
 */
#define MAX_CACHED_PLANS 1024

typedef struct PlanEntry
{
	char	   *sql;			/* key: the statement text */
	SPIPlanPtr	plan;
} PlanEntry;

typedef struct StatementKey
{
	const char *bytes;			/* kind, model name, NUL, query's jsonb */
	Size		len;
} StatementKey;

typedef struct StatementEntry
{
	StatementKey key;
	OrmStatement *statement;
} StatementEntry;

static MemoryContext cache_context = NULL;
static MemoryContext statement_context = NULL;	/* child of cache_context */
static HTAB *statement_cache = NULL;
static OrmSchema *cached_schema = NULL;
static HTAB *plan_cache = NULL;
static bool cache_valid = false;
static Oid *linked = NULL;		/* OIDs of synced tables and functions */
static int	nlinked = 0;
static bool links_valid = false;
static uint32 *type_hashes = NULL;	/* of the types the models use */
static int	ntype_hashes = 0;
static bool any_type = false;	/* every type change counts: a model that
								 * cannot be loaded may name the new one */
static Oid	models_relid = InvalidOid;
static Oid	associations_relid = InvalidOid;

/* Marks the caches stale when a catalog table (or everything) changed. */
static void
CatalogInvalidated(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == models_relid ||
		relid == associations_relid)
		cache_valid = links_valid = false;
	else if (cache_valid && cached_schema)
	{
		ListCell   *lc;

		foreach(lc, cached_schema->models)	/* a synced table renamed */
			if (((OrmModel *) lfirst(lc))->relid == relid)
				cache_valid = false;
	}
}

/*
 * Marks the caches stale when a type the models use changes: the resolved
 * models hold type OIDs, and a dropped or altered type must not reach a
 * cached statement.  Other types (every table's row type, temporary ones
 * included) change all the time and are ignored.
 */
static void
TypeInvalidated(Datum arg, int cacheid, uint32 hashvalue)
{
	bool		used = hashvalue == 0 || any_type;

	for (int i = 0; !used && i < ntype_hashes; i++)
		used = type_hashes[i] == hashvalue;
	if (!used)
		return;					/* a type no model uses: a temp table's, say */
	cache_valid = false;
	OrmResetOperatorCache();
}

/*
 * Remembers the syscache hash values of the types the cached models use,
 * so that only a change of one of them drops the caches.
 */
static void
RememberTypes(OrmSchema *schema)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, schema->models)
		n += list_length(((OrmModel *) lfirst(lc))->attributes);
	type_hashes = MemoryContextAlloc(cache_context, sizeof(uint32) * (n + 1));
	ntype_hashes = 0;
	any_type = schema->broken != NIL;
	foreach(lc, schema->models)
	{
		ListCell   *lc2;

		foreach(lc2, ((OrmModel *) lfirst(lc))->attributes)
		{
			Oid			typid = ((OrmAttribute *) lfirst(lc2))->typid;

			if (OidIsValid(typid))
				type_hashes[ntype_hashes++] =
					GetSysCacheHashValue1(TYPEOID, ObjectIdGetDatum(typid));
		}
	}
}

/* Registers the invalidation callbacks; called once, from _PG_init. */
void
OrmInitCache(void)
{
	CacheRegisterRelcacheCallback(CatalogInvalidated, (Datum) 0);
	CacheRegisterSyscacheCallback(TYPEOID, TypeInvalidated, (Datum) 0);
}

static uint32
PlanKeyHash(const void *key, Size keysize)
{
	const char *sql = *(const char *const *) key;

	return hash_bytes((const unsigned char *) sql, strlen(sql));
}

static int
PlanKeyMatch(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(const char *const *) key1, *(const char *const *) key2);
}

static uint32
StatementKeyHash(const void *key, Size keysize)
{
	const StatementKey *k = key;

	return hash_bytes((const unsigned char *) k->bytes, (int) k->len);
}

static int
StatementKeyMatch(const void *key1, const void *key2, Size keysize)
{
	const StatementKey *a = key1;
	const StatementKey *b = key2;

	return a->len == b->len ? memcmp(a->bytes, b->bytes, a->len) : 1;
}

/* Frees the plans and the schema, and starts empty plan hashes. */
static void
ResetCaches(void)
{
	HASHCTL		ctl = {0};

	if (plan_cache)
	{
		HASH_SEQ_STATUS status;
		PlanEntry  *e;

		hash_seq_init(&status, plan_cache);
		while ((e = hash_seq_search(&status)) != NULL)
			SPI_freeplan(e->plan);
	}
	if (cache_context == NULL)
		cache_context = AllocSetContextCreate(CacheMemoryContext,
											  "orm_models cache",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(cache_context);
	cached_schema = NULL;
	type_hashes = NULL;
	ntype_hashes = 0;
	any_type = false;
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(PlanEntry);
	ctl.hash = PlanKeyHash;
	ctl.match = PlanKeyMatch;
	ctl.hcxt = cache_context;
	plan_cache = hash_create("orm_models plans", 64, &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
							 HASH_CONTEXT);
	statement_context = AllocSetContextCreate(cache_context,
											  "orm_models statements",
											  ALLOCSET_DEFAULT_SIZES);
	ResetStatements();
}

/*
 * Starts an empty statement hash.  Statements are keyed by their values
 * too, so a stream of one-off queries fills it: then it starts over (the
 * plans, keyed by statement text, stay).
 */
static void
ResetStatements(void)
{
	HASHCTL		ctl = {0};

	MemoryContextReset(statement_context);
	ctl.keysize = sizeof(StatementKey);
	ctl.entrysize = sizeof(StatementEntry);
	ctl.hash = StatementKeyHash;
	ctl.match = StatementKeyMatch;
	ctl.hcxt = statement_context;
	statement_cache = hash_create("orm_models statements", 64, &ctl,
								  HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
								  HASH_CONTEXT);
}

/* Finds the catalog tables, whose changes invalidate the caches. */
static void
FindCatalogTables(void)
{
	Oid			nsp = get_namespace_oid(ORM_SCHEMA, false);

	models_relid = get_relname_relid("models", nsp);
	associations_relid = get_relname_relid("associations", nsp);
}

/*
 * Whether an object is a synced table or relationship function: the event
 * triggers' first question about every dropped or altered object, so the
 * answer is cached (with a plain catalog query, no model parsing: a model
 * that no longer parses must not make DDL fail).
 */
bool
OrmIsLinked(Oid objid)
{
	if (!links_valid)
	{
		if (cache_context == NULL)
			ResetCaches();
		FindCatalogTables();
		OrmSpiConnect();
		OrmSpiExec("SELECT relid::pg_catalog.oid FROM orm.models WHERE relid IS NOT NULL "
				   "UNION ALL SELECT function::pg_catalog.oid FROM orm.associations "
				   "WHERE function IS NOT NULL", 0, NULL, NULL, NULL, true);
		if (linked)
			pfree(linked);
		linked = MemoryContextAlloc(CacheMemoryContext,
									sizeof(Oid) * (SPI_processed + 1));
		nlinked = (int) SPI_processed;
		for (int i = 0; i < nlinked; i++)
		{
			bool		isnull;

			linked[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i],
													   SPI_tuptable->tupdesc,
													   1, &isnull));
		}
		OrmSpiFinish();
		links_valid = true;
	}
	for (int i = 0; i < nlinked; i++)
		if (linked[i] == objid)
			return true;
	return false;
}

/* Whether anything is synced at all: DDL elsewhere costs nothing then. */
bool
OrmHasLinks(void)
{
	(void) OrmIsLinked(InvalidOid);
	return nlinked > 0;
}

/* The resolved catalog, loaded once per catalog change. */
OrmSchema *
OrmCachedSchema(void)
{
	MemoryContext old;

	if (cache_valid && cached_schema)
		return cached_schema;
	ResetCaches();
	FindCatalogTables();
	cache_valid = true;
	old = MemoryContextSwitchTo(cache_context);
	PG_TRY();
	{
		cached_schema = OrmLoadSchema();
		RememberTypes(cached_schema);
	}
	PG_CATCH();
	{
		cache_valid = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(old);
	return cached_schema;
}

/*
 * The plan of a statement text, from the plan cache (or used once when it
 * is stale or full).  The caller has connected to SPI.
 */
SPIPlanPtr
OrmSqlPlan(const char *sql, int nargs, Oid *argtypes)
{
	bool		kept;

	return KeepPlan(sql, nargs, argtypes, &kept);
}

/*
 * A statement's plan: kept in the statement once the plan cache keeps it.
 * The caller has connected to SPI.
 */
SPIPlanPtr
OrmStatementPlan(OrmStatement *st)
{
	bool		kept;
	SPIPlanPtr	plan;

	if (st->plan)
		return st->plan;
	plan = KeepPlan(st->sql, st->params.count, st->params.types, &kept);
	if (kept && st->kept)
		st->plan = plan;
	return plan;
}

/*
 * The key of a call's statement, in the current memory context: the
 * function, what else the statement depends on (variant), the model, and
 * key's bytes (a find's query document, a write's options and shape).
 */
static StatementKey
MakeStatementKey(OrmCallKind kind, int variant, const char *model,
				 const char *bytes, Size len)
{
	StringInfoData buf;
	StatementKey key;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, (char) kind);
	appendStringInfoChar(&buf, (char) variant);
	appendBinaryStringInfo(&buf, model, strlen(model) + 1);
	if (bytes)
		appendBinaryStringInfo(&buf, bytes, len);
	key.bytes = buf.data;
	key.len = buf.len;
	return key;
}

/* The kept statement of a call, by its key's bytes, or NULL. */
OrmStatement *
OrmLookupStatementKey(OrmCallKind kind, int variant, const char *model,
					  const char *bytes, Size len)
{
	StatementKey key;
	StatementEntry *e;

	if (!cache_valid || statement_cache == NULL)
		return NULL;
	key = MakeStatementKey(kind, variant, model, bytes, len);
	e = hash_search(statement_cache, &key, HASH_FIND, NULL);
	pfree((char *) key.bytes);
	return e ? e->statement : NULL;
}

/* The kept statement of a find call, or NULL. */
OrmStatement *
OrmLookupStatement(OrmCallKind kind, int variant, const char *model,
				   Jsonb *query)
{
	return OrmLookupStatementKey(kind, variant, model,
								 query ? VARDATA_ANY(query) : NULL,
								 query ? VARSIZE_ANY_EXHDR(query) : 0);
}

/*
 * Keeps a call's statement (sql, params, models) until the catalog
 * changes, copied into the cache; returns the kept copy, or st itself when
 * the cache is stale or full.  The key parameter's value and a write's
 * data are set per call.
 */
OrmStatement *
OrmKeepStatementKey(OrmCallKind kind, int variant, const char *model,
					const char *bytes, Size len, OrmStatement *st)
{
	MemoryContext old;
	StatementKey key;
	StatementEntry *e;
	OrmStatement *copy;
	OrmParams  *p;

	if (!cache_valid || statement_cache == NULL)
		return st;
	if (hash_get_num_entries(statement_cache) >= MAX_CACHED_PLANS)
		ResetStatements();
	old = MemoryContextSwitchTo(statement_context);
	key = MakeStatementKey(kind, variant, model, bytes, len);
	copy = palloc(sizeof(OrmStatement));
	*copy = *st;
	copy->sql = pstrdup(st->sql);
	copy->models = list_copy(st->models);
	copy->kept = true;
	if (st->levels_context)		/* the levels are kept as they are */
		MemoryContextSetParent(st->levels_context, statement_context);
	p = &copy->params;
	p->capacity = Max(p->count, 1);
	p->types = palloc(sizeof(Oid) * p->capacity);
	p->values = palloc(sizeof(Datum) * p->capacity);
	p->nulls = palloc(p->capacity);
	for (int i = 0; i < p->count; i++)
	{
		int16		typlen;
		bool		typbyval;

		p->types[i] = st->params.types[i];
		p->nulls[i] = st->params.nulls[i];
		get_typlenbyval(p->types[i], &typlen, &typbyval);
		p->values[i] = p->nulls[i] == 'n' || i == st->key_param ||
			i < st->call_params ? (Datum) 0 :
			datumCopy(st->params.values[i], typbyval, typlen);
	}
	e = hash_search(statement_cache, &key, HASH_ENTER, NULL);
	e->statement = copy;
	MemoryContextSwitchTo(old);
	return copy;
}

/* Keeps a find call's statement: OrmKeepStatementKey by its query. */
OrmStatement *
OrmKeepStatement(OrmCallKind kind, int variant, const char *model, Jsonb *query,
				 OrmStatement *st)
{
	return OrmKeepStatementKey(kind, variant, model,
							   query ? VARDATA_ANY(query) : NULL,
							   query ? VARSIZE_ANY_EXHDR(query) : 0, st);
}

/*
 * The plan of a statement text from the plan hash, or prepared and kept
 * there until the catalog changes (*kept says which).  PostgreSQL's plan
 * cache replans it by itself when a table it reads changes.
 */
static SPIPlanPtr
KeepPlan(const char *sql, int nargs, Oid *argtypes, bool *kept)
{
	PlanEntry  *e;
	bool		found;
	SPIPlanPtr	plan;

	*kept = true;
	e = cache_valid && plan_cache ?
		hash_search(plan_cache, &sql, HASH_FIND, NULL) : NULL;
	if (e)
		return e->plan;
	plan = OrmSpiPrepare(sql, nargs, argtypes);
	if (!cache_valid || plan_cache == NULL ||
		hash_get_num_entries(plan_cache) >= MAX_CACHED_PLANS)
	{
		*kept = false;
		return plan;			/* stale or full cache: use once, keep nothing */
	}
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "could not keep a plan");
	sql = MemoryContextStrdup(cache_context, sql);
	e = hash_search(plan_cache, &sql, HASH_ENTER, &found);
	e->plan = plan;
	return plan;
}

/*
 * Statement trigger on the catalog tables: tells every backend, at commit,
 * that its caches are stale.
 */
Datum
orm_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				errmsg("orm.catalog_changed must be called as a trigger"));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
