/*
 * query_expr.c
 *		Sequelize's fn/col in "attributes", "group" and "order": JSON ->
 *		expressions over the query tree, their functions from an allow-list
 *		resolved in pg_catalog, their types as PostgreSQL resolves them.
 *
 * {"fn": "COUNT", "args": [{"col": "posts.id"}]} is
 * sequelize.fn('COUNT', sequelize.col('posts.id')).  A column names an
 * attribute of the query's node or, through aliases, of an include under
 * it.  An aggregate whose columns are those of a to-many include ranges
 * over that include's rows per row of the node (query_sql.c writes it as a
 * sub-select): the include's where, scope, paranoid and required includes
 * apply, its limit does not.  An aggregate over the node's own columns
 * makes the root a grouped report (its rows the groups of "group").  No
 * raw SQL: functions come from the table below, values are parameters.
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/numeric.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_query.h"

/* Expressions nest at most this deep. */
#define MAX_EXPR_DEPTH 32

#define ANY_ARGS 100

/*
 * The functions an expression may call, as Sequelize's fn() names them (in
 * any case), and what each is in PostgreSQL: an aggregate or a scalar
 * function of pg_catalog (its overload resolved by PostgreSQL from the
 * argument types), or SQL syntax.  The table drives parsing and the hint.
 */
static const OrmFunction functions[] = {
	{{"COUNT", ORM_KEY_PARSED}, "count", ORM_FN_AGGREGATE, 1, 1},
	{{"SUM", ORM_KEY_PARSED}, "sum", ORM_FN_AGGREGATE, 1, 1},
	{{"AVG", ORM_KEY_PARSED}, "avg", ORM_FN_AGGREGATE, 1, 1},
	{{"MIN", ORM_KEY_PARSED}, "min", ORM_FN_AGGREGATE, 1, 1},
	{{"MAX", ORM_KEY_PARSED}, "max", ORM_FN_AGGREGATE, 1, 1},
	{{"BOOL_AND", ORM_KEY_PARSED}, "bool_and", ORM_FN_AGGREGATE, 1, 1},
	{{"BOOL_OR", ORM_KEY_PARSED}, "bool_or", ORM_FN_AGGREGATE, 1, 1},
	{{"DISTINCT", ORM_KEY_PARSED}, "DISTINCT", ORM_FN_DISTINCT, 1, 1},
	{{"LOWER", ORM_KEY_PARSED}, "lower", ORM_FN_SCALAR, 1, 1},
	{{"UPPER", ORM_KEY_PARSED}, "upper", ORM_FN_SCALAR, 1, 1},
	{{"LENGTH", ORM_KEY_PARSED}, "length", ORM_FN_SCALAR, 1, 1},
	{{"CHAR_LENGTH", ORM_KEY_PARSED}, "char_length", ORM_FN_SCALAR, 1, 1},
	{{"TRIM", ORM_KEY_PARSED}, "btrim", ORM_FN_SCALAR, 1, 2},
	{{"LTRIM", ORM_KEY_PARSED}, "ltrim", ORM_FN_SCALAR, 1, 2},
	{{"RTRIM", ORM_KEY_PARSED}, "rtrim", ORM_FN_SCALAR, 1, 2},
	{{"SUBSTR", ORM_KEY_PARSED}, "substr", ORM_FN_SCALAR, 2, 3},
	{{"REPLACE", ORM_KEY_PARSED}, "replace", ORM_FN_SCALAR, 3, 3},
	{{"CONCAT", ORM_KEY_PARSED}, "concat", ORM_FN_SCALAR, 1, ANY_ARGS},
	{{"ABS", ORM_KEY_PARSED}, "abs", ORM_FN_SCALAR, 1, 1},
	{{"ROUND", ORM_KEY_PARSED}, "round", ORM_FN_SCALAR, 1, 2},
	{{"CEIL", ORM_KEY_PARSED}, "ceil", ORM_FN_SCALAR, 1, 1},
	{{"FLOOR", ORM_KEY_PARSED}, "floor", ORM_FN_SCALAR, 1, 1},
	{{"DATE_TRUNC", ORM_KEY_PARSED}, "date_trunc", ORM_FN_SCALAR, 2, 3},
	{{"DATE_PART", ORM_KEY_PARSED}, "date_part", ORM_FN_SCALAR, 2, 2},
	{{"COALESCE", ORM_KEY_PARSED}, "COALESCE", ORM_FN_SYNTAX, 1, ANY_ARGS},
	{{"NULLIF", ORM_KEY_PARSED}, "NULLIF", ORM_FN_SYNTAX, 2, 2},
	{{"GREATEST", ORM_KEY_PARSED}, "GREATEST", ORM_FN_SYNTAX, 1, ANY_ARGS},
	{{"LEAST", ORM_KEY_PARSED}, "LEAST", ORM_FN_SYNTAX, 1, ANY_ARGS},
};

