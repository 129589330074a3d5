/*
 * query_levels.c
 *		A query tree -> the one statement whose rows the JSON writer nests:
 *		the rows of every include level, each level one branch of a
 *		UNION ALL, children's levels before their parents'.
 *
 * Every emitted node of the tree is a level.  A level's branch selects its
 * rows flat, tagged with the level's number in the first column, then its
 * columns (levels share the union's columns by type, see AddColumn): the
 * value of its
 * parent's side of the link (the bucket the writer puts the row in), its
 * side of each child's link, its attributes as find_* return them, and a
 * belongsToMany's junction attributes.  Which rows a level has is what the
 * SQL path's correlated sub-select would give each parent, computed for all
 * parents at once:
 *   - the root: its conditions, order, limit and offset, as ever;
 *   - an include of an unrestricted parent (every row of its table): its
 *     own conditions only; rows of parents nobody selected are never read;
 *   - of a restricted parent: its link column = ANY the parent's side of
 *     the link in the parent's rows, which a level's branch and its
 *     children's read from one MATERIALIZED CTE (l<id>), so each level's
 *     conditions run once however deep the tree (written with the key
 *     type's own operator, as every comparison here); for find_by_pk's
 *     root, simply the key;
 *   - with a limit or offset per parent, or a where of its parent's that
 *     names it ("$include.column$"): per parent row, in a LATERAL sub-select
 *     over the parent's distinct rows (those whose key is in its CTE), where
 *     the SQL path's conditions apply unchanged.
 * The conditions themselves are query_sql.c's.  A query whose where names
 * an include from further up than its parent is not served here (the
 * caller uses the SQL path).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/relation.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_sql.h"
#include "orm_catalog.h"
#include "orm_query.h"

/*
 * What one node's level needs of its parent's: whether the parent's rows are
 * a CTE it reads, and which of the parent's columns it reads there.
 */
typedef struct LevelInfo
{
	int			id;				/* the level's number, -1: not a level */
	bool		cte;			/* its rows are l<id>, MATERIALIZED: a child
								 * level reads them */
	int			link_col;		/* its parent's column with the parent's side
								 * of its link (c<n> of the parent's CTE) */
	int			pk_col;			/* its own column with its primary key, for
								 * a child read per parent row; or 0 */
} LevelInfo;

typedef struct LevelsBuild
{
	OrmFindLevels *plan;
	OrmParams  *params;
	List	   *nodes;			/* OrmQueryNode *, by level number */
	List	   *levels;			/* OrmLevel *, by level number */
	List	   *columns;		/* per level: List of char * (own columns) */
	List	   *placed;			/* per level: IntList, each own column's slot */
	struct LevelInfo *info;		/* by node index */
	List	   *slot_types;		/* OidList: the union's columns after the
								 * level number, shared by the levels */
} LevelsBuild;

static void AppendLevelRows(StringInfo buf, LevelsBuild *b, OrmQueryNode *node,
							List *exprs, bool ordered, OrmParams *params);

/* Whether a node is of a to-many association. */
static bool
IsMany(OrmQueryNode *node)
{
	return node->assoc->kind == ORM_HAS_MANY ||
		node->assoc->kind == ORM_BELONGS_TO_MANY;
}

/* An attribute, which must exist: names come from a resolved schema. */
static OrmAttribute *
Attr(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);

	if (a == NULL)
		elog(ERROR, "attribute \"%s\" of model \"%s\" vanished", name, m->name);
	return a;
}

/* The parent's side of node's link: the column the parent row holds. */
static OrmAttribute *
ParentSide(OrmQueryNode *node)
{
	OrmAssociation *a = node->assoc;

	return Attr(a->source, a->kind == ORM_BELONGS_TO ? a->foreign_key : a->source_key);
}

/* node's side of its link, as SQL over its aliases. */
static char *
ChildSideSql(OrmQueryNode *node)
{
	OrmAssociation *a = node->assoc;

	switch (a->kind)
	{
		case ORM_BELONGS_TO:
			return psprintf("%s.%s", OrmTableAlias(node),
							quote_identifier(Attr(a->target, a->target_key)->field));
		case ORM_BELONGS_TO_MANY:
			return psprintf("%s.%s", OrmJunctionAlias(node),
							quote_identifier(Attr(a->junction, a->foreign_key)->field));
		default:
			return psprintf("%s.%s", OrmTableAlias(node),
							quote_identifier(Attr(a->target, a->foreign_key)->field));
	}
}

