/*
 * catalog.c
 *		The only code that reads or writes the orm.models and
 *		orm.associations tables.
 *
 * The catalog keeps models and associations as written; loading parses and
 * resolves them again, so what the rest of the code sees is always
 * consistent with the rules in model_parse.c and association.c.  All
 * statements are parameterized and schema-qualified.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_catalog.h"

/* The role that owns the catalog tables (the extension's owner). */
static Oid
CatalogOwner(void)
{
	Oid			relid = get_relname_relid("models",
										  get_namespace_oid(ORM_SCHEMA, false));
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Runs one fixed, parameterized catalog statement as the catalog's owner.
 * Callers have checked that the current role may make the change.  An
 * error resets the user at transaction abort.
 */
static int
CatalogExec(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	Oid			save_userid;
	int			save_sec;
	int			n;

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(CatalogOwner(),
						   save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	n = OrmSpiExec(sql, nargs, argtypes, values, NULL, false);
	SetUserIdAndSecContext(save_userid, save_sec);
	return n;
}

/* A column of the current SPI row as a palloc'd C string, or NULL. */
static char *
RowString(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/* A pass-by-value column of an SPI row. */
static Datum
RowValue(int row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col,
						 isnull);
}

/* A varlena column of an SPI row, copied out of SPI memory. */
static Datum
RowDatum(int row, int col, bool *isnull)
{
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row],
								  SPI_tuptable->tupdesc, col, isnull);

	return *isnull ? (Datum) 0 :
		PointerGetDatum(PG_DETOAST_DATUM_COPY(d));
}

/* One row of orm.models, as stored. */
typedef struct ModelRow
{
	char	   *name;
	char	   *table_name;
	text	   *attributes;
	Jsonb	   *options;
	Oid			owner;
	Oid			relid;
	Jsonb	   *columns;
} ModelRow;

/* One row of orm.associations, as stored. */
typedef struct AssocRow
{
	char	   *source;
	char	   *kind;
	char	   *target;
	char	   *alias;
	Jsonb	   *options;
	int			position;
	Oid			function;
} AssocRow;

/* The catalog's rows, read with one snapshot, and what loading them left. */
typedef struct LoadState
{
	ModelRow   *models;
	int			nmodels;
	AssocRow   *assocs;
	int			nassocs;
	List	   *broken;			/* OrmBroken *, found so far */
	OrmSchema  *schema;			/* being built */
	int			row;			/* the row at hand */
} LoadState;

static void
ReadModelRow(ModelRow *r, int row)
{
	bool		isnull;
	Datum		d;

	r->name = RowString(row, 1);
	r->attributes = DatumGetTextPP(RowDatum(row, 2, &isnull));
	r->options = DatumGetJsonbP(RowDatum(row, 3, &isnull));
	r->owner = DatumGetObjectId(RowValue(row, 4, &isnull));
	d = RowValue(row, 5, &isnull);
	r->relid = isnull ? InvalidOid : DatumGetObjectId(d);
	d = RowDatum(row, 6, &isnull);
	r->columns = isnull ? NULL : DatumGetJsonbP(d);
	r->table_name = RowString(row, 7);
}

static void
ReadAssocRow(AssocRow *r, int row)
{
	bool		isnull;
	Datum		d;

	r->source = RowString(row, 1);
	r->kind = RowString(row, 2);
	r->target = RowString(row, 3);
	r->options = DatumGetJsonbP(RowDatum(row, 4, &isnull));
	r->position = DatumGetInt32(RowValue(row, 5, &isnull));
	d = RowValue(row, 6, &isnull);
	r->function = isnull ? InvalidOid : DatumGetObjectId(d);
	r->alias = RowString(row, 7);
}

