/*
 * query_parse.c
 *		Sequelize findAll options (as JSON) -> a tree of query nodes.
 *
 * Everything a query names is checked here against the resolved catalog:
 * attributes, aliases, operators' places, directions, limits.  Where
 * clauses are kept as JSON and compiled with their values by where.c.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "miscadmin.h"
#include "utils/numeric.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_query.h"

typedef struct ParseState
{
	OrmSchema  *schema;
	int			next_index;		/* table alias numbers */
	int			depth;
	OrmModel   *root;			/* the model queried, for messages */
} ParseState;

#define MAX_INCLUDE_DEPTH 32

/*
 * Include nodes per query: {"all": true} repeats its options into every
 * include it makes, so a small document can ask for exponentially many.
 */
#define MAX_INCLUDE_NODES 512

static void ParseNodeOptions(ParseState *ps, OrmQueryNode *node,
							 JsonbValue *options, bool root);
static bool QueryBool(OrmModel *m, const char *key, JsonbValue *v);

static void
QueryWrongType(const char *model, const char *key, JsonbValue *v,
			   const char *expected)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("\"%s\" in a query of model \"%s\" must be %s, not %s",
				   key, model, expected, OrmJsonTypeName(v)));
}

/* The attribute of that name, or an error listing the model's attributes. */
static OrmAttribute *
QueryAttribute(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);
	StringInfoData names;
	ListCell   *lc;

	if (a)
		return a;
	initStringInfo(&names);
	foreach(lc, m->attributes)
		appendStringInfo(&names, "%s\"%s\"", names.len ? ", " : "",
						 ((OrmAttribute *) lfirst(lc))->name);
	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_COLUMN),
			errmsg("model \"%s\" has no attribute \"%s\"", m->name, name),
			errhint("Its attributes are %s.", names.data));
	return NULL;
}

/* A non-negative integer option (limit, offset). */
static int64
QueryCount(OrmModel *m, const char *key, JsonbValue *v)
{
	char	   *text;
	int64		n;

	if (v->type == jbvNull)
		return -1;
	if (v->type != jbvNumeric)
		QueryWrongType(m->name, key, v, "a number");
	text = DatumGetCString(DirectFunctionCall1(numeric_out,
											   NumericGetDatum(v->val.numeric)));
	if (strspn(text, "0123456789") != strlen(text) || strlen(text) > 18)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"%s\" in a query of model \"%s\" must be a non-negative integer, not %s",
					   key, m->name, text));
	n = strtoi64(text, NULL, 10);
	return n;
}

/* An attribute as a member of its node's objects. */
static OrmQueryMember *
AttributeMember(OrmAttribute *a)
{
	OrmQueryMember *m = palloc0(sizeof(OrmQueryMember));

	m->name = a->name;
	m->attr = a;
	m->typid = a->typid;
	return m;
}

/* Adds attribute a to the node's members, unless it is there already. */
static void
OutputAttribute(OrmQueryNode *node, OrmAttribute *a)
{
	if (list_member_ptr(node->attributes, a))
		return;
	node->attributes = lappend(node->attributes, a);
	node->outputs = lappend(node->outputs, AttributeMember(a));
}

/*
 * One item of "attributes" (or of its "include"): an attribute name, or
 * [expression, "alias"] (Sequelize's [fn(...), 'alias'], or ['column',
 * 'alias']).
 */
static void
ParseAttributeItem(OrmQueryNode *node, JsonbValue *e, const char *key)
{
	List	   *pair;

	if (e->type == jbvString)
	{
		OutputAttribute(node, QueryAttribute(node->model, OrmJsonString(e)));
		return;
	}
	if (!OrmJsonIsArray(e) || list_length(pair = OrmJsonElements(e->val.binary.data)) != 2)
		QueryWrongType(node->model->name, key, e,
					   "a list of attribute names and [expression, alias] pairs");
	node->outputs = lappend(node->outputs,
							OrmNewMember(node, linitial(pair), lsecond(pair)));
}

/*
 * "attributes": a list of names and [expression, alias] pairs, or
 * {"include": [...], "exclude": [...]}: every attribute but those
 * excluded, then those included, as Sequelize's _expandAttributes makes
 * the list.
 */