/* The parent-side key a row of node goes under, in the parent key's type. */
static char *
BucketKeySql(OrmQueryNode *node)
{
	OrmAttribute *p = ParentSide(node);

	return psprintf("(%s)::%s", ChildSideSql(node),
					format_type_extended(p->typid, p->typmod,
										 FORMAT_TYPE_FORCE_QUALIFY));
}

/*
 * Whether every row of node's table may be among node's rows: no
 * condition of its own, and a parent (if any) of the same kind.  Its
 * children then need no link to its rows: a row whose parent nobody
 * selected is never looked up.
 */
static bool
Unrestricted(OrmQueryNode *node)
{
	ListCell   *lc;

	if (node->where || node->paranoid || node->key_param || node->keys_param ||
		node->limit >= 0 || node->row_source || node->junction_source ||
		node->offset > 0 || node->through_where || node->where_joins ||
		(node->assoc && (node->assoc->scope || node->assoc->through_scope)))
		return false;
	foreach(lc, node->children)
		if (((OrmQueryNode *) lfirst(lc))->required)
			return false;
	return node->parent == NULL || Unrestricted(node->parent);
}

/*
 * Whether node's parent is find_by_pk's root and node links to its primary
 * key: then node's rows are those linked to the key given, a superset of
 * those of the root's row (rows nobody selected are never looked up), and
 * far cheaper to find than through the root's statement.
 */
static bool
KeyOfParent(OrmQueryNode *node)
{
	OrmQueryNode *parent = node->parent;

	return parent->key_param && parent->parent == NULL &&
		ParentSide(node) == OrmPrimaryKey(parent->model);
}

/* Whether a where of node's parent names node (node's rows depend on it). */
static bool
FilteredByParent(OrmQueryNode *node)
{
	return node->parent && list_member_ptr(node->parent->where_joins, node);
}

/* Whether node's level reads its rows per row of its parent's. */
static bool
PerParent(OrmQueryNode *node)
{
	return node->parent && (node->limit >= 0 || node->offset > 0 ||
							FilteredByParent(node));
}

/*
 * Whether node's level reads its parent's rows (the parent's CTE): not
 * when its rows are all of the parent's (a write's).
 */
static bool
ReadsParent(OrmQueryNode *node)
{
	return node->parent && !node->source_of_parent &&
		!Unrestricted(node->parent) &&
		(PerParent(node) || !KeyOfParent(node));
}

/* Whether an index is a valid btree on the whole table led by attnum. */
static bool
LeadingBtree(Oid indexid, AttrNumber attnum, Oid typid)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
	HeapTuple	rel;
	bool		leads;

	if (!HeapTupleIsValid(tup))
		return false;
	leads = ((Form_pg_index) GETSTRUCT(tup))->indisvalid &&
		((Form_pg_index) GETSTRUCT(tup))->indkey.values[0] == attnum &&
		heap_attisnull(tup, Anum_pg_index_indpred, NULL) &&
		heap_attisnull(tup, Anum_pg_index_indexprs, NULL);
	if (leads)
	{
		bool		isnull;
		Datum		classes = SysCacheGetAttr(INDEXRELID, tup,
											  Anum_pg_index_indclass, &isnull);

		leads = !isnull && ((oidvector *) DatumGetPointer(classes))->values[0] ==
			GetDefaultOpClass(typid, BTREE_AM_OID);
	}
	ReleaseSysCache(tup);
	if (!leads)
		return false;
	rel = SearchSysCache1(RELOID, ObjectIdGetDatum(indexid));
	if (!HeapTupleIsValid(rel))
		return false;
	leads = ((Form_pg_class) GETSTRUCT(rel))->relam == BTREE_AM_OID;
	ReleaseSysCache(rel);
	return leads;
}

/*
 * Whether a column of model m's table (the one its name gives, as the
 * statement reads it) leads a btree index (its type's
 * default operator class, valid, not partial) and has the type and
 * collation of a column of model pm's: then "= ANY (ARRAY(...))" over
 * the values of pm's column is one scan of the index for them all.
 */