/* Reads both catalog tables with one snapshot, into the caller's memory. */
static void
ReadCatalog(LoadState *ls)
{
	MemoryContext caller = CurrentMemoryContext;

	OrmSpiConnect();
	/* one snapshot for both tables, that sees this command's own writes */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	OrmSpiExec("SELECT name, attributes::pg_catalog.text, options, "
			   "owner::pg_catalog.oid, relid::pg_catalog.oid, columns, table_name "
			   "FROM orm.models ORDER BY name", 0, NULL, NULL, NULL, true);
	MemoryContextSwitchTo(caller);
	ls->nmodels = (int) SPI_processed;
	ls->models = palloc0(sizeof(ModelRow) * (ls->nmodels + 1));
	for (int i = 0; i < ls->nmodels; i++)
		ReadModelRow(&ls->models[i], i);
	OrmSpiExec("SELECT source, kind, target, options, position, "
			   "function::pg_catalog.oid, alias "
			   "FROM orm.associations ORDER BY position, source, alias",
			   0, NULL, NULL, NULL, true);
	MemoryContextSwitchTo(caller);
	ls->nassocs = (int) SPI_processed;
	ls->assocs = palloc0(sizeof(AssocRow) * (ls->nassocs + 1));
	for (int i = 0; i < ls->nassocs; i++)
		ReadAssocRow(&ls->assocs[i], i);
	PopActiveSnapshot();
	OrmSpiFinish();
}

/*
 * Parses one stored model with its owner's rights: its types, domains and
 * defaults are the owner's, whoever loads the catalog.
 */
static OrmModel *
ParseModelRow(ModelRow *r)
{
	OrmSavedRole saved;
	OrmModel   *m;

	OrmBecomeRole(r->owner, &saved);
	m = OrmParseModel(r->name, OrmJsonToJsonb(r->attributes),
					  OrmJsonKeyOrder(r->attributes), r->options);
	OrmRestoreRole(&saved);
	m->owner = r->owner;
	m->relid = r->relid;
	m->columns = r->columns;
	return m;
}

/* What keeps a model (alias NULL) or an association from loading, or NULL. */
static OrmBroken *
Broken(LoadState *ls, const char *model, const char *alias)
{
	OrmSchema	probe = {.broken = ls->broken};

	return OrmFindBroken(&probe, model, alias);
}

/* Records that a model (alias NULL) or association does not load, and why. */
static void
AddBroken(LoadState *ls, const char *model, const char *alias, Oid owner,
		  ErrorData *error)
{
	OrmBroken  *b = palloc0(sizeof(OrmBroken));

	b->model = pstrdup(model);
	b->alias = alias ? pstrdup(alias) : NULL;
	b->owner = owner;
	b->error = error;
	ls->broken = lappend(ls->broken, b);
}

/* An error that says a model or association fails because another does. */
static ErrorData *
BecauseOf(ErrorData *cause, const char *fmt, const char *model,
		  const char *alias)
{
	ErrorData  *e = palloc(sizeof(ErrorData));

	*e = *cause;
	e->message = alias ?
		psprintf(fmt, model, alias, cause->message) :
		psprintf(fmt, model, cause->message);
	return e;
}

/* The stored model of that name, or NULL. */
static ModelRow *
FindModelRow(LoadState *ls, const char *name)
{
	for (int i = 0; i < ls->nmodels; i++)
		if (strcmp(ls->models[i].name, name) == 0)
			return &ls->models[i];
	return NULL;
}

/*
 * The defined model a belongsToMany's "through" names (as a model or a
 * table name, or as {"model": name}), or NULL.
 */
static ModelRow *
ThroughRow(LoadState *ls, AssocRow *r)
{
	JsonbValue *t = getKeyJsonValueFromContainer(&r->options->root, "through",
												 7, NULL);
	char	   *name;

	if (t && OrmJsonIsObject(t))
		t = getKeyJsonValueFromContainer(t->val.binary.data, "model", 5, NULL);
	if (t == NULL || t->type != jbvString)
		return NULL;
	name = OrmJsonString(t);
	for (int i = 0; i < ls->nmodels; i++)
		if (strcmp(ls->models[i].name, name) == 0 ||
			strcmp(ls->models[i].table_name, name) == 0)
			return &ls->models[i];
	return NULL;
}

/*
 * The model an association adds its foreign key to: belongsTo's source,
 * hasOne's and hasMany's target, a belongsToMany's defined through model
 * (a made-up junction goes with the association).
 */