static void
ParseAttributes(OrmQueryNode *node, JsonbValue *v)
{
	OrmModel   *m = node->model;
	JsonbValue *include = NULL;
	ListCell   *lc;

	node->attributes_given = true;
	if (OrmJsonIsArray(v))
	{
		node->attributes = NIL;
		node->outputs = NIL;
		foreach(lc, OrmJsonElements(v->val.binary.data))
			ParseAttributeItem(node, lfirst(lc), "attributes");
		node->emit = node->outputs != NIL || node->assoc == NULL;
		return;
	}
	if (!OrmJsonIsObject(v))
		QueryWrongType(m->name, "attributes", v, "an array or an object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		ListCell   *lc2;

		if (strcmp(f->key, "exclude") != 0 && strcmp(f->key, "include") != 0)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized key \"%s\" in \"attributes\" of a query of model \"%s\"",
						   f->key, m->name),
					errhint("Valid keys are: include, exclude."));
		if (!OrmJsonIsArray(&f->value))
			QueryWrongType(m->name, psprintf("attributes.%s", f->key), &f->value,
						   "a list of attribute names");
		if (strcmp(f->key, "include") == 0)
		{
			include = &f->value;
			continue;
		}
		foreach(lc2, OrmJsonElements(f->value.val.binary.data))
		{
			JsonbValue *e = lfirst(lc2);
			OrmAttribute *a;

			if (e->type != jbvString)
				QueryWrongType(m->name, "attributes.exclude", e, "a list of attribute names");
			a = QueryAttribute(m, OrmJsonString(e));
			node->attributes = list_delete_ptr(node->attributes, a);
		}
	}
	node->outputs = NIL;
	foreach(lc, node->attributes)
		node->outputs = lappend(node->outputs, AttributeMember(lfirst(lc)));
	foreach(lc, include ? OrmJsonElements(include->val.binary.data) : NIL)
		ParseAttributeItem(node, lfirst(lc), "attributes.include");
}

/* A direction of an order item, normalized, or NULL if s is none. */
static const char *
Direction(const char *s)
{
	static const char *const dirs[] = {
		"ASC", "DESC", "ASC NULLS FIRST", "ASC NULLS LAST",
		"DESC NULLS FIRST", "DESC NULLS LAST", "NULLS FIRST", "NULLS LAST"
	};

	for (int i = 0; i < (int) lengthof(dirs); i++)
		if (pg_strcasecmp(s, dirs[i]) == 0)
			return dirs[i];
	return NULL;
}

/* The included child of node with that alias, or NULL. */
static OrmQueryNode *
IncludedChild(OrmQueryNode *node, const char *alias)
{
	ListCell   *lc;

	foreach(lc, node->children)
	{
		OrmQueryNode *c = lfirst(lc);

		if (strcmp(c->key, alias) == 0)
			return c;
	}
	return NULL;
}

static bool
IsToMany(OrmQueryNode *node)
{
	return node->assoc && (node->assoc->kind == ORM_HAS_MANY ||
						   node->assoc->kind == ORM_BELONGS_TO_MANY);
}

/*
 * Sequelize orders the joined rows, so an order by a column of a to-many
 * include also orders the parents: each by the first of its children in
 * that order (the greatest value for DESC, the least for ASC).
 */
static void
ParentOrderByChild(OrmQueryNode *node, OrmQueryNode *child, const char *column,
				   const char *direction)
{
	OrmOrderItem *agg = palloc0(sizeof(OrmOrderItem));

	agg->node = child;
	agg->path = list_make1(child);
	agg->attr = QueryAttribute(child->model, column);
	agg->direction = direction;
	agg->aggregate = strncmp(direction, "DESC", 4) == 0 ? "max" : "min";
	node->order = lappend(node->order, agg);
}

/*
 * An order item by an expression: [{"fn": ...}, "DESC"], [{"col":
 * "alias"}, "DESC"] (an alias of "attributes"), or the expression alone.
 */
static void
ParseExprOrderItem(OrmQueryNode *node, List *parts)
{
	OrmOrderItem *item = palloc0(sizeof(OrmOrderItem));
	JsonbValue *expr = linitial(parts);
	JsonbValue *col = getKeyJsonValueFromContainer(expr->val.binary.data, "col", 3, NULL);
	JsonbValue *dir = list_length(parts) > 1 ? lsecond(parts) : NULL;

	if (list_length(parts) > 2 || (dir && (dir->type != jbvString ||
										   !Direction(OrmJsonString(dir)))))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("an order item of a query of model \"%s\" by an expression must be [expression, direction]",
					   node->model->name),
				errhint("Use ASC or DESC, optionally followed by NULLS FIRST or NULLS LAST."));
	item->direction = dir ? Direction(OrmJsonString(dir)) : "ASC";
	item->node = node;
	if (col && col->type == jbvString && OrmFindMember(node, OrmJsonString(col)) &&
		JsonContainerSize(expr->val.binary.data) == 1)
		item->member = OrmFindMember(node, OrmJsonString(col));
	else
		item->member = OrmOrderMember(node, expr);
	node->order = lappend(node->order, item);
}

/* An order item by an alias of "attributes" of the node, or false. */
static bool
MemberOrderItem(OrmQueryNode *node, const char *name, const char *direction)
{
	OrmOrderItem *item;

	if (OrmFindAttribute(node->model, name) || !OrmFindMember(node, name))
		return false;
	item = palloc0(sizeof(OrmOrderItem));
	item->node = node;
	item->member = OrmFindMember(node, name);
	item->direction = direction;
	node->order = lappend(node->order, item);
	return true;
}