static bool
IndexedLike(OrmModel *m, OrmAttribute *a, OrmModel *pm, OrmAttribute *pa)
{
	Oid			relid = OrmLiveTable(m, ORM_LIVE_TABLE);
	Oid			prelid = OrmLiveTable(pm, ORM_LIVE_TABLE);
	AttrNumber	attnum;
	AttrNumber	pattnum;
	Oid			typid,
				ptypid,
				coll,
				pcoll;
	int32		typmod;
	Relation	rel;
	List	   *indexes;
	ListCell   *lc;
	bool		indexed = false;

	if (!OidIsValid(relid) || !OidIsValid(prelid))
		return false;
	/* a table dropped since its name was read is simply not indexed */
	rel = try_relation_open(relid, AccessShareLock);
	if (rel == NULL)
		return false;
	if ((attnum = get_attnum(relid, a->field)) > 0 &&
		(pattnum = get_attnum(prelid, pa->field)) > 0)
	{
		get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &coll);
		get_atttypetypmodcoll(prelid, pattnum, &ptypid, &typmod, &pcoll);
		if (typid == ptypid && coll == pcoll)
		{
			indexes = RelationGetIndexList(rel);
			foreach(lc, indexes)
				indexed |= LeadingBtree(lfirst_oid(lc), attnum, typid);
		}
	}
	/* kept locked, as the planner keeps it, until the statement has run */
	relation_close(rel, NoLock);
	return indexed;
}

/*
 * Whether node's side of its link is read from its model's own table by
 * an index its parent's keys can all be looked up in at once.
 */
static bool
LinkIndexed(OrmQueryNode *node)
{
	OrmAssociation *a = node->assoc;
	OrmQueryNode *parent = node->parent;

	if (node->row_source || node->junction_source || parent->row_source)
		return false;
	switch (a->kind)
	{
		case ORM_BELONGS_TO:
			return IndexedLike(a->target, Attr(a->target, a->target_key),
							   a->source, ParentSide(node));
		case ORM_BELONGS_TO_MANY:
			return IndexedLike(a->junction, Attr(a->junction, a->foreign_key),
							   a->source, ParentSide(node));
		default:
			return IndexedLike(a->target, Attr(a->target, a->foreign_key),
							   a->source, ParentSide(node));
	}
}

/*
 * "ANY (...)" of l<id>'s column n, the keys of the parent's rows: an
 * array of them when the column compared with them is indexed (one index
 * scan for all keys, where the semi-join looks each key up with an index
 * scan of its own: a fifth of a find_by_pk with two levels), else the
 * sub-select, which the planner may hash.
 */
static void
AppendParentKeys(StringInfo buf, LevelsBuild *b, OrmQueryNode *parent, int n,
				 bool indexed)
{
	appendStringInfo(buf, indexed ? "ANY (ARRAY(SELECT r.c%d FROM l%d r))" :
					 "ANY (SELECT r.c%d FROM l%d r)", n, b->info[parent->index].id);
}

/* exprs as a select list, named c1, c2, ... */
static void
AppendSelectList(StringInfo buf, List *exprs)
{
	ListCell   *lc;

	appendStringInfoString(buf, "SELECT ");
	foreach(lc, exprs)
		appendStringInfo(buf, "%s%s AS c%d", foreach_current_index(lc) ? ", " : "",
						 (char *) lfirst(lc), foreach_current_index(lc) + 1);
}

/*
 * node's rows in a LATERAL sub-select per row of its parent's: the parent's
 * distinct rows (those of its level, from its CTE), under the parent's
 * alias, so that every condition of the SQL path applies as written there.
 */