static ModelRow *
HolderRow(LoadState *ls, AssocRow *r)
{
	if (strcmp(r->kind, "belongsTo") == 0)
		return FindModelRow(ls, r->source);
	if (strcmp(r->kind, "belongsToMany") == 0)
		return ThroughRow(ls, r);
	return FindModelRow(ls, r->target);
}

/*
 * Marks broken every association from or to a broken model, and the model
 * a broken association would give its foreign key (it would lack that
 * column); to a fixpoint.  Associations whose models are not in the
 * catalog at all are left out, as rows left behind by hand.
 */
static void
SpreadBroken(LoadState *ls)
{
	bool		changed = true;

	while (changed)
	{
		changed = false;
		for (int i = 0; i < ls->nassocs; i++)
		{
			AssocRow   *r = &ls->assocs[i];
			ModelRow   *src = FindModelRow(ls, r->source);
			ModelRow   *holder;
			OrmBroken  *cause;

			if (src == NULL || FindModelRow(ls, r->target) == NULL)
				continue;
			if (!Broken(ls, r->source, r->alias))
			{
				cause = Broken(ls, r->source, NULL);
				if (cause == NULL)
					cause = Broken(ls, r->target, NULL);
				if (cause == NULL)
					continue;
				AddBroken(ls, r->source, r->alias, src->owner,
						  BecauseOf(cause->error, "model \"%s\" cannot be loaded: %s",
									cause->model, NULL));
				changed = true;
			}
			holder = HolderRow(ls, r);
			if (holder && Broken(ls, r->source, r->alias) &&
				!Broken(ls, holder->name, NULL))
			{
				cause = Broken(ls, r->source, r->alias);
				AddBroken(ls, holder->name, NULL, holder->owner,
						  BecauseOf(cause->error,
									"its association \"%s.%s\" cannot be loaded: %s",
									r->source, r->alias));
				changed = true;
			}
		}
	}
}

/* The steps of building a schema, each one callable through OrmTry. */
static void
StepParseModel(void *arg)
{
	LoadState  *ls = arg;

	ls->schema->models = lappend(ls->schema->models,
								 ParseModelRow(&ls->models[ls->row]));
}

static void
StepParseAssociation(void *arg)
{
	LoadState  *ls = arg;
	AssocRow   *r = &ls->assocs[ls->row];
	OrmAssociation *a;

	a = OrmParseAssociation(OrmFindModel(ls->schema, r->source), r->kind,
							OrmFindModel(ls->schema, r->target), r->options);
	a->position = r->position;
	a->function = r->function;
	a->raw_options = r->options;
	ls->schema->associations = lappend(ls->schema->associations, a);
}

static void
StepResolve(void *arg)
{
	OrmResolveSchema(((LoadState *) arg)->schema);
}

/* Runs a step: in a subtransaction that keeps its error when guarded. */
static ErrorData *
Step(LoadState *ls, void (*step) (void *), bool guarded)
{
	if (guarded)
		return OrmTry(step, ls);
	step(ls);
	return NULL;
}

/*
 * Records what a failed step tells: the model or association it was at
 * (or the models resolving was at), then what follows from it.  An error
 * that names nothing is raised.
 */
static void
RecordFailure(LoadState *ls, ErrorData *e, ModelRow *model, AssocRow *assoc)
{
	int			before = list_length(ls->broken);
	ListCell   *lc;

	if (model)
		AddBroken(ls, model->name, NULL, model->owner, e);
	else if (assoc)
		AddBroken(ls, assoc->source, assoc->alias,
				  FindModelRow(ls, assoc->source)->owner, e);
	else
		foreach(lc, ls->schema->resolving)
		{
			OrmModel   *m = lfirst(lc);

			if (!m->is_junction && !Broken(ls, m->name, NULL))
				AddBroken(ls, m->name, NULL, m->owner, e);
		}
	if (list_length(ls->broken) == before)
		ReThrowError(e);
	SpreadBroken(ls);
}

/*
 * One attempt at building the schema from every model and association not
 * known to be broken.  Unguarded, any error is raised.  Guarded, each step
 * runs in a subtransaction, and the attempt returns false when it found
 * one more broken thing: the models it built may be half-resolved, and the
 * caller starts again.
 */