/*
 * One order item: "col", ["col"], ["col", "DESC"], or a path of included
 * aliases first (["posts", "id", "DESC"]), or an alias of an expression
 * of "attributes" (["postCount", "DESC"]), or an expression.  Through a
 * to-many include the item orders that include's rows, as Sequelize's
 * joined rows are ordered; through to-one includes it orders this node's
 * rows by their column.
 */
static void
ParseOrderItem(OrmQueryNode *node, JsonbValue *v)
{
	List	   *parts = NIL;
	OrmOrderItem *item = palloc0(sizeof(OrmOrderItem));
	OrmQueryNode *at = node;
	int			n;
	ListCell   *lc;

	if (v->type == jbvString)
		parts = list_make1(v);
	else if (OrmJsonIsObject(v))
		parts = list_make1(v);
	else if (OrmJsonIsArray(v))
		parts = OrmJsonElements(v->val.binary.data);
	if (parts && OrmJsonIsObject(linitial(parts)))
	{
		ParseExprOrderItem(node, parts);
		return;
	}
	n = list_length(parts);
	foreach(lc, parts)
		if (((JsonbValue *) lfirst(lc))->type != jbvString)
			QueryWrongType(node->model->name, "order", lfirst(lc),
						   "a list of names and a direction");
	if (n == 0)
		QueryWrongType(node->model->name, "order", v,
					   "a name or a non-empty list");
	item->direction = n > 1 ? Direction(OrmJsonString(llast(parts))) : NULL;
	if (item->direction)
		n--;
	else if (n > 1 && !IncludedChild(node, OrmJsonString(linitial(parts))) &&
			 (OrmFindAttribute(node->model, OrmJsonString(linitial(parts))) ||
			  OrmFindMember(node, OrmJsonString(linitial(parts)))))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("unrecognized order direction \"%s\" in a query of model \"%s\"",
					   OrmJsonString(llast(parts)), node->model->name),
				errhint("Use ASC or DESC, optionally followed by NULLS FIRST or NULLS LAST."));
	else
		item->direction = "ASC";
	if (n == 1 && MemberOrderItem(node, OrmJsonString(linitial(parts)), item->direction))
		return;
	for (int i = 0; i < n - 1; i++)
	{
		char	   *alias = OrmJsonString(list_nth(parts, i));
		OrmQueryNode *child = IncludedChild(at, alias);

		if (child == NULL)
			ereport(ERROR,
					errcode(ERRCODE_UNDEFINED_OBJECT),
					errmsg("order names \"%s\", which is not included in the query of model \"%s\"",
						   alias, at->model->name),
					errhint("Include the association to order by its columns."));
		if (IsToMany(child))
		{
			if (at == node && item->path == NIL && i == n - 2)
				ParentOrderByChild(node, child, OrmJsonString(list_nth(parts, n - 1)),
								   item->direction);
			at = child;
			item->path = NIL;
			node = child;
			continue;
		}
		item->path = lappend(item->path, child);
		at = child;
	}
	item->node = at;
	item->attr = QueryAttribute(at->model, OrmJsonString(list_nth(parts, n - 1)));
	node->order = lappend(node->order, item);
}

/* "order": a list of order items (or one item) */
static void
ParseOrder(OrmQueryNode *node, JsonbValue *v)
{
	ListCell   *lc;

	if (v->type == jbvString)
	{
		ParseOrderItem(node, v);
		return;
	}
	if (!OrmJsonIsArray(v))
		QueryWrongType(node->model->name, "order", v, "an array");
	foreach(lc, OrmJsonElements(v->val.binary.data))
		ParseOrderItem(node, lfirst(lc));
}

/* The association of model with that alias, or an error listing them. */
static OrmAssociation *
QueryAssociation(ParseState *ps, OrmModel *m, const char *alias)
{
	OrmAssociation *a = OrmFindAssociation(ps->schema, m->name, alias);
	OrmBroken  *b;
	StringInfoData names;
	ListCell   *lc;

	if (a)
		return a;
	if ((b = OrmFindBroken(ps->schema, m->name, alias)) != NULL)
		OrmRaiseBroken(b);
	initStringInfo(&names);
	foreach(lc, ps->schema->associations)
	{
		OrmAssociation *b = lfirst(lc);

		if (b->source == m)
			appendStringInfo(&names, "%s\"%s\"", names.len ? ", " : "", b->alias);
	}
	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_OBJECT),
			errmsg("model \"%s\" has no association \"%s\"", m->name, alias),
			names.len ? errhint("Its associations are %s.", names.data) :
			errhint("It has no associations."));
	return NULL;
}

