/*
 * where.c
 *		Sequelize where objects -> SQL conditions, values as parameters.
 *
 * A bare value means $eq, an array $in, null IS NULL; objects of
 * $-operators combine with AND; $and, $or and $not nest.  Comparison
 * operators are the column type's (sql_util.c).  Values are converted to
 * the column's type here, with an error that names the attribute, and
 * bound as parameters (in DDL, written as literals).
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_sql.h"
#include "orm_query.h"

typedef struct WhereContext
{
	StringInfo	buf;
	OrmModel   *model;
	const char *alias;			/* the table alias */
	OrmParams  *params;
	int			depth;
	OrmQueryNode *node;			/* the query level, for "$include.column$" */
	const char *colexpr;		/* the column's SQL when it is not alias.field */
	bool		joined;			/* to-many includes are joined in a row
								 * source: "$many.column$" is allowed */
} WhereContext;

#define MAX_WHERE_DEPTH 64

static void AppendObject(WhereContext *cx, JsonbValue *obj, const char *glue);
static void AppendColumn(WhereContext *cx, OrmAttribute *a, JsonbValue *v);

static void
ValueWrongType(WhereContext *cx, OrmAttribute *a, const char *op,
			   JsonbValue *v, const char *expected)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("%s on attribute \"%s.%s\" needs %s, not %s",
				   op, cx->model->name, a->name, expected, OrmJsonTypeName(v)));
}

/* The qualified column of an attribute. */
static void
AppendColumnRef(WhereContext *cx, OrmAttribute *a)
{
	if (cx->colexpr)
	{
		appendStringInfoString(cx->buf, cx->colexpr);
		return;
	}
	if (cx->alias)
		appendStringInfo(cx->buf, "%s.", cx->alias);
	appendStringInfoString(cx->buf, quote_identifier(a->field));
}

/*
 * A value read by the attribute type's input function with the rights of
 * the model's owner: a domain's CHECK is the owner's code, and must not
 * run as whoever queries the model.  While a model is parsed (an index
 * predicate), it has no owner yet: parsing runs as the owner already.
 */
static Datum
OwnersInput(const char *text, Oid typid, OrmAttribute *a, OrmModel *m)
{
	OrmSavedRole saved;
	Datum		value;

	if (!OidIsValid(m->owner) || m->owner == GetUserId())
		return OrmInputValue(text, typid, -1, m->name, a->name);
	OrmBecomeRole(m->owner, &saved);
	value = OrmInputValue(text, typid, -1, m->name, a->name);
	OrmRestoreRole(&saved);
	return value;
}

/* Converts a JSON value to a Datum of typid, for attribute a. */
Datum
OrmValueDatum(JsonbValue *v, OrmAttribute *a, OrmModel *m, Oid typid)
{
	const char *model = m->name;
	Oid			elemtype;

	if (!OidIsValid(typid))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("type %s of attribute \"%s.%s\" does not exist yet",
					   a->type_name, model, a->name),
				errhint("Run orm.sync to create it."));
	if (v->type == jbvNull)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("null cannot be compared with attribute \"%s.%s\"",
					   model, a->name),
				errhint("Write {\"%s\": null}, $is or $not for IS NULL tests.", a->name));
	elemtype = get_element_type(typid);

	if (OrmJsonIsArray(v) && OidIsValid(elemtype) &&
		typid != JSONOID && typid != JSONBOID)
	{
		List	   *elems = OrmJsonElements(v->val.binary.data);
		Datum	   *datums = palloc(sizeof(Datum) * (list_length(elems) + 1));
		bool	   *nulls = palloc(sizeof(bool) * (list_length(elems) + 1));
		int			dims[1] = {list_length(elems)};
		int			lbs[1] = {1};
		int16		typlen;
		bool		typbyval;
		char		typalign;
		ListCell   *lc;

		foreach(lc, elems)
		{
			JsonbValue *e = lfirst(lc);
			int			i = foreach_current_index(lc);

			nulls[i] = e->type == jbvNull;
			datums[i] = nulls[i] ? (Datum) 0 : OrmValueDatum(e, a, m, elemtype);
		}
		get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
		return PointerGetDatum(construct_md_array(datums, nulls, 1, dims, lbs,
												  elemtype, typlen, typbyval,
												  typalign));
	}
	if (v->type == jbvBinary && typid != JSONOID && typid != JSONBOID)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid value for attribute \"%s.%s\" of type %s",
					   model, a->name, format_type_be(typid)),
				errdetail("A JSON %s is not a value of this type.", OrmJsonTypeName(v)));
	return OwnersInput(OrmJsonValueText(v), typid, a, m);
}

