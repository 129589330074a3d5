/*
 * write_sql.c
 *		An OrmWrite -> its one statement: data-modifying CTEs, then the JSON
 *		writer's levels over the rows they return.
 *
 * A level of a nested create is a CTE per insert group (w<level>_<group>:
 * INSERT ... SELECT from the group's json rows, RETURNING *), one for the
 * linked rows of a hasMany or hasOne (u<level>: UPDATE of their foreign
 * key), and one with all of the level's rows (r<level>): each with its
 * ordinal and its parent row's ("orm$o", "orm$p"), then the table's
 * columns.  A child level reads its parent's key from r<parent> by
 * ordinal; a belongsTo level comes before the level whose rows point to
 * it.  The groups insert their rows in ordinal order, and a CTE returns
 * the rows of an INSERT ... SELECT ... ORDER BY in that order, so the n-th
 * row returned is the n-th ordinal of the group.  The JSON writer reads
 * r<level> in place of the level's table (the written rows are not
 * visible in the tables within the statement).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_sql.h"
#include "orm_catalog.h"
#include "orm_query.h"
#include "orm_write.h"

typedef struct WriteSql
{
	OrmWrite   *w;
	OrmParams  *params;
	StringInfoData with;		/* the CTEs, comma-separated */
} WriteSql;

static OrmAttribute *
Attr(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);

	if (a == NULL)
		elog(ERROR, "model \"%s\" has no attribute \"%s\"", m->name, name);
	return a;
}

static const char *
Field(OrmModel *m, const char *name)
{
	return quote_identifier(Attr(m, name)->field);
}

static char *
TypeSql(OrmAttribute *a)
{
	return format_type_extended(a->typid, a->typmod,
								FORMAT_TYPE_TYPEMOD_GIVEN | FORMAT_TYPE_FORCE_QUALIFY);
}

/* Starts a CTE of the statement. */
static void
BeginCte(WriteSql *ws, const char *name)
{
	appendStringInfo(&ws->with, "%s%s AS (", ws->with.len ? ", " : "WITH ",
					 name);
}

/*
 * FROM of a group's rows: ROWS FROM the json (a record, or a recordset),
 * its ordinals and parents' as arrays when it has them, as r(v1, ..., vn,
 * o, p), the attributes given read by their names, each as its type.  A
 * numbered group without its ordinals is its level's only group, its rows
 * 1..n: their ordinality.
 */
static void
AppendRowsFrom(StringInfo buf, OrmModel *m, Bitmapset *given, int data_param,
			   OrmRowsForm form, int ords_param, int pars_param)
{
	bool		ordinality = !ords_param && (form == ORM_ROWS_NUMBERED ||
											 form == ORM_ROWS_CHILDREN);
	int			n = 0;

	appendStringInfo(buf, " FROM ROWS FROM (pg_catalog.%s($%d) AS (",
					 form == ORM_ROWS_RECORD ? "json_to_record" : "json_to_recordset",
					 data_param);
	for (int i = -1; (i = bms_next_member(given, i)) >= 0;)
	{
		OrmAttribute *a = list_nth(m->attributes, i);

		appendStringInfo(buf, "%s%s %s", n++ ? ", " : "",
						 quote_identifier(a->name), TypeSql(a));
	}
	if (n == 0)
		appendStringInfoString(buf, "\"orm$none\" pg_catalog.int4");
	appendStringInfoChar(buf, ')');
	if (ords_param)
		appendStringInfo(buf, ", pg_catalog.unnest($%d::pg_catalog.int4[])", ords_param);
	if (pars_param)
		appendStringInfo(buf, ", pg_catalog.unnest($%d::pg_catalog.int4[])", pars_param);
	appendStringInfo(buf, ")%s AS r(", ordinality ? " WITH ORDINALITY" : "");
	for (int i = 0; i < Max(n, 1); i++)
		appendStringInfo(buf, "%sv%d", i ? ", " : "", i + 1);
	if (ords_param)
		appendStringInfoString(buf, ", o");
	if (pars_param)
		appendStringInfoString(buf, ", p");
	if (ordinality)
		appendStringInfoString(buf, ", o");
	appendStringInfoChar(buf, ')');
}

/* A column written, and the SQL of its value. */
typedef struct Column
{
	const char *field;			/* quoted */
	char	   *expr;
} Column;