/* A fresh node for a model, every attribute, Sequelize's defaults. */
static OrmQueryNode *
NewNode(ParseState *ps, OrmModel *m, OrmAssociation *assoc)
{
	OrmQueryNode *node;
	ListCell   *lc;

	CHECK_FOR_INTERRUPTS();
	node = palloc0(sizeof(OrmQueryNode));
	if (ps->next_index > MAX_INCLUDE_NODES)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("a query of model \"%s\" has too many includes",
					   ps->root->name),
				errdetail("At most %d includes are allowed.", MAX_INCLUDE_NODES));
	node->model = m;
	node->assoc = assoc;
	node->key = assoc ? assoc->alias : m->name;
	node->index = ps->next_index++;
	node->attributes = list_copy(m->attributes);
	foreach(lc, node->attributes)
		node->outputs = lappend(node->outputs, AttributeMember(lfirst(lc)));
	node->emit = true;
	node->limit = -1;
	node->paranoid = m->deleted_at != NULL;
	if (assoc && assoc->kind == ORM_BELONGS_TO_MANY)
		node->through_attributes = list_copy(assoc->junction->attributes);
	return node;
}

/* Whether an object include is {"all": ...}. */
static bool
IsAllInclude(JsonbValue *v)
{
	return OrmJsonIsObject(v) &&
		getKeyJsonValueFromContainer(v->val.binary.data, "all", 3, NULL) != NULL;
}

/* Adds one include: an alias, or an object naming an association. */
static void
ParseInclude(ParseState *ps, OrmQueryNode *parent, JsonbValue *v)
{
	OrmQueryNode *child;
	OrmAssociation *a;
	const char *alias;

	if (v->type != jbvString && !OrmJsonIsObject(v))
	{
		QueryWrongType(parent->model->name, "include", v,
					   "an alias or an object");
		return;
	}
	alias = OrmIncludeAlias(ps->schema, parent->model, v);
	if (IncludedChild(parent, alias))
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_OBJECT),
				errmsg("association \"%s\" of model \"%s\" is included twice",
					   alias, parent->model->name));
	a = QueryAssociation(ps, parent->model, alias);
	child = NewNode(ps, a->target, a);
	child->parent = parent;
	parent->children = lappend(parent->children, child);
	ParseNodeOptions(ps, child, OrmJsonIsObject(v) ? v : NULL, false);
}

/* Association kinds of {"all": ...}: bit (1 << OrmAssocKind) each. */
#define ALL_KINDS ((1 << ORM_HAS_ONE) | (1 << ORM_HAS_MANY) | \
				   (1 << ORM_BELONGS_TO) | (1 << ORM_BELONGS_TO_MANY))

/*
 * "all": true, or Sequelize's association types: "BelongsTo", "HasOne",
 * "HasMany", "One" (BelongsTo, HasOne), "Has" (HasOne, HasMany), "Many"
 * (HasMany) or "All", as a string or an array.  Only true and "All" take
 * belongsToMany, as in Sequelize's _expandIncludeAllElement.
 */
static int
AllKinds(OrmModel *m, JsonbValue *v)
{
	static const struct
	{
		const char *name;
		int			kinds;
	}			types[] = {
		{"BelongsTo", 1 << ORM_BELONGS_TO}, {"HasOne", 1 << ORM_HAS_ONE},
		{"HasMany", 1 << ORM_HAS_MANY},
		{"One", (1 << ORM_BELONGS_TO) | (1 << ORM_HAS_ONE)},
		{"Has", (1 << ORM_HAS_ONE) | (1 << ORM_HAS_MANY)},
		{"Many", 1 << ORM_HAS_MANY}, {"All", ALL_KINDS},
	};
	List	   *items;
	int			kinds = 0;
	ListCell   *lc;

	if (v->type == jbvBool && v->val.boolean)
		return ALL_KINDS;
	items = v->type == jbvString ? list_make1(v) :
		OrmJsonIsArray(v) ? OrmJsonElements(v->val.binary.data) : NIL;
	if (items == NIL)
		QueryWrongType(m->name, "include.all", v,
					   "true, an association type or an array of them");
	foreach(lc, items)
	{
		JsonbValue *e = lfirst(lc);
		int			i;

		for (i = 0; i < (int) lengthof(types); i++)
			if (e->type == jbvString && strcmp(OrmJsonString(e), types[i].name) == 0)
				break;
		if (i == (int) lengthof(types))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("include all \"%s\" of a query of model \"%s\" is not valid",
						   e->type == jbvString ? OrmJsonString(e) : OrmJsonTypeName(e),
						   m->name),
					errhint("Use true, or BelongsTo, HasOne, HasMany, One, Has, Many or All."));
		kinds |= types[i].kinds;
	}
	return kinds;
}

/* What one {"all": ...} include expands with. */
typedef struct AllInclude
{
	int			kinds;
	bool		nested;
	JsonbValue *options;		/* the object's other keys, for each */
	List	   *used;			/* Sequelize's "used" models */
} AllInclude;

/*
 * Whether parent already has an include of association a, as Sequelize's
 * _.some(includes, {model, as}) sees it: by model and, when the
 * association was given "as", by alias.
 */
static bool
AlreadyIncluded(OrmQueryNode *parent, OrmAssociation *a)
{
	ListCell   *lc;

	foreach(lc, parent->children)
	{
		OrmQueryNode *c = lfirst(lc);

		if (c->model == a->target &&
			(!a->alias_given || strcmp(c->key, a->alias) == 0))
			return true;
	}
	return false;
}

