/*
 * sync.c
 *		orm.sync: create what the catalog describes, in dependency order.
 *
 * Tables are created referenced-first; a foreign key to a table that comes
 * later (a cycle) is added with ALTER TABLE once both exist.  Without
 * "force", a table that exists is left as it is (Sequelize's CREATE TABLE
 * IF NOT EXISTS); with it, the tables are dropped first.  The statements
 * run with the caller's rights, inside the caller's transaction: all or
 * nothing.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_enum.h"
#include "mb/pg_wchar.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "storage/lmgr.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_func.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_catalog.h"
#include "orm_ddl.h"

PG_FUNCTION_INFO_V1(orm_sync);

/* One statement of a sync and the role it runs as: its model's owner. */
typedef struct SyncStatement
{
	char	   *sql;
	Oid			role;
} SyncStatement;

typedef struct SyncOptions
{
	bool		force;
	bool		alter;
	bool		dry_run;
	bool		some;			/* "models" given: only those */
	List	   *models;			/* their names */
} SyncOptions;

static bool
SyncBool(OrmJsonField *f)
{
	if (f->value.type != jbvBool)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("sync option \"%s\" must be a boolean, not %s",
					   f->key, OrmJsonTypeName(&f->value)));
	return f->value.val.boolean;
}

static void
SyncForce(SyncOptions *o, OrmJsonField *f)
{
	o->force = SyncBool(f);
}

static void
SyncAlter(SyncOptions *o, OrmJsonField *f)
{
	o->alter = SyncBool(f);
}

static void
SyncDryRun(SyncOptions *o, OrmJsonField *f)
{
	o->dry_run = SyncBool(f);
}

/* "models": an array of model names */
static void
SyncModels(SyncOptions *o, OrmJsonField *f)
{
	ListCell   *lc;

	if (!OrmJsonIsArray(&f->value))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("sync option \"models\" must be an array of model names, not %s",
					   OrmJsonTypeName(&f->value)));
	o->models = NIL;
	foreach(lc, OrmJsonElements(f->value.val.binary.data))
	{
		JsonbValue *v = lfirst(lc);

		if (v->type != jbvString)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("sync option \"models\" must be an array of model names, not of %s",
						   OrmJsonTypeName(v)));
		o->models = lappend(o->models, OrmJsonString(v));
	}
	o->some = true;
}

typedef struct SyncOption
{
	OrmKeyword	kw;
	void		(*parse) (SyncOptions *o, OrmJsonField *f);
} SyncOption;

/* The options of orm.sync: Sequelize's sync options that mean something here. */
static const SyncOption sync_options[] = {
	{{"force", ORM_KEY_PARSED}, SyncForce},
	{{"alter", ORM_KEY_PARSED}, SyncAlter},
	{{"dryRun", ORM_KEY_PARSED}, SyncDryRun},
	{{"models", ORM_KEY_PARSED}, SyncModels},
};

static SyncOptions
ParseSyncOptions(Jsonb *options)
{
	SyncOptions o = {false, false, false, false, NIL};
	ListCell   *lc;

	if (!JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("sync options must be an object"));
	foreach(lc, OrmJsonFields(&options->root))
	{
		OrmJsonField *f = lfirst(lc);
		const SyncOption *so = (const SyncOption *)
			OrmFindKeyword(sync_options, lengthof(sync_options),
						   sizeof(SyncOption), f->key);

		if (so == NULL)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized sync option \"%s\"", f->key),
					errhint("Valid options are: %s.",
							OrmKeywordList(sync_options, lengthof(sync_options),
										   sizeof(SyncOption))));
		so->parse(&o, f);
	}
	return o;
}

/* Appends a statement of model m's, run as m's owner. */
static List *
AddStatement(List *stmts, OrmModel *m, char *sql)
{
	SyncStatement *st = palloc(sizeof(SyncStatement));

	st->sql = sql;
	st->role = m->owner;
	return lappend(stmts, st);
}

/* Appends statements (char *) of model m's. */
static List *
AddStatements(List *stmts, OrmModel *m, List *sqls)
{
	ListCell   *lc;

	foreach(lc, sqls)
		stmts = AddStatement(stmts, m, lfirst(lc));
	return stmts;
}

