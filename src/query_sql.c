/*
 * query_sql.c
 *		A query tree -> one SQL statement that returns nested JSON.
 *
 * Each model level is a sub-select whose columns are named as the JSON
 * keys, turned into JSON by row_to_json / json_agg over the sub-select
 * (cheaper than json_build_object, and without its 100-argument limit).
 * An include is a correlated sub-select of its parent: an array for
 * hasMany and belongsToMany, an object or null for hasOne and belongsTo.
 * Limits and offsets sit inside their own level, so a parent's limit
 * counts parents and an include's limit counts children per parent.  A
 * required include filters its parent with EXISTS.  Every value is a
 * parameter; tables are schema-qualified; operators carry their schema.
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "orm_core.h"
#include "orm_model.h"
#include "orm_sql.h"
#include "orm_query.h"

static void AppendNodeSelect(StringInfo buf, OrmQueryNode *node,
							 OrmQueryNode *parent, OrmParams *params);
static void AppendExists(StringInfo buf, OrmQueryNode *node,
						 OrmQueryNode *parent, OrmParams *params, bool filters);
static void MarkGrouped(OrmQueryNode *node, OrmQueryNode *parent);
static void AppendGroupedJoins(StringInfo buf, OrmQueryNode *node,
							   OrmParams *params);

char *
OrmTableAlias(OrmQueryNode *node)
{
	return psprintf("t%d", node->index);
}

char *
OrmJunctionAlias(OrmQueryNode *node)
{
	return psprintf("j%d", node->index);
}

static OrmAttribute *
Attr(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);

	if (a == NULL)
		elog(ERROR, "attribute \"%s\" of model \"%s\" vanished", name, m->name);
	return a;
}

/* left.a = right.b, with the key type's equality operator */
static void
AppendEquals(StringInfo buf, const char *left, OrmModel *lm, OrmAttribute *la,
			 const char *right, OrmAttribute *ra)
{
	appendStringInfo(buf, "%s.%s %s %s.%s", left, quote_identifier(la->field),
					 OrmComparisonOperator(lm, la, BTEqualStrategyNumber, false),
					 right, quote_identifier(ra->field));
}

/* The condition linking an include's rows to its parent's row. */
static void
AppendJoinCondition(StringInfo buf, OrmQueryNode *node, const char *parent_alias)
{
	OrmAssociation *a = node->assoc;
	OrmModel   *src = a->source;

	switch (a->kind)
	{
		case ORM_HAS_ONE:
		case ORM_HAS_MANY:
			AppendEquals(buf, OrmTableAlias(node), a->target, Attr(a->target, a->foreign_key),
						 parent_alias, Attr(src, a->source_key));
			break;
		case ORM_BELONGS_TO:
			AppendEquals(buf, OrmTableAlias(node), a->target, Attr(a->target, a->target_key),
						 parent_alias, Attr(src, a->foreign_key));
			break;
		case ORM_BELONGS_TO_MANY:
			AppendEquals(buf, OrmJunctionAlias(node), a->junction,
						 Attr(a->junction, a->foreign_key),
						 parent_alias, Attr(src, a->source_key));
			break;
	}
}

/* A level's table, joined to the junction of a belongsToMany. */
static void
AppendTables(StringInfo buf, OrmQueryNode *node)
{
	OrmAssociation *a = node->assoc;

	appendStringInfo(buf, "%s %s", OrmQualifiedTable(node->model),
					 OrmTableAlias(node));
	if (a && a->kind == ORM_BELONGS_TO_MANY)
	{
		appendStringInfo(buf, " JOIN %s %s ON ", OrmQualifiedTable(a->junction),
						 OrmJunctionAlias(node));
		AppendEquals(buf, OrmJunctionAlias(node), a->junction,
					 Attr(a->junction, a->other_key), OrmTableAlias(node),
					 Attr(node->model, a->target_key));
	}
}

/* FROM of a level: its table, and the junction of a belongsToMany. */
void
OrmAppendFrom(StringInfo buf, OrmQueryNode *node)
{
	appendStringInfoString(buf, " FROM ");
	AppendTables(buf, node);
}

/* lead (" WHERE ", " ON ") before the first condition, " AND " after */
static void
NextCondition(StringInfo buf, const char **lead)
{
	appendStringInfoString(buf, *lead);
	*lead = " AND ";
}

