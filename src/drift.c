/*
 * drift.c
 *		Where the live tables differ from the catalog: orm.drift(), and
 *		the repairs that orm.sync('{"alter": true}') runs.
 *
 * One checker serves both: each difference is a row (model, problem,
 * detail) with the statement that repairs it, if sync may run one.  Sync
 * never drops a column or a table; a primary key that differs is reported,
 * not rebuilt.  The live state is read from pg_catalog with parameterized,
 * schema-qualified queries.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/heap.h"
#include "catalog/namespace.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_node.h"
#include "parser/parser.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_catalog.h"
#include "orm_ddl.h"

PG_FUNCTION_INFO_V1(orm_drift);

/* A column, constraint or index of the live table. */
typedef struct LiveItem
{
	char	   *name;
	char		kind;			/* column: 'c'; constraint: contype, but
								 * 'k' for a check; index: 'i'; trigger:
								 * 't' */
	char	   *keys;			/* attnums, comma-separated, in order */
	char	   *sorted;			/* the same, sorted */
	Oid			typid;			/* column */
	int32		typmod;
	bool		notnull;
	bool		hasdefault;		/* a default or an identity */
	bool		unique;			/* index */
	Oid			confrelid;		/* foreign key */
	char		deltype;
	char		updtype;
	bool		deferrable;		/* constraint */
	bool		deferred;
	char	   *comment;		/* constraint; trigger: its function and
								 * arguments, "orm.f(a)" */
	int			attnum;			/* column */
	char	   *default_bin;	/* column: pg_attrdef.adbin, or NULL */
	char	   *default_text;	/* column: the default, deparsed */
} LiveItem;

typedef struct DriftState
{
	OrmModel   *model;
	Oid			relid;
	List	   *live;			/* LiveItem * */
	List	   *drift;			/* OrmDrift * */
} DriftState;

static int
CompareInts(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

/* "3,1,2" -> "1,2,3" */
static char *
SortedKeys(const char *keys)
{
	int			n = 0;
	int			vals[INDEX_MAX_KEYS * 2];
	StringInfoData buf;
	char	   *copy = pstrdup(keys);

	for (char *tok = strtok(copy, ","); tok && n < (int) lengthof(vals);
		 tok = strtok(NULL, ","))
		vals[n++] = atoi(tok);
	qsort(vals, n, sizeof(int), CompareInts);
	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%d", i ? "," : "", vals[i]);
	return buf.data;
}

static void
AddDrift(DriftState *ds, const char *problem, char *detail, char *repair)
{
	OrmDrift   *d = palloc(sizeof(OrmDrift));

	d->model = ds->model;
	d->problem = problem;
	d->detail = detail;
	d->repair = repair;
	d->repair2 = NULL;
	d->late = strstr(problem, "foreign key") != NULL;
	ds->drift = lappend(ds->drift, d);
}

/* The number of a column of an SPI result, by name. */
static int
ColumnNumber(TupleDesc td, const char *name)
{
	int			n = SPI_fnumber(td, name);

	if (n <= 0)
		elog(ERROR, "live read has no column \"%s\"", name);
	return n;
}

static char *
GetText(HeapTuple tup, TupleDesc td, const char *name)
{
	return SPI_getvalue(tup, td, ColumnNumber(td, name));
}

static Datum
GetDatum(HeapTuple tup, TupleDesc td, const char *name)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tup, td, ColumnNumber(td, name), &isnull);

	return isnull ? (Datum) 0 : d;
}

/* A new live item of a kind, with its attnums. */
static LiveItem *
NewLiveItem(DriftState *ds, char *name, char kind, char *keys)
{
	LiveItem   *it = palloc0(sizeof(LiveItem));

	it->name = name;
	it->kind = kind;
	it->keys = keys ? keys : "";
	it->sorted = SortedKeys(it->keys);
	ds->live = lappend(ds->live, it);
	return it;
}