static void
AppendPerParentRows(StringInfo buf, LevelsBuild *b, OrmQueryNode *node,
					List *exprs, OrmParams *params)
{
	OrmQueryNode *parent = node->parent;
	OrmAttribute *pk = OrmPrimaryKey(parent->model);
	char	   *alias = OrmTableAlias(parent);

	appendStringInfo(buf, "SELECT x.* FROM (SELECT %s.* FROM %s %s", alias,
					 OrmNodeTable(parent), alias);
	if (ReadsParent(node))
	{
		appendStringInfo(buf, " WHERE %s.%s %s ", alias, quote_identifier(pk->field),
						 OrmComparisonOperator(parent->model, pk,
											   BTEqualStrategyNumber, false));
		AppendParentKeys(buf, b, parent, b->info[parent->index].pk_col,
						 parent->row_source == NULL &&
						 IndexedLike(parent->model, pk, parent->model, pk));
	}
	appendStringInfo(buf, ") %s CROSS JOIN LATERAL (", alias);
	AppendSelectList(buf, exprs);
	OrmAppendFrom(buf, node);
	OrmAppendMembers(buf, node, params);
	OrmAppendConditions(buf, node, parent, params, " WHERE ", true);
	OrmAppendOrderLimit(buf, node, params);
	appendStringInfoString(buf, ") x");
}

/*
 * Whether the root's rows are better sorted before its required includes'
 * EXISTS: a limit and an order by its own columns, every required include
 * linked by an indexed column (each probe an index lookup).  Sorted first,
 * the semi-join keeps the order and stops at the limit, where PostgreSQL
 * otherwise probes every candidate row (or hashes the include's whole
 * table) before the sort: case 3 of the benchmark probed 5,000 users for
 * 50.
 */
static bool
SortedFirst(OrmQueryNode *node)
{
	bool		required = false;
	ListCell   *lc;

	if (node->parent || node->limit < 0 || node->order == NIL || node->members ||
		node->having || node->source_order || node->where_joins ||
		node->row_source || node->report || node->key_param || node->keys_param)
		return false;
	foreach(lc, node->order)
	{
		OrmOrderItem *item = lfirst(lc);

		if (item->node != node || item->path || item->aggregate || item->member)
			return false;
	}
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		if (child->required && !LinkIndexed(child))
			return false;
		required |= child->required;
	}
	return required;
}

/*
 * The root's rows sorted before its required includes' EXISTS: its rows
 * by its own conditions, sorted, behind an OFFSET 0 fence, then the
 * EXISTS (the conditions again, which cost nothing more), the order and
 * the limit.
 */
static void
AppendSortedFirst(StringInfo buf, OrmQueryNode *node, List *exprs,
				  OrmParams *params)
{
	OrmQueryNode unlimited = *node;
	OrmQueryNode outer = *node;
	List	   *required = NIL;
	ListCell   *lc;

	AppendSelectList(buf, exprs);
	appendStringInfo(buf, " FROM (SELECT %s.*", OrmTableAlias(node));
	OrmAppendFrom(buf, node);
	foreach(lc, node->children)
		if (((OrmQueryNode *) lfirst(lc))->required)
		{
			((OrmQueryNode *) lfirst(lc))->required = false;
			required = lappend(required, lfirst(lc));
		}
	OrmAppendConditions(buf, node, NULL, params, " WHERE ", true);
	foreach(lc, required)
		((OrmQueryNode *) lfirst(lc))->required = true;
	unlimited.limit = -1;
	unlimited.offset = 0;
	OrmAppendOrderLimit(buf, &unlimited, params);
	appendStringInfo(buf, " OFFSET 0) %s", OrmTableAlias(node));
	outer.paranoid = false;		/* applied inside */
	OrmAppendConditions(buf, &outer, NULL, params, " WHERE ", true);
	OrmAppendOrderLimit(buf, node, params);
}

/*
 * The rows of node as its level has them, projected to exprs (SQL over its
 * aliases, named c1, c2, ...), in the level's order when ordered (else only
 * when a limit or offset needs it).  A level whose parent is restricted
 * reads the parent's rows from the parent's CTE (b), once for all.
 */