static bool
BuildSchema(LoadState *ls, bool guarded)
{
	ErrorData  *e;

	ls->schema = palloc0(sizeof(OrmSchema));
	for (ls->row = 0; ls->row < ls->nmodels; ls->row++)
	{
		ModelRow   *r = &ls->models[ls->row];

		if (Broken(ls, r->name, NULL))
			continue;
		if ((e = Step(ls, StepParseModel, guarded)) != NULL)
		{
			RecordFailure(ls, e, r, NULL);
			return false;
		}
	}
	for (ls->row = 0; ls->row < ls->nassocs; ls->row++)
	{
		AssocRow   *r = &ls->assocs[ls->row];

		if (OrmFindModel(ls->schema, r->source) == NULL ||
			OrmFindModel(ls->schema, r->target) == NULL ||
			Broken(ls, r->source, r->alias))
			continue;
		if ((e = Step(ls, StepParseAssociation, guarded)) != NULL)
		{
			RecordFailure(ls, e, NULL, r);
			return false;
		}
	}
	if ((e = Step(ls, StepResolve, guarded)) != NULL)
	{
		RecordFailure(ls, e, NULL, NULL);
		return false;
	}
	return true;
}

/*
 * Until AtEOXact_GUC(true, level), warnings are neither sent nor logged:
 * parsing a stored model again says nothing its define did not say (a
 * type's precision reduced...), once per load, to every caller.
 */
static int
BeQuiet(void)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("client_min_messages", "error", PGC_SUSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("log_min_messages", "error", PGC_SUSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/* The whole catalog in one go, as OrmTry runs it. */
static void
BuildAll(void *arg)
{
	BuildSchema(arg, false);
}

/*
 * Loads, parses and resolves the whole catalog.  The result lives in the
 * caller's memory context.  A model that cannot be loaded (a type it names
 * is gone, a schema its owner may no longer use...) is left out and listed
 * in schema->broken with its error, with every association from or to it
 * and every model such an association gives a foreign key: one model never
 * keeps the others from loading.  The catalog is loaded in one
 * subtransaction; only when that fails is it loaded again step by step.
 */
OrmSchema *
OrmLoadSchema(void)
{
	LoadState	ls = {0};
	int			quiet;

	ReadCatalog(&ls);
	quiet = BeQuiet();
	if (OrmTry(BuildAll, &ls) != NULL)
		while (!BuildSchema(&ls, true))
			CHECK_FOR_INTERRUPTS();
	AtEOXact_GUC(true, quiet);
	ls.schema->broken = ls.broken;
	OrmFollowLiveTables(ls.schema);
	return ls.schema;
}

/* Fails unless the current role may change a model owned by owner. */
void
OrmCheckOwner(const char *model, Oid owner)
{
	if (!has_privs_of_role(GetUserId(), owner))
		ereport(ERROR,
				errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				errmsg("must be owner of model \"%s\"", model),
				GetUserNameFromId(owner, true) ?
				errdetail("Model \"%s\" belongs to role \"%s\".", model,
						  GetUserNameFromId(owner, true)) :
				errdetail("Model \"%s\" belongs to a role that no longer exists (OID %u).",
						  model, owner));
}

/* The owner of a stored model, or InvalidOid when there is none. */
static Oid
StoredOwner(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(name)};
	Oid			owner = InvalidOid;
	bool		isnull;

	if (CatalogExec("SELECT owner::pg_catalog.oid FROM orm.models "
					"WHERE name OPERATOR(pg_catalog.=) $1 FOR UPDATE",
					1, argtypes, values) > 0)
		owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
											   SPI_tuptable->tupdesc, 1,
											   &isnull));
	return owner;
}

/*
 * The owner of a stored model, its row locked until the end of the
 * transaction, or InvalidOid when there is none.
 */
Oid
OrmStoredModelOwner(const char *name)
{
	Oid			owner;

	OrmSpiConnect();
	owner = StoredOwner(name);
	OrmSpiFinish();
	return owner;
}

/*
 * Adds or replaces a model, as written; the caller has parsed it.  A model
 * that exists keeps its owner and its link to its table.  The owner is
 * checked again on the row written: a model another session defined under
 * the same name meanwhile is not taken over.
 */