/* What one expression is parsed against. */
typedef struct ExprParse
{
	OrmQueryNode *node;			/* whose row the expression is of */
	const char *what;			/* for messages: "attribute \"n\"", ... */
	int			depth;
} ExprParse;

static OrmExpr *ParseExpr(ExprParse *ep, JsonbValue *v, bool column);

static void
ExprError(ExprParse *ep, const char *detail)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("%s of a query of model \"%s\" is not a valid expression",
				   ep->what, ep->node->model->name),
			errdetail("%s", detail),
			errhint("Write {\"fn\": name, \"args\": [...]}, {\"col\": \"alias.attribute\"} or a value."));
}

static bool
IsToMany(OrmQueryNode *node)
{
	return node->assoc && (node->assoc->kind == ORM_HAS_MANY ||
						   node->assoc->kind == ORM_BELONGS_TO_MANY);
}

/* The included child of node with that alias, or NULL. */
static OrmQueryNode *
Child(OrmQueryNode *node, const char *alias)
{
	ListCell   *lc;

	foreach(lc, node->children)
		if (strcmp(((OrmQueryNode *) lfirst(lc))->key, alias) == 0)
			return lfirst(lc);
	return NULL;
}

/* An attribute of a model by name, or by column name. */
static OrmAttribute *
AttributeOrField(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);
	ListCell   *lc;

	if (a)
		return a;
	foreach(lc, m->attributes)
		if (strcmp(((OrmAttribute *) lfirst(lc))->field, name) == 0)
			return lfirst(lc);
	return NULL;
}

/*
 * {"col": "a.b.c"}: aliases of includes from ep's node (Sequelize's nested
 * "a->b" too), then an attribute or column name, or "*".  A leading name
 * of the node itself (Sequelize's col('User.id')) is skipped.
 */
static OrmExpr *
ParseColumn(ExprParse *ep, const char *text)
{
	OrmExpr    *e = palloc0(sizeof(OrmExpr));
	OrmQueryNode *at = ep->node;
	List	   *parts = NIL;
	char	   *s = pstrdup(text);
	char	   *column;
	ListCell   *lc;

	for (char *p = s, *next; p; p = next)
	{
		char	   *dot = strchr(p, '.');
		char	   *arrow = strstr(p, "->");

		next = dot && (!arrow || dot < arrow) ? dot : arrow;
		if (next)
		{
			*next = '\0';
			next += next == dot ? 1 : 2;
		}
		if (*p == '\0')
			ExprError(ep, psprintf("Column \"%s\" has an empty name.", text));
		parts = lappend(parts, p);
	}
	column = llast(parts);
	parts = list_delete_last(parts);
	if (parts && strcmp(linitial(parts), at->key) == 0 && !Child(at, linitial(parts)))
		parts = list_delete_first(parts);
	foreach(lc, parts)
	{
		OrmQueryNode *child = Child(at, lfirst(lc));

		if (child == NULL)
			ereport(ERROR,
					errcode(ERRCODE_UNDEFINED_OBJECT),
					errmsg("%s of a query of model \"%s\" names \"%s\", which is not included",
						   ep->what, ep->node->model->name, (char *) lfirst(lc)),
					errhint("Include the association (with \"attributes\": [] to add no key) to use its columns."));
		e->path = lappend(e->path, child);
		at = child;
	}
	e->anchor = at;
	if (strcmp(column, "*") == 0)
	{
		e->kind = ORM_EXPR_STAR;
		return e;
	}
	e->kind = ORM_EXPR_COLUMN;
	e->attr = AttributeOrField(at->model, column);
	if (e->attr == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("model \"%s\" has no attribute \"%s\"", at->model->name, column),
				errdetail("It is named by %s of a query of model \"%s\".",
						  ep->what, ep->node->model->name));
	OrmRequireType(at->model, e->attr);
	return e;
}

