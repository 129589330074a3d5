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
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "orm_models.h"

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

/* Parses one row of orm.models: name, attributes, options, owner, relid. */
static OrmModel *
ModelFromRow(int row)
{
	bool		isnull;
	char	   *name = RowString(row, 1);
	text	   *attributes = DatumGetTextPP(RowDatum(row, 2, &isnull));
	Jsonb	   *options = DatumGetJsonbP(RowDatum(row, 3, &isnull));
	Datum		columns;
	OrmModel   *m;

	m = OrmParseModel(name, OrmJsonToJsonb(attributes),
					  OrmJsonKeyOrder(attributes), options);
	m->owner = DatumGetObjectId(RowValue(row, 4, &isnull));
	m->relid = DatumGetObjectId(RowValue(row, 5, &isnull));
	if (isnull)
		m->relid = InvalidOid;
	columns = RowDatum(row, 6, &isnull);
	m->columns = isnull ? NULL : DatumGetJsonbP(columns);
	return m;
}

/* Parses one row of orm.associations: source, kind, target, options. */
static OrmAssociation *
AssociationFromRow(OrmSchema *schema, int row)
{
	bool		isnull;
	OrmModel   *source = OrmFindModel(schema, RowString(row, 1));
	char	   *kind = RowString(row, 2);
	OrmModel   *target = OrmFindModel(schema, RowString(row, 3));
	Jsonb	   *options = DatumGetJsonbP(RowDatum(row, 4, &isnull));
	OrmAssociation *a;

	if (source == NULL || target == NULL)
		return NULL;			/* left behind by hand: nothing to resolve */
	a = OrmParseAssociation(source, kind, target, options);
	a->position = DatumGetInt32(RowValue(row, 5, &isnull));
	a->function = DatumGetObjectId(RowValue(row, 6, &isnull));
	if (isnull)
		a->function = InvalidOid;
	a->raw_options = options;
	return a;
}

/*
 * Loads, parses and resolves the whole catalog.  The result lives in the
 * caller's memory context.
 */
OrmSchema *
OrmLoadSchema(void)
{
	MemoryContext caller = CurrentMemoryContext;
	OrmSchema  *schema = palloc0(sizeof(OrmSchema));

	OrmSpiConnect();
	/* one snapshot for both tables, that sees this command's own writes */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	OrmSpiExec("SELECT name, attributes::pg_catalog.text, options, "
			   "owner::pg_catalog.oid, relid::pg_catalog.oid, columns "
			   "FROM orm.models ORDER BY name", 0, NULL, NULL, NULL, true);
	MemoryContextSwitchTo(caller);
	for (uint64 i = 0; i < SPI_processed; i++)
		schema->models = lappend(schema->models, ModelFromRow(i));
	OrmSpiExec("SELECT source, kind, target, options, position, "
			   "function::pg_catalog.oid "
			   "FROM orm.associations ORDER BY position, source, alias",
			   0, NULL, NULL, NULL, true);
	MemoryContextSwitchTo(caller);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		OrmAssociation *a = AssociationFromRow(schema, i);

		if (a)
			schema->associations = lappend(schema->associations, a);
	}
	PopActiveSnapshot();
	OrmSpiFinish();
	OrmResolveSchema(schema);
	OrmFollowLiveTables(schema);
	return schema;
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
 * Adds or replaces a model, as written; the caller has parsed it.  A model
 * that exists keeps its owner and its link to its table.
 */
void
OrmStoreModel(OrmModel *model, text *attributes, Jsonb *options)
{
	Oid			argtypes[6] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, OIDOID};
	Datum		values[6];
	Oid			owner;

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
				"defined_at = EXCLUDED.defined_at",
				6, argtypes, values);
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
	OrmDropRelationshipFunctions(name);
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
 * Drops the relationship functions of the associations from or to a model,
 * with the caller's rights, before the model goes.
 */
void
OrmDropRelationshipFunctions(const char *model)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(model)};
	List	   *stmts = NIL;
	ListCell   *lc;

	OrmSpiConnect();
	/* only functions that exist: a dropped one's regprocedure is a bare OID */
	OrmSpiExec("SELECT pg_catalog.format('DROP FUNCTION IF EXISTS %s', a.function) "
			   "FROM orm.associations a JOIN pg_catalog.pg_proc p "
			   "ON p.oid OPERATOR(pg_catalog.=) a.function::pg_catalog.oid "
			   "WHERE a.source OPERATOR(pg_catalog.=) $1 OR a.target OPERATOR(pg_catalog.=) $1",
			   1, argtypes, values, NULL, false);
	for (uint64 i = 0; i < SPI_processed; i++)
		stmts = lappend(stmts, RowString(i, 1));
	foreach(lc, stmts)
		OrmSpiExec(lfirst(lc), 0, NULL, NULL, NULL, false);
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