void
OrmStoreModel(OrmModel *model, text *attributes, Jsonb *options)
{
	Oid			argtypes[6] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, OIDOID};
	Datum		values[6];
	Oid			owner;
	bool		isnull;

	if (options == NULL)
		options = DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
													 CStringGetDatum("{}")));
	values[0] = CStringGetTextDatum(model->name);
	values[1] = CStringGetTextDatum(model->table_name);
	values[2] = CStringGetTextDatum(model->schema);
	values[3] = PointerGetDatum(attributes);
	values[4] = JsonbPGetDatum(options);
	values[5] = ObjectIdGetDatum(GetUserId());
	OrmSpiConnect();
	owner = StoredOwner(model->name);
	if (OidIsValid(owner))
		OrmCheckOwner(model->name, owner);
	CatalogExec("INSERT INTO orm.models "
				"(name, table_name, schema_name, attributes, options, owner) "
				"VALUES ($1, $2, $3, $4::pg_catalog.json, $5, "
				"$6::pg_catalog.oid::pg_catalog.regrole) "
				"ON CONFLICT (name) DO UPDATE SET "
				"table_name = EXCLUDED.table_name, "
				"schema_name = EXCLUDED.schema_name, "
				"attributes = EXCLUDED.attributes, "
				"options = EXCLUDED.options, "
				"defined_at = EXCLUDED.defined_at "
				"RETURNING owner::pg_catalog.oid",
				6, argtypes, values);
	owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	OrmCheckOwner(model->name, owner);
	OrmSpiFinish();
}

/* Adds an association, last in declaration order. */
void
OrmStoreAssociation(OrmAssociation *assoc, Jsonb *options)
{
	Oid			argtypes[6] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, OIDOID};
	Datum		values[6];

	values[0] = CStringGetTextDatum(assoc->source->name);
	values[1] = CStringGetTextDatum(assoc->alias);
	values[2] = CStringGetTextDatum(OrmAssocKindName(assoc->kind));
	values[3] = CStringGetTextDatum(assoc->target->name);
	values[4] = JsonbPGetDatum(options);
	values[5] = ObjectIdGetDatum(GetUserId());
	OrmSpiConnect();
	/* both models must still exist: a concurrent undefine holds their rows */
	if (CatalogExec("SELECT 1 FROM orm.models WHERE name OPERATOR(pg_catalog.=) $1 "
					"OR name OPERATOR(pg_catalog.=) $4 FOR SHARE",
					6, argtypes, values) < (assoc->source == assoc->target ? 1 : 2))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("model \"%s\" or \"%s\" was undefined concurrently",
					   assoc->source->name, assoc->target->name));
	CatalogExec("LOCK TABLE orm.associations IN SHARE ROW EXCLUSIVE MODE",
				0, NULL, NULL);
	CatalogExec("INSERT INTO orm.associations "
				"(source, alias, kind, target, options, position, owner) "
				"SELECT $1, $2, $3, $4, $5, "
				"COALESCE(pg_catalog.max(position), 0) OPERATOR(pg_catalog.+) 1, "
				"$6::pg_catalog.oid::pg_catalog.regrole FROM orm.associations",
				6, argtypes, values);
	OrmSpiFinish();
}

/*
 * Files an association whose alias a later one takes (Sequelize's
 * source.associations[alias] is replaced) under "<alias>#<position>",
 * leaving the alias, and the relationship function, to the later one.
 */
void
OrmShadowAssociation(OrmAssociation *assoc)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	values[0] = CStringGetTextDatum(assoc->source->name);
	values[1] = CStringGetTextDatum(assoc->alias);
	OrmSpiConnect();
	CatalogExec("UPDATE orm.associations SET "
				"alias = alias OPERATOR(pg_catalog.||) '#' "
				"OPERATOR(pg_catalog.||) position::pg_catalog.text, function = NULL "
				"WHERE source OPERATOR(pg_catalog.=) $1 AND alias OPERATOR(pg_catalog.=) $2",
				2, argtypes, values);
	OrmSpiFinish();
}