/*
 * Models that cannot be loaded cannot be synced: a named one, or with no
 * names any of them, fails the sync (with 42501 when it is not the
 * caller's, as a loaded one would).
 */
static void
CheckLoadable(OrmSchema *schema, List *names, bool some)
{
	ListCell   *lc;

	foreach(lc, schema->broken)
	{
		OrmBroken  *b = lfirst(lc);
		bool		wanted = !some;
		ListCell   *lc2;

		if (b->alias)
			continue;			/* the models it joins say so, if at all */
		foreach(lc2, names)
			wanted |= strcmp(lfirst(lc2), b->model) == 0;
		if (!wanted)
			continue;
		OrmCheckOwner(b->model, b->owner);
		OrmRaiseBroken(b);
	}
}

/*
 * The models to sync: the named ones (or all), plus the junctions of their
 * belongsToMany associations; each must be the caller's to sync.
 */
static List *
SelectModels(OrmSchema *schema, List *names, bool some)
{
	List	   *selected = NIL;
	ListCell   *lc;

	CheckLoadable(schema, names, some);

	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);
		bool		wanted = !some;
		ListCell   *lc2;

		foreach(lc2, names)
			wanted |= strcmp(lfirst(lc2), m->name) == 0;
		foreach(lc2, schema->associations)
		{
			OrmAssociation *a = lfirst(lc2);

			if (a->junction == m && list_member_ptr(selected, a->source))
				wanted = true;
		}
		if (!wanted)
			continue;
		OrmCheckOwner(m->name, m->owner);
		selected = lappend(selected, m);
	}
	foreach(lc, names)
		if (OrmFindModel(schema, lfirst(lc)) == NULL)
			ereport(ERROR,
					errcode(ERRCODE_UNDEFINED_OBJECT),
					errmsg("model \"%s\" does not exist", (char *) lfirst(lc)));
	return selected;
}

/* Whether every model m references, other than itself, is in done. */
static bool
DependenciesDone(OrmModel *m, List *models, List *done)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		OrmModel   *t = a->ref_target;

		if (t && t != m && list_member_ptr(models, t) &&
			!list_member_ptr(done, t))
			return false;
	}
	return true;
}

/*
 * Orders models referenced-first, keeping the given order among equals;
 * in a cycle, the first model left goes next and its forward keys are
 * added later.
 */
static List *
DependencyOrder(List *models)
{
	List	   *done = NIL;

	while (list_length(done) < list_length(models))
	{
		OrmModel   *next = NULL;
		ListCell   *lc;

		foreach(lc, models)
		{
			OrmModel   *m = lfirst(lc);

			if (list_member_ptr(done, m))
				continue;
			if (next == NULL)
				next = m;
			if (DependenciesDone(m, models, done))
			{
				next = m;
				break;
			}
		}
		done = lappend(done, next);
	}
	return done;
}

/* The owner of a relation, or InvalidOid when it is gone. */
static Oid
RelationOwner(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Fails unless a model's owner may take over an object that exists under
 * the name sync would give it: the owner must have the rights of the
 * object's owner.  what is "table", "function", "type"; name is printed.
 */
static void
CheckAdoptable(OrmModel *m, const char *what, const char *name,
			   Oid object_owner)
{
	if (has_privs_of_role(m->owner, object_owner))
		return;
	ereport(ERROR,
			errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			errmsg("%s %s belongs to role \"%s\", not to the owner of model \"%s\"",
				   what, name, OrmRoleName(object_owner), m->name),
			errdetail("Model \"%s\" belongs to role \"%s\"; sync takes over an existing object only when the model's owner has the rights of the object's owner.",
					  m->name, OrmRoleName(m->owner)),
			errhint("Drop or rename the %s, change its owner, or give the model another name for it.",
					what));
}

/*
 * Fails unless the existing tables of the synced models are theirs to
 * take over (or drop, with force): their owners' rights are the models'.
 */
static void
CheckTablesAdoptable(List *ordered)
{
	ListCell   *lc;

	foreach(lc, ordered)
	{
		OrmModel   *m = lfirst(lc);
		Oid			relid = OrmLiveTable(m, ORM_LIVE_TABLE_STRICT);
		Oid			owner = OidIsValid(relid) ? RelationOwner(relid) : InvalidOid;

		if (OidIsValid(owner))
			CheckAdoptable(m, "table", OrmQualifiedTable(m), owner);
	}
}

/* The owner of a type, or InvalidOid when it is gone. */
static Oid
TypeOwner(Oid typid)
{
	HeapTuple	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_type) GETSTRUCT(tup))->typowner;
	ReleaseSysCache(tup);
	return owner;
}