/* pg_attribute, with pg_attrdef: the columns and their defaults. */
static void
ReadColumn(DriftState *ds, HeapTuple tup, TupleDesc td)
{
	int			attnum = DatumGetInt16(GetDatum(tup, td, "attnum"));
	LiveItem   *it = NewLiveItem(ds, GetText(tup, td, "attname"), 'c',
								 psprintf("%d", attnum));

	it->attnum = attnum;
	it->typid = DatumGetObjectId(GetDatum(tup, td, "atttypid"));
	it->typmod = DatumGetInt32(GetDatum(tup, td, "atttypmod"));
	it->notnull = DatumGetBool(GetDatum(tup, td, "attnotnull"));
	it->hasdefault = DatumGetBool(GetDatum(tup, td, "hasdefault"));
	it->default_bin = GetText(tup, td, "adbin");
	it->default_text = GetText(tup, td, "default_text");
}

static const char *const columns_sql =
"SELECT a.attname, a.attnum, a.atttypid, a.atttypmod, a.attnotnull, "
"a.atthasdef OR a.attidentity OPERATOR(pg_catalog.<>) '' AS hasdefault, "
"d.adbin::pg_catalog.text AS adbin, "
"pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_text "
"FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d "
"ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum "
"WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum OPERATOR(pg_catalog.>) 0 "
"AND NOT a.attisdropped ORDER BY a.attnum";

/* pg_constraint: keys, foreign keys with their actions, checks. */
static void
ReadConstraint(DriftState *ds, HeapTuple tup, TupleDesc td)
{
	char		contype = DatumGetChar(GetDatum(tup, td, "contype"));
	LiveItem   *it = NewLiveItem(ds, GetText(tup, td, "conname"),
								 contype == CONSTRAINT_CHECK ? 'k' : contype,
								 GetText(tup, td, "keys"));

	it->unique = contype == CONSTRAINT_PRIMARY || contype == CONSTRAINT_UNIQUE;
	it->confrelid = DatumGetObjectId(GetDatum(tup, td, "confrelid"));
	it->deltype = DatumGetChar(GetDatum(tup, td, "confdeltype"));
	it->updtype = DatumGetChar(GetDatum(tup, td, "confupdtype"));
	it->deferrable = DatumGetBool(GetDatum(tup, td, "condeferrable"));
	it->deferred = DatumGetBool(GetDatum(tup, td, "condeferred"));
	it->comment = GetText(tup, td, "comment");
}

static const char *const constraints_sql =
"SELECT conname, contype, pg_catalog.array_to_string(conkey, ',') AS keys, "
"confrelid, confdeltype, confupdtype, condeferrable, condeferred, "
"pg_catalog.obj_description(oid, 'pg_constraint') AS comment "
"FROM pg_catalog.pg_constraint WHERE conrelid OPERATOR(pg_catalog.=) $1";

/* pg_index: the indexes, unique when unique and not partial. */
static void
ReadIndex(DriftState *ds, HeapTuple tup, TupleDesc td)
{
	LiveItem   *it = NewLiveItem(ds, GetText(tup, td, "relname"), 'i',
								 GetText(tup, td, "keys"));

	it->unique = DatumGetBool(GetDatum(tup, td, "unique"));
}

static const char *const indexes_sql =
"SELECT c.relname, pg_catalog.array_to_string(i.indkey::pg_catalog.int2[], ',') AS keys, "
"i.indisunique AND i.indpred IS NULL AS unique "
"FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
"ON c.oid OPERATOR(pg_catalog.=) i.indexrelid WHERE i.indrelid OPERATOR(pg_catalog.=) $1";

/* pg_trigger: the row triggers, their function and arguments. */
static void
ReadTrigger(DriftState *ds, HeapTuple tup, TupleDesc td)
{
	LiveItem   *it = NewLiveItem(ds, GetText(tup, td, "tgname"), 't', NULL);

	it->comment = GetText(tup, td, "call");
}