/* A JSON scalar as a parameter: its type as a literal would have it. */
static OrmExpr *
ParseValue(ExprParse *ep, JsonbValue *v)
{
	OrmExpr    *e = palloc0(sizeof(OrmExpr));

	e->kind = ORM_EXPR_VALUE;
	e->value = v;
	switch (v->type)
	{
		case jbvNull:
			e->value_type = UNKNOWNOID; /* written as NULL */
			break;
		case jbvBool:
			e->value_type = BOOLOID;
			break;
		case jbvString:
			e->value_type = TEXTOID;
			break;
		case jbvNumeric:
			{
				char	   *text = numeric_normalize(v->val.numeric);
				bool		integral = strspn(text, "-0123456789") == strlen(text);

				e->value_type = !integral ? NUMERICOID :
					strlen(text) <= 9 ? INT4OID : strlen(text) <= 18 ? INT8OID :
					NUMERICOID;
				break;
			}
		default:
			ExprError(ep, "An object or array is not a value.");
	}
	return e;
}

/* The function of the allow-list named (in any case), or an error. */
static const OrmFunction *
LookupFunction(ExprParse *ep, JsonbValue *name)
{
	const OrmFunction *fn;
	char	   *upper;

	if (name->type != jbvString)
		ExprError(ep, "\"fn\" must be a function name.");
	upper = str_toupper(name->val.string.val, name->val.string.len, DEFAULT_COLLATION_OID);
	fn = (const OrmFunction *) OrmFindKeyword(functions, lengthof(functions),
											  sizeof(OrmFunction), upper);
	if (fn == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_FUNCTION),
				errmsg("unrecognized function \"%s\" in %s of a query of model \"%s\"",
					   OrmJsonString(name), ep->what, ep->node->model->name),
				errhint("The functions allowed are %s.",
						OrmKeywordList(functions, lengthof(functions),
									   sizeof(OrmFunction))));
	return fn;
}

/* {"fn": name, "args": [...]} */
static OrmExpr *
ParseCall(ExprParse *ep, JsonbValue *name, JsonbValue *args)
{
	OrmExpr    *e = palloc0(sizeof(OrmExpr));
	List	   *items = NIL;
	ListCell   *lc;

	e->kind = ORM_EXPR_CALL;
	e->fn = LookupFunction(ep, name);
	if (args && !OrmJsonIsArray(args))
		ExprError(ep, psprintf("\"args\" of %s must be an array.", e->fn->kw.name));
	if (args)
		items = OrmJsonElements(args->val.binary.data);
	if (list_length(items) < e->fn->min_args || list_length(items) > e->fn->max_args)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("function %s in %s of a query of model \"%s\" takes %s, not %d",
					   e->fn->kw.name, ep->what, ep->node->model->name,
					   e->fn->min_args == e->fn->max_args ?
					   psprintf("%d argument%s", e->fn->min_args, e->fn->min_args == 1 ? "" : "s") :
					   e->fn->max_args == ANY_ARGS ?
					   psprintf("at least %d argument%s", e->fn->min_args, e->fn->min_args == 1 ? "" : "s") :
					   psprintf("%d to %d arguments", e->fn->min_args, e->fn->max_args),
					   list_length(items)));
	foreach(lc, items)
		e->args = lappend(e->args, ParseExpr(ep, lfirst(lc), false));
	return e;
}

/*
 * One expression: {"fn", "args"}, {"col"}, a value; a string is a column
 * where column (an attribute pair's first element), else a value.
 */
static OrmExpr *
ParseExpr(ExprParse *ep, JsonbValue *v, bool column)
{
	JsonbValue *fn = NULL;
	JsonbValue *args = NULL;
	JsonbValue *col = NULL;
	ListCell   *lc;
	OrmExpr    *e;

	check_stack_depth();
	if (++ep->depth > MAX_EXPR_DEPTH)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("%s of a query of model \"%s\" is nested too deeply",
					   ep->what, ep->node->model->name),
				errdetail("At most %d levels are allowed.", MAX_EXPR_DEPTH));
	if (column && v->type == jbvString)
		e = ParseColumn(ep, OrmJsonString(v));
	else if (!OrmJsonIsObject(v) && !OrmJsonIsArray(v))
		e = ParseValue(ep, v);
	else
	{
		if (!OrmJsonIsObject(v))
			ExprError(ep, "An array is not an expression.");
		foreach(lc, OrmJsonFields(v->val.binary.data))
		{
			OrmJsonField *f = lfirst(lc);

			if (strcmp(f->key, "fn") == 0)
				fn = &f->value;
			else if (strcmp(f->key, "args") == 0)
				args = &f->value;
			else if (strcmp(f->key, "col") == 0)
				col = &f->value;
			else if (strcmp(f->key, "literal") == 0 || strcmp(f->key, "val") == 0)
				ereport(ERROR,
						errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						errmsg("%s of a query of model \"%s\" is raw SQL", ep->what,
							   ep->node->model->name),
						errdetail("sequelize.literal() is SQL text, which orm_models never runs."),
						errhint("Use {\"fn\": ..., \"args\": [...]} with the functions allowed."));
			else
				ExprError(ep, psprintf("Unrecognized key \"%s\"; valid keys are fn, args, col.", f->key));
		}
		if (fn && !col)
			e = ParseCall(ep, fn, args);
		else if (col && !fn && !args && col->type == jbvString)
			e = ParseColumn(ep, OrmJsonString(col));
		else
			ExprError(ep, col && col->type != jbvString ? "\"col\" must be a string." :
					  "An expression is either {\"fn\", \"args\"} or {\"col\"}.");
	}
	ep->depth--;
	return e;
}