/*
 * Drops the relationship functions (and count functions) of the
 * associations from or to a model, before the model goes.  Each is dropped
 * with the rights of its owner, the owner of its association's source (sync
 * made it so): the model's owner may undefine it whatever associations
 * other roles' models declared.
 */
static void
DropRelationshipFunctions(const char *model)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	List	   *stmts = NIL;
	List	   *owners = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	values[0] = CStringGetTextDatum(model);
	values[1] = CStringGetTextDatum(ORM_COUNT_BODY_PREFIX);
	OrmSpiConnect();
	/* only functions that exist: a dropped one's regprocedure is a bare OID */
	OrmSpiExec("SELECT pg_catalog.format('DROP FUNCTION IF EXISTS %s', a.function), "
			   "p.proowner FROM orm.associations a JOIN pg_catalog.pg_proc p "
			   "ON p.oid OPERATOR(pg_catalog.=) a.function::pg_catalog.oid "
			   "WHERE a.source OPERATOR(pg_catalog.=) $1 OR a.target OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		stmts = lappend(stmts, RowString(i, 1));
		owners = lappend_oid(owners, DatumGetObjectId(RowValue(i, 2, &isnull)));
	}

	/*
	 * and the to-many ones' count functions (not in the catalog): named
	 * <alias>_count, taking a source row, in the schema of the relationship
	 * function or of the source table, with a count function's body and
	 * the source model's owner (sync made them so; any other is not ours)
	 */
	OrmSpiExec("SELECT pg_catalog.format('DROP FUNCTION IF EXISTS %s', "
			   "p.oid::pg_catalog.regprocedure), p.proowner "
			   "FROM orm.associations a JOIN orm.models s "
			   "ON s.name OPERATOR(pg_catalog.=) a.source "
			   "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) s.relid::pg_catalog.oid "
			   "JOIN pg_catalog.pg_proc p "
			   "ON p.proname OPERATOR(pg_catalog.=) "
			   "(a.alias OPERATOR(pg_catalog.||) '_count')::pg_catalog.name "
			   "AND p.pronargs OPERATOR(pg_catalog.=) 1 "
			   "AND p.proargtypes[0] OPERATOR(pg_catalog.=) c.reltype "
			   "AND p.proowner OPERATOR(pg_catalog.=) s.owner::pg_catalog.oid "
			   "AND pg_catalog.starts_with(p.prosrc, $2) "
			   "AND (p.pronamespace OPERATOR(pg_catalog.=) c.relnamespace OR "
			   "p.pronamespace OPERATOR(pg_catalog.=) (SELECT f.pronamespace "
			   "FROM pg_catalog.pg_proc f "
			   "WHERE f.oid OPERATOR(pg_catalog.=) a.function::pg_catalog.oid)) "
			   "WHERE (a.source OPERATOR(pg_catalog.=) $1 OR a.target OPERATOR(pg_catalog.=) $1) "
			   "AND a.kind OPERATOR(pg_catalog.=) ANY ('{hasMany,belongsToMany}')",
			   2, argtypes, values, NULL, false);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		bool		isnull;

		stmts = lappend(stmts, RowString(i, 1));
		owners = lappend_oid(owners, DatumGetObjectId(RowValue(i, 2, &isnull)));
	}
	forboth(lc, stmts, lc2, owners)
	{
		OrmSavedRole saved;

		OrmBecomeRole(lfirst_oid(lc2), &saved);
		OrmSpiExec(lfirst(lc), 0, NULL, NULL, NULL, false);
		OrmRestoreRole(&saved);
	}
	OrmSpiFinish();
}

/* Removes a model and the associations from or to it. */
void
OrmDeleteModel(const char *name)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(name)};
	Oid			owner;

	OrmSpiConnect();
	owner = StoredOwner(name);
	if (!OidIsValid(owner))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("model \"%s\" does not exist", name));
	OrmCheckOwner(name, owner);
	DropRelationshipFunctions(name);
	CatalogExec("DELETE FROM orm.associations WHERE source OPERATOR(pg_catalog.=) $1 "
				"OR target OPERATOR(pg_catalog.=) $1", 1, argtypes, values);
	CatalogExec("DELETE FROM orm.models WHERE name OPERATOR(pg_catalog.=) $1",
				1, argtypes, values);
	OrmSpiFinish();
}