/*
 * The where entries of node's ancestors that name node through a to-many
 * include: node's rows are those that satisfy them, as in Sequelize's
 * joined rows.  Node and its ancestors up to the level are in scope.
 */
static void
AppendAncestorFilters(StringInfo buf, OrmQueryNode *node, const char **lead,
					  OrmParams *params)
{
	List	   *bound = list_make1(node);

	for (OrmQueryNode *level = node->parent; level; level = level->parent)
	{
		if (list_member_ptr(level->where_joins, node))
		{
			NextCondition(buf, lead);
			OrmAppendManyFilter(buf, level, bound, params);
		}
		bound = lappend(bound, level);
	}
}

/*
 * The conditions of a level: the link to its parent, soft deletion, its
 * where, its association's scopes, the junction's where, its required
 * includes, and (with filters) its ancestors' where entries that name it.
 */
void
OrmAppendConditions(StringInfo buf, OrmQueryNode *node, OrmQueryNode *parent,
				 OrmParams *params, const char *lead, bool filters)
{
	ListCell   *lc;

	if (parent)
	{
		NextCondition(buf, &lead);
		AppendJoinCondition(buf, node, OrmTableAlias(parent));
	}
	if (node->key_param)
	{
		OrmAttribute *pk = OrmPrimaryKey(node->model);

		NextCondition(buf, &lead);
		appendStringInfo(buf, "%s.%s %s $%d", OrmTableAlias(node),
						 quote_identifier(pk->field),
						 OrmComparisonOperator(node->model, pk, BTEqualStrategyNumber, false),
						 node->key_param);
	}
	if (node->keys_param)
	{
		OrmAttribute *pk = OrmPrimaryKey(node->model);

		NextCondition(buf, &lead);
		appendStringInfo(buf, "%s.%s %s ANY ($%d)", OrmTableAlias(node),
						 quote_identifier(pk->field),
						 OrmComparisonOperator(node->model, pk, BTEqualStrategyNumber, false),
						 node->keys_param);
	}
	if (node->paranoid)
	{
		NextCondition(buf, &lead);
		appendStringInfo(buf, "%s.%s IS NULL", OrmTableAlias(node),
						 quote_identifier(Attr(node->model, node->model->deleted_at)->field));
	}
	if (node->where)
	{
		NextCondition(buf, &lead);
		OrmAppendNodeWhere(buf, node, OrmTableAlias(node), params);
	}
	if (node->assoc && node->assoc->scope)
	{
		NextCondition(buf, &lead);
		OrmAppendWhere(buf, node->model, OrmTableAlias(node), node->assoc->scope, params);
	}
	if (node->assoc && node->assoc->through_scope)
	{
		NextCondition(buf, &lead);
		OrmAppendWhere(buf, node->assoc->junction, OrmJunctionAlias(node),
					   node->assoc->through_scope, params);
	}
	if (node->through_where)
	{
		NextCondition(buf, &lead);
		OrmAppendWhere(buf, node->assoc->junction, OrmJunctionAlias(node),
					   node->through_where, params);
	}
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		if (!child->required)
			continue;
		NextCondition(buf, &lead);
		AppendExists(buf, child, node, params, filters);
	}
	if (filters)
		AppendAncestorFilters(buf, node, &lead, params);
}

/* EXISTS (a matching row of a required include) */
static void
AppendExists(StringInfo buf, OrmQueryNode *node, OrmQueryNode *parent,
			 OrmParams *params, bool filters)
{
	appendStringInfoString(buf, "EXISTS (SELECT 1");
	OrmAppendFrom(buf, node);
	OrmAppendConditions(buf, node, parent, params, " WHERE ", filters);
	appendStringInfoChar(buf, ')');
}

/* A level's tables as one item of a FROM list. */
static void
AppendTablesItem(StringInfo buf, OrmQueryNode *node)
{
	bool		many = node->assoc->kind == ORM_BELONGS_TO_MANY;

	appendStringInfoString(buf, many ? "(" : "");
	AppendTables(buf, node);
	appendStringInfoString(buf, many ? ")" : "");
}

/*
 * Whether the row source can start from include node as an inner join:
 * its parent is in scope and the entries reject its rows of nulls.
 */