static void
AppendLevelRows(StringInfo buf, LevelsBuild *b, OrmQueryNode *node,
				List *exprs, bool ordered, OrmParams *params)
{
	const char *lead = " WHERE ";

	if (PerParent(node))
	{
		AppendPerParentRows(buf, b, node, exprs, params);
		return;
	}
	if (SortedFirst(node))
	{
		AppendSortedFirst(buf, node, exprs, params);
		return;
	}
	AppendSelectList(buf, exprs);
	OrmAppendFrom(buf, node);
	OrmAppendMembers(buf, node, params);
	if (node->parent && KeyOfParent(node))
	{
		appendStringInfo(buf, "%s%s %s $%d", lead, ChildSideSql(node),
						 OrmComparisonOperator(node->parent->model, ParentSide(node),
											   BTEqualStrategyNumber, false),
						 node->parent->key_param);
		lead = " AND ";
	}
	else if (ReadsParent(node))
	{
		appendStringInfo(buf, "%s%s %s ", lead, ChildSideSql(node),
						 OrmComparisonOperator(node->parent->model, ParentSide(node),
											   BTEqualStrategyNumber, false));
		AppendParentKeys(buf, b, node->parent, b->info[node->index].link_col,
						 LinkIndexed(node));
		lead = " AND ";
	}
	OrmAppendHaving(buf, node, params,
					OrmAppendConditions(buf, node, NULL, params, lead, true));
	if (ordered || node->limit >= 0 || node->offset > 0)
		OrmAppendOrderLimit(buf, node, params);
}

/*
 * Whether every where entry that names a node through a to-many include
 * can be written in the level statements: one on the node's own parent
 * (the node's rows are then read per parent row), or, for a node that only
 * filters (inside an EXISTS of its nearest emitted ancestor E), one on E,
 * on a node between E and it, or on E's parent.
 */
static bool
Servable(OrmQueryNode *node, OrmQueryNode *emitted)
{
	ListCell   *lc;

	for (OrmQueryNode *level = node->parent; node->parent && level; level = level->parent)
	{
		bool		in_scope = false;

		if (!list_member_ptr(level->where_joins, node))
			continue;
		if (node->emit)
			in_scope = level == node->parent;
		else
		{
			for (OrmQueryNode *n = node; n && !in_scope; n = n->parent)
			{
				in_scope = n == level;
				if (n == emitted)
					break;
			}
			in_scope |= emitted && level == emitted->parent;
		}
		if (!in_scope)
			return false;
	}
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		if (!Servable(child, child->emit ? child : emitted))
			return false;
	}
	return true;
}

/* A member of a level's object: its key, and its column in the rows. */
static OrmLevelMember
Member(const char *name, int column)
{
	OrmLevelMember m = {0};

	m.key = OrmJsonKey(name);
	m.key_len = strlen(m.key);
	m.column = column;
	return m;
}

/*
 * Adds a column of the level's own, of the type given, and returns its
 * attribute number in the union's rows.  Levels share the union's columns:
 * a level's n-th column of a type goes to the union's n-th column of that
 * type (made when no level had so many), as an outer union shares them, so
 * the union is as wide as its widest level, not all levels together.  The
 * other levels' branches have a NULL of the type there.
 */
static int
AddColumn(LevelsBuild *b, List **own, List **placed, char *sql, Oid typid)
{
	int			nth = 0;
	int			seen = 0;
	ListCell   *lc;

	foreach(lc, *placed)
		nth += list_nth_oid(b->slot_types, lfirst_int(lc)) == typid;
	*own = lappend(*own, sql);
	foreach(lc, b->slot_types)
	{
		if (lfirst_oid(lc) == typid && seen++ == nth)
		{
			*placed = lappend_int(*placed, foreach_current_index(lc));
			return 2 + foreach_current_index(lc);	/* after the level number */
		}
	}
	b->slot_types = lappend_oid(b->slot_types, typid);
	*placed = lappend_int(*placed, list_length(b->slot_types) - 1);
	return 1 + list_length(b->slot_types);
}

/*
 * Makes node's level (after its children's) and the columns it selects;
 * returns it.
 */