static const char *const triggers_sql =
"SELECT t.tgname, pg_catalog.format('%s.%s(%s)', n.nspname, p.proname, "
"pg_catalog.rtrim(pg_catalog.replace(pg_catalog.encode(t.tgargs, 'escape'), "
"'\\000', ','), ',')) AS call "
"FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) t.tgfoid "
"JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace "
"WHERE t.tgrelid OPERATOR(pg_catalog.=) $1 AND NOT t.tgisinternal";

/*
 * Runs one reader's query for the live table and hands each row to it,
 * in the memory context of the caller of ReadLive: the items outlive the
 * SPI connection.
 */
static void
ReadCatalog(DriftState *ds, MemoryContext caller, const char *sql,
			void (*reader) (DriftState *ds, HeapTuple tup, TupleDesc td))
{
	Oid			argtypes[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(ds->relid)};

	OrmSpiExec(sql, 1, argtypes, values, NULL, true);
	MemoryContextSwitchTo(caller);
	for (uint64 r = 0; r < SPI_processed; r++)
		reader(ds, SPI_tuptable->vals[r], SPI_tuptable->tupdesc);
}

/* Reads the live table's columns, constraints and indexes. */
static void
ReadLive(DriftState *ds)
{
	MemoryContext caller = CurrentMemoryContext;

	OrmSpiConnect();
	ReadCatalog(ds, caller, columns_sql, ReadColumn);
	ReadCatalog(ds, caller, constraints_sql, ReadConstraint);
	ReadCatalog(ds, caller, indexes_sql, ReadIndex);
	ReadCatalog(ds, caller, triggers_sql, ReadTrigger);
	OrmSpiFinish();
}

/* The live column of an attribute, or NULL. */
static LiveItem *
LiveColumn(DriftState *ds, OrmAttribute *a)
{
	ListCell   *lc;

	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);

		if (it->kind == 'c' && strcmp(it->name, a->field) == 0)
			return it;
	}
	return NULL;
}

/* The comma-separated attnums of some attributes, or NULL if one is missing. */
static char *
KeysOf(DriftState *ds, List *attrs)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, attrs)
	{
		LiveItem   *col = LiveColumn(ds, lfirst(lc));

		if (col == NULL)
			return NULL;
		appendStringInfo(&buf, "%s%d", buf.len ? "," : "", col->attnum);
	}
	return buf.data;
}

/*
 * A live item of one of these kinds whose keys (sorted) are these, or
 * NULL; an index counts only if it is unique (and not partial).
 */
static LiveItem *
FindKeys(DriftState *ds, const char *kinds, const char *keys)
{
	ListCell   *lc;
	char	   *sorted = SortedKeys(keys);

	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);

		if (strchr(kinds, it->kind) && strcmp(it->sorted, sorted) == 0 &&
			(it->kind != 'i' || it->unique))
			return it;
	}
	return NULL;
}

static char *
Table(DriftState *ds)
{
	return OrmQualifiedTable(ds->model);
}

/*
 * Whether a column's stored default is the attribute's: the attribute's
 * default SQL, cooked for the column as CREATE TABLE would (nothing runs),
 * equals the stored expression (locations aside).
 */
static bool
DefaultMatches(OrmAttribute *a, const char *default_bin)
{
	List	   *raw = raw_parser(psprintf("SELECT %s", a->default_sql), RAW_PARSE_DEFAULT);
	SelectStmt *select = (SelectStmt *) ((RawStmt *) linitial(raw))->stmt;
	ResTarget  *target = linitial(select->targetList);
	Node	   *cooked = cookDefault(make_parsestate(NULL), target->val, a->typid,
									 a->typmod, a->field, '\0');

	return equal(cooked, stringToNode(default_bin));
}

/*
 * Whether a stored default is a null constant, cast or not (what Sequelize's
 * DEFAULT NULL leaves on a varchar(n) column): the same as none at all.
 */
static bool
NullDefault(const char *default_text)
{
	return default_text && strncmp(default_text, "NULL", 4) == 0 &&
		(default_text[4] == '\0' ||
		 (strncmp(default_text + 4, "::", 2) == 0 && !strchr(default_text + 6, ':')));
}