/*
 * The place of an association in Sequelize's source.associations: the
 * first declaration of its alias (an association without "as" takes the
 * alias of an earlier one, and its place).
 */
static int
AliasSlot(ParseState *ps, OrmAssociation *a)
{
	int			slot = a->position;
	ListCell   *lc;

	foreach(lc, ps->schema->shadowed)
	{
		OrmAssociation *b = lfirst(lc);

		if (b->source == a->source && strcmp(b->alias, a->alias) == 0 &&
			b->position < slot)
			slot = b->position;
	}
	return slot;
}

static int
CompareSlots(const ListCell *x, const ListCell *y)
{
	int			a = ((const int *) lfirst(x))[0];
	int			b = ((const int *) lfirst(y))[0];

	return a < b ? -1 : a > b;
}

/* The associations of a model, in the order Sequelize iterates them. */
static List *
ModelAssociations(ParseState *ps, OrmModel *m)
{
	List	   *slots = NIL;
	List	   *out = NIL;
	ListCell   *lc;

	foreach(lc, ps->schema->associations)
	{
		OrmAssociation *a = lfirst(lc);
		int		   *slot;

		if (a->source != m)
			continue;
		slot = palloc(sizeof(int) * 2);
		slot[0] = AliasSlot(ps, a);
		slot[1] = foreach_current_index(lc);
		slots = lappend(slots, slot);
	}
	list_sort(slots, CompareSlots);
	foreach(lc, slots)
		out = lappend(out, list_nth(ps->schema->associations, ((int *) lfirst(lc))[1]));
	return out;
}

static void AddAllIncludes(ParseState *ps, OrmQueryNode *parent, AllInclude *all);

/*
 * One include of an {"all": ...}: the association, with the all object's
 * other options; nested, the associations of its model in turn.
 */
static void
AddAllInclude(ParseState *ps, OrmQueryNode *parent, OrmAssociation *a,
			  AllInclude *all)
{
	OrmQueryNode *child = NewNode(ps, a->target, a);

	child->parent = parent;
	parent->children = lappend(parent->children, child);
	ParseNodeOptions(ps, child, all->options, false);
	if (all->nested)
	{
		if (++ps->depth > MAX_INCLUDE_DEPTH)
			ereport(ERROR,
					errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					errmsg("includes of a query of model \"%s\" are nested too deeply",
						   child->model->name),
					errdetail("At most %d levels are allowed.", MAX_INCLUDE_DEPTH));
		AddAllIncludes(ps, child, all);
		ps->depth--;
	}
}

/*
 * Sequelize's addAllIncludes: every association of the parent's model of
 * the kinds asked for that is not included already; nested, recursively,
 * never into a model in "used" (pushed once per association, popped once
 * per level, exactly as _expandIncludeAllElement keeps it).
 */
static void
AddAllIncludes(ParseState *ps, OrmQueryNode *parent, AllInclude *all)
{
	ListCell   *lc;

	check_stack_depth();
	/* an association that cannot be loaded is one of "every" */
	foreach(lc, ps->schema->broken)
		if (strcmp(((OrmBroken *) lfirst(lc))->model, parent->model->name) == 0)
			OrmRaiseBroken(lfirst(lc));
	foreach(lc, ModelAssociations(ps, parent->model))
	{
		OrmAssociation *a = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (!(all->kinds & (1 << a->kind)) || AlreadyIncluded(parent, a))
			continue;
		if (all->nested && list_member_ptr(all->used, a->target))
			continue;
		all->used = lappend(all->used, parent->model);
		AddAllInclude(ps, parent, a, all);
	}
	if (all->used)
		all->used = list_delete_last(all->used);
}

/*
 * {"all": true | types, "nested": true, ...}: every association of the
 * model not included otherwise, with the object's other options.
 */
static void
ParseAllInclude(ParseState *ps, OrmQueryNode *parent, JsonbValue *v)
{
	AllInclude	all = {0};
	JsonbParseState *st = NULL;
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		JsonbValue	k = {.type = jbvString};

		if (strcmp(f->key, "all") == 0)
			all.kinds = AllKinds(parent->model, &f->value);
		else if (strcmp(f->key, "nested") == 0)
			all.nested = QueryBool(parent->model, "include.nested", &f->value);
		else if (strcmp(f->key, "association") == 0 || strcmp(f->key, "model") == 0 ||
				 strcmp(f->key, "as") == 0)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("an include of model \"%s\" with \"all\" cannot have \"%s\"",
						   parent->model->name, f->key),
					errhint("Include every association with {\"all\": true}, or one with {\"association\": alias}."));
		else
		{
			k.val.string.val = f->key;
			k.val.string.len = strlen(f->key);
			pushJsonbValue(&st, WJB_KEY, &k);
			pushJsonbValue(&st, WJB_VALUE, &f->value);
		}
	}
	all.options = OrmJsonRoot(JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL)));
	AddAllIncludes(ps, parent, &all);
}