/*
 * The to-many part of a column's path (every include up to its last
 * to-many one), which an aggregate over the column ranges over; NIL when
 * the path is to-one only.
 */
static List *
ManyPrefix(List *path)
{
	int			last = -1;
	ListCell   *lc;

	foreach(lc, path)
		if (IsToMany(lfirst(lc)))
			last = foreach_current_index(lc);
	return last < 0 ? NIL : list_truncate(list_copy(path), last + 1);
}

/* Whether list a begins with list b. */
static bool
StartsWith(List *a, List *b)
{
	if (list_length(b) > list_length(a))
		return false;
	for (int i = 0; i < list_length(b); i++)
		if (list_nth(a, i) != list_nth(b, i))
			return false;
	return true;
}

/*
 * The rows an aggregate ranges over: the one include path its columns
 * share (agg->chain), or an error.
 */
static void
CollectChain(ExprParse *ep, OrmExpr *agg, OrmExpr *e)
{
	ListCell   *lc;

	if (e->kind == ORM_EXPR_CALL)
	{
		foreach(lc, e->args)
			CollectChain(ep, agg, lfirst(lc));
		return;
	}
	if (e->kind == ORM_EXPR_COLUMN || e->kind == ORM_EXPR_STAR)
	{
		List	   *many = e->kind == ORM_EXPR_STAR ? e->path : ManyPrefix(e->path);

		if (StartsWith(agg->chain, many))
			return;
		if (!StartsWith(many, agg->chain))
			ereport(ERROR,
					errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					errmsg("an aggregate in %s of a query of model \"%s\" names columns of two include paths",
						   ep->what, ep->node->model->name),
					errdetail("An aggregate ranges over the rows of one include (and the includes under it)."),
					errhint("Write one aggregate per include."));
		agg->chain = many;
	}
}

/*
 * Where a column's value is read: the deepest node of the chain its path
 * goes through (joined in the aggregate's rows), then to-one hops.
 */
static void
AnchorColumns(OrmExpr *e, OrmQueryNode *node, List *chain)
{
	ListCell   *lc;

	if (e->kind == ORM_EXPR_CALL)
	{
		/* an aggregate's columns are read from the rows it ranges over */
		List	   *inner = e->fn->kind == ORM_FN_AGGREGATE ? e->chain : chain;

		foreach(lc, e->args)
			AnchorColumns(lfirst(lc), node, inner);
		return;
	}
	if (e->kind != ORM_EXPR_COLUMN && e->kind != ORM_EXPR_STAR)
		return;
	e->anchor = node;
	e->hops = e->path;
	for (int i = 0; i < list_length(e->path) && i < list_length(chain); i++)
	{
		if (list_nth(e->path, i) != list_nth(chain, i))
			break;
		e->anchor = list_nth(chain, i);
		e->hops = list_copy_tail(e->path, i + 1);
	}
}

/*
 * Checks where aggregates, DISTINCT and "*" may be, finds each aggregate's
 * rows, and sets m's flags.  agg is the aggregate e is inside, or NULL.
 */