/*
 * Type, nullability and default of one attribute's column.  An ENUM whose
 * type is missing differs too: sync creates the type before the repairs.
 */
static void
CheckColumn(DriftState *ds, OrmAttribute *a)
{
	LiveItem   *col = LiveColumn(ds, a);
	const char *c = quote_identifier(a->field);
	bool		wants_default = (a->default_sql && strcmp(a->default_sql, "NULL") != 0) ||
		a->auto_increment;

	if (col == NULL)
	{
		AddDrift(ds, "missing column",
				 psprintf("column %s of attribute \"%s\" does not exist", c, a->name),
				 psprintf("ALTER TABLE %s ADD COLUMN %s", Table(ds), OrmColumnSql(ds->model, a)));
		return;
	}
	if ((a->enum_values && !OidIsValid(a->typid)) ||
		(OidIsValid(a->typid) &&
		 (col->typid != a->typid || (a->typmod >= 0 && col->typmod != a->typmod))))
		AddDrift(ds, "type mismatch",
				 psprintf("column %s is %s, attribute \"%s\" is %s", c,
						  format_type_with_typemod(col->typid, col->typmod),
						  a->name, a->type_name),
				 psprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT, "
						  "ALTER COLUMN %s TYPE %s USING %s::%s%s%s",
						  Table(ds), c, c, OrmTypeSql(a), c, OrmTypeSql(a),
						  a->default_sql ? psprintf(", ALTER COLUMN %s SET DEFAULT ", c) : "",
						  a->default_sql ? a->default_sql : ""));
	if (col->notnull == a->allow_null)
		AddDrift(ds, "nullability mismatch",
				 psprintf("column %s is %s, attribute \"%s\" has allowNull %s", c,
						  col->notnull ? "NOT NULL" : "nullable", a->name,
						  a->allow_null ? "true" : "false"),
				 psprintf("ALTER TABLE %s ALTER COLUMN %s %s NOT NULL", Table(ds), c,
						  a->allow_null ? "DROP" : "SET"));
	if (wants_default != col->hasdefault &&
		!(col->hasdefault && !wants_default && NullDefault(col->default_text)))
		AddDrift(ds, wants_default ? "missing default" : "unexpected default",
				 psprintf("column %s has %s default, attribute \"%s\" %s", c,
						  col->hasdefault ? "a" : "no", a->name,
						  wants_default ? "has one" : "has none"),
				 a->auto_increment ?
				 psprintf("ALTER TABLE %s ALTER COLUMN %s ADD GENERATED BY DEFAULT AS IDENTITY", Table(ds), c) :
				 a->default_sql ?
				 psprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", Table(ds), c, a->default_sql) :
				 psprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", Table(ds), c));
	else if (wants_default && !a->auto_increment && a->default_sql &&
			 col->default_bin && col->typid == a->typid && col->typmod == a->typmod &&
			 !DefaultMatches(a, col->default_bin))
		AddDrift(ds, "default mismatch",
				 psprintf("column %s defaults to %s, attribute \"%s\" to %s", c,
						  col->default_text, a->name, a->default_sql),
				 psprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", Table(ds), c,
						  a->default_sql));
}

/* Live columns no attribute has: reported, never dropped. */
static void
CheckExtraColumns(DriftState *ds)
{
	ListCell   *lc;

	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);
		ListCell   *lc2;
		bool		known = false;

		if (it->kind != 'c')
			continue;
		foreach(lc2, ds->model->attributes)
			known |= strcmp(((OrmAttribute *) lfirst(lc2))->field, it->name) == 0;
		if (!known)
			AddDrift(ds, "extra column",
					 psprintf("column %s is not an attribute of model \"%s\"",
							  quote_identifier(it->name), ds->model->name), NULL);
	}
}

static bool
IsPrimaryKey(OrmAttribute *a)
{
	return a->primary_key;
}