/*
 * An ENUM attribute whose type sync has yet to create, in DDL (an index
 * predicate written before the type exists): its values are checked
 * against the labels and written as literals of the type's name.
 */
static bool
PendingEnum(WhereContext *cx, OrmAttribute *a)
{
	return cx->params->literals && !OidIsValid(a->typid) &&
		a->enum_values != NIL && a->type_sql != NULL;
}

/* One label of a pending ENUM, checked, as its text. */
static const char *
EnumLabel(WhereContext *cx, OrmAttribute *a, JsonbValue *v, const char *op)
{
	ListCell   *lc;
	const char *s;

	if (v->type != jbvString)
		ValueWrongType(cx, a, op, v, "a string");
	s = OrmJsonString(v);
	foreach(lc, a->enum_values)
		if (strcmp(lfirst(lc), s) == 0)
			return s;
	ereport(ERROR,
			errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			errmsg("invalid input value for enum %s: \"%s\"", a->type_sql, s),
			errdetail("Attribute \"%s.%s\" takes one of its ENUM values.",
					  cx->model->name, a->name));
	return NULL;
}

/*
 * A value of the attribute's type.  In DDL a JSON number compared with a
 * number is written as a number, as Sequelize and a hand-typed condition
 * write it ("price < 10").
 */
static void
AppendValue(WhereContext *cx, OrmAttribute *a, JsonbValue *v, Oid typid)
{
	Datum		value = OrmValueDatum(v, a, cx->model, typid);

	if (cx->params->literals && v->type == jbvNumeric &&
		TypeCategory(getBaseType(typid)) == TYPCATEGORY_NUMERIC)
	{
		appendStringInfoString(cx->buf, numeric_normalize(v->val.numeric));
		return;
	}
	OrmAppendParam(cx->buf, cx->params, typid, value);
}

/* col <op> $n, with the column type's operator of a btree strategy */
static void
AppendComparison(WhereContext *cx, OrmAttribute *a, int strategy, bool negate,
				 JsonbValue *v, const char *op)
{
	if (v->type == jbvBinary && !OidIsValid(get_element_type(a->typid)) &&
		a->typid != JSONOID && a->typid != JSONBOID)
		ValueWrongType(cx, a, op, v, "a value");
	AppendColumnRef(cx, a);
	appendStringInfo(cx->buf, " %s ", OrmComparisonOperator(cx->model, a, strategy, negate));
	if (PendingEnum(cx, a))
		appendStringInfo(cx->buf, "%s::%s", quote_literal_cstr(EnumLabel(cx, a, v, op)),
						 a->type_sql);
	else
		AppendValue(cx, a, v, a->typid);
}

/* col = ANY($n) / col <> ALL($n) over an array of the column's type */
static void
AppendIn(WhereContext *cx, OrmAttribute *a, JsonbValue *v, bool negate,
		 const char *op)
{
	Oid			arraytype = get_array_type(a->typid);

	if (!OrmJsonIsArray(v))
		ValueWrongType(cx, a, op, v, "an array");
	if (PendingEnum(cx, a))
	{
		StringInfoData array;
		ListCell   *lc;

		/* the array literal PostgreSQL's array_out writes: every label quoted */
		initStringInfo(&array);
		appendStringInfoChar(&array, '{');
		foreach(lc, OrmJsonElements(v->val.binary.data))
		{
			const char *label = EnumLabel(cx, a, lfirst(lc), op);

			appendStringInfoString(&array, foreach_current_index(lc) ? ",\"" : "\"");
			for (; *label; label++)
			{
				if (*label == '"' || *label == '\\')
					appendStringInfoChar(&array, '\\');
				appendStringInfoChar(&array, *label);
			}
			appendStringInfoChar(&array, '"');
		}
		appendStringInfoChar(&array, '}');
		AppendColumnRef(cx, a);
		appendStringInfo(cx->buf, " %s %s(%s::%s[])",
						 OrmComparisonOperator(cx->model, a, BTEqualStrategyNumber, negate),
						 negate ? "ALL" : "ANY", quote_literal_cstr(array.data), a->type_sql);
		return;
	}
	if (!OidIsValid(arraytype))
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("%s is not supported on attribute \"%s.%s\" of type %s",
					   op, cx->model->name, a->name, a->type_name));
	AppendColumnRef(cx, a);
	appendStringInfo(cx->buf, " %s %s(", OrmComparisonOperator(cx->model, a, BTEqualStrategyNumber, negate),
					 negate ? "ALL" : "ANY");
	AppendValue(cx, a, v, arraytype);
	appendStringInfoChar(cx->buf, ')');
}