static bool
InnerStart(OrmQueryNode *level, List *bound, OrmQueryNode *node)
{
	return (node->parent == level || list_member_ptr(bound, node->parent)) &&
		OrmWhereRejectsNull(level, node);
}

/*
 * The to-many where entries of a level, over its row source: one row of
 * the level (in scope as its alias) left-joined to every include they
 * name, so that an include without rows contributes one row of nulls, as
 * in Sequelize's LEFT OUTER JOIN.  Includes in bound are in scope already
 * (the row being filtered and its ancestors) and are not joined again.
 * An include whose rows of nulls the entries reject starts the FROM list
 * instead, linked to its parent in the WHERE, which PostgreSQL can turn
 * into a semi-join; otherwise the list starts from one empty row.
 */
void
OrmAppendManyFilter(StringInfo buf, OrmQueryNode *level, List *bound,
					OrmParams *params)
{
	List	   *starts = NIL;
	List	   *joins = NIL;
	const char *lead = " WHERE ";
	ListCell   *lc;

	foreach(lc, level->where_joins)
	{
		OrmQueryNode *node = lfirst(lc);

		if (list_member_ptr(bound, node))
			continue;
		if (InnerStart(level, bound, node))
			starts = lappend(starts, node);
		else
			joins = lappend(joins, node);
	}
	if (starts == NIL && joins == NIL)
	{
		OrmAppendManyWhere(buf, level, params);
		return;
	}
	appendStringInfoString(buf, "EXISTS (SELECT 1 FROM ");
	if (starts == NIL)
		appendStringInfoString(buf, "(SELECT) o");
	foreach(lc, starts)
	{
		appendStringInfoString(buf, foreach_current_index(lc) ? " CROSS JOIN " : "");
		AppendTablesItem(buf, lfirst(lc));
	}
	foreach(lc, joins)
	{
		OrmQueryNode *node = lfirst(lc);

		appendStringInfo(buf, " %s ", node->required ? "JOIN" : "LEFT JOIN");
		AppendTablesItem(buf, node);
		OrmAppendConditions(buf, node, node->parent, params, " ON ", false);
	}
	foreach(lc, starts)
	{
		OrmQueryNode *node = lfirst(lc);

		OrmAppendConditions(buf, node, node->parent, params, lead, false);
		lead = " AND ";
	}
	appendStringInfoString(buf, lead);
	OrmAppendManyWhere(buf, level, params);
	appendStringInfoChar(buf, ')');
}

/* The value a to-one path leads to, for ordering by an included column. */
static void
AppendPathValue(StringInfo buf, OrmOrderItem *item, int step,
				const char *from_alias)
{
	OrmQueryNode *hop = list_nth(item->path, step);

	appendStringInfoString(buf, "(SELECT ");
	if (step == list_length(item->path) - 1)
		appendStringInfo(buf, "%s.%s", OrmTableAlias(hop), quote_identifier(item->attr->field));
	else
		AppendPathValue(buf, item, step + 1, OrmTableAlias(hop));
	OrmAppendFrom(buf, hop);
	appendStringInfoString(buf, " WHERE ");
	AppendJoinCondition(buf, hop, from_alias);
	appendStringInfoString(buf, " LIMIT 1)");
}

/*
 * The value of attr at the end of a to-one path of includes from the row
 * from_alias, as a scalar sub-select (NULL when a hop has no row).
 */
char *
OrmPathValueSql(List *path, OrmAttribute *attr, const char *from_alias)
{
	StringInfoData buf;
	OrmOrderItem item = {0};

	item.path = path;
	item.attr = attr;
	initStringInfo(&buf);
	AppendPathValue(&buf, &item, 0, from_alias);
	return buf.data;
}

/* min/max of a to-many child's column over the rows the include keeps */
static void
AppendChildAggregate(StringInfo buf, OrmOrderItem *item, OrmQueryNode *node,
					 OrmParams *params)
{
	OrmQueryNode *child = item->node;

	appendStringInfo(buf, "(SELECT pg_catalog.%s(%s.%s)", item->aggregate,
					 OrmTableAlias(child), quote_identifier(item->attr->field));
	OrmAppendFrom(buf, child);
	OrmAppendConditions(buf, child, node, params, " WHERE ", true);
	appendStringInfoChar(buf, ')');
}