static List *
AttributesWhere(OrmModel *m, bool (*pred) (OrmAttribute *))
{
	List	   *out = NIL;
	ListCell   *lc;

	foreach(lc, m->attributes)
		if (pred(lfirst(lc)))
			out = lappend(out, lfirst(lc));
	return out;
}

/* Quoted fields of some attributes. */
static char *
FieldNames(List *attrs)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, attrs)
		appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
						 quote_identifier(((OrmAttribute *) lfirst(lc))->field));
	return buf.data;
}

/* The primary key and the unique constraints. */
static void
CheckKeys(DriftState *ds)
{
	List	   *pk = AttributesWhere(ds->model, IsPrimaryKey);
	char	   *keys = KeysOf(ds, pk);
	ListCell   *lc;
	bool		has_pk = false;

	foreach(lc, ds->live)
		has_pk |= ((LiveItem *) lfirst(lc))->kind == 'p';
	if (pk && keys && !FindKeys(ds, "p", keys))
		AddDrift(ds, has_pk ? "primary key mismatch" : "missing primary key",
				 psprintf("the primary key is not (%s)", FieldNames(pk)),
				 has_pk ? NULL : psprintf("ALTER TABLE %s ADD PRIMARY KEY (%s)",
										  Table(ds), FieldNames(pk)));
	foreach(lc, ds->model->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (a->unique == NULL || a->unique[0] != '\0' || a->primary_key ||
			!OrmIsColumnAttribute(ds->model, a))
			continue;
		keys = KeysOf(ds, list_make1(a));
		if (keys && !FindKeys(ds, "pui", keys))
			AddDrift(ds, "missing unique constraint",
					 psprintf("no unique constraint on (%s)", quote_identifier(a->field)),
					 psprintf("ALTER TABLE %s ADD UNIQUE (%s)", Table(ds),
							  quote_identifier(a->field)));
	}
	foreach(lc, OrmUniqueGroups(ds->model))
	{
		List	   *group = NIL;
		ListCell   *lc2;

		foreach(lc2, (List *) lfirst(lc))
		{
			OrmAttribute *col = palloc0(sizeof(OrmAttribute));

			col->field = lfirst(lc2);
			group = lappend(group, col);
		}
		keys = KeysOf(ds, group);
		if (keys && !FindKeys(ds, "pui", keys))
			AddDrift(ds, "missing unique constraint",
					 psprintf("no unique constraint on (%s)", FieldNames(group)),
					 psprintf("ALTER TABLE %s ADD UNIQUE (%s)", Table(ds), FieldNames(group)));
	}
}

/* pg_constraint's code of a referential action. */
static char
ActionCode(const char *action)
{
	if (action == NULL || strcmp(action, "NO ACTION") == 0)
		return 'a';
	if (strcmp(action, "CASCADE") == 0)
		return 'c';
	if (strcmp(action, "SET NULL") == 0)
		return 'n';
	if (strcmp(action, "SET DEFAULT") == 0)
		return 'd';
	return 'r';
}