/* A text parameter for LIKE; prefix/suffix % with the value escaped. */
static void
AppendLike(WhereContext *cx, OrmAttribute *a, JsonbValue *v, const char *opr,
		   bool before, bool after, bool escape, const char *op)
{
	StringInfoData pattern;
	char	   *s;

	if (v->type != jbvString)
		ValueWrongType(cx, a, op, v, "a string");
	s = OrmJsonString(v);
	initStringInfo(&pattern);
	if (before)
		appendStringInfoChar(&pattern, '%');
	for (; *s; s++)
	{
		if (escape && (*s == '%' || *s == '_' || *s == '\\'))
			appendStringInfoChar(&pattern, '\\');
		appendStringInfoChar(&pattern, *s);
	}
	if (after)
		appendStringInfoChar(&pattern, '%');
	AppendColumnRef(cx, a);
	appendStringInfo(cx->buf, "::pg_catalog.text OPERATOR(pg_catalog.%s) ", opr);
	OrmAppendParam(cx->buf, cx->params, TEXTOID, CStringGetTextDatum(pattern.data));
}

/* $between / $notBetween: [low, high] */
static void
AppendBetween(WhereContext *cx, OrmAttribute *a, JsonbValue *v, bool negate,
			  const char *op)
{
	List	   *bounds;

	if (!OrmJsonIsArray(v) ||
		list_length(bounds = OrmJsonElements(v->val.binary.data)) != 2)
		ValueWrongType(cx, a, op, v, "an array of two values");
	appendStringInfoString(cx->buf, negate ? "NOT (" : "(");
	AppendComparison(cx, a, BTGreaterEqualStrategyNumber, false, linitial(bounds), op);
	appendStringInfoString(cx->buf, " AND ");
	AppendComparison(cx, a, BTLessEqualStrategyNumber, false, lsecond(bounds), op);
	appendStringInfoChar(cx->buf, ')');
}

/* $is / $not with null or a boolean */
static void
AppendIs(WhereContext *cx, OrmAttribute *a, JsonbValue *v, bool negate)
{
	AppendColumnRef(cx, a);
	appendStringInfo(cx->buf, " IS %s%s", negate ? "NOT " : "",
					 v->type == jbvNull ? "NULL" :
					 v->val.boolean ? "TRUE" : "FALSE");
}

/* @>, <@, && against a value of the column's own type */
static void
AppendContainment(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
				  const char *opr, const char *op)
{
	if (!OidIsValid(get_element_type(a->typid)) && a->typid != JSONBOID &&
		!type_is_range(a->typid))
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_FUNCTION),
				errmsg("%s is not supported on attribute \"%s.%s\" of type %s",
					   op, cx->model->name, a->name, a->type_name),
				errhint("Use it on arrays, jsonb and ranges."));
	AppendColumnRef(cx, a);
	appendStringInfo(cx->buf, " OPERATOR(pg_catalog.%s) ", opr);
	AppendValue(cx, a, v, a->typid);
}

/* Operators of a column inside $and / $or: [{op: v}, ...] */
static void
AppendColumnLogic(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
				  const char *glue)
{
	List	   *items = OrmJsonIsArray(v) ? OrmJsonElements(v->val.binary.data) :
		list_make1(v);
	ListCell   *lc;

	appendStringInfoChar(cx->buf, '(');
	foreach(lc, items)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfo(cx->buf, " %s ", glue);
		AppendColumn(cx, a, lfirst(lc));
	}
	if (items == NIL)
		appendStringInfoString(cx->buf, strcmp(glue, "AND") == 0 ? "true" : "false");
	appendStringInfoChar(cx->buf, ')');
}

/*
 * The $-operators of a column's condition, as Sequelize 6's Op names them.
 * Each row: the writer and what it writes (a btree strategy, a pg_catalog
 * operator, LIKE's wildcards), and whether a null column fails it
 * (strict: then a row of nulls never satisfies it, see RejectsNull).
 */
typedef struct WhereOperator WhereOperator;
typedef void (*WhereWriter) (WhereContext *cx, OrmAttribute *a, JsonbValue *v,
							 const WhereOperator *op);

