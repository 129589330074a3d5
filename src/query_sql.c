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
#include "utils/lsyscache.h"

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

/*
 * What a level reads its rows from: its model's table, or the row source
 * given in its place (a write's rows: see write_sql.c).
 */
char *
OrmNodeTable(OrmQueryNode *node)
{
	return node->row_source ? node->row_source : OrmQualifiedTable(node->model);
}

/* A level's table, joined to the junction of a belongsToMany. */
static void
AppendTables(StringInfo buf, OrmQueryNode *node)
{
	OrmAssociation *a = node->assoc;

	appendStringInfo(buf, "%s %s", OrmNodeTable(node), OrmTableAlias(node));
	if (a && a->kind == ORM_BELONGS_TO_MANY)
	{
		appendStringInfo(buf, " JOIN %s %s ON ",
						 node->junction_source ? node->junction_source :
						 OrmQualifiedTable(a->junction),
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
 * Returns what leads the next condition.
 */
const char *
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
	return lead;
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

/*
 * The rows an aggregate ranges over, per row of node: the includes of its
 * chain joined as Sequelize joins them (a required one inner, others
 * left), each with its conditions, the first linked to node's row; as the
 * include's array, only the rows that satisfy the where entries of its
 * ancestors that name it ("$posts.stars$").
 */
static void
AppendChainFrom(StringInfo buf, List *chain, OrmQueryNode *node,
				OrmParams *params)
{
	appendStringInfoString(buf, " FROM ");
	AppendTablesItem(buf, linitial(chain));
	for (int i = 1; i < list_length(chain); i++)
	{
		OrmQueryNode *c = list_nth(chain, i);

		appendStringInfo(buf, " %s ", c->required ? "JOIN" : "LEFT JOIN");
		AppendTablesItem(buf, c);
		OrmAppendConditions(buf, c, c->parent, params, " ON ", true);
	}
	OrmAppendConditions(buf, linitial(chain), node, params, " WHERE ", true);
}

/* A value of an expression: a parameter of its JSON type, or NULL. */
static void
AppendExprValue(StringInfo buf, OrmExpr *e, OrmParams *params)
{
	Oid			typin;
	Oid			ioparam;

	if (e->value->type == jbvNull)
	{
		appendStringInfoString(buf, "NULL");
		return;
	}
	getTypeInputInfo(e->value_type, &typin, &ioparam);
	OrmAppendParam(buf, params, e->value_type,
				   OidInputFunctionCall(typin, OrmJsonValueText(e->value),
										ioparam, -1));
}

/*
 * An expression of query_expr.c over the rows in scope: a column of its
 * anchor's row (through to-one hops), a value, a call.  An aggregate over
 * an include's rows is a correlated sub-select of its node's row, unless
 * joined (a grouped report, whose FROM joins those rows).
 */
static void
AppendExpr(StringInfo buf, OrmExpr *e, OrmQueryNode *node, OrmParams *params,
		   bool joined)
{
	ListCell   *lc;

	check_stack_depth();
	switch (e->kind)
	{
		case ORM_EXPR_COLUMN:
			if (e->hops)
				appendStringInfoString(buf, OrmPathValueSql(e->hops, e->attr,
															OrmTableAlias(e->anchor)));
			else
				appendStringInfo(buf, "%s.%s", OrmTableAlias(e->anchor),
								 quote_identifier(e->attr->field));
			return;
		case ORM_EXPR_STAR:
			appendStringInfoChar(buf, '*');
			return;
		case ORM_EXPR_VALUE:
			AppendExprValue(buf, e, params);
			return;
		case ORM_EXPR_CALL:
			break;
	}
	if (e->fn->kind == ORM_FN_DISTINCT)
	{
		appendStringInfoString(buf, "DISTINCT ");
		AppendExpr(buf, linitial(e->args), node, params, joined);
		return;
	}
	if (e->fn->kind == ORM_FN_AGGREGATE && e->preagg && !joined)
	{
		appendStringInfoString(buf, e->preagg);
		return;
	}
	if (e->fn->kind == ORM_FN_AGGREGATE && e->chain && !joined)
	{
		appendStringInfoString(buf, "(SELECT ");
		AppendExpr(buf, e, node, params, true);
		AppendChainFrom(buf, e->chain, node, params);
		appendStringInfoChar(buf, ')');
		return;
	}
	appendStringInfo(buf, "%s%s(", e->fn->kind == ORM_FN_SYNTAX ? "" : "pg_catalog.",
					 e->fn->sql);
	foreach(lc, e->args)
	{
		appendStringInfoString(buf, foreach_current_index(lc) ? ", " : "");
		AppendExpr(buf, lfirst(lc), node, params, joined);
	}
	appendStringInfoChar(buf, ')');
}

/*
 * The expressions of a node's rows: those of "attributes", then those
 * written in its order; each named e<n> in the node's m<index>, which
 * m->sql says.
 */
List *
OrmNodeMembers(OrmQueryNode *node)
{
	List	   *members = list_copy(node->members);
	ListCell   *lc;

	foreach(lc, node->order)
	{
		OrmOrderItem *item = lfirst(lc);

		if (item->member)
			members = list_append_unique_ptr(members, item->member);
	}
	foreach(lc, members)
		((OrmQueryMember *) lfirst(lc))->sql =
			psprintf("m%d.e%d", node->index, foreach_current_index(lc) + 1);
	return members;
}

/*
 * Whether the aggregates of a node's expressions are better computed for
 * all its rows at once: the root, every row of its table read (no where,
 * no key), and either every row returned or the rows ordered by an
 * expression (which needs them all).  One GROUP BY over the include's
 * table, hash-joined to the rows, then beats a correlated sub-select per
 * row.
 */
static bool
PreAggregated(OrmQueryNode *node)
{
	ListCell   *lc;
	bool		by_member = false;

	if (node->parent || node->where || node->key_param || node->keys_param ||
		node->where_joins || node->report)
		return false;
	foreach(lc, node->order)
		by_member |= ((OrmOrderItem *) lfirst(lc))->member != NULL;
	return node->limit < 0 || by_member;
}

/*
 * LEFT JOIN (SELECT fk AS k, aggregate AS v FROM include's rows GROUP BY
 * 1) g<n> ON g<n>.k = the row's key, for each aggregate of e over a plain
 * hasMany include; the aggregate then reads g<n>.v (a count of no rows is
 * 0, as the sub-select's).
 */
static void
AppendPreAggregates(StringInfo buf, OrmExpr *e, OrmQueryNode *node,
					OrmParams *params, int *n)
{
	OrmQueryNode *c;
	OrmAttribute *fk;
	ListCell   *lc;

	if (e->kind != ORM_EXPR_CALL)
		return;
	foreach(lc, e->args)
		AppendPreAggregates(buf, lfirst(lc), node, params, n);
	if (e->fn->kind != ORM_FN_AGGREGATE || list_length(e->chain) != 1 ||
		((OrmQueryNode *) linitial(e->chain))->assoc->kind != ORM_HAS_MANY)
		return;
	c = linitial(e->chain);
	fk = Attr(c->model, c->assoc->foreign_key);
	(*n)++;
	appendStringInfo(buf, " LEFT JOIN (SELECT %s.%s AS k, ", OrmTableAlias(c),
					 quote_identifier(fk->field));
	AppendExpr(buf, e, c, params, true);
	appendStringInfoString(buf, " AS v");
	OrmAppendFrom(buf, c);
	(void) OrmAppendConditions(buf, c, NULL, params, " WHERE ", false);
	appendStringInfo(buf, " GROUP BY 1) g%d_%d ON g%d_%d.k %s %s.%s",
					 node->index, *n, node->index, *n,
					 OrmComparisonOperator(c->model, fk, BTEqualStrategyNumber, false),
					 OrmTableAlias(node),
					 quote_identifier(Attr(node->model, c->assoc->source_key)->field));
	e->preagg = strcmp(e->fn->kw.name, "COUNT") == 0 ?
		psprintf("COALESCE(g%d_%d.v, 0)", node->index, *n) :
		psprintf("g%d_%d.v", node->index, *n);
}

/* Forgets the pre-aggregated joins of another statement of the tree. */
static void
ClearPreAggregates(OrmExpr *e)
{
	ListCell   *lc;

	e->preagg = NULL;
	if (e->kind == ORM_EXPR_CALL)
		foreach(lc, e->args)
			ClearPreAggregates(lfirst(lc));
}

/*
 * CROSS JOIN LATERAL (SELECT <expressions> OFFSET 0) m<index>: each
 * expression of a row computed once, however often the select list, the
 * order and "having" name it (OFFSET 0 keeps the planner from copying it
 * into each).
 */
void
OrmAppendMembers(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	List	   *members = OrmNodeMembers(node);
	ListCell   *lc;

	if (members == NIL)
		return;
	foreach(lc, members)
		ClearPreAggregates(((OrmQueryMember *) lfirst(lc))->expr);
	if (PreAggregated(node))
	{
		int			n = 0;

		foreach(lc, members)
			AppendPreAggregates(buf, ((OrmQueryMember *) lfirst(lc))->expr, node,
								params, &n);
	}
	appendStringInfoString(buf, " CROSS JOIN LATERAL (SELECT ");
	foreach(lc, members)
	{
		appendStringInfoString(buf, foreach_current_index(lc) ? ", " : "");
		AppendExpr(buf, ((OrmQueryMember *) lfirst(lc))->expr, node, params, false);
		appendStringInfo(buf, " AS e%d", foreach_current_index(lc) + 1);
	}
	appendStringInfo(buf, " OFFSET 0) m%d", node->index);
}

/*
 * "having" of the root, over its expressions by alias (m->sql), as a
 * where over a model whose attributes are the aliases.
 */
void
OrmAppendHaving(StringInfo buf, OrmQueryNode *node, OrmParams *params,
				const char *lead)
{
	OrmModel	aliases = *node->model;
	ListCell   *lc;

	if (node->having == NULL)
		return;
	aliases.attributes = NIL;
	foreach(lc, OrmNodeMembers(node))
	{
		OrmQueryMember *m = lfirst(lc);
		OrmAttribute *a;

		if (m->name == NULL)
			continue;
		a = palloc(sizeof(OrmAttribute));
		*a = *OrmMemberAttribute(m);
		a->field = strchr(m->sql, '.') + 1;
		aliases.attributes = lappend(aliases.attributes, a);
	}
	appendStringInfoString(buf, lead);
	OrmAppendWhere(buf, &aliases, psprintf("m%d", node->index), node->having, params);
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

/* The value an order item orders a level's rows by. */
static void
AppendOrderValue(StringInfo buf, OrmOrderItem *item, OrmQueryNode *node,
				 OrmParams *params)
{
	if (item->member)
		appendStringInfoString(buf, item->member->sql);
	else if (item->aggregate)
		AppendChildAggregate(buf, item, node, params);
	else if (item->path)
		AppendPathValue(buf, item, 0, OrmTableAlias(node));
	else
		appendStringInfo(buf, "%s.%s", OrmTableAlias(node),
						 quote_identifier(item->attr->field));
}

/* LIMIT and OFFSET of a level */
static void
AppendLimit(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	if (node->limit >= 0)
		appendStringInfo(buf, " LIMIT $%d",
						 OrmAddParam(params, INT8OID, Int64GetDatum(node->limit), false));
	if (node->offset > 0)
		appendStringInfo(buf, " OFFSET $%d",
						 OrmAddParam(params, INT8OID, Int64GetDatum(node->offset), false));
}

/* ORDER BY, LIMIT and OFFSET of a level */
void
OrmAppendOrderLimit(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	ListCell   *lc;

	if (node->source_order)
		appendStringInfo(buf, " ORDER BY %s.%s", OrmTableAlias(node),
						 node->source_order);
	foreach(lc, node->order)
	{
		OrmOrderItem *item = lfirst(lc);

		appendStringInfoString(buf, foreach_current_index(lc) ||
							   node->source_order ? ", " : " ORDER BY ");
		AppendOrderValue(buf, item, node, params);
		appendStringInfo(buf, " %s", item->direction);
	}
	AppendLimit(buf, node, params);
}

/*
 * A grouped report (query_expr.c's OrmResolveGrouping): the root's rows
 * joined to the include its aggregates range over, grouped; its values,
 * expressions and order values computed in a derived table m<index>, so
 * that "having" and the order name them by alias:
 *   SELECT m0.c1 AS "status", m0.e1 AS "n" FROM (SELECT t0.status AS c1,
 *   count(t0.id) AS e1 FROM ... WHERE ... GROUP BY t0.status) m0
 *   WHERE <having> ORDER BY ... LIMIT ...
 */
static void
AppendReportSelect(StringInfo buf, OrmQueryNode *root, OrmParams *params)
{
	List	   *members = OrmNodeMembers(root);
	const char *m0 = psprintf("m%d", root->index);
	const char *lead;
	ListCell   *lc;
	int			n = 0;
	int			attr_columns;

	appendStringInfoString(buf, "SELECT ");
	foreach(lc, root->outputs)
	{
		OrmQueryMember *m = lfirst(lc);

		appendStringInfo(buf, "%s%s AS %s", foreach_current_index(lc) ? ", " : "",
						 m->attr ? psprintf("%s.c%d", m0, foreach_current_index(lc) + 1) : m->sql,
						 quote_identifier(m->name));
	}
	appendStringInfoString(buf, " FROM (SELECT ");
	foreach(lc, root->outputs)
	{
		OrmQueryMember *m = lfirst(lc);

		if (!m->attr)
			continue;
		appendStringInfo(buf, "%s%s AS c%d", n++ ? ", " : "",
						 OrmOutputColumnSql(m->attr, OrmTableAlias(root)),
						 foreach_current_index(lc) + 1);
	}
	attr_columns = n;
	foreach(lc, members)
	{
		appendStringInfoString(buf, n++ ? ", " : "");
		AppendExpr(buf, ((OrmQueryMember *) lfirst(lc))->expr, root, params, true);
		appendStringInfo(buf, " AS e%d", foreach_current_index(lc) + 1);
	}
	foreach(lc, root->order)
	{
		OrmOrderItem *item = lfirst(lc);

		if (item->member)
			continue;
		appendStringInfoString(buf, n++ ? ", " : "");
		AppendOrderValue(buf, item, root, params);
		appendStringInfo(buf, " AS o%d", foreach_current_index(lc) + 1);
	}
	if (n == 0)
		appendStringInfoString(buf, "1");
	OrmAppendFrom(buf, root);
	foreach(lc, root->report_chain)
	{
		OrmQueryNode *c = lfirst(lc);

		appendStringInfo(buf, " %s ", c->required ? "JOIN" : "LEFT JOIN");
		AppendTablesItem(buf, c);
		OrmAppendConditions(buf, c, c->parent, params, " ON ", false);
	}
	(void) OrmAppendConditions(buf, root, NULL, params, " WHERE ", true);
	/*
	 * An item that is an expression of "attributes" groups by its column
	 * (by position): written again, its values would be other parameters,
	 * and PostgreSQL would not see it is the same expression.
	 */
	lead = " GROUP BY ";
	foreach(lc, root->group)
	{
		OrmQueryMember *m = list_nth(root->group_members, foreach_current_index(lc));
		int			pos = -1;
		ListCell   *lc2;

		foreach(lc2, members)
			if (lfirst(lc2) == m)
				pos = foreach_current_index(lc2);
		appendStringInfoString(buf, lead);
		if (pos >= 0)
			appendStringInfo(buf, "%d", attr_columns + pos + 1);
		else
			AppendExpr(buf, lfirst(lc), root, params, true);
		lead = ", ";
	}
	appendStringInfo(buf, ") %s", m0);
	OrmAppendHaving(buf, root, params, " WHERE ");
	foreach(lc, root->order)
	{
		OrmOrderItem *item = lfirst(lc);

		appendStringInfoString(buf, foreach_current_index(lc) ? ", " : " ORDER BY ");
		if (item->member)
			appendStringInfoString(buf, item->member->sql);
		else
			appendStringInfo(buf, "%s.o%d", m0, foreach_current_index(lc) + 1);
		appendStringInfo(buf, " %s", item->direction);
	}
	AppendLimit(buf, root, params);
}

/*
 * orm.count's statement: the root's rows (its conditions, required
 * includes, "having"), counted as Sequelize's count counts them: all, or
 * the non-null (distinct) values of "col"; "distinct" alone counts the
 * rows, each once, as they are.
 */
static void
AppendCount(StringInfo buf, OrmQueryNode *root, OrmParams *params)
{
	if (root->count_col)
		appendStringInfo(buf, "SELECT pg_catalog.count(%s%s.%s)",
						 root->count_distinct ? "DISTINCT " : "", OrmTableAlias(root),
						 quote_identifier(root->count_col->field));
	else
		appendStringInfoString(buf, "SELECT pg_catalog.count(*)");
	OrmAppendFrom(buf, root);
	if (root->having)
		OrmAppendMembers(buf, root, params);
	OrmAppendHaving(buf, root, params,
					OrmAppendConditions(buf, root, NULL, params, " WHERE ", true));
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

	foreach(lc, node->outputs)
	{
		OrmQueryMember *m = lfirst(lc);

		appendStringInfo(buf, "%s%s AS %s", first ? "" : ", ",
						 m->attr ? OrmOutputColumnSql(m->attr, OrmTableAlias(node)) : m->sql,
						 quote_identifier(m->name));
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

	if (parent->assoc || parent->where || parent->limit >= 0 || parent->row_source ||
		parent->offset > 0 || !child->emit || child->assoc->kind != ORM_HAS_MANY ||
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
	StringInfoData from;

	check_stack_depth();
	if (node->report)
	{
		AppendReportSelect(buf, node, params);
		return;
	}
	MarkGrouped(node, parent);
	/* the expressions' SQL first: the select list names them */
	initStringInfo(&from);
	OrmAppendFrom(&from, node);
	AppendGroupedJoins(&from, node, params);
	OrmAppendMembers(&from, node, params);
	appendStringInfoString(buf, "SELECT ");
	AppendColumns(buf, node, params);
	appendStringInfoString(buf, from.data);
	OrmAppendHaving(buf, node, params,
					OrmAppendConditions(buf, node, parent, params, " WHERE ", true));
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
			AppendCount(&buf, root, params);
			break;
	}
	return buf.data;
}