/* The foreign key of one attribute, and the index on it. */
static void
CheckForeignKey(DriftState *ds, OrmAttribute *a)
{
	LiveItem   *col = LiveColumn(ds, a);
	Oid			target = a->ref_target ? OrmLiveTable(a->ref_target, ORM_LIVE_ANY) :
		get_relname_relid(a->ref_model, get_namespace_oid(ds->model->schema, true));
	char	   *keys;
	ListCell   *lc;
	LiveItem   *fk = NULL;

	if (col == NULL)
	{
		/* the column is missing: alter adds it, then its key and index */
		if (OidIsValid(target))
			AddDrift(ds, "missing foreign key",
					 psprintf("column %s of attribute \"%s\" is missing with its foreign key",
							  quote_identifier(a->field), a->name),
					 OrmForeignKeySql(ds->model, a));
		AddDrift(ds, "missing index",
				 psprintf("no index on foreign key column %s", quote_identifier(a->field)),
				 psprintf("CREATE INDEX ON %s (%s)", Table(ds), quote_identifier(a->field)));
		return;
	}
	keys = psprintf("%d", col->attnum);
	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);

		if (it->kind == 'f' && strcmp(it->keys, keys) == 0 && it->confrelid == target)
			fk = it;
	}
	if (fk == NULL)
		AddDrift(ds, "missing foreign key",
				 psprintf("column %s of attribute \"%s\" has no foreign key to %s",
						  quote_identifier(a->field), a->name, a->ref_target ?
						  OrmQualifiedTable(a->ref_target) : a->ref_model),
				 OidIsValid(target) ? OrmForeignKeySql(ds->model, a) : NULL);
	else if (fk->deltype != ActionCode(a->on_delete) || fk->updtype != ActionCode(a->on_update))
		AddDrift(ds, "foreign key actions differ",
				 psprintf("foreign key %s is not ON DELETE %s ON UPDATE %s",
						  quote_identifier(fk->name), a->on_delete ? a->on_delete : "NO ACTION",
						  a->on_update ? a->on_update : "NO ACTION"),
				 psprintf("ALTER TABLE %s DROP CONSTRAINT %s, %s", Table(ds),
						  quote_identifier(fk->name), OrmForeignKeyClause(ds->model, a)));
	else if (fk->deferrable != (a->deferrable && a->deferrable[0] == 'D') ||
			 fk->deferred != (a->deferrable && strstr(a->deferrable, "DEFERRED") != NULL))
		AddDrift(ds, "foreign key deferrability differs",
				 psprintf("foreign key %s is not %s", quote_identifier(fk->name),
						  a->deferrable ? a->deferrable : "NOT DEFERRABLE"),
				 psprintf("ALTER TABLE %s DROP CONSTRAINT %s, %s", Table(ds),
						  quote_identifier(fk->name), OrmForeignKeyClause(ds->model, a)));
	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);

		if ((it->kind == 'i') && atoi(it->keys) == col->attnum)
			return;
	}
	AddDrift(ds, "missing index",
			 psprintf("no index on foreign key column %s", quote_identifier(a->field)),
			 psprintf("CREATE INDEX ON %s (%s)", Table(ds), quote_identifier(a->field)));
}

/* The indexes of the "indexes" option, by name. */
static void
CheckIndexes(DriftState *ds)
{
	ListCell   *lc;

	foreach(lc, ds->model->indexes)
	{
		OrmIndex   *idx = lfirst(lc);
		ListCell   *lc2;
		bool		found = false;

		if (!idx->resolved)
		{
			foreach(lc2, idx->fields)
				if (((OrmIndexField *) lfirst(lc2))->attr == NULL)
					break;
			AddDrift(ds, "missing index",
					 psprintf("index %s names \"%s\", which is not an attribute",
							  quote_identifier(idx->name),
							  ((OrmIndexField *) lfirst(lc2))->name), NULL);
			continue;
		}
		foreach(lc2, ds->live)
		{
			LiveItem   *it = lfirst(lc2);

			found |= it->kind == 'i' && strcmp(it->name, idx->name) == 0;
		}
		if (!found)
			AddDrift(ds, "missing index",
					 psprintf("index %s does not exist", quote_identifier(idx->name)),
					 OrmOneIndexSql(ds->model, idx));
	}
}

/* The live CHECK constraint of this name, or NULL. */
static LiveItem *
LiveCheck(DriftState *ds, const char *name)
{
	ListCell   *lc;

	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);

		if (it->kind == 'k' && strcmp(it->name, name) == 0)
			return it;
	}
	return NULL;
}

/*
 * The CHECKs of the attributes' "validate": missing ones, ones whose
 * condition changed (their comment tells), and the ones sync made that no
 * validator declares any longer (only those: told by their comment).
 */