static List *
AddColumn(List *cols, const char *field, char *expr)
{
	Column	   *c = palloc(sizeof(Column));

	c->field = field;
	c->expr = expr;
	return lappend(cols, c);
}

/* The values of an association's scope, as parameters. */
static List *
ScopeColumns(WriteSql *ws, List *cols, OrmModel *m, JsonbValue *scope)
{
	ListCell   *lc;

	if (scope == NULL)
		return cols;
	foreach(lc, OrmJsonFields(scope->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		OrmAttribute *a = Attr(m, f->key);
		StringInfoData e;

		initStringInfo(&e);
		OrmAppendParam(&e, ws->params, a->typid,
					   OrmValueDatum(&f->value, a, m, a->typid));
		cols = AddColumn(cols, quote_identifier(a->field), e.data);
	}
	return cols;
}

/* "r.o" or, for create's one row, 1: a group's rows' ordinal. */
static const char *
OrdinalSql(OrmWriteGroup *g)
{
	return g->form == ORM_ROWS_RECORD || g->form == ORM_ROWS_ARRAY ? "1" : "r.o";
}

/*
 * " JOIN r<level> alias ON alias."orm$o" = r.p" : the parent row of a
 * group's row, by the group's parents' ordinals; the parent level's one
 * row when the group has none.
 */
static void
AppendParentJoin(StringInfo joins, OrmWriteGroup *g, OrmWriteLevel *parent,
				 const char *alias)
{
	if (g->pars_param)
		appendStringInfo(joins, " JOIN r%d %s ON %s.\"orm$o\" = r.p",
						 parent->id, alias, alias);
	else
		appendStringInfo(joins, " CROSS JOIN r%d %s", parent->id, alias);
}

/*
 * The columns of a group's insert, and the joins that give the keys from
 * other levels: the parent's (hasMany, hasOne), the junction's two, each
 * belongsTo row's.
 */
static List *
GroupColumns(WriteSql *ws, OrmWriteLevel *level, OrmWriteGroup *g,
			 StringInfo joins)
{
	OrmModel   *m = level->model;
	OrmAssociation *a = level->assoc;
	List	   *cols = NIL;
	int			n = 0;

	for (int i = -1; (i = bms_next_member(g->given, i)) >= 0;)
		cols = AddColumn(cols, quote_identifier(((OrmAttribute *) list_nth(m->attributes, i))->field),
						 psprintf("r.v%d", ++n));
	if (level->is_junction)
	{
		OrmWriteLevel *t = level->parent;

		AppendParentJoin(joins, g, t, "kt");
		appendStringInfo(joins, " JOIN r%d kp ON kp.\"orm$o\" = kt.\"orm$p\"",
						 t->parent->id);
		cols = AddColumn(cols, Field(m, a->foreign_key),
						 psprintf("kp.%s", Field(a->source, a->source_key)));
		cols = AddColumn(cols, Field(m, a->other_key),
						 psprintf("kt.%s", Field(a->target, a->target_key)));
		cols = ScopeColumns(ws, cols, m, a->through_scope);
	}
	else if (a && (a->kind == ORM_HAS_MANY || a->kind == ORM_HAS_ONE))
	{
		AppendParentJoin(joins, g, level->parent, "kp");
		cols = AddColumn(cols, Field(m, a->foreign_key),
						 psprintf("kp.%s", Field(a->source, a->source_key)));
		cols = ScopeColumns(ws, cols, m, a->scope);
	}
	for (int c = -1; (c = bms_next_member(g->linked_to, c)) >= 0;)
	{
		OrmWriteLevel *b = list_nth(level->children, c);

		appendStringInfo(joins, " JOIN r%d kb%d ON kb%d.\"orm$p\" = %s",
						 b->id, c, c, OrdinalSql(g));
		cols = AddColumn(cols, Field(m, b->assoc->foreign_key),
						 psprintf("kb%d.%s", c, Field(b->model, b->assoc->target_key)));
	}
	return cols;
}

/* The quoted columns of a list of attributes, for ON CONFLICT. */
static void
AppendFieldList(StringInfo buf, List *attrs)
{
	ListCell   *lc;

	foreach(lc, attrs)
		appendStringInfo(buf, "%s%s", foreach_current_index(lc) ? ", " : "",
						 quote_identifier(((OrmAttribute *) lfirst(lc))->field));
}

static List *
PrimaryKeys(OrmModel *m)
{
	List	   *keys = NIL;
	ListCell   *lc;

	foreach(lc, m->attributes)
		if (((OrmAttribute *) lfirst(lc))->primary_key)
			keys = lappend(keys, lfirst(lc));
	return keys;
}

/*
 * ON CONFLICT of the root's insert: bulk_create's ignoreDuplicates and
 * updateOnDuplicate, upsert's update of every column given but the
 * conflict's and createdAt (as Sequelize's upsert).
 */
static void
AppendOnConflict(StringInfo buf, OrmWrite *w, List *cols)
{
	List	   *target = w->conflict ? w->conflict : PrimaryKeys(w->model);
	const char *lead = " DO UPDATE SET ";
	ListCell   *lc;

	if (w->ignore_duplicates)
	{
		appendStringInfoString(buf, " ON CONFLICT DO NOTHING");
		return;
	}
	if (w->kind != ORM_WRITE_UPSERT && w->update_on_conflict == NIL)
		return;
	appendStringInfoString(buf, " ON CONFLICT (");
	AppendFieldList(buf, target);
	appendStringInfoChar(buf, ')');
	if (w->kind == ORM_WRITE_UPSERT)
	{
		OrmAttribute *created = w->model->created_at ?
			OrmFindAttribute(w->model, w->model->created_at) : NULL;

		foreach(lc, cols)
		{
			Column	   *c = lfirst(lc);
			bool		skip = created && strcmp(c->field, quote_identifier(created->field)) == 0;
			ListCell   *lc2;

			foreach(lc2, target)
				skip |= strcmp(c->field, quote_identifier(((OrmAttribute *) lfirst(lc2))->field)) == 0;
			if (skip)
				continue;
			appendStringInfo(buf, "%s%s = EXCLUDED.%s", lead, c->field, c->field);
			lead = ", ";
		}
		if (strcmp(lead, ", ") != 0)	/* nothing to set: still return the row */
			appendStringInfo(buf, "%s%s = EXCLUDED.%s", lead,
							 quote_identifier(((OrmAttribute *) linitial(target))->field),
							 quote_identifier(((OrmAttribute *) linitial(target))->field));
		return;
	}
	foreach(lc, w->update_on_conflict)
	{
		const char *f = quote_identifier(((OrmAttribute *) lfirst(lc))->field);

		appendStringInfo(buf, "%s%s = EXCLUDED.%s", lead, f, f);
		lead = ", ";
	}
}

/* One insert group's CTE, w<level>_<group>. */
static void
AppendGroup(WriteSql *ws, OrmWriteLevel *level, OrmWriteGroup *g, int index)
{
	StringInfo	buf = &ws->with;
	StringInfoData joins;
	List	   *cols;
	ListCell   *lc;

	initStringInfo(&joins);
	cols = GroupColumns(ws, level, g, &joins);
	BeginCte(ws, psprintf("w%d_%d", level->id, index));
	appendStringInfo(buf, "INSERT INTO %s AS t", OrmQualifiedTable(level->model));
	if (cols == NIL && g->form == ORM_ROWS_RECORD)
		appendStringInfoString(buf, " DEFAULT VALUES");
	else
	{
		/* no columns: a select of none, every column its default */
		if (cols != NIL)
		{
			appendStringInfoString(buf, " (");
			foreach(lc, cols)
				appendStringInfo(buf, "%s%s", foreach_current_index(lc) ? ", " : "",
								 ((Column *) lfirst(lc))->field);
			appendStringInfoChar(buf, ')');
		}
		appendStringInfoString(buf, " SELECT ");
		foreach(lc, cols)
			appendStringInfo(buf, "%s%s", foreach_current_index(lc) ? ", " : "",
							 ((Column *) lfirst(lc))->expr);
		AppendRowsFrom(buf, level->model, g->given, g->data_param, g->form,
					   g->ords_param, g->pars_param);
		appendStringInfoString(buf, joins.data);
		if (strcmp(OrdinalSql(g), "r.o") == 0)
			appendStringInfoString(buf, " ORDER BY r.o");
	}
	if (level->parent == NULL)
		AppendOnConflict(buf, ws->w, cols);
	appendStringInfoString(buf, " RETURNING t.*)");
}

/*
 * The linked rows of a hasMany or hasOne level: their foreign key set to
 * the parent's key (u<level>).
 */
static void
AppendLinkUpdate(WriteSql *ws, OrmWriteLevel *level)
{
	OrmModel   *m = level->model;
	OrmAssociation *a = level->assoc;
	OrmAttribute *pk = OrmPrimaryKey(m);
	StringInfo	buf = &ws->with;

	BeginCte(ws, psprintf("u%d", level->id));
	appendStringInfo(buf, "UPDATE %s AS t SET %s = kp.%s FROM pg_catalog.json_to_recordset($%d) AS r(o pg_catalog.int4, p pg_catalog.int4, k %s) JOIN r%d kp ON kp.\"orm$o\" = r.p WHERE t.%s %s r.k RETURNING r.o AS \"orm$o\", r.p AS \"orm$p\", t.*)",
					 OrmQualifiedTable(m), Field(m, a->foreign_key),
					 Field(a->source, a->source_key), level->links_param,
					 TypeSql(pk), level->parent->id, quote_identifier(pk->field),
					 OrmComparisonOperator(m, pk, BTEqualStrategyNumber, false));
}

/* r<level>: every row of the level, with its ordinal and its parent's. */
static void
AppendLevelRows(WriteSql *ws, OrmWriteLevel *level)
{
	StringInfo	buf = &ws->with;
	const char *sep = "";
	ListCell   *lc;

	BeginCte(ws, psprintf("r%d", level->id));
	foreach(lc, level->groups)
	{
		OrmWriteGroup *g = lfirst(lc);
		int			i = foreach_current_index(lc);
		const char *n = "pg_catalog.row_number() OVER ()";

		appendStringInfoString(buf, sep);
		if (g->ords_param)
			appendStringInfo(buf, "SELECT ($%d::pg_catalog.int4[])[%s]", g->ords_param, n);
		else
			appendStringInfo(buf, "SELECT %s::pg_catalog.int4", g->form == ORM_ROWS_RECORD ? "1" : n);
		if (g->pars_param)
			appendStringInfo(buf, " AS \"orm$o\", ($%d::pg_catalog.int4[])[%s] AS \"orm$p\", w.* FROM w%d_%d w",
							 g->pars_param, n, level->id, i);
		else					/* the root's rows, or under one row */
			appendStringInfo(buf, " AS \"orm$o\", %d AS \"orm$p\", w.* FROM w%d_%d w",
							 level->parent ? 1 : 0, level->id, i);
		sep = " UNION ALL ";
	}
	if (level->links && (level->assoc->kind == ORM_HAS_MANY ||
						 level->assoc->kind == ORM_HAS_ONE))
		appendStringInfo(buf, "%sSELECT * FROM u%d", sep, level->id);
	else if (level->links)
	{
		OrmAttribute *pk = OrmPrimaryKey(level->model);

		appendStringInfo(buf, "%sSELECT r.o AS \"orm$o\", r.p AS \"orm$p\", t.* FROM pg_catalog.json_to_recordset($%d) AS r(o pg_catalog.int4, p pg_catalog.int4, k %s) JOIN %s t ON t.%s %s r.k",
						 sep, level->links_param, TypeSql(pk),
						 OrmQualifiedTable(level->model), quote_identifier(pk->field),
						 OrmComparisonOperator(level->model, pk, BTEqualStrategyNumber, false));
	}
	else if (level->groups == NIL)
		appendStringInfo(buf, "SELECT 0 AS \"orm$o\", 0 AS \"orm$p\", t.* FROM %s t WHERE false",
						 OrmQualifiedTable(level->model));
	appendStringInfoChar(buf, ')');
}

/*
 * Whether the output reads a level's rows in the order given without an
 * ORDER BY (which costs a sort's setup, more than all else a level of a
 * few rows costs): create's one root row, or the rows of a level's only
 * insert group, which a CTE returns in the order they were inserted, read
 * without a join (a belongsToMany's rows are joined to their junction's).
 */
static bool
InGivenOrder(OrmWrite *w, OrmWriteLevel *level)
{
	if (level->parent == NULL &&
		(w->kind == ORM_WRITE_CREATE || w->kind == ORM_WRITE_UPSERT))
		return true;
	return list_length(level->groups) == 1 && level->links == NIL &&
		level->junction == NULL;
}

/*
 * A level's CTEs: its belongsTo levels first (its rows take their keys),
 * then its groups, its links, its rows, and its other children, which
 * take its keys; a belongsToMany level's junction after it.
 */
static void
AppendLevel(WriteSql *ws, OrmWriteLevel *level)
{
	ListCell   *lc;

	check_stack_depth();
	foreach(lc, level->children)
		if (((OrmWriteLevel *) lfirst(lc))->assoc->kind == ORM_BELONGS_TO)
			AppendLevel(ws, lfirst(lc));
	foreach(lc, level->groups)
		AppendGroup(ws, level, lfirst(lc), foreach_current_index(lc));
	if (level->links && (level->assoc->kind == ORM_HAS_MANY ||
						 level->assoc->kind == ORM_HAS_ONE))
		AppendLinkUpdate(ws, level);
	AppendLevelRows(ws, level);
	if (level->is_junction)
		level->parent->node->junction_source = psprintf("r%d", level->id);
	else if (level->node)
	{
		level->node->row_source = psprintf("r%d", level->id);
		level->node->source_of_parent = level->parent != NULL;
		if (!InGivenOrder(ws->w, level) || level->node->order != NIL)
			level->node->source_order = "\"orm$o\"";	/* as given */
	}
	foreach(lc, level->children)
		if (((OrmWriteLevel *) lfirst(lc))->assoc->kind != ORM_BELONGS_TO)
			AppendLevel(ws, lfirst(lc));
	if (level->junction)
		AppendLevel(ws, level->junction);
}

/* The table, aliased as the where writer has it, of a where's write. */
static void
AppendSetList(WriteSql *ws, StringInfo buf)
{
	OrmWrite   *w = ws->w;
	OrmModel   *m = w->model;
	const char *alias = OrmTableAlias(w->query);
	int			n = 0;

	for (int i = -1; (i = bms_next_member(w->set, i)) >= 0;)
	{
		OrmAttribute *a = list_nth(m->attributes, i);
		const char *f = quote_identifier(a->field);

		n++;
		if (w->kind == ORM_WRITE_UPDATE)
			appendStringInfo(buf, "%s%s = r.v%d", n > 1 ? ", " : "", f, n);
		else
			appendStringInfo(buf, "%s%s = %s.%s %s r.v%d", n > 1 ? ", " : "", f,
							 alias, f, w->kind == ORM_WRITE_INCREMENT ? "+" : "-", n);
	}
}

/*
 * The CTE w0 of update, increment, decrement, destroy and restore: the
 * rows the where picks (the query layer's conditions, the paranoid one
 * included unless the write is of soft-deleted rows).
 */
static void
AppendWhereWrite(WriteSql *ws)
{
	OrmWrite   *w = ws->w;
	OrmModel   *m = w->model;
	OrmQueryNode *q = w->query;
	const char *alias = OrmTableAlias(q);
	StringInfo	buf = &ws->with;
	const char *deleted = m->deleted_at ? Field(m, m->deleted_at) : NULL;
	int			start;

	BeginCte(ws, "w0");
	if (w->kind == ORM_WRITE_DESTROY && (w->force || deleted == NULL))
	{
		q->paranoid = false;
		appendStringInfo(buf, "DELETE FROM %s AS %s", OrmQualifiedTable(m), alias);
	}
	else if (w->kind == ORM_WRITE_DESTROY)
		appendStringInfo(buf, "UPDATE %s AS %s SET %s = pg_catalog.now()",
						 OrmQualifiedTable(m), alias, deleted);
	else if (w->kind == ORM_WRITE_RESTORE)
	{
		q->paranoid = false;
		appendStringInfo(buf, "UPDATE %s AS %s SET %s = NULL",
						 OrmQualifiedTable(m), alias, deleted);
	}
	else if (bms_is_empty(w->set))
	{
		appendStringInfo(buf, "SELECT * FROM %s %s WHERE false)", OrmQualifiedTable(m), alias);
		return;
	}
	else
	{
		appendStringInfo(buf, "UPDATE %s AS %s SET ", OrmQualifiedTable(m), alias);
		AppendSetList(ws, buf);
		AppendRowsFrom(buf, m, w->set, w->set_param, ORM_ROWS_RECORD, 0, 0);
	}
	start = buf->len;
	OrmAppendConditions(buf, q, NULL, ws->params, " WHERE ", true);
	if (w->kind == ORM_WRITE_RESTORE)
		appendStringInfo(buf, "%s%s.%s IS NOT NULL",
						 buf->len > start ? " AND " : " WHERE ", alias, deleted);
	appendStringInfo(buf, " RETURNING %s.*)", alias);
}

/*
 * The includes of a create's output are not required: the rows written
 * come back whatever their includes' where finds (as find_by_pk would
 * with "required": false), never the parent left out.
 */
static void
Unrequire(OrmQueryNode *node)
{
	ListCell   *lc;

	foreach(lc, node->children)
	{
		((OrmQueryNode *) lfirst(lc))->required = false;
		Unrequire(lfirst(lc));
	}
}

/* The query tree the written rows are returned through. */
static OrmQueryNode *
OutputTree(OrmWrite *w)
{
	OrmQueryNode *out;

	if (w->root)
	{
		out = w->query;
		Unrequire(out);
	}
	else
	{
		out = OrmParseQuery(w->schema, w->model, NULL);
		out->row_source = "w0";
	}
	out->paranoid = false;		/* the rows written, whatever their deletedAt */
	out->where = NULL;
	return out;
}

/*
 * A statement after the write's CTEs: its own WITH list (the levels'
 * MATERIALIZED CTEs read the written rows) joins theirs.
 */
static char *
AfterCtes(WriteSql *ws, const char *sql)
{
	if (strncmp(sql, "WITH ", 5) == 0)
		return psprintf("%s, %s", ws->with.data, sql + 5);
	return psprintf("%s %s", ws->with.data, sql);
}

/*
 * The levels statement over the written rows (or, when the JSON writer
 * cannot serve the include, the SQL path's array), after the CTEs.
 */
static void
PlanOutput(WriteSql *ws, OrmStatement *st)
{
	OrmQueryNode *out = OutputTree(ws->w);
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "orm_models write levels",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(cxt);

	st->levels = OrmLevelsPlan(out, ws->params);
	if (st->levels)
		st->levels->sql = AfterCtes(ws, st->levels->sql);
	MemoryContextSwitchTo(old);
	if (st->levels)
	{
		st->levels_context = cxt;
		st->sql = st->levels->sql;
		return;
	}
	MemoryContextDelete(cxt);
	st->sql = psprintf("%s SELECT %s FROM (%s) x(j)", ws->with.data,
					   ws->w->kind == ORM_WRITE_CREATE || ws->w->kind == ORM_WRITE_UPSERT ?
					   "x.j OPERATOR(pg_catalog.->) 0" : "x.j",
					   OrmFindSql(out, ORM_FIND_ARRAY, ws->params));
}

/* The models whose tables a write touches or reads. */
static List *
WriteModels(OrmQueryNode *node, List *models)
{
	ListCell   *lc;

	models = list_append_unique_ptr(models, node->model);
	if (node->assoc && node->assoc->kind == ORM_BELONGS_TO_MANY)
		models = list_append_unique_ptr(models, node->assoc->junction);
	foreach(lc, node->children)
		models = WriteModels(lfirst(lc), models);
	return models;
}

/*
 * The statement of a write: its data parameters first ($1..$nparams, set
 * per call), then the values of its where and scopes.  destroy and
 * restore return the count of rows; the others the rows, through the
 * JSON writer's levels.
 */
OrmStatement *
OrmWriteStatement(OrmWrite *w)
{
	OrmStatement *st = palloc0(sizeof(OrmStatement));
	WriteSql	ws = {0};

	ws.w = w;
	ws.params = &st->params;
	initStringInfo(&ws.with);
	for (int i = 0; i < w->nparams; i++)
		(void) OrmAddParam(&st->params, w->param_types[i], (Datum) 0, false);
	st->call_params = w->nparams;
	st->key_param = -1;
	st->root = w->model;
	st->models = WriteModels(w->query, NIL);
	if (w->root)
		AppendLevel(&ws, w->root);
	else
		AppendWhereWrite(&ws);
	if (w->kind == ORM_WRITE_DESTROY || w->kind == ORM_WRITE_RESTORE)
		st->sql = psprintf("%s SELECT pg_catalog.count(*) FROM w0", ws.with.data);
	else
		PlanOutput(&ws, st);
	return st;
}