/*
 * "include": a list of includes, or one.  Includes of every association
 * ({"all": ...}) come after the others, as Sequelize's _expandIncludeAll
 * appends them.
 */
static void
ParseIncludes(ParseState *ps, OrmQueryNode *node, JsonbValue *v)
{
	List	   *items;
	ListCell   *lc;

	if (++ps->depth > MAX_INCLUDE_DEPTH)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("includes of a query of model \"%s\" are nested too deeply",
					   node->model->name),
				errdetail("At most %d levels are allowed.", MAX_INCLUDE_DEPTH));
	check_stack_depth();
	items = OrmJsonIsArray(v) ? OrmJsonElements(v->val.binary.data) : list_make1(v);
	foreach(lc, items)
		if (!IsAllInclude(lfirst(lc)))
			ParseInclude(ps, node, lfirst(lc));
	foreach(lc, items)
		if (IsAllInclude(lfirst(lc)))
			ParseAllInclude(ps, node, lfirst(lc));
	ps->depth--;
}

/* Whether node's "attributes" has a member that is not an attribute as named. */
static bool
RenamesOrComputes(OrmQueryNode *node)
{
	ListCell   *lc;

	foreach(lc, node->outputs)
	{
		OrmQueryMember *m = lfirst(lc);

		if (m->attr == NULL || strcmp(m->name, m->attr->name) != 0)
			return true;
	}
	return false;
}

/* "through": {"attributes": [...], "where": {...}} of a belongsToMany */
static void
ParseThrough(OrmQueryNode *node, JsonbValue *v)
{
	ListCell   *lc;
	OrmQueryNode junction = {0};

	if (node->assoc == NULL || node->assoc->kind != ORM_BELONGS_TO_MANY)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"through\" is only valid in an include of a belongsToMany association"));
	if (!OrmJsonIsObject(v))
		QueryWrongType(node->model->name, "through", v, "an object");
	junction.model = node->assoc->junction;
	junction.attributes = node->through_attributes;
	junction.assoc = node->assoc;
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "attributes") == 0)
		{
			ParseAttributes(&junction, &f->value);
			if (RenamesOrComputes(&junction))
				ereport(ERROR,
						errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						errmsg("\"through.attributes\" of include \"%s\" cannot rename an attribute",
							   node->key),
						errhint("Rename the attributes of the include itself, not of its junction."));
		}
		else if (strcmp(f->key, "where") == 0)
		{
			if (!OrmJsonIsObject(&f->value))
				QueryWrongType(node->model->name, "through.where", &f->value,
							   "an object");
			node->through_where = palloc(sizeof(JsonbValue));
			*node->through_where = f->value;
		}
		else
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized key \"%s\" in \"through\" of an include of model \"%s\"",
						   f->key, node->model->name),
					errhint("Valid keys are: attributes, where."));
	}
	node->through_attributes = junction.attributes;
}

static bool
QueryBool(OrmModel *m, const char *key, JsonbValue *v)
{
	if (v->type != jbvBool)
		QueryWrongType(m->name, key, v, "a boolean");
	return v->val.boolean;
}

/* Where an option is valid: the root query, an include, or both. */
#define IN_ROOT 1
#define IN_INCLUDE 2

/* What the options of one node are read into. */
typedef struct NodeOptions
{
	ParseState *ps;
	OrmQueryNode *node;
	bool		required_given;
	List	   *orders;			/* "order" is read last: it names includes */
} NodeOptions;

typedef void (*QueryOptionParser) (NodeOptions *no, const char *key,
								   JsonbValue *v);

typedef struct QueryOption
{
	OrmKeyword	kw;
	QueryOptionParser parse;	/* NULL: read elsewhere */
	int			valid;			/* IN_ROOT, IN_INCLUDE or both */
} QueryOption;

static void
OptAttributes(NodeOptions *no, const char *key, JsonbValue *v)
{
	ParseAttributes(no->node, v);
}

static void
OptWhere(NodeOptions *no, const char *key, JsonbValue *v)
{
	if (!OrmJsonIsObject(v))
		QueryWrongType(no->node->model->name, key, v, "an object");
	no->node->where = v;
}

static void
OptRequired(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->node->required = QueryBool(no->node->model, key, v);
	no->required_given = true;
}

static void
OptInclude(NodeOptions *no, const char *key, JsonbValue *v)
{
	ParseIncludes(no->ps, no->node, v);
}

static void
OptOrder(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->orders = lappend(no->orders, v);
}

static void
OptLimit(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->node->limit = QueryCount(no->node->model, key, v);
}

static void
OptOffset(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->node->offset = Max(QueryCount(no->node->model, key, v), 0);
}

static void
OptParanoid(NodeOptions *no, const char *key, JsonbValue *v)
{
	OrmModel   *m = no->node->model;

	no->node->paranoid = QueryBool(m, key, v) && m->deleted_at != NULL;
}

static void
OptRejectOnEmpty(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->node->reject_on_empty = QueryBool(no->node->model, key, v);
}