struct WhereOperator
{
	OrmKeyword	kw;
	WhereWriter write;
	int			strategy;		/* comparisons: btree strategy number */
	bool		negate;			/* the negator of it, NOT BETWEEN, ALL */
	const char *sql;			/* LIKE and containment: the operator;
								 * $and / $or: the glue */
	bool		before;			/* LIKE: a % before the value */
	bool		after;			/* LIKE: a % after it */
	bool		escape;			/* LIKE: the value's % _ \ escaped */
	bool		strict;			/* false or null on a null column */
};

/* $eq, $ne: null is IS [NOT] NULL */
static void
WriteEquality(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
			  const WhereOperator *op)
{
	if (v->type == jbvNull)
		AppendIs(cx, a, v, op->negate);
	else
		AppendComparison(cx, a, op->strategy, op->negate, v, op->kw.name);
}

static void
WriteComparison(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
				const WhereOperator *op)
{
	AppendComparison(cx, a, op->strategy, op->negate, v, op->kw.name);
}

static void
WriteIn(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
		const WhereOperator *op)
{
	AppendIn(cx, a, v, op->negate, op->kw.name);
}

static void
WriteLike(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
		  const WhereOperator *op)
{
	AppendLike(cx, a, v, op->sql, op->before, op->after, op->escape, op->kw.name);
}

static void
WriteBetween(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
			 const WhereOperator *op)
{
	AppendBetween(cx, a, v, op->negate, op->kw.name);
}

/* $is: null, true or false */
static void
WriteIs(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
		const WhereOperator *op)
{
	if (v->type != jbvNull && v->type != jbvBool)
		ValueWrongType(cx, a, op->kw.name, v, "null, true or false");
	AppendIs(cx, a, v, false);
}

/* $not: IS NOT with null or a boolean, else <> */
static void
WriteNot(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
		 const WhereOperator *op)
{
	if (v->type == jbvNull || v->type == jbvBool)
		AppendIs(cx, a, v, true);
	else
		AppendComparison(cx, a, BTEqualStrategyNumber, true, v, op->kw.name);
}

static void
WriteContainment(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
				 const WhereOperator *op)
{
	AppendContainment(cx, a, v, op->sql, op->kw.name);
}

static void
WriteColumnLogic(WhereContext *cx, OrmAttribute *a, JsonbValue *v,
				 const WhereOperator *op)
{
	AppendColumnLogic(cx, a, v, op->sql);
}

#define OP(name) {name, ORM_KEY_PARSED}

static const WhereOperator where_operators[] = {
	{OP("$eq"), WriteEquality, BTEqualStrategyNumber, false, .strict = true},
	{OP("$ne"), WriteEquality, BTEqualStrategyNumber, true, .strict = true},
	{OP("$gt"), WriteComparison, BTGreaterStrategyNumber, .strict = true},
	{OP("$gte"), WriteComparison, BTGreaterEqualStrategyNumber, .strict = true},
	{OP("$lt"), WriteComparison, BTLessStrategyNumber, .strict = true},
	{OP("$lte"), WriteComparison, BTLessEqualStrategyNumber, .strict = true},
	{OP("$in"), WriteIn, .strict = true},
	{OP("$notIn"), WriteIn, .negate = true},
	{OP("$like"), WriteLike, .sql = "~~", .strict = true},
	{OP("$notLike"), WriteLike, .sql = "!~~", .strict = true},
	{OP("$iLike"), WriteLike, .sql = "~~*", .strict = true},
	{OP("$notILike"), WriteLike, .sql = "!~~*", .strict = true},
	{OP("$between"), WriteBetween, .strict = true},
	{OP("$notBetween"), WriteBetween, .negate = true, .strict = true},
	{OP("$is"), WriteIs},
	{OP("$not"), WriteNot},
	{OP("$startsWith"), WriteLike, .sql = "~~", .after = true, .escape = true, .strict = true},
	{OP("$endsWith"), WriteLike, .sql = "~~", .before = true, .escape = true, .strict = true},
	{OP("$substring"), WriteLike, .sql = "~~", .before = true, .after = true, .escape = true,
	.strict = true},
	{OP("$contains"), WriteContainment, .sql = "@>", .strict = true},
	{OP("$contained"), WriteContainment, .sql = "<@", .strict = true},
	{OP("$overlap"), WriteContainment, .sql = "&&", .strict = true},
	{OP("$and"), WriteColumnLogic, .sql = "AND"},
	{OP("$or"), WriteColumnLogic, .sql = "OR"},
};