static void
AnalyzeExpr(ExprParse *ep, OrmQueryMember *m, OrmExpr *e, OrmExpr *agg)
{
	ListCell   *lc;

	switch (e->kind)
	{
		case ORM_EXPR_VALUE:
			return;
		case ORM_EXPR_STAR:
			if (agg == NULL || strcmp(agg->fn->kw.name, "COUNT") != 0 ||
				list_length(agg->args) != 1 || linitial(agg->args) != e)
				ExprError(ep, "\"*\" is only valid as the argument of COUNT.");
			return;
		case ORM_EXPR_COLUMN:
			if (agg == NULL && ManyPrefix(e->path) != NIL)
				ereport(ERROR,
						errcode(ERRCODE_GROUPING_ERROR),
						errmsg("%s of a query of model \"%s\" names a column of to-many include \"%s\" outside an aggregate",
							   ep->what, ep->node->model->name,
							   ((OrmQueryNode *) llast(ManyPrefix(e->path)))->key),
						errdetail("A to-many include has many rows per row of its parent."),
						errhint("Aggregate it: {\"fn\": \"COUNT\", \"args\": [{\"col\": ...}]}."));
			return;
		case ORM_EXPR_CALL:
			break;
	}
	if (e->fn->kind == ORM_FN_DISTINCT &&
		(agg == NULL || list_length(agg->args) != 1 || linitial(agg->args) != e))
		ExprError(ep, "DISTINCT is only valid as the one argument of an aggregate.");
	if (e->fn->kind == ORM_FN_AGGREGATE)
	{
		if (agg)
			ereport(ERROR,
					errcode(ERRCODE_GROUPING_ERROR),
					errmsg("%s of a query of model \"%s\" nests aggregate %s in aggregate %s",
						   ep->what, ep->node->model->name, e->fn->kw.name, agg->fn->kw.name),
					errdetail("Aggregate calls cannot be nested."));
		m->aggregate = true;
		foreach(lc, e->args)
			AnalyzeExpr(ep, m, lfirst(lc), e);
		CollectChain(ep, e, e);
		AnchorColumns(e, ep->node, e->chain);
		m->own_rows |= e->chain == NIL;
		return;
	}
	foreach(lc, e->args)
		AnalyzeExpr(ep, m, lfirst(lc), agg);
}

/* The probe's leaf: NULL of the type the value or column has. */
static void
AppendProbeLeaf(StringInfo buf, Oid typid)
{
	if (typid == UNKNOWNOID)
		appendStringInfoString(buf, "NULL");
	else
		appendStringInfo(buf, "NULL::%s",
						 format_type_extended(typid, -1, FORMAT_TYPE_FORCE_QUALIFY));
}

/* The expression with NULLs of its columns' and values' types. */
static void
AppendProbe(StringInfo buf, OrmExpr *e)
{
	ListCell   *lc;

	switch (e->kind)
	{
		case ORM_EXPR_COLUMN:
			AppendProbeLeaf(buf, e->attr->typid);
			return;
		case ORM_EXPR_STAR:
			appendStringInfoChar(buf, '*');
			return;
		case ORM_EXPR_VALUE:
			AppendProbeLeaf(buf, e->value_type);
			return;
		case ORM_EXPR_CALL:
			break;
	}
	if (e->fn->kind == ORM_FN_DISTINCT)
	{
		appendStringInfoString(buf, "DISTINCT ");
		AppendProbe(buf, linitial(e->args));
		return;
	}
	appendStringInfo(buf, "%s%s(", e->fn->kind == ORM_FN_SYNTAX ? "" : "pg_catalog.",
					 e->fn->sql);
	foreach(lc, e->args)
	{
		appendStringInfoString(buf, foreach_current_index(lc) ? ", " : "");
		AppendProbe(buf, lfirst(lc));
	}
	appendStringInfoChar(buf, ')');
}

typedef struct Probe
{
	const char *sql;
	Oid			type;
} Probe;

static void
RunProbe(void *arg)
{
	Probe	   *p = arg;

	OrmSpiConnect();
	(void) OrmSpiExec(p->sql, 0, NULL, NULL, NULL, true);
	p->type = SPI_gettypeid(SPI_tuptable->tupdesc, 1);
	OrmSpiFinish();
}

/*
 * The type of an expression, as PostgreSQL resolves its functions for the
 * types of its arguments: "SELECT" of it over NULLs of those types, run in
 * a subtransaction, so that a function that takes no such argument is a
 * clean error naming the expression.
 */
static Oid
ExprType(ExprParse *ep, OrmExpr *e)
{
	StringInfoData buf;
	Probe		p = {0};
	ErrorData  *error;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT ");
	AppendProbe(&buf, e);
	p.sql = buf.data;
	error = OrmTry(RunProbe, &p);
	if (error)
		ereport(ERROR,
				errcode(error->sqlerrcode),
				errmsg("%s of a query of model \"%s\" cannot be computed", ep->what,
					   ep->node->model->name),
				errdetail("%s", error->message),
				error->hint ? errhint("%s", error->hint) : 0);
	return p.type;
}

