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
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "orm_models.h"

PG_FUNCTION_INFO_V1(orm_catalog_changed);

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

static MemoryContext cache_context = NULL;
static OrmSchema *cached_schema = NULL;
static HTAB *plan_cache = NULL;
static bool cache_valid = false;
static Oid *linked = NULL;		/* OIDs of synced tables and functions */
static int	nlinked = 0;
static bool links_valid = false;
static uint32 *type_hashes = NULL;	/* of the types the models use */
static int	ntype_hashes = 0;
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
	bool		used = hashvalue == 0;

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

/* Frees the plans and the schema, and starts an empty plan hash. */
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
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(PlanEntry);
	ctl.hash = PlanKeyHash;
	ctl.match = PlanKeyMatch;
	ctl.hcxt = cache_context;
	plan_cache = hash_create("orm_models plans", 64, &ctl,
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
 * The prepared plan of a statement, prepared once and kept until the
 * catalog changes.  PostgreSQL's plan cache replans it by itself when a
 * table it reads changes.  The caller has connected to SPI.  The schema
 * the caller built the statement from is never freed here.
 */
SPIPlanPtr
OrmCachedPlan(const char *sql, int nargs, Oid *argtypes)
{
	PlanEntry  *e;
	bool		found;
	SPIPlanPtr	plan;

	e = cache_valid && plan_cache ?
		hash_search(plan_cache, &sql, HASH_FIND, NULL) : NULL;
	if (e)
		return e->plan;
	plan = SPI_prepare(sql, nargs, argtypes);
	if (plan == NULL)
		elog(ERROR, "could not prepare \"%s\": %s", sql,
			 SPI_result_code_string(SPI_result));
	if (!cache_valid || plan_cache == NULL ||
		hash_get_num_entries(plan_cache) >= MAX_CACHED_PLANS)
		return plan;			/* stale or full cache: use once, keep nothing */
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