/* ORDER BY, LIMIT and OFFSET of a level */
void
OrmAppendOrderLimit(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	ListCell   *lc;

	foreach(lc, node->order)
	{
		OrmOrderItem *item = lfirst(lc);

		appendStringInfoString(buf, foreach_current_index(lc) ? ", " : " ORDER BY ");
		if (item->aggregate)
			AppendChildAggregate(buf, item, node, params);
		else if (item->path)
			AppendPathValue(buf, item, 0, OrmTableAlias(node));
		else
			appendStringInfo(buf, "%s.%s", OrmTableAlias(node),
							 quote_identifier(item->attr->field));
		appendStringInfo(buf, " %s", item->direction);
	}
	if (node->limit >= 0)
		appendStringInfo(buf, " LIMIT $%d",
						 OrmAddParam(params, INT8OID, Int64GetDatum(node->limit), false));
	if (node->offset > 0)
		appendStringInfo(buf, " OFFSET $%d",
						 OrmAddParam(params, INT8OID, Int64GetDatum(node->offset), false));
}

/* The junction row of a belongsToMany, under the junction model's name. */
static void
AppendJunctionColumn(StringInfo buf, OrmQueryNode *node, bool first)
{
	ListCell   *lc;

	appendStringInfo(buf, "%s(SELECT pg_catalog.row_to_json(x.*) FROM (SELECT ",
					 first ? "" : ", ");
	foreach(lc, node->through_attributes)
	{
		OrmAttribute *a = lfirst(lc);

		appendStringInfo(buf, "%s%s.%s AS %s", foreach_current_index(lc) ? ", " : "",
						 OrmJunctionAlias(node), quote_identifier(a->field),
						 quote_identifier(a->name));
	}
	appendStringInfo(buf, ") x) AS %s", quote_identifier(node->assoc->junction->name));
}

/* An include's value: an array of its rows, or one row or null. */
static void
AppendIncludeColumn(StringInfo buf, OrmQueryNode *child, OrmQueryNode *parent,
					OrmParams *params)
{
	bool		many = child->assoc->kind == ORM_HAS_MANY ||
		child->assoc->kind == ORM_BELONGS_TO_MANY;

	if (many)
		appendStringInfo(buf, "(SELECT COALESCE(pg_catalog.json_agg(c%d.*), '[]'::pg_catalog.json) FROM (",
						 child->index);
	else
		appendStringInfo(buf, "(SELECT pg_catalog.row_to_json(c%d.*) FROM (",
						 child->index);
	if (!many)
		child->limit = 1;
	AppendNodeSelect(buf, child, parent, params);
	appendStringInfo(buf, ") c%d)", child->index);
}

/* The select list of a level: its attributes, then its includes. */
static void
AppendColumns(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	bool		first = true;
	bool		junction = node->assoc && node->assoc->kind == ORM_BELONGS_TO_MANY &&
		node->through_attributes;
	ListCell   *lc;

	foreach(lc, node->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		appendStringInfo(buf, "%s%s AS %s", first ? "" : ", ",
						 OrmOutputColumnSql(a, OrmTableAlias(node)),
						 quote_identifier(OrmNodeAttributeKey(node,
															  foreach_current_index(lc))));
		first = false;
	}
	/*
	 * A belongsToMany row's junction row: before its includes, as
	 * Sequelize's row values have it, unless the include lists its
	 * attributes, when Sequelize's build sets those, then the includes,
	 * the junction last.
	 */
	if (junction && !node->attributes_given)
	{
		AppendJunctionColumn(buf, node, first);
		first = false;
	}
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		if (!child->emit)
			continue;
		appendStringInfoString(buf, first ? "" : ", ");
		if (child->grouped)
			appendStringInfo(buf, "COALESCE(g%d.v, '[]'::pg_catalog.json)", child->index);
		else
			AppendIncludeColumn(buf, child, node, params);
		appendStringInfo(buf, " AS %s", quote_identifier(child->key));
		first = false;
	}
	if (junction && node->attributes_given)
		AppendJunctionColumn(buf, node, first);
}

/*
 * Whether a to-many include is better pre-aggregated: when every row of
 * the parent is loaded (the root, with no where, limit or offset), one
 * GROUP BY over the children, hash-joined to the parents, beats a
 * correlated sub-select per parent.  The include must be a plain hasMany
 * whose rows carry their foreign key (the GROUP BY key) and whose order,
 * if any, is by its own columns; no limit or offset of its own.
 */