/* The statements that make or extend one ENUM attribute's type. */
static List *
EnumStatements(OrmModel *m, OrmAttribute *a, bool recreate)
{
	char	   *name = OrmEnumTypeName(m, a);
	Oid			nsp = get_namespace_oid(m->schema, true);
	Oid			typ = OidIsValid(nsp) ?
		GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
						ObjectIdGetDatum(nsp)) : InvalidOid;
	List	   *stmts = NIL;
	StringInfoData buf;
	ListCell   *lc;

	if (OidIsValid(typ))
		CheckAdoptable(m, "type", a->type_sql, TypeOwner(typ));
	if (OidIsValid(typ) && recreate)
	{
		stmts = lappend(stmts, psprintf("DROP TYPE %s", a->type_sql));
		typ = InvalidOid;
	}
	if (OidIsValid(typ))
	{
		foreach(lc, a->enum_values)
			if (!SearchSysCacheExists2(ENUMTYPOIDNAME, ObjectIdGetDatum(typ),
									   CStringGetDatum(lfirst(lc))))
				stmts = lappend(stmts, psprintf("ALTER TYPE %s ADD VALUE %s",
												a->type_sql,
												quote_literal_cstr(lfirst(lc))));
		return stmts;
	}
	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE TYPE %s AS ENUM (", a->type_sql);
	foreach(lc, a->enum_values)
		appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? ", " : "",
						 quote_literal_cstr(lfirst(lc)));
	appendStringInfoChar(&buf, ')');
	return lappend(stmts, buf.data);
}

/*
 * The ENUM types of the synced models, as Sequelize names them: created
 * when missing, recreated with a forced table, given the values they lack.
 */
static List *
EnumTypeStatements(List *ordered, List *created, bool force)
{
	List	   *stmts = NIL;
	ListCell   *lc;

	foreach(lc, ordered)
	{
		OrmModel   *m = lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, m->attributes)
		{
			OrmAttribute *a = lfirst(lc2);

			if (a->enum_values && OrmIsColumnAttribute(m, a))
				stmts = AddStatements(stmts, m,
									  EnumStatements(m, a, force &&
													 list_member_ptr(created, m)));
		}
	}
	return stmts;
}

/* The owner of a function, or InvalidOid when it is gone. */
static Oid
FunctionOwner(Oid funcid)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * Whether a sync concerns an association's function: its source is synced,
 * or a table it returns is (re)created, which drops the function with it.
 */
static bool
Touches(OrmAssociation *a, List *ordered, List *created)
{
	return list_member_ptr(ordered, a->source) ||
		list_member_ptr(created, a->target) ||
		list_member_ptr(created, a->junction);
}

/*
 * Whether a relationship function may read a model's table (and its
 * attribute attr, unless NULL) once the sync is done: the sync makes or
 * repairs the table, or it has that column already.  A model left unsynced
 * may be missing or out of date (an association added since its table was
 * made), and a function reading it would not compile.
 */
static bool
Readable(OrmModel *m, List *ordered, const char *attr)
{
	Oid			relid;
	OrmAttribute *a;

	if (list_member_ptr(ordered, m))
		return true;
	relid = OrmLiveTable(m, ORM_LIVE_TABLE);
	if (!OidIsValid(relid))
		return false;
	a = attr ? OrmFindAttribute(m, attr) : NULL;
	return a == NULL || get_attnum(relid, a->field) != InvalidAttrNumber;
}