#undef OP

/* The operator of that name, or NULL. */
static const WhereOperator *
FindOperator(const char *name)
{
	return (const WhereOperator *)
		OrmFindKeyword(where_operators, lengthof(where_operators),
					   sizeof(WhereOperator), name);
}

static void
UnrecognizedOperator(WhereContext *cx, const char *name)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("unrecognized operator \"%s\" in where of model \"%s\"",
				   name, cx->model->name),
			errhint("Operators are %s.",
					OrmKeywordList(where_operators, lengthof(where_operators),
								   sizeof(WhereOperator))));
}

/* One $-operator applied to a column. */
static void
AppendOperator(WhereContext *cx, OrmAttribute *a, const char *name, JsonbValue *v)
{
	const WhereOperator *op = FindOperator(name);

	if (op == NULL)
		UnrecognizedOperator(cx, name);
	op->write(cx, a, v, op);
}

/* Whether every key of an object is a $-operator. */
static bool
AllOperators(JsonbValue *v)
{
	ListCell   *lc;

	foreach(lc, OrmJsonFields(v->val.binary.data))
		if (((OrmJsonField *) lfirst(lc))->key[0] != '$')
			return false;
	return true;
}

/* A text[] Datum of a path of JSON keys. */
static Datum
PathDatum(List *path)
{
	Datum	   *elems = palloc(sizeof(Datum) * list_length(path));
	ListCell   *lc;

	foreach(lc, path)
		elems[foreach_current_index(lc)] = CStringGetTextDatum(lfirst(lc));
	return PointerGetDatum(construct_array(elems, list_length(path), TEXTOID,
										   -1, false, TYPALIGN_INT));
}

/*
 * A nested object on a JSON column tests paths, as Sequelize does:
 * {"settings": {"theme": "dark"}} is (settings #>> '{theme}') = 'dark'.
 */
static void
AppendJsonPaths(WhereContext *cx, OrmAttribute *a, List *path, JsonbValue *v)
{
	ListCell   *lc;

	appendStringInfoChar(cx->buf, '(');
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		List	   *sub = lappend(list_copy(path), f->key);

		if (foreach_current_index(lc) > 0)
			appendStringInfoString(cx->buf, " AND ");
		if (f->key[0] == '$' || (OrmJsonIsObject(&f->value) && AllOperators(&f->value)) ||
			OrmJsonIsArray(&f->value))
			ereport(ERROR,
					errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					errmsg("operators and arrays inside a JSON path of attribute \"%s.%s\" are not supported",
						   cx->model->name, a->name),
					errhint("Compare a path with a value, as {\"a\": {\"b\": \"x\"}}, or use $contains."));
		if (OrmJsonIsObject(&f->value))
		{
			AppendJsonPaths(cx, a, sub, &f->value);
			continue;
		}
		appendStringInfoChar(cx->buf, '(');
		AppendColumnRef(cx, a);
		appendStringInfoString(cx->buf, " OPERATOR(pg_catalog.#>>) ");
		OrmAppendParam(cx->buf, cx->params, TEXTARRAYOID, PathDatum(sub));
		if (f->value.type == jbvNull)
			appendStringInfoString(cx->buf, ") IS NULL");
		else
		{
			appendStringInfoString(cx->buf, ") OPERATOR(pg_catalog.=) ");
			OrmAppendParam(cx->buf, cx->params, TEXTOID, CStringGetTextDatum(OrmJsonValueText(&f->value)));
		}
	}
	appendStringInfoChar(cx->buf, ')');
}

/*
 * The condition on one column: a value, an array, null, an object of
 * operators, or (for JSON columns) an object of paths.
 */