static OrmLevel *
MakeLevel(LevelsBuild *b, OrmQueryNode *node)
{
	OrmLevel   *level = palloc0(sizeof(OrmLevel));
	List	   *own = NIL;
	List	   *placed = NIL;
	List	   *children = NIL;
	char	   *alias = OrmTableAlias(node);
	ListCell   *lc;
	int			i;

	/*
	 * A to-one include is its first row, as the SQL path's LIMIT 1 has it
	 * (whatever limit the query gave it; an offset still counts): the
	 * writer takes the first row of its bucket, and only an offset needs
	 * the per-parent form.
	 */
	if (node->assoc && !IsMany(node))
		node->limit = node->offset > 0 ? 1 : -1;
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		if (child->emit)
			children = lappend(children, MakeLevel(b, child));
	}
	level->id = list_length(b->nodes);
	if (node->assoc)
	{
		level->many = IsMany(node);
		level->key = OrmJsonKey(node->key);
		level->parent_column = AddColumn(b, &own, &placed, BucketKeySql(node),
										 ParentSide(node)->typid);
	}
	level->nchildren = list_length(children);
	level->children = palloc0(sizeof(OrmLevel *) * (level->nchildren + 1));
	level->child_columns = palloc0(sizeof(int) * (level->nchildren + 1));
	i = 0;
	foreach(lc, node->children)
	{
		OrmQueryNode *child = lfirst(lc);

		if (!child->emit)
			continue;
		level->children[i] = list_nth(children, i);
		level->child_columns[i] =
			AddColumn(b, &own, &placed,
					  psprintf("%s.%s", alias, quote_identifier(ParentSide(child)->field)),
					  ParentSide(child)->typid);
		b->info[child->index].link_col = list_length(own);
		if (ReadsParent(child))
			b->info[node->index].cte = true;
		if (ReadsParent(child) && PerParent(child) && b->info[node->index].pk_col == 0)
		{
			OrmAttribute *pk = OrmPrimaryKey(node->model);

			(void) AddColumn(b, &own, &placed,
							 psprintf("%s.%s", alias, quote_identifier(pk->field)),
							 pk->typid);
			b->info[node->index].pk_col = list_length(own);
		}
		i++;
	}
	/* attributes, and expressions (computed in the rows' m<index>) */
	(void) OrmNodeMembers(node);
	level->nmembers = list_length(node->outputs);
	level->members = palloc0(sizeof(OrmLevelMember) * (level->nmembers + 1));
	foreach(lc, node->outputs)
	{
		OrmQueryMember *m = lfirst(lc);
		OrmAttribute *a = m->attr;

		level->members[foreach_current_index(lc)] =
			Member(m->name, a ?
				   AddColumn(b, &own, &placed, OrmOutputColumnSql(a, alias),
							 OrmOutputColumnType(a)) :
				   AddColumn(b, &own, &placed, m->sql, m->typid));
	}
	if (node->assoc && node->assoc->kind == ORM_BELONGS_TO_MANY &&
		node->through_attributes)
	{
		level->junction_key = OrmJsonKey(node->assoc->junction->name);
		level->junction_last = node->attributes_given;
		level->njunction = list_length(node->through_attributes);
		level->junction = palloc0(sizeof(OrmLevelMember) * (level->njunction + 1));
		foreach(lc, node->through_attributes)
		{
			OrmAttribute *a = lfirst(lc);

			level->junction[foreach_current_index(lc)] =
				Member(a->name, AddColumn(b, &own, &placed,
										  psprintf("%s.%s", OrmJunctionAlias(node),
												   quote_identifier(a->field)),
										  a->typid));
		}
	}
	b->info[node->index].id = level->id;
	b->nodes = lappend(b->nodes, node);
	b->levels = lappend(b->levels, level);
	b->columns = lappend(b->columns, own);
	b->placed = lappend(b->placed, placed);
	return level;
}

/*
 * One branch of the union: the level's number, NULL in the columns of the
 * others, its own columns from its rows.
 */
static void
AppendBranch(StringInfo buf, LevelsBuild *b, int id)
{
	OrmQueryNode *node = list_nth(b->nodes, id);
	List	   *own = list_nth(b->columns, id);
	List	   *placed = list_nth(b->placed, id);
	ListCell   *lc;

	appendStringInfo(buf, "SELECT %d", id);
	foreach(lc, b->slot_types)
	{
		int			slot = foreach_current_index(lc);
		int			col = list_member_int(placed, slot) ? 0 : -1;

		for (int i = 0; col == 0 && i < list_length(placed); i++)
			if (list_nth_int(placed, i) == slot)
				col = i + 1;
		if (col > 0)
			appendStringInfo(buf, ", r.c%d", col);
		else
			appendStringInfo(buf, ", NULL::%s",
							 format_type_extended(lfirst_oid(lc), -1,
												  FORMAT_TYPE_FORCE_QUALIFY));
	}
	if (b->info[node->index].cte)
	{
		appendStringInfo(buf, " FROM l%d r", id);
		return;
	}
	appendStringInfoString(buf, " FROM (");
	AppendLevelRows(buf, b, node, own, true, b->params);
	appendStringInfoString(buf, ") r");
}