/* "attribute \"x\"": what messages call an expression of node. */
static char *
What(OrmQueryMember *m)
{
	return m->name ? psprintf("attribute \"%s\"", m->name) : "an order item";
}

/*
 * The expression member [expr, alias] of a node's "attributes": its alias
 * must be a name no attribute or other member of the node has.  Resolved
 * later, once the node's includes are parsed (OrmResolveMembers).
 */
OrmQueryMember *
OrmNewMember(OrmQueryNode *node, JsonbValue *expr, JsonbValue *alias)
{
	OrmQueryMember *m = palloc0(sizeof(OrmQueryMember));
	char	   *name;

	if (alias->type != jbvString || alias->val.string.len == 0)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("the alias of an expression in \"attributes\" of a query of model \"%s\" must be a non-empty string, not %s",
					   node->model->name, alias->type == jbvString ? "\"\"" : OrmJsonTypeName(alias)),
				errhint("Write [expression, \"alias\"]."));
	name = OrmJsonString(alias);
	if (OrmFindAttribute(node->model, name))
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_COLUMN),
				errmsg("alias \"%s\" in a query of model \"%s\" is the name of an attribute",
					   name, node->model->name),
				errhint("Give the expression another alias."));
	if (OrmFindMember(node, name))
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_COLUMN),
				errmsg("alias \"%s\" is given twice in a query of model \"%s\"",
					   name, node->model->name));
	m->name = name;
	m->json = expr;
	node->members = lappend(node->members, m);
	return m;
}

/* The expression member of a node with that alias, or NULL. */
OrmQueryMember *
OrmFindMember(OrmQueryNode *node, const char *name)
{
	ListCell   *lc;

	foreach(lc, node->members)
	{
		OrmQueryMember *m = lfirst(lc);

		if (m->name && strcmp(m->name, name) == 0)
			return m;
	}
	return NULL;
}

/* Parses, checks and types one expression member of node. */
static void
ResolveMember(OrmQueryNode *node, OrmQueryMember *m)
{
	ExprParse	ep = {node, What(m), 0};

	m->expr = ParseExpr(&ep, m->json, true);
	AnalyzeExpr(&ep, m, m->expr, NULL);
	if (m->own_rows && node->assoc)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("%s of an include of model \"%s\" aggregates the include's own rows",
					   ep.what, node->model->name),
				errdetail("An aggregate in an include ranges over one of its own to-many includes, per row."),
				errhint("Include the association whose rows it counts, with \"attributes\": [], and name its columns."));
	AnchorColumns(m->expr, node, NIL);
	m->typid = ExprType(&ep, m->expr);
}

/*
 * Resolves the expressions of a node's "attributes", once its includes
 * are parsed: an alias must not be an association's either.
 */
void
OrmResolveMembers(OrmQueryNode *node)
{
	ListCell   *lc;

	foreach(lc, node->members)
	{
		OrmQueryMember *m = lfirst(lc);
		ListCell   *lc2;

		if (m->expr)
			continue;
		foreach(lc2, node->children)
			if (strcmp(((OrmQueryNode *) lfirst(lc2))->key, m->name) == 0)
				ereport(ERROR,
						errcode(ERRCODE_DUPLICATE_COLUMN),
						errmsg("alias \"%s\" in a query of model \"%s\" is the name of an association",
							   m->name, node->model->name),
						errhint("Give the expression another alias."));
		ResolveMember(node, m);
	}
}

/* An expression written in an order item: an anonymous member. */
OrmQueryMember *
OrmOrderMember(OrmQueryNode *node, JsonbValue *expr)
{
	OrmQueryMember *m = palloc0(sizeof(OrmQueryMember));

	m->json = expr;
	ResolveMember(node, m);
	return m;
}

/* The member as an attribute, for where.c: its alias, its type. */
OrmAttribute *
OrmMemberAttribute(OrmQueryMember *m)
{
	OrmAttribute *a;

	if (m->attr)
		return m->attr;
	a = palloc0(sizeof(OrmAttribute));
	a->name = m->name ? m->name : "(expression)";
	a->field = a->name;
	a->typid = m->typid;
	a->typmod = -1;
	a->type_name = format_type_be(m->typid);
	a->allow_null = true;
	return a;
}