/* Links a model to its live table and records its columns' numbers. */
void
OrmLinkModel(OrmModel *m, Oid relid)
{
	Oid			argtypes[5] = {TEXTOID, OIDOID, JSONBOID, TEXTOID, TEXTOID};
	Datum		values[5];

	values[0] = CStringGetTextDatum(m->name);
	values[1] = ObjectIdGetDatum(relid);
	values[2] = JsonbPGetDatum(OrmColumnsMap(m, relid));
	values[3] = CStringGetTextDatum(get_rel_name(relid));
	values[4] = CStringGetTextDatum(get_namespace_name(get_rel_namespace(relid)));
	OrmSpiConnect();
	CatalogExec("UPDATE orm.models SET relid = $2::pg_catalog.regclass, "
				"columns = $3, table_name = $4, schema_name = $5 "
				"WHERE name OPERATOR(pg_catalog.=) $1 AND "
				"(relid IS NULL OR relid::pg_catalog.oid OPERATOR(pg_catalog.<>) $2 "
				"OR columns IS NULL OR columns OPERATOR(pg_catalog.<>) $3 "
				"OR table_name OPERATOR(pg_catalog.<>) $4 "
				"OR schema_name OPERATOR(pg_catalog.<>) $5)",
				5, argtypes, values);
	OrmSpiFinish();
}

/* Records the relationship function sync made for an association. */
void
OrmSetAssociationFunction(OrmAssociation *assoc, Oid funcid)
{
	Oid			argtypes[3] = {TEXTOID, TEXTOID, OIDOID};
	Datum		values[3];

	values[0] = CStringGetTextDatum(assoc->source->name);
	values[1] = CStringGetTextDatum(assoc->alias);
	values[2] = ObjectIdGetDatum(funcid);
	OrmSpiConnect();
	CatalogExec("UPDATE orm.associations SET function = $3::pg_catalog.regprocedure "
				"WHERE source OPERATOR(pg_catalog.=) $1 "
				"AND alias OPERATOR(pg_catalog.=) $2 AND (function IS NULL OR "
				"function::pg_catalog.oid OPERATOR(pg_catalog.<>) $3)",
				3, argtypes, values);
	OrmSpiFinish();
}

/*
 * The event triggers' writes: unlink dropped tables and functions (oids,
 * an oid[]), and refresh the names of linked tables (all of them, or those
 * in oids) and of their columns.  The caller is connected to SPI.
 */
void
OrmUnlinkDropped(Datum oids)
{
	Oid			argtypes[1] = {OIDARRAYOID};

	CatalogExec("UPDATE orm.models SET relid = NULL, columns = NULL "
				"WHERE relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
				1, argtypes, &oids);
	CatalogExec("UPDATE orm.associations SET function = NULL "
				"WHERE function::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1)",
				1, argtypes, &oids);
}

void
OrmRefreshLinkedNames(Datum oids)
{
	Oid			argtypes[1] = {OIDARRAYOID};
	bool		all = oids == (Datum) 0;

	CatalogExec(psprintf("UPDATE orm.models m SET table_name = c.relname, "
						 "schema_name = n.nspname, columns = pg_catalog.jsonb_set(m.columns, '{names}', "
						 "COALESCE((SELECT pg_catalog.jsonb_object_agg(e.key, a.attname) "
						 "FROM pg_catalog.jsonb_each_text(m.columns OPERATOR(pg_catalog.->) 'attnums') e "
						 "JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid "
						 "AND a.attnum OPERATOR(pg_catalog.=) e.value::pg_catalog.int2 "
						 "AND NOT a.attisdropped), '{}')) "
						 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
						 "ON n.oid OPERATOR(pg_catalog.=) c.relnamespace "
						 "WHERE m.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.oid "
						 "AND m.columns IS NOT NULL %s",
						 all ? "" : "AND c.oid OPERATOR(pg_catalog.=) ANY ($1)"),
				all ? 0 : 1, argtypes, &oids);
}
