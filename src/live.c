/*
 * live.c
 *		The live objects behind the models: a model's table, following its
 *		renames, and an association's relationship function.
 *
 * A synced model is linked to its table by OID (orm.models.relid, a
 * regclass, so pg_dump restores the link by name) and to its columns by
 * attribute number, recorded when sync links the table.  A table or column
 * renamed by hand is then found under its new name, and find_* keep
 * working.  After a restore the OIDs differ from the recorded one, and the
 * column names recorded with the link (kept current by the DDL watcher)
 * are used.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_catalog.h"

/*
 * The relation a model names (its schema and table name) in the database
 * now, as mode asks: any relation or a table; InvalidOid when there is
 * none, or an error (ORM_LIVE_REQUIRED); a relation of that name that is
 * not a table is InvalidOid (ORM_LIVE_TABLE) or an error
 * (ORM_LIVE_TABLE_STRICT: sync would create the table).
 */
Oid
OrmLiveTable(OrmModel *m, OrmLiveMode mode)
{
	Oid			nsp = get_namespace_oid(m->schema, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(m->table_name, nsp) :
		InvalidOid;
	char		kind;

	if (!OidIsValid(relid) && mode == ORM_LIVE_REQUIRED)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_TABLE),
				errmsg("table %s of model \"%s\" does not exist",
					   OrmQualifiedTable(m), m->name),
				errhint("Run orm.sync to create it."));
	if (!OidIsValid(relid) || mode == ORM_LIVE_ANY || mode == ORM_LIVE_REQUIRED)
		return relid;
	kind = get_rel_relkind(relid);
	if (kind == '\0')
		return InvalidOid;		/* dropped by another session meanwhile */
	if (kind == RELKIND_RELATION || kind == RELKIND_PARTITIONED_TABLE)
		return relid;
	if (mode == ORM_LIVE_TABLE_STRICT)
		ereport(ERROR,
				errcode(ERRCODE_WRONG_OBJECT_TYPE),
				errmsg("%s, the table of model \"%s\", exists and is not a table",
					   OrmQualifiedTable(m), m->name),
				errhint("Drop or rename it, or give the model another \"tableName\"."));
	return InvalidOid;
}

/*
 * {"relid": oid, "attnums": {"attr": attnum}, "names": {"attr": column}} of
 * a model's table; the event trigger keeps "names" current on ALTER TABLE.
 */
Jsonb *
OrmColumnsMap(OrmModel *m, Oid relid)
{
	JsonbParseState *st = NULL;
	JsonbValue	k = {.type = jbvString};
	JsonbValue	v = {.type = jbvNumeric};
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	k.val.string.val = "relid";
	k.val.string.len = 5;
	pushJsonbValue(&st, WJB_KEY, &k);
	v.val.numeric = int64_to_numeric(relid);
	pushJsonbValue(&st, WJB_VALUE, &v);
	k.val.string.val = "attnums";
	k.val.string.len = 7;
	pushJsonbValue(&st, WJB_KEY, &k);
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		AttrNumber	attnum = get_attnum(relid, a->field);

		if (attnum == InvalidAttrNumber)
			continue;
		k.val.string.val = a->name;
		k.val.string.len = strlen(a->name);
		pushJsonbValue(&st, WJB_KEY, &k);
		v.val.numeric = int64_to_numeric(attnum);
		pushJsonbValue(&st, WJB_VALUE, &v);
	}
	pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	k.val.string.val = "names";
	k.val.string.len = 5;
	pushJsonbValue(&st, WJB_KEY, &k);
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		JsonbValue	name = {.type = jbvString};

		if (get_attnum(relid, a->field) == InvalidAttrNumber)
			continue;
		k.val.string.val = a->name;
		k.val.string.len = strlen(a->name);
		pushJsonbValue(&st, WJB_KEY, &k);
		name.val.string.val = a->field;
		name.val.string.len = strlen(a->field);
		pushJsonbValue(&st, WJB_VALUE, &name);
	}
	pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/* An integer member of a jsonb object, or -1. */
static int64
JsonbInt(JsonbContainer *c, const char *key)
{
	JsonbValue *v = getKeyJsonValueFromContainer(c, key, strlen(key), NULL);

	if (v == NULL || v->type != jbvNumeric)
		return -1;
	return DatumGetInt64(DirectFunctionCall1(numeric_int8,
											 NumericGetDatum(v->val.numeric)));
}

/* The name of a column that exists (is not dropped), or NULL. */
static char *
LiveAttName(Oid relid, AttrNumber attnum)
{
	HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
									  Int16GetDatum(attnum));
	char	   *name = NULL;

	if (!HeapTupleIsValid(tup))
		return NULL;
	if (!((Form_pg_attribute) GETSTRUCT(tup))->attisdropped)
		name = pstrdup(NameStr(((Form_pg_attribute) GETSTRUCT(tup))->attname));
	ReleaseSysCache(tup);
	return name;
}

/* Takes the column names recorded with the link (after a restore). */
static void
FollowNames(OrmModel *m)
{
	JsonbValue *names = getKeyJsonValueFromContainer(&m->columns->root,
													 "names", 5, NULL);
	ListCell   *lc;

	if (names == NULL || !OrmJsonIsObject(names))
		return;
	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		JsonbValue *v = getKeyJsonValueFromContainer(names->val.binary.data,
													 a->name, strlen(a->name),
													 NULL);

		if (v && v->type == jbvString)
			a->field = OrmJsonString(v);
	}
}