static void
OptThrough(NodeOptions *no, const char *key, JsonbValue *v)
{
	ParseThrough(no->node, v);
}

/* "group": read once the query is parsed (OrmResolveGrouping) */
static void
OptGroup(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->node->group_json = v;
}

static void
OptHaving(NodeOptions *no, const char *key, JsonbValue *v)
{
	if (!OrmJsonIsObject(v))
		QueryWrongType(no->node->model->name, key, v, "an object");
	no->node->having = v;
}

static void
OptDistinct(NodeOptions *no, const char *key, JsonbValue *v)
{
	no->node->count_distinct = QueryBool(no->node->model, key, v);
}

/* "col" of count: an attribute, also as "Model.attribute" */
static void
OptCol(NodeOptions *no, const char *key, JsonbValue *v)
{
	OrmModel   *m = no->node->model;
	char	   *name;
	size_t		len = strlen(m->name);

	if (v->type != jbvString)
		QueryWrongType(m->name, key, v, "an attribute name");
	name = OrmJsonString(v);
	if (strncmp(name, m->name, len) == 0 && name[len] == '.')
		name += len + 1;
	no->node->count_col = QueryAttribute(m, name);
}

/*
 * The options of Sequelize's findAll and of its includes that orm_models
 * reads, in the order the hints list them.
 */
static const QueryOption query_options[] = {
	{{"association", ORM_KEY_PARSED}, NULL, IN_INCLUDE},	/* IncludeAlias */
	{{"model", ORM_KEY_PARSED}, NULL, IN_INCLUDE},
	{{"as", ORM_KEY_PARSED}, NULL, IN_INCLUDE},
	{{"attributes", ORM_KEY_PARSED}, OptAttributes, IN_ROOT | IN_INCLUDE},
	{{"where", ORM_KEY_PARSED}, OptWhere, IN_ROOT | IN_INCLUDE},
	{{"required", ORM_KEY_PARSED}, OptRequired, IN_INCLUDE},
	{{"include", ORM_KEY_PARSED}, OptInclude, IN_ROOT | IN_INCLUDE},
	{{"order", ORM_KEY_PARSED}, OptOrder, IN_ROOT | IN_INCLUDE},
	{{"limit", ORM_KEY_PARSED}, OptLimit, IN_ROOT | IN_INCLUDE},
	{{"offset", ORM_KEY_PARSED}, OptOffset, IN_ROOT | IN_INCLUDE},
	{{"paranoid", ORM_KEY_PARSED}, OptParanoid, IN_ROOT | IN_INCLUDE},
	{{"rejectOnEmpty", ORM_KEY_PARSED}, OptRejectOnEmpty, IN_ROOT},
	{{"through", ORM_KEY_PARSED}, OptThrough, IN_INCLUDE},
	{{"scope", ORM_KEY_PARSED}, NULL, IN_ROOT | IN_INCLUDE},	/* query_scope.c */
	{{"group", ORM_KEY_PARSED}, OptGroup, IN_ROOT},
	{{"having", ORM_KEY_PARSED}, OptHaving, IN_ROOT},
	{{"distinct", ORM_KEY_PARSED}, OptDistinct, IN_ROOT},	/* count */
	{{"col", ORM_KEY_PARSED}, OptCol, IN_ROOT},	/* count */
};

/*
 * "a, b, c": the options valid at the root (IN_ROOT) or in an include,
 * less the one named except (or NULL).
 */
static char *
QueryOptionList(int valid, const char *except)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < (int) lengthof(query_options); i++)
		if ((query_options[i].valid & valid) &&
			(except == NULL || strcmp(query_options[i].kw.name, except) != 0))
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "",
							 query_options[i].kw.name);
	return buf.data;
}

/* One option of the root query or of an include. */
static void
ParseNodeOption(NodeOptions *no, OrmJsonField *f, bool root)
{
	int			valid = root ? IN_ROOT : IN_INCLUDE;
	const QueryOption *o = (const QueryOption *)
		OrmFindKeyword(query_options, lengthof(query_options),
					   sizeof(QueryOption), f->key);

	if (o == NULL || !(o->valid & valid))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("unrecognized option \"%s\" in a query of model \"%s\"",
					   f->key, no->node->model->name),
				root ? errhint("Valid options are: %s.", QueryOptionList(valid, NULL)) :
				errhint("Valid options of an include are: %s.",
						QueryOptionList(valid, NULL)));
	if (o->parse)
		o->parse(no, f->key, &f->value);
}

/* What a query's scopes add to an error's context. */
typedef struct ScopeContext
{
	OrmModel   *model;
	List	   *applied;		/* char *: the scopes merged */
} ScopeContext;

static void
ScopeErrorContext(void *arg)
{
	ScopeContext *sc = arg;
	StringInfoData names;
	ListCell   *lc;

	initStringInfo(&names);
	foreach(lc, sc->applied)
		appendStringInfo(&names, "%s\"%s\"", names.len ? ", " : "", (char *) lfirst(lc));
	errcontext("with scope %s of model \"%s\" merged in", names.data, sc->model->name);
}