static void
AppendColumn(WhereContext *cx, OrmAttribute *a, JsonbValue *v)
{
	ListCell   *lc;

	if (v->type == jbvNull)
		AppendIs(cx, a, v, false);
	else if (OrmJsonIsArray(v) && !OidIsValid(get_element_type(a->typid)))
		AppendIn(cx, a, v, false, "$in");
	else if (OrmJsonIsObject(v) && !AllOperators(v) &&
			 (a->typid == JSONBOID || a->typid == JSONOID))
		AppendJsonPaths(cx, a, NIL, v);
	else if (!OrmJsonIsObject(v) || !AllOperators(v))
	{
		if (OrmJsonIsObject(v))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("where on attribute \"%s.%s\" mixes operators and other keys",
						   cx->model->name, a->name),
					errhint("Every key of an object of operators starts with \"$\"."));
		AppendComparison(cx, a, BTEqualStrategyNumber, false, v, "$eq");
	}
	else
	{
		List	   *ops = OrmJsonFields(v->val.binary.data);

		appendStringInfoChar(cx->buf, '(');
		foreach(lc, ops)
		{
			OrmJsonField *f = lfirst(lc);

			if (foreach_current_index(lc) > 0)
				appendStringInfoString(cx->buf, " AND ");
			AppendOperator(cx, a, f->key, &f->value);
		}
		if (ops == NIL)
			appendStringInfoString(cx->buf, "true");
		appendStringInfoChar(cx->buf, ')');
	}
}

/* $and / $or: an array of where objects, or one object */
static void
AppendLogic(WhereContext *cx, JsonbValue *v, const char *glue)
{
	ListCell   *lc;
	List	   *items;

	if (OrmJsonIsObject(v))
	{
		AppendObject(cx, v, glue);
		return;
	}
	if (!OrmJsonIsArray(v))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("$%s in where of model \"%s\" needs an array or an object, not %s",
					   strcmp(glue, "AND") == 0 ? "and" : "or", cx->model->name,
					   OrmJsonTypeName(v)));
	items = OrmJsonElements(v->val.binary.data);
	appendStringInfoChar(cx->buf, '(');
	foreach(lc, items)
	{
		JsonbValue *item = lfirst(lc);

		if (!OrmJsonIsObject(item))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("$%s in where of model \"%s\" needs objects, not %s",
						   strcmp(glue, "AND") == 0 ? "and" : "or", cx->model->name,
						   OrmJsonTypeName(item)));
		if (foreach_current_index(lc) > 0)
			appendStringInfo(cx->buf, " %s ", glue);
		AppendObject(cx, item, "AND");
	}
	if (items == NIL)
		appendStringInfoString(cx->buf, strcmp(glue, "AND") == 0 ? "true" : "false");
	appendStringInfoChar(cx->buf, ')');
}

/* Whether a where key is "$path.to.column$". */
static bool
IsPathKey(const char *key)
{
	size_t		len = strlen(key);

	return len > 2 && key[0] == '$' && key[len - 1] == '$' &&
		strchr(key, '.') != NULL;
}

/* Whether an include holds many rows per parent row. */
static bool
IsToMany(OrmQueryNode *node)
{
	return node->assoc->kind == ORM_HAS_MANY ||
		node->assoc->kind == ORM_BELONGS_TO_MANY;
}

/*
 * The includes (hops, from the query level "from" down) and the attribute
 * that "$path.to.column$" names.
 */
static OrmAttribute *
ResolvePath(OrmQueryNode *from, const char *key, List **hops)
{
	char	   *path = pnstrdup(key + 1, strlen(key) - 2);
	char	   *column = strrchr(path, '.');
	OrmQueryNode *at = from;
	OrmAttribute *a;

	*column++ = '\0';
	*hops = NIL;
	for (char *alias = path, *next; alias; alias = next)
	{
		OrmQueryNode *child = NULL;
		ListCell   *lc;

		next = strchr(alias, '.');
		if (next)
			*next++ = '\0';
		if (*alias == '\0' || *column == '\0')
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("where key \"%s\" of model \"%s\" has an empty name",
						   key, from->model->name),
					errhint("Write \"$alias.column$\", or \"$alias.alias.column$\" through nested includes."));

		foreach(lc, at->children)
			if (strcmp(((OrmQueryNode *) lfirst(lc))->key, alias) == 0)
				child = lfirst(lc);
		if (child == NULL)
			ereport(ERROR,
					errcode(ERRCODE_UNDEFINED_OBJECT),
					errmsg("where names \"%s\", which is not included in the query of model \"%s\"",
						   alias, at->model->name),
					errhint("Include the association to filter by its columns."));
		*hops = lappend(*hops, child);
		at = child;
	}
	a = OrmFindAttribute(at->model, column);
	if (a == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("model \"%s\" has no attribute \"%s\"", at->model->name, column));
	return a;
}

static bool
HopsHaveMany(List *hops)
{
	ListCell   *lc;

	foreach(lc, hops)
		if (IsToMany(lfirst(lc)))
			return true;
	return false;
}