static bool
Groupable(OrmQueryNode *child, OrmQueryNode *parent)
{
	OrmAttribute *fk;
	ListCell   *lc;

	if (parent->assoc || parent->where || parent->limit >= 0 ||
		parent->offset > 0 || !child->emit || child->attribute_keys ||
		child->assoc->kind != ORM_HAS_MANY ||
		child->limit >= 0 || child->offset > 0)
		return false;
	fk = Attr(child->model, child->assoc->foreign_key);
	if (!list_member_ptr(child->attributes, fk))
		return false;
	foreach(lc, child->order)
	{
		OrmOrderItem *item = lfirst(lc);

		if (item->path || item->aggregate ||
			!list_member_ptr(child->attributes, item->attr))
			return false;
	}
	return true;
}

/* Decides which includes of a level are pre-aggregated. */
static void
MarkGrouped(OrmQueryNode *node, OrmQueryNode *parent)
{
	ListCell   *lc;

	if (parent)
		return;
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		child->grouped = Groupable(child, node);
	}
}

/*
 * LEFT JOIN (SELECT key, json_agg(rows ORDER BY ...) FROM (child rows)
 * GROUP BY key) g<i> ON g<i>.k = parent key, for each grouped include.
 */
static void
AppendGroupedJoins(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	ListCell   *lc;

	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);
		OrmAttribute *fk;
		ListCell   *lc2;

		if (!child->grouped)
			continue;
		fk = Attr(child->model, child->assoc->foreign_key);
		appendStringInfo(buf, " LEFT JOIN (SELECT c%d.%s AS k, pg_catalog.json_agg(c%d.*",
						 child->index, quote_identifier(fk->name), child->index);
		foreach(lc2, child->order)
		{
			OrmOrderItem *item = lfirst(lc2);

			appendStringInfo(buf, "%sc%d.%s %s", foreach_current_index(lc2) ? ", " : " ORDER BY ",
							 child->index, quote_identifier(item->attr->name),
							 item->direction);
		}
		appendStringInfoString(buf, ") AS v FROM (");
		AppendNodeSelect(buf, child, NULL, params);
		appendStringInfo(buf, ") c%d GROUP BY 1) g%d ON g%d.k %s %s.%s",
						 child->index, child->index, child->index,
						 OrmComparisonOperator(child->model, fk, BTEqualStrategyNumber, false),
						 OrmTableAlias(node),
						 quote_identifier(Attr(node->model, child->assoc->source_key)->field));
	}
}

/* SELECT <columns> FROM <table> WHERE ... ORDER BY ... LIMIT ... */
static void
AppendNodeSelect(StringInfo buf, OrmQueryNode *node, OrmQueryNode *parent,
				 OrmParams *params)
{
	check_stack_depth();
	MarkGrouped(node, parent);
	appendStringInfoString(buf, "SELECT ");
	AppendColumns(buf, node, params);
	OrmAppendFrom(buf, node);
	AppendGroupedJoins(buf, node, params);
	OrmAppendConditions(buf, node, parent, params, " WHERE ", true);
	if (!node->grouped)
		OrmAppendOrderLimit(buf, node, params);
}

/* The statement for a query tree, in one of the shapes callers need. */
char *
OrmFindSql(OrmQueryNode *root, OrmFindShape shape, OrmParams *params)
{
	StringInfoData buf;

	initStringInfo(&buf);
	switch (shape)
	{
		case ORM_FIND_ARRAY:
			appendStringInfoString(&buf, "SELECT COALESCE(pg_catalog.json_agg(r.*), '[]'::pg_catalog.json) FROM (");
			AppendNodeSelect(&buf, root, NULL, params);
			appendStringInfoString(&buf, ") r");
			break;
		case ORM_FIND_ROWS:
			appendStringInfoString(&buf, "SELECT pg_catalog.row_to_json(r.*) FROM (");
			AppendNodeSelect(&buf, root, NULL, params);
			appendStringInfoString(&buf, ") r");
			break;
		case ORM_FIND_COUNT:
			appendStringInfoString(&buf, "SELECT pg_catalog.count(*)");
			OrmAppendFrom(&buf, root);
			OrmAppendConditions(&buf, root, NULL, params, " WHERE ", true);
			break;
	}
	return buf.data;
}