/* Whether every table and column an association's function reads will be there. */
static bool
FunctionReadable(OrmAssociation *a, List *ordered)
{
	bool		belongs = a->kind == ORM_BELONGS_TO;
	bool		many = a->kind == ORM_BELONGS_TO_MANY;

	return Readable(a->source, ordered, belongs ? a->foreign_key : a->source_key) &&
		Readable(a->target, ordered, belongs || many ? a->target_key : a->foreign_key) &&
		Readable(a->target, ordered, a->target->deleted_at) &&
		(!many || (Readable(a->junction, ordered, a->other_key) &&
				   Readable(a->junction, ordered, a->foreign_key)));
}

/*
 * CREATE OR REPLACE FUNCTION of a to-many association's count function, or
 * NULL when it is there and up to date, on the relationship function's
 * terms.  An existing function of the name and argument is taken over when
 * its body is a count function's (one sync made, now out of date, or one
 * restored); any other is refused, and so is one whose owner's rights the
 * model's owner lacks.
 */
static char *
CountStatement(OrmAssociation *a, List *created)
{
	Oid			fn;

	if (!OrmHasCountFunction(a))
		return NULL;
	fn = OrmCountFunction(a);
	if (OidIsValid(fn))
		CheckAdoptable(a->source, "function", format_procedure(fn),
					   FunctionOwner(fn));
	if (OidIsValid(fn) && !OrmIsCountBody(fn))
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_FUNCTION),
				errmsg("function %s already exists and is not the count function of association \"%s.%s\"",
					   format_procedure(fn), a->source->name, a->alias),
				errhint("Drop or rename the function, or give the association another \"as\"."));
	if (OidIsValid(fn) && OrmSameBody(fn, OrmCountBody(a)) &&
		!list_member_ptr(created, a->source) &&
		!list_member_ptr(created, a->target) &&
		!list_member_ptr(created, a->junction))
		return NULL;
	return OrmCountFunctionSql(a);
}

/*
 * CREATE OR REPLACE FUNCTION for the associations of the synced models
 * whose function is missing, out of date, or goes with a table created now
 * (not when it would read the table of a model left unsynced that is
 * missing or out of date: drift() reports the function).  A function
 * of the same name and argument that is not the association's is refused,
 * unless its body is exactly the relationship function's (one made by
 * another session's sync, or restored): then it is adopted, if the source
 * model's owner has the rights of the function's owner.  Each to-many
 * association's count function follows its relationship function.
 */
static List *
RelationshipStatements(OrmSchema *schema, List *ordered, List *created)
{
	List	   *stmts = NIL;
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);
		Oid			fn;
		char	   *body;
		char	   *count;

		if (!Touches(a, ordered, created) || !FunctionReadable(a, ordered))
			continue;
		fn = OrmRelationshipFunction(a);
		body = OrmRelationshipBody(a);
		if (OidIsValid(fn))
			CheckAdoptable(a->source, "function", format_procedure(fn),
							  FunctionOwner(fn));
		if (OidIsValid(fn) && fn != a->function && !OrmSameBody(fn, body))
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_FUNCTION),
					errmsg("function %s already exists and is not the relationship function of association \"%s.%s\"",
						   format_procedure(fn), a->source->name, a->alias),
					errhint("Drop or rename the function, or give the association another \"as\"."));
		count = CountStatement(a, created);
		if (!OidIsValid(fn) || !OrmSameBody(fn, body) ||
			list_member_ptr(created, a->source) ||
			list_member_ptr(created, a->target) ||
			list_member_ptr(created, a->junction))
			stmts = AddStatement(stmts, a->source, OrmRelationshipFunctionSql(a));
		if (count)
			stmts = AddStatement(stmts, a->source, count);
	}
	return stmts;
}

/* Records each synced association's function in the catalog. */
static void
LinkFunctions(OrmSchema *schema, List *ordered)
{
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);
		Oid			fn;

		if (!list_member_ptr(ordered, a->source) &&
			!list_member_ptr(ordered, a->target))
			continue;
		fn = OrmRelationshipFunction(a);
		if (OidIsValid(fn))
			OrmSetAssociationFunction(a, fn);
	}
}

/*
 * Fails when a table that sync leaves as it is lacks a column of its model
 * (an association added after the table was made, say): sync without
 * force does not change existing tables.
 */