/* Whether a group item is the column of attribute a of the root. */
static bool
GroupsAttribute(OrmQueryNode *root, OrmAttribute *a)
{
	ListCell   *lc;

	foreach(lc, root->group)
	{
		OrmExpr    *e = lfirst(lc);

		if (e->kind == ORM_EXPR_COLUMN && e->path == NIL && e->attr == a)
			return true;
	}
	return false;
}

/* Whether every primary key attribute of the root is grouped. */
static bool
GroupsPrimaryKey(OrmQueryNode *root)
{
	ListCell   *lc;
	bool		any = false;

	foreach(lc, root->model->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (!a->primary_key)
			continue;
		if (!GroupsAttribute(root, a))
			return false;
		any = true;
	}
	return any;
}

/* An expression's JSON as text, to compare it with another's. */
static char *
ExprText(JsonbValue *v)
{
	return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 0);
}

/* "group": attribute names, aliases of scalar expressions, expressions. */
static void
ParseGroup(OrmQueryNode *root)
{
	List	   *items;
	ListCell   *lc;

	items = OrmJsonIsArray(root->group_json) ?
		OrmJsonElements(root->group_json->val.binary.data) : list_make1(root->group_json);
	foreach(lc, items)
	{
		JsonbValue *v = lfirst(lc);
		OrmQueryMember *alias = v->type == jbvString ?
			OrmFindMember(root, OrmJsonString(v)) : NULL;
		ExprParse	ep = {root, "\"group\"", 0};
		OrmQueryMember probe = {0};
		OrmExpr    *e;
		ListCell   *lc2;

		if (alias && alias->aggregate)
			ereport(ERROR,
					errcode(ERRCODE_GROUPING_ERROR),
					errmsg("\"group\" of a query of model \"%s\" names aggregate \"%s\"",
						   root->model->name, alias->name),
					errhint("Group by attributes or by expressions without aggregates."));
		if (alias)
		{
			root->group = lappend(root->group, alias->expr);
			root->group_texts = lappend(root->group_texts, ExprText(alias->json));
			root->group_members = lappend(root->group_members, alias);
			continue;
		}
		root->group_texts = lappend(root->group_texts, ExprText(v));
		root->group_members = lappend(root->group_members, NULL);
		foreach(lc2, root->members)
			if (strcmp(ExprText(((OrmQueryMember *) lfirst(lc2))->json), llast(root->group_texts)) == 0)
				llast(root->group_members) = lfirst(lc2);
		if (v->type != jbvString && !OrmJsonIsObject(v))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("\"group\" of a query of model \"%s\" must be a list of attribute names or expressions, not %s",
						   root->model->name, OrmJsonTypeName(v)));
		e = ParseExpr(&ep, v, true);
		AnalyzeExpr(&ep, &probe, e, NULL);
		if (probe.aggregate)
			ereport(ERROR,
					errcode(ERRCODE_GROUPING_ERROR),
					errmsg("\"group\" of a query of model \"%s\" has an aggregate",
						   root->model->name));
		AnchorColumns(e, root, NIL);
		root->group = lappend(root->group, e);
	}
}

/* Whether an expression reads only grouped attributes (or aggregates). */
static bool
Grouped(OrmQueryNode *root, OrmExpr *e)
{
	ListCell   *lc;

	switch (e->kind)
	{
		case ORM_EXPR_COLUMN:
			return GroupsAttribute(root, e->attr) && e->path == NIL;
		case ORM_EXPR_CALL:
			if (e->fn->kind == ORM_FN_AGGREGATE)
				return true;
			foreach(lc, e->args)
				if (!Grouped(root, lfirst(lc)))
					return false;
			return true;
		default:
			return true;
	}
}

/* A grouped report's output and order: every value grouped or aggregated. */
static void
CheckReportColumns(OrmQueryNode *root)
{
	bool		by_key = GroupsPrimaryKey(root);
	ListCell   *lc;

	foreach(lc, root->outputs)
	{
		OrmQueryMember *m = lfirst(lc);
		bool		ok = m->attr ? by_key || GroupsAttribute(root, m->attr) :
			by_key || Grouped(root, m->expr);
		ListCell   *lc2;

		foreach(lc2, m->attr ? NIL : root->group_texts)
			ok |= strcmp(lfirst(lc2), ExprText(m->json)) == 0;

		if (!ok)
			ereport(ERROR,
					errcode(ERRCODE_GROUPING_ERROR),
					errmsg("attribute \"%s\" of a grouped query of model \"%s\" is neither grouped nor an aggregate",
						   m->name, root->model->name),
					errhint("Add it to \"group\", or leave it out of \"attributes\"."));
	}
	foreach(lc, root->order)
	{
		OrmOrderItem *item = lfirst(lc);

		if (item->member == NULL && !by_key &&
			(item->node != root || item->path || !GroupsAttribute(root, item->attr)))
			ereport(ERROR,
					errcode(ERRCODE_GROUPING_ERROR),
					errmsg("order by \"%s\" in a grouped query of model \"%s\" is neither grouped nor an aggregate",
						   item->attr->name, root->model->name),
					errhint("Order by grouped attributes or by aggregates' aliases."));
	}
}