static void
CheckValidators(DriftState *ds)
{
	List	   *expected = NIL;
	ListCell   *lc;

	foreach(lc, ds->model->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, a->checks)
		{
			OrmCheck   *c = lfirst(lc2);
			LiveItem   *live = LiveCheck(ds, c->name);
			OrmDrift   *d;

			expected = lappend(expected, c->name);
			if (live && live->comment && strcmp(live->comment, c->comment) == 0)
				continue;
			AddDrift(ds, live ? "validator check differs" : "missing validator check",
					 psprintf("check %s of validator \"%s\" of attribute \"%s\" %s",
							  quote_identifier(c->name), c->validator, a->name,
							  live ? "is not the validator's" : "does not exist"),
					 psprintf("ALTER TABLE %s %s%sADD %s", Table(ds),
							  live ? "DROP CONSTRAINT " : "",
							  live ? psprintf("%s, ", quote_identifier(c->name)) : "",
							  OrmCheckClause(c)));
			d = llast(ds->drift);
			d->repair2 = OrmCheckCommentSql(ds->model, c);
		}
	}
	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);
		ListCell   *lc2;
		bool		wanted = false;

		if (it->kind != 'k' || !OrmIsValidatorComment(it->comment))
			continue;
		foreach(lc2, expected)
			wanted |= strcmp(lfirst(lc2), it->name) == 0;
		if (!wanted)
			AddDrift(ds, "extra validator check",
					 psprintf("check %s was made for a validator that is no longer declared",
							  quote_identifier(it->name)),
					 psprintf("ALTER TABLE %s DROP CONSTRAINT %s", Table(ds),
							  quote_identifier(it->name)));
	}
}

/*
 * The trigger orm_<function> that sync puts on the table to keep an
 * attribute (updatedAt, version): missing, or calling something else.
 */
static void
CheckTrigger(DriftState *ds, const char *function, const char *attribute)
{
	char	   *name = psprintf("orm_%s", function);
	char	   *call = psprintf("orm.%s(%s)", function,
								OrmFindAttribute(ds->model, attribute)->field);
	ListCell   *lc;

	foreach(lc, ds->live)
	{
		LiveItem   *it = lfirst(lc);
		OrmDrift   *d;

		if (it->kind != 't' || strcmp(it->name, name) != 0)
			continue;
		if (strcmp(it->comment, call) == 0)
			return;
		AddDrift(ds, "trigger differs",
				 psprintf("trigger %s of attribute \"%s\" runs %s, not %s",
						  quote_identifier(name), attribute, it->comment, call),
				 psprintf("DROP TRIGGER %s ON %s", quote_identifier(name), Table(ds)));
		d = llast(ds->drift);
		d->repair2 = OrmRowTriggerSql(ds->model, function, attribute);
		return;
	}
	AddDrift(ds, "missing trigger",
			 psprintf("trigger %s that keeps attribute \"%s\" does not exist",
					  quote_identifier(name), attribute),
			 OrmRowTriggerSql(ds->model, function, attribute));
}

/* The relationship and count functions of the model's associations. */
static void
CheckFunctions(DriftState *ds, OrmSchema *schema)
{
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);
		Oid			fn;

		if (a->source != ds->model)
			continue;
		fn = OrmRelationshipFunction(a);
		if (!OidIsValid(fn))
			AddDrift(ds, "missing relationship function",
					 psprintf("function %s(%s) of association \"%s\" does not exist",
							  quote_qualified_identifier(ds->model->schema, a->alias),
							  Table(ds), a->alias), NULL);
		else if (!OrmSameBody(fn, OrmRelationshipBody(a)))
			AddDrift(ds, "relationship function out of date",
					 psprintf("function %s(%s) does not match association \"%s\"",
							  quote_qualified_identifier(ds->model->schema, a->alias),
							  Table(ds), a->alias), NULL);
		if (!OrmHasCountFunction(a))
			continue;
		fn = OrmCountFunction(a);
		if (!OidIsValid(fn))
			AddDrift(ds, "missing count function",
					 psprintf("function %s(%s) of association \"%s\" does not exist",
							  quote_qualified_identifier(ds->model->schema,
														 OrmCountFunctionName(a)),
							  Table(ds), a->alias), NULL);
		else if (!OrmSameBody(fn, OrmCountBody(a)))
			AddDrift(ds, "count function out of date",
					 psprintf("function %s(%s) does not match association \"%s\"",
							  quote_qualified_identifier(ds->model->schema,
														 OrmCountFunctionName(a)),
							  Table(ds), a->alias), NULL);
	}
}