static void
CheckExistingColumns(OrmModel *m)
{
	Oid			relid = OrmLiveTable(m, ORM_LIVE_TABLE_STRICT);
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (get_attnum(relid, a->field) == InvalidAttrNumber)
			ereport(ERROR,
					errcode(ERRCODE_UNDEFINED_COLUMN),
					errmsg("table %s of model \"%s\" has no column \"%s\" for attribute \"%s\"",
						   OrmQualifiedTable(m), m->name, a->field, a->name),
					errdetail("Without \"alter\" or \"force\", sync leaves existing tables as they are."),
					errhint("Sync with \"alter\": true to add the column, or \"force\": true to recreate the table."));
	}
}

/*
 * What alter runs on an existing table: the repair of each difference
 * drift() reports that sync may repair (never a drop of a column).
 */
static void
Repairs(OrmSchema *schema, OrmModel *m, List **early, List **late)
{
	ListCell   *lc;

	foreach(lc, OrmModelDriftAsOwner(m, schema))
	{
		OrmDrift   *d = lfirst(lc);

		List	  **to = d->late ? late : early;

		if (d->repair == NULL)
			continue;
		*to = AddStatement(*to, m, d->repair);
		if (d->repair2)
			*to = AddStatement(*to, m, d->repair2);
	}
}

/*
 * Foreign keys of existing tables that point at tables sync creates now:
 * with force, DROP TABLE ... CASCADE took them; with alter, the table
 * they point at was missing, so drift() could not repair them.  They are
 * added (back) NOT VALID: the new table is empty, and the rows already
 * there are not checked, new ones are.  Only on columns that exist, or
 * that alter adds to a synced model: a table sync does not touch may lack
 * a column its model has gained since it was made.
 */
static List *
RestoredForeignKeys(OrmSchema *schema, List *ordered, List *created, bool alter)
{
	List	   *stmts = NIL;
	ListCell   *lc;

	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);
		Oid			relid;
		ListCell   *lc2;

		if (list_member_ptr(created, m))
			continue;
		foreach(lc2, m->attributes)
		{
			OrmAttribute *a = lfirst(lc2);

			if (a->ref_target && list_member_ptr(created, a->ref_target) &&
				a->ref_target != m &&
				OidIsValid(relid = OrmLiveTable(m, ORM_LIVE_TABLE)) &&
				((alter && list_member_ptr(ordered, m)) ||
				 get_attnum(relid, a->field) != InvalidAttrNumber))
				stmts = AddStatement(stmts, m, psprintf("%s NOT VALID",
														OrmForeignKeySql(m, a)));
		}
	}
	return stmts;
}

/* The statements of a sync, in the order they run. */
static List *
SyncStatements(OrmSchema *schema, List *ordered, bool force, bool alter)
{
	List	   *stmts = NIL;
	List	   *later = NIL;
	List	   *deferred = NIL;
	List	   *repairs = NIL;
	List	   *late_repairs = NIL;
	List	   *created;
	List	   *schemas = NIL;
	ListCell   *lc;

	CheckTablesAdoptable(ordered);
	for (int i = list_length(ordered) - 1; force && i >= 0; i--)
	{
		OrmModel   *m = list_nth(ordered, i);

		if (OidIsValid(OrmLiveTable(m, ORM_LIVE_TABLE_STRICT)))
			stmts = AddStatement(stmts, m, psprintf("DROP TABLE %s CASCADE",
													OrmQualifiedTable(m)));
	}
	foreach(lc, ordered)
	{
		OrmModel   *m = lfirst(lc);

		if (force || !OidIsValid(OrmLiveTable(m, ORM_LIVE_TABLE_STRICT)))
			later = lappend(later, m);
		else if (alter)
			Repairs(schema, m, &repairs, &late_repairs);
		else
			CheckExistingColumns(m);
	}
	foreach(lc, later)
	{
		OrmModel   *m = lfirst(lc);

		if (!OidIsValid(get_namespace_oid(m->schema, true)) &&
			!list_member(schemas, makeString(m->schema)))
		{
			schemas = lappend(schemas, makeString(m->schema));
			stmts = AddStatement(stmts, m,
								 psprintf("CREATE SCHEMA IF NOT EXISTS %s",
										  quote_identifier(m->schema)));
		}
	}
	created = list_copy(later);
	stmts = list_concat(stmts, EnumTypeStatements(ordered, created, force));
	stmts = list_concat(stmts, repairs);
	while (later != NIL)
	{
		OrmModel   *m = linitial(later);

		later = list_delete_first(later);
		stmts = AddStatements(stmts, m, OrmCreateTableSql(m, later));
		deferred = AddStatements(deferred, m, OrmDeferredForeignKeys(m, later));
	}
	stmts = list_concat(stmts, deferred);
	stmts = list_concat(stmts, late_repairs);
	if (force || alter)
		stmts = list_concat(stmts, RestoredForeignKeys(schema, ordered, created,
													   alter));
	return list_concat(stmts, RelationshipStatements(schema, ordered, created));
}