/*
 * "$author.name$": a column of an included model, compared as its own
 * column would be.  Through to-one includes it is a scalar sub-select;
 * through a to-many include it is the column of that include's row in the
 * row source the condition is evaluated over (see OrmAppendManyFilter).
 */
static void
AppendIncludedColumn(WhereContext *cx, const char *key, JsonbValue *v)
{
	List	   *hops;
	OrmModel   *saved_model = cx->model;
	OrmAttribute *a;

	if (cx->node == NULL)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("\"%s\" is only valid in the where of a find", key));
	a = ResolvePath(cx->node, key, &hops);
	if (!HopsHaveMany(hops))
		cx->colexpr = OrmPathValueSql(hops, a, cx->alias);
	else if (cx->joined)
		cx->colexpr = psprintf("%s.%s", OrmTableAlias(llast(hops)),
							   quote_identifier(a->field));
	else						/* OrmAnalyzeNodeWhere put it in where_many */
		elog(ERROR, "where key \"%s\" through a to-many include outside its row source", key);
	cx->model = ((OrmQueryNode *) llast(hops))->model;
	AppendColumn(cx, a, v);
	cx->model = saved_model;
	cx->colexpr = NULL;
}

/* One key of a where object. */
static void
AppendEntry(WhereContext *cx, OrmJsonField *f)
{
	if (strcmp(f->key, "$and") == 0)
		AppendLogic(cx, &f->value, "AND");
	else if (strcmp(f->key, "$or") == 0)
		AppendLogic(cx, &f->value, "OR");
	else if (strcmp(f->key, "$not") == 0)
	{
		if (!OrmJsonIsObject(&f->value))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("$not in where of model \"%s\" needs an object, not %s",
						   cx->model->name, OrmJsonTypeName(&f->value)));
		appendStringInfoString(cx->buf, "NOT ");
		AppendObject(cx, &f->value, "AND");
	}
	else if (IsPathKey(f->key))
		AppendIncludedColumn(cx, f->key, &f->value);
	else if (f->key[0] == '$')
		UnrecognizedOperator(cx, f->key);
	else
	{
		OrmAttribute *a = OrmFindAttribute(cx->model, f->key);

		if (a == NULL)
			ereport(ERROR,
					errcode(ERRCODE_UNDEFINED_COLUMN),
					errmsg("model \"%s\" has no attribute \"%s\"",
						   cx->model->name, f->key));
		AppendColumn(cx, a, &f->value);
	}
}

/* Where entries, joined by glue; "true" for AND, "false" for OR of none. */
static void
AppendFields(WhereContext *cx, List *fields, const char *glue)
{
	ListCell   *lc;

	if (++cx->depth > MAX_WHERE_DEPTH)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("where of model \"%s\" is nested too deeply",
					   cx->model->name),
				errdetail("At most %d levels are allowed.", MAX_WHERE_DEPTH));
	check_stack_depth();
	appendStringInfoChar(cx->buf, '(');
	foreach(lc, fields)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfo(cx->buf, " %s ", glue);
		AppendEntry(cx, lfirst(lc));
	}
	if (fields == NIL)
		appendStringInfoString(cx->buf, strcmp(glue, "AND") == 0 ? "true" : "false");
	appendStringInfoChar(cx->buf, ')');
	cx->depth--;
}

/* The entries of a where object, joined by glue. */
static void
AppendObject(WhereContext *cx, JsonbValue *obj, const char *glue)
{
	AppendFields(cx, OrmJsonFields(obj->val.binary.data), glue);
}

/* Appends the condition of a where object on model's table alias. */
void
OrmAppendWhere(StringInfo buf, OrmModel *model, const char *alias,
			   JsonbValue *where, OrmParams *params)
{
	WhereContext cx = {buf, model, alias, params, 0, NULL, NULL, false};

	AppendObject(&cx, where, "AND");
}

/*
 * Adds to *joins the includes that the "$path$" keys of a where entry go
 * through, when a path has a to-many hop (every hop of such a path, since
 * the row source joins them all).  Returns whether it found one.
 */