/* Errors raised while a node is parsed say which scopes it merged. */
static void
PushScopeContext(ErrorContextCallback *callback, ScopeContext *sc)
{
	callback->callback = ScopeErrorContext;
	callback->arg = sc;
	callback->previous = error_context_stack;
	error_context_stack = callback;
}

/*
 * The options of a node, with its model's scopes merged in (query_scope.c).
 * Order is read last, since it may name the includes; an include with a
 * where is required unless it says otherwise (as in Sequelize, also a where
 * its model's default scope brings).
 */
static void
ParseNodeOptions(ParseState *ps, OrmQueryNode *node, JsonbValue *options,
				 bool root)
{
	NodeOptions no = {ps, node, false, NIL};
	ScopeContext sc = {node->model, NIL};
	ErrorContextCallback callback = {0};
	ListCell   *lc;

	options = OrmMergeScopes(ps->schema, node->model, options, &sc.applied);
	if (sc.applied)
		PushScopeContext(&callback, &sc);
	foreach(lc, options ? OrmJsonFields(options->val.binary.data) : NIL)
		ParseNodeOption(&no, lfirst(lc), root);
	OrmResolveMembers(node);
	foreach(lc, no.orders)
		ParseOrder(node, lfirst(lc));
	OrmAnalyzeNodeWhere(node);
	if (!no.required_given && node->where)
		node->required = true;
	if (sc.applied)
		error_context_stack = callback.previous;
}

/* Parses the findAll options of a query of model. */
OrmQueryNode *
OrmParseQuery(OrmSchema *schema, OrmModel *model, Jsonb *query)
{
	ParseState	ps = {schema, 0, 0, model};
	OrmQueryNode *root = NewNode(&ps, model, NULL);
	ScopeContext sc = {model, NIL};
	ErrorContextCallback callback = {0};

	root->reject_on_empty = model->reject_on_empty;
	if (query && !JB_ROOT_IS_OBJECT(query))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("a query of model \"%s\" must be an object", model->name));
	query = OrmScopedQuery(schema, model, query, &sc.applied);
	if (sc.applied)
		PushScopeContext(&callback, &sc);
	ParseNodeOptions(&ps, root, query ? OrmJsonRoot(query) : NULL, true);
	OrmResolveGrouping(root);
	if (sc.applied)
		error_context_stack = callback.previous;
	return root;
}

/* Fails on a key of a scope, or of an include of it, that is no query option. */
static void
CheckScopeOptions(OrmModel *m, const char *scope, JsonbValue *v, bool root)
{
	int			valid = root ? IN_ROOT : IN_INCLUDE;
	bool		all = !root &&
		getKeyJsonValueFromContainer(v->val.binary.data, "all", 3, NULL) != NULL;
	ListCell   *lc;

	check_stack_depth();
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		const QueryOption *o = (const QueryOption *)
			OrmFindKeyword(query_options, lengthof(query_options),
						   sizeof(QueryOption), f->key);
		List	   *items;
		ListCell   *lc2;

		if (all && (strcmp(f->key, "all") == 0 || strcmp(f->key, "nested") == 0))
			continue;
		if (o == NULL || !(o->valid & valid) || (root && strcmp(f->key, "scope") == 0))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized option \"%s\" in scope \"%s\" of model \"%s\"",
						   f->key, scope, m->name),
					root ? errhint("A scope holds query options: %s.",
								   QueryOptionList(IN_ROOT, "scope")) :
					errhint("Valid options of an include are: %s.",
							QueryOptionList(IN_INCLUDE, NULL)));
		if (strcmp(f->key, "include") != 0)
			continue;
		items = OrmJsonIsArray(&f->value) ?
			OrmJsonElements(f->value.val.binary.data) : list_make1(&f->value);
		foreach(lc2, items)
		{
			JsonbValue *item = lfirst(lc2);

			if (OrmJsonIsObject(item))
				CheckScopeOptions(m, scope, item, false);
			else if (item->type != jbvString)
				ereport(ERROR,
						errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("an include of scope \"%s\" of model \"%s\" must be an alias or an object, not %s",
							   scope, m->name, OrmJsonTypeName(item)));
		}
	}
}

/*
 * Checks a model's defaultScope and scopes when it is defined: each is an
 * object of query options, and so is each include in it.  What they name
 * (attributes, associations, values) is checked when a query runs, once
 * the associations they may name exist.
 */
void
OrmCheckScopes(OrmModel *m)
{
	ListCell   *lc;

	if (m->default_scope)
		CheckScopeOptions(m, "defaultScope", m->default_scope, true);
	foreach(lc, m->scopes ? OrmJsonFields(m->scopes->val.binary.data) : NIL)
	{
		OrmJsonField *f = lfirst(lc);

		CheckScopeOptions(m, f->key, &f->value, true);
	}
}