/* Takes the current names of a linked model's columns. */
static void
FollowColumns(OrmModel *m)
{
	JsonbValue *attnums;
	ListCell   *lc;

	if (m->columns == NULL)
		return;					/* never linked: names as defined */
	if (JsonbInt(&m->columns->root, "relid") != m->relid)
	{
		FollowNames(m);			/* restored: the names when dumped */
		return;
	}
	attnums = getKeyJsonValueFromContainer(&m->columns->root, "attnums", 7, NULL);
	if (attnums == NULL || !OrmJsonIsObject(attnums))
		return;
	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		int64		attnum = JsonbInt(attnums->val.binary.data, a->name);
		char	   *name;

		if (attnum <= 0 || attnum > MaxAttrNumber)
			continue;
		name = LiveAttName(m->relid, (AttrNumber) attnum);
		if (name)
			a->field = name;
	}
}

/*
 * A linked model takes its table's current schema and name, and its
 * attributes their columns' current names.
 */
void
OrmFollowLiveTables(OrmSchema *schema)
{
	ListCell   *lc;

	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);
		char	   *relname;

		if (!OidIsValid(m->relid) || (relname = get_rel_name(m->relid)) == NULL)
			continue;
		m->table_name = relname;
		m->schema = get_namespace_name(get_rel_namespace(m->relid));
		FollowColumns(m);
	}
}

/*
 * The function schema.name(argtype), or InvalidOid.  Read from pg_proc
 * with one snapshot: a function dropped concurrently (a forced sync in
 * another session) is simply not there, where a name lookup followed by
 * syscache lookups could fail half-way.
 */
static Oid
FunctionOid(const char *schema, const char *name, Oid argtype)
{
	Oid			argtypes[3] = {TEXTOID, TEXTOID, OIDOID};
	Datum		values[3];
	Oid			fn = InvalidOid;

	values[0] = CStringGetTextDatum(schema);
	values[1] = CStringGetTextDatum(name);
	values[2] = ObjectIdGetDatum(argtype);
	OrmSpiConnect();
	if (OrmSpiExec("SELECT p.oid FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n "
				   "ON n.oid OPERATOR(pg_catalog.=) p.pronamespace "
				   "WHERE n.nspname OPERATOR(pg_catalog.=) $1 "
				   "AND p.proname OPERATOR(pg_catalog.=) $2 "
				   "AND p.pronargs OPERATOR(pg_catalog.=) 1 "
				   "AND p.proargtypes[0] OPERATOR(pg_catalog.=) $3",
				   3, argtypes, values, NULL, false) > 0)
	{
		bool		isnull;

		fn = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, 1, &isnull));
	}
	OrmSpiFinish();
	return fn;
}

/* The relationship function of an association, or InvalidOid. */
Oid
OrmRelationshipFunction(OrmAssociation *a)
{
	Oid			relid = OrmLiveTable(a->source, ORM_LIVE_TABLE);
	Oid			argtype;

	if (!OidIsValid(relid))
		return InvalidOid;
	argtype = get_rel_type_id(relid);
	return FunctionOid(a->source->schema, a->alias, argtype);
}

/* Whether an association has a count function: hasMany, belongsToMany. */
bool
OrmHasCountFunction(OrmAssociation *a)
{
	return a->kind == ORM_HAS_MANY || a->kind == ORM_BELONGS_TO_MANY;
}

/*
 * The name of an association's count function, <alias>_count, cut as
 * PostgreSQL cuts a long identifier (so that it is found again).
 */
char *
OrmCountFunctionName(OrmAssociation *a)
{
	char	   *name = psprintf("%s_count", a->alias);
	int			len = strlen(name);

	if (len >= NAMEDATALEN)
		name[pg_mbcliplen(name, len, NAMEDATALEN - 1)] = '\0';
	return name;
}

/* The count function of an association, or InvalidOid. */
Oid
OrmCountFunction(OrmAssociation *a)
{
	Oid			relid = OrmLiveTable(a->source, ORM_LIVE_TABLE);

	if (!OidIsValid(relid) || !OrmHasCountFunction(a))
		return InvalidOid;
	return FunctionOid(a->source->schema, OrmCountFunctionName(a),
					   get_rel_type_id(relid));
}

/* Whether a function's body is this one. */
bool
OrmSameBody(Oid funcid, const char *body)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	bool		isnull;
	bool		same;

	if (!HeapTupleIsValid(tup))
		return false;
	same = strcmp(TextDatumGetCString(SysCacheGetAttr(PROCOID, tup,
													  Anum_pg_proc_prosrc,
													  &isnull)), body) == 0;
	ReleaseSysCache(tup);
	return same;
}

/* Whether a function's body is one of a count function (sync made it). */
bool
OrmIsCountBody(Oid funcid)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	bool		isnull;
	bool		ours;

	if (!HeapTupleIsValid(tup))
		return false;
	ours = strncmp(TextDatumGetCString(SysCacheGetAttr(PROCOID, tup,
													   Anum_pg_proc_prosrc,
													   &isnull)),
				   ORM_COUNT_BODY_PREFIX, strlen(ORM_COUNT_BODY_PREFIX)) == 0;
	ReleaseSysCache(tup);
	return ours;
}