/*
 * WITH l<id> AS MATERIALIZED (...), for every level whose rows a child
 * level reads: parents before children, so each reads those before it.
 */
static void
AppendCtes(StringInfo buf, LevelsBuild *b)
{
	bool		first = true;

	for (int id = list_length(b->nodes) - 1; id >= 0; id--)
	{
		OrmQueryNode *node = list_nth(b->nodes, id);

		if (!b->info[node->index].cte)
			continue;
		appendStringInfo(buf, "%sl%d AS MATERIALIZED (", first ? "WITH " : ", ", id);
		AppendLevelRows(buf, b, node, list_nth(b->columns, id), true, b->params);
		appendStringInfoChar(buf, ')');
		first = false;
	}
	if (!first)
		appendStringInfoChar(buf, ' ');
}

/* The largest node index of a tree. */
static int
MaxIndex(OrmQueryNode *node)
{
	int			max = node->index;
	ListCell   *lc;

	foreach(lc, node->children)
		max = Max(max, MaxIndex(lfirst(lc)));
	return max;
}

/*
 * find_all_rows's levels: the root's primary keys in order (keys_sql, read
 * through a cursor), then the levels statement for a batch of them (the
 * root's rows with those keys, its limit and offset spent on the keys), so
 * that memory holds one batch of rows, however many there are.  NULL when
 * the levels cannot serve the query, or the root has no single key.
 */
OrmFindLevels *
OrmLevelsRowsPlan(OrmQueryNode *root, OrmParams *params)
{
	OrmFindLevels *plan;
	OrmAttribute *pk = NULL;
	StringInfoData keys;
	int			keys_param;
	ListCell   *lc;
	int			npk = 0;

	foreach(lc, root->model->attributes)
		if (((OrmAttribute *) lfirst(lc))->primary_key)
		{
			pk = lfirst(lc);
			npk++;
		}
	if (npk != 1 || !OidIsValid(get_array_type(pk->typid)) || !Servable(root, root) ||
		root->report)
		return NULL;
	initStringInfo(&keys);
	AppendLevelRows(&keys, NULL, root,
					list_make1(psprintf("%s.%s", OrmTableAlias(root),
										quote_identifier(pk->field))),
					true, params);
	root->limit = -1;
	root->offset = 0;
	keys_param = OrmAddParam(params, get_array_type(pk->typid), (Datum) 0, true);
	root->keys_param = keys_param;
	plan = OrmLevelsPlan(root, params);
	plan->keys_sql = keys.data;
	plan->keys_param = keys_param - 1;
	plan->keys_type = pk->typid;
	return plan;
}

/*
 * The levels of a query tree and the one statement that reads them, or
 * NULL when the tree has a where the levels cannot be written for.
 */
OrmFindLevels *
OrmLevelsPlan(OrmQueryNode *root, OrmParams *params)
{
	LevelsBuild b = {0};
	StringInfoData buf;
	OrmLevel   *top;

	if (!Servable(root, root) || root->report)
		return NULL;
	b.plan = palloc0(sizeof(OrmFindLevels));
	b.params = params;
	b.info = palloc0(sizeof(LevelInfo) * (MaxIndex(root) + 1));
	top = MakeLevel(&b, root);
	b.plan->nlevels = list_length(b.nodes);
	b.plan->levels = palloc(sizeof(OrmLevel *) * b.plan->nlevels);
	for (int id = 0; id < b.plan->nlevels; id++)
		b.plan->levels[id] = list_nth(b.levels, id);
	b.plan->root = top;
	initStringInfo(&buf);
	AppendCtes(&buf, &b);
	for (int id = 0; id < b.plan->nlevels; id++)
	{
		if (id > 0)
			appendStringInfoString(&buf, " UNION ALL ");
		appendStringInfoChar(&buf, '(');
		AppendBranch(&buf, &b, id);
		appendStringInfoChar(&buf, ')');
	}
	b.plan->sql = buf.data;
	return b.plan;
}