/* The ENUM types of the model's attributes. */
static void
CheckEnums(DriftState *ds)
{
	ListCell   *lc;

	foreach(lc, ds->model->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (a->enum_values && !OidIsValid(a->typid))
			AddDrift(ds, "missing enum type",
					 psprintf("type %s of attribute \"%s\" does not exist",
							  a->type_sql, a->name), NULL);
	}
}

/*
 * Every difference between a model and its live table; a missing table is
 * one difference (sync creates it).
 */
static List *
ModelDrift(OrmModel *m, OrmSchema *schema)
{
	DriftState	ds = {m, OrmLiveTable(m, ORM_LIVE_ANY), NIL, NIL};
	ListCell   *lc;

	CheckEnums(&ds);
	if (!OidIsValid(ds.relid))
	{
		AddDrift(&ds, "missing table",
				 psprintf("table %s does not exist", OrmQualifiedTable(m)), NULL);
		return ds.drift;
	}
	ReadLive(&ds);
	foreach(lc, m->attributes)
		if (OrmIsColumnAttribute(m, lfirst(lc)))
			CheckColumn(&ds, lfirst(lc));
	CheckExtraColumns(&ds);
	CheckKeys(&ds);
	foreach(lc, m->attributes)
		if (((OrmAttribute *) lfirst(lc))->ref_model &&
			OrmIsColumnAttribute(m, lfirst(lc)))
			CheckForeignKey(&ds, lfirst(lc));
	CheckIndexes(&ds);
	CheckValidators(&ds);
	if (m->updated_at)
		CheckTrigger(&ds, "touch_updated_at", m->updated_at);
	if (m->version)
		CheckTrigger(&ds, "bump_version", m->version);
	if (!m->is_junction)
		CheckFunctions(&ds, schema);
	return ds.drift;
}

/*
 * ModelDrift with the rights of the model's owner: reading a table's
 * defaults and checks cooks the model's own, which may name its owner's
 * types, never the caller's.
 */
List *
OrmModelDriftAsOwner(OrmModel *m, OrmSchema *schema)
{
	OrmSavedRole saved;
	List	   *drift;

	OrmBecomeRole(m->owner, &saved);
	drift = ModelDrift(m, schema);
	OrmRestoreRole(&saved);
	return drift;
}

/* One row of orm.drift()'s result. */
static void
PutDrift(ReturnSetInfo *rsinfo, const char *model, const char *problem,
		 const char *detail)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = CStringGetTextDatum(model);
	values[1] = CStringGetTextDatum(problem);
	values[2] = CStringGetTextDatum(detail);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * orm.drift() RETURNS TABLE (model text, problem text, detail text): the
 * differences of every model, and the models and associations that cannot
 * be loaded.
 */
Datum
orm_drift(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	OrmSchema  *schema = OrmLoadSchema();
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	foreach(lc, schema->broken)
	{
		OrmBroken  *b = lfirst(lc);

		if (b->alias)
			PutDrift(rsinfo, b->model, "association cannot be loaded",
					 psprintf("association \"%s\": %s", b->alias, b->error->message));
		else
			PutDrift(rsinfo, b->model, "cannot be loaded", b->error->message);
	}
	foreach(lc, schema->models)
	{
		ListCell   *lc2;

		foreach(lc2, OrmModelDriftAsOwner(lfirst(lc), schema))
		{
			OrmDrift   *d = lfirst(lc2);

			PutDrift(rsinfo, d->model->name, d->problem, d->detail);
		}
	}
	return (Datum) 0;
}