static bool
CollectManyHops(OrmQueryNode *node, OrmJsonField *f, List **joins, int depth)
{
	bool		found = false;
	List	   *items = NIL;
	ListCell   *lc;

	check_stack_depth();
	if (depth > MAX_WHERE_DEPTH)
		return false;			/* AppendFields reports it */
	if (IsPathKey(f->key))
	{
		List	   *hops;

		ResolvePath(node, f->key, &hops);
		if (!HopsHaveMany(hops))
			return false;
		foreach(lc, hops)
			*joins = list_append_unique_ptr(*joins, lfirst(lc));
		return true;
	}
	if (strcmp(f->key, "$and") != 0 && strcmp(f->key, "$or") != 0 &&
		strcmp(f->key, "$not") != 0)
		return false;
	if (OrmJsonIsObject(&f->value))
		items = list_make1(&f->value);
	else if (OrmJsonIsArray(&f->value))
		items = OrmJsonElements(f->value.val.binary.data);
	foreach(lc, items)
	{
		JsonbValue *item = lfirst(lc);
		ListCell   *lc2;

		if (!OrmJsonIsObject(item))
			continue;			/* AppendLogic reports it */
		foreach(lc2, OrmJsonFields(item->val.binary.data))
			found |= CollectManyHops(node, lfirst(lc2), joins, depth + 1);
	}
	return found;
}

static int
CompareNodeIndex(const ListCell *a, const ListCell *b)
{
	return ((OrmQueryNode *) lfirst(a))->index - ((OrmQueryNode *) lfirst(b))->index;
}

/*
 * Splits a query level's where: the top-level entries that name columns
 * through to-many includes (node->where_many) are evaluated together over
 * a row source that joins those includes (node->where_joins, parents
 * first), as Sequelize evaluates them over its joined rows; the others
 * stay plain conditions on the level's row.
 */
void
OrmAnalyzeNodeWhere(OrmQueryNode *node)
{
	ListCell   *lc;

	node->where_plain = NIL;
	node->where_many = NIL;
	node->where_joins = NIL;
	if (node->where == NULL)
		return;
	foreach(lc, OrmJsonFields(node->where->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (CollectManyHops(node, f, &node->where_joins, 1))
			node->where_many = lappend(node->where_many, f);
		else
			node->where_plain = lappend(node->where_plain, f);
	}
	list_sort(node->where_joins, CompareNodeIndex);
}

/*
 * Appends the condition of a query level's where, which may name includes.
 * Its to-many entries become OrmAppendManyFilter's EXISTS.
 */
void
OrmAppendNodeWhere(StringInfo buf, OrmQueryNode *node, const char *alias,
				   OrmParams *params)
{
	WhereContext cx = {buf, node->model, alias, params, 0, node, NULL, false};

	if (node->where_many == NIL)
	{
		AppendObject(&cx, node->where, "AND");
		return;
	}
	appendStringInfoChar(buf, '(');
	if (node->where_plain != NIL)
	{
		AppendFields(&cx, node->where_plain, "AND");
		appendStringInfoString(buf, " AND ");
	}
	OrmAppendManyFilter(buf, node, NIL, params);
	appendStringInfoChar(buf, ')');
}

/*
 * Whether a column's condition is false or null when the column is null
 * (so a row of nulls never satisfies it): a value, an array, or operators
 * of which one is strict with a value that is not null.
 */
static bool
RejectsNull(JsonbValue *v)
{
	ListCell   *lc;

	if (v->type == jbvNull)
		return false;
	if (!OrmJsonIsObject(v))
		return true;
	if (!AllOperators(v))
		return false;
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		const WhereOperator *op = FindOperator(f->key);

		if (f->value.type != jbvNull && op && op->strict)
			return true;
	}
	return false;
}

/*
 * Whether the to-many entries of a level's where reject a row source row
 * in which the include hop has no row: one of them, ANDed with the rest,
 * names a column through hop with a condition that rejects null.  Then the
 * row source may join hop as an inner join, which PostgreSQL turns into a
 * semi-join.
 */
bool
OrmWhereRejectsNull(OrmQueryNode *level, OrmQueryNode *hop)
{
	ListCell   *lc;

	foreach(lc, level->where_many)
	{
		OrmJsonField *f = lfirst(lc);
		List	   *hops;

		if (!IsPathKey(f->key) || !RejectsNull(&f->value))
			continue;
		ResolvePath(level, f->key, &hops);
		if (list_member_ptr(hops, hop))
			return true;
	}
	return false;
}

/*
 * The to-many entries of a level's where, in a row source where the
 * includes they name are joined under their own table aliases.
 */
void
OrmAppendManyWhere(StringInfo buf, OrmQueryNode *node, OrmParams *params)
{
	WhereContext cx = {buf, node->model, OrmTableAlias(node), params, 0, node,
	NULL, true};

	AppendFields(&cx, node->where_many, "AND");
}