/* Collects the chain of every aggregate of e into the report's one chain. */
static void
ReportChain(OrmQueryNode *root, OrmExpr *e, bool *sensitive)
{
	ListCell   *lc;

	if (e->kind != ORM_EXPR_CALL)
		return;
	if (e->fn->kind != ORM_FN_AGGREGATE)
	{
		foreach(lc, e->args)
			ReportChain(root, lfirst(lc), sensitive);
		return;
	}
	if (!StartsWith(root->report_chain, e->chain) &&
		!StartsWith(e->chain, root->report_chain))
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("a grouped query of model \"%s\" aggregates the rows of two include paths",
					   root->model->name),
				errdetail("Its rows are joined with the include it aggregates; two would multiply each other's rows."),
				errhint("Aggregate one include per grouped query, or give each row its own aggregate without \"group\"."));
	if (list_length(e->chain) > list_length(root->report_chain))
		root->report_chain = e->chain;
	/* over joined rows, only MIN, MAX and COUNT(DISTINCT) of a root column are right */
	if (e->chain == NIL &&
		!(strcmp(e->fn->kw.name, "MIN") == 0 || strcmp(e->fn->kw.name, "MAX") == 0 ||
		  strcmp(e->fn->kw.name, "BOOL_AND") == 0 || strcmp(e->fn->kw.name, "BOOL_OR") == 0 ||
		  (strcmp(e->fn->kw.name, "COUNT") == 0 &&
		   ((OrmExpr *) linitial(e->args))->kind == ORM_EXPR_CALL)))
		*sensitive = true;
}

/*
 * The root's "group" and "having", once the query is parsed: whether the
 * root is a grouped report (a "group" without its primary key, or an
 * aggregate over its own rows), and what such a report may hold.  A group
 * with the primary key changes nothing: each row is its group, and its
 * aggregates over includes are computed per row, as without it.
 */
void
OrmResolveGrouping(OrmQueryNode *root)
{
	bool		aggregates = false;
	bool		sensitive = false;
	ListCell   *lc;

	if (root->group_json)
		ParseGroup(root);
	foreach(lc, root->members)
	{
		OrmQueryMember *m = lfirst(lc);

		aggregates |= m->aggregate;
		root->report |= m->own_rows;
	}
	if (root->having && !aggregates)
		ereport(ERROR,
				errcode(ERRCODE_GROUPING_ERROR),
				errmsg("\"having\" of a query of model \"%s\" needs an aggregate", root->model->name),
				errhint("Give an aggregate an alias in \"attributes\" and name it in \"having\", or put the condition in \"where\"."));
	if (root->group_json && !GroupsPrimaryKey(root))
		root->report = true;
	if (!root->report)
		return;
	foreach(lc, root->children)
		if (((OrmQueryNode *) lfirst(lc))->emit)
			ereport(ERROR,
					errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					errmsg("include \"%s\" of a grouped query of model \"%s\" must have \"attributes\": []",
						   ((OrmQueryNode *) lfirst(lc))->key, root->model->name),
					errdetail("The rows of a grouped query are groups, not rows with includes."),
					errhint("Include it with \"attributes\": [] to aggregate or filter by it."));
	CheckReportColumns(root);
	foreach(lc, root->members)
		ReportChain(root, ((OrmQueryMember *) lfirst(lc))->expr, &sensitive);
	foreach(lc, root->order)
		if (((OrmOrderItem *) lfirst(lc))->member)
			ReportChain(root, ((OrmOrderItem *) lfirst(lc))->member->expr, &sensitive);
	if (sensitive && root->report_chain)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("a grouped query of model \"%s\" mixes aggregates of its own rows with aggregates of include \"%s\"",
					   root->model->name, ((OrmQueryNode *) linitial(root->report_chain))->key),
				errdetail("Its rows are joined with the include, so each row counts once per included row."),
				errhint("Use MIN, MAX or COUNT(DISTINCT ...) of its own columns, or aggregate the include in a query of its own."));
}