/* At most this much of a statement goes into an error's context. */
#define CONTEXT_SQL_BYTES 1000

/* The statement running, for the error context, and who called sync. */
typedef struct RunningStatement
{
	SyncStatement *st;
	Oid			caller;
} RunningStatement;

/* The statement, cut short, and its role when that is not the caller. */
static void
StatementContext(void *arg)
{
	RunningStatement *r = arg;
	const char *sql = r->st->sql;
	int			len = strlen(sql);
	char	   *as = r->st->role == r->caller ? "" :
		psprintf(", as role \"%s\"", OrmRoleName(r->st->role));

	if (len <= CONTEXT_SQL_BYTES)
		errcontext("orm.sync statement%s: %s", as, sql);
	else
		errcontext("orm.sync statement%s: %.*s... (%d bytes)", as,
				   pg_mbcliplen(sql, len, CONTEXT_SQL_BYTES), sql, len);
}

/*
 * Runs the statements, each with the rights of its model's owner under
 * SECURITY_RESTRICTED_OPERATION (the caller has the rights of every owner:
 * SelectModels checked), so that what a model names runs as its owner.
 */
static void
RunStatements(List *stmts)
{
	ErrorContextCallback cb;
	RunningStatement running = {NULL, GetUserId()};
	ListCell   *lc;

	cb.callback = StatementContext;
	cb.arg = &running;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	OrmSpiConnect();
	OrmSyncing = true;
	PG_TRY();
	{
		foreach(lc, stmts)
		{
			SyncStatement *st = lfirst(lc);
			OrmSavedRole saved;

			running.st = st;
			CHECK_FOR_INTERRUPTS();
			OrmBecomeRole(st->role, &saved);
			OrmSpiExec(st->sql, 0, NULL, NULL, NULL, false);
			OrmRestoreRole(&saved);
		}
	}
	PG_FINALLY();
	{
		OrmSyncing = false;
	}
	PG_END_TRY();
	OrmSpiFinish();
	error_context_stack = cb.previous;
}

/* Links each synced model to its table. */
static void
LinkTables(List *models)
{
	ListCell   *lc;

	foreach(lc, models)
	{
		OrmModel   *m = lfirst(lc);
		Oid			relid = OrmLiveTable(m, ORM_LIVE_TABLE_STRICT);

		if (!m->is_junction && OidIsValid(relid))
			OrmLinkModel(m, relid);
	}
}

/* Returns the statements' text as the rows of a set-returning function. */
static void
ReturnStrings(FunctionCallInfo fcinfo, List *strings)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ListCell   *lc;

	OrmInitScalarSetResult(fcinfo, TEXTOID);
	foreach(lc, strings)
	{
		Datum		value = CStringGetTextDatum(((SyncStatement *) lfirst(lc))->sql);
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
	}
}

/* orm.sync(options jsonb) RETURNS SETOF text */
Datum
orm_sync(PG_FUNCTION_ARGS)
{
	SyncOptions opts;
	OrmSchema  *schema;
	List	   *ordered;
	List	   *stmts;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("sync options must not be null"));
	opts = ParseSyncOptions(PG_GETARG_JSONB_P(0));
	schema = OrmLoadSchema();
	ordered = DependencyOrder(SelectModels(schema, opts.models, opts.some));
	stmts = SyncStatements(schema, ordered, opts.force, opts.alter);
	if (!opts.dry_run)
	{
		RunStatements(stmts);
		LinkTables(ordered);
		LinkFunctions(schema, ordered);
	}
	ReturnStrings(fcinfo, stmts);
	PG_RETURN_NULL();
}
