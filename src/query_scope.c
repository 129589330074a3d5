/*
 * query_scope.c
 *		A model's defaultScope and scopes merged into a query, exactly as
 *		Sequelize 6 merges them.
 *
 * Sequelize's model.js: Model.scope(names...) folds the named scopes into
 * one with _assignOptions (each later scope merged over the earlier), the
 * default scope only when "defaultScope" is named, nothing for unscoped();
 * a find, count or write then merges its options over that scope with
 * _defaultsOptions (_injectScope), and an include's options over its
 * model's scope (_validateIncludedElement).  Both merges are
 * _mergeFunction(earlier, later, key):
 *   - two arrays: _.union (earlier first; equal scalars kept once, objects
 *     and arrays never equal), and two include lists are then grouped by
 *     association, each group merged the same way (_uniqIncludes);
 *   - where and having: with whereMergeStrategy "and", ANDed
 *     (combineWheresWithAnd, which unpacks a lone $and); otherwise two
 *     objects are Object.assign'ed: the later's keys win;
 *   - attributes, two objects: their include/exclude arrays unioned;
 *   - anything else: the later value, when it is given.
 * The merged query carries "scope": false, so that merging it again (a
 * write that reads its rows back through find_*) changes nothing.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_query.h"

typedef struct ScopeMerge
{
	OrmSchema  *schema;
	OrmModel   *model;			/* whose scopes: its whereMergeStrategy */
} ScopeMerge;

static JsonbValue *MergeObjects(ScopeMerge *sm, OrmModel *m, JsonbValue *earlier,
								JsonbValue *later);

/* A container value built from fields (OrmJsonField *) or elements. */
static JsonbValue *
BuildObject(List *fields)
{
	JsonbParseState *st = NULL;
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, fields)
	{
		OrmJsonField *f = lfirst(lc);
		JsonbValue	k = {.type = jbvString};

		k.val.string.val = f->key;
		k.val.string.len = strlen(f->key);
		pushJsonbValue(&st, WJB_KEY, &k);
		pushJsonbValue(&st, WJB_VALUE, &f->value);
	}
	return OrmJsonRoot(JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL)));
}

static JsonbValue *
BuildArray(List *elems)
{
	JsonbParseState *st = NULL;
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, elems)
		pushJsonbValue(&st, WJB_ELEM, lfirst(lc));
	return OrmJsonRoot(JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_ARRAY, NULL)));
}

static OrmJsonField *
Field(const char *key, JsonbValue *value)
{
	OrmJsonField *f = palloc(sizeof(OrmJsonField));

	f->key = pstrdup(key);
	f->value = *value;
	return f;
}

/* The field of that key in a list of fields, or NULL. */
static OrmJsonField *
FindField(List *fields, const char *key)
{
	ListCell   *lc;

	foreach(lc, fields)
		if (strcmp(((OrmJsonField *) lfirst(lc))->key, key) == 0)
			return lfirst(lc);
	return NULL;
}

/* Two scalars that _.union keeps once (SameValueZero). */
static bool
SameScalar(JsonbValue *a, JsonbValue *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case jbvNull:
			return true;
		case jbvBool:
			return a->val.boolean == b->val.boolean;
		case jbvString:
			return a->val.string.len == b->val.string.len &&
				memcmp(a->val.string.val, b->val.string.val, a->val.string.len) == 0;
		case jbvNumeric:
			return DatumGetBool(DirectFunctionCall2(numeric_eq,
													NumericGetDatum(a->val.numeric),
													NumericGetDatum(b->val.numeric)));
		default:
			return false;		/* objects and arrays: never the same */
	}
}

/* _.union(earlier, later) */
static JsonbValue *
Union(JsonbValue *earlier, JsonbValue *later)
{
	List	   *out = NIL;
	List	   *all = list_concat(OrmJsonElements(earlier->val.binary.data),
								  OrmJsonElements(later->val.binary.data));
	ListCell   *lc;

	foreach(lc, all)
	{
		JsonbValue *e = lfirst(lc);
		bool		seen = false;
		ListCell   *lc2;

		foreach(lc2, out)
			seen |= SameScalar(lfirst(lc2), e);
		if (!seen)
			out = lappend(out, e);
	}
	return BuildArray(out);
}

/*
 * Sequelize's unpackAnd: an empty where is nothing (NULL), a lone $and
 * its operand, anything else itself.
 */
static JsonbValue *
UnpackAnd(JsonbValue *where)
{
	List	   *fields;

	if (!OrmJsonIsObject(where))
		return where;
	fields = OrmJsonFields(where->val.binary.data);
	if (fields == NIL)
		return NULL;
	if (list_length(fields) == 1 &&
		strcmp(((OrmJsonField *) linitial(fields))->key, "$and") == 0)
		return &((OrmJsonField *) linitial(fields))->value;
	return where;
}

/* combineWheresWithAnd(earlier, later): {"$and": [...both...]} */
static JsonbValue *
CombineWithAnd(JsonbValue *earlier, JsonbValue *later)
{
	JsonbValue *a = UnpackAnd(earlier);
	JsonbValue *b;
	List	   *parts = NIL;

	if (a == NULL)
		return later;
	if ((b = UnpackAnd(later)) == NULL)
		return earlier;
	parts = OrmJsonIsArray(a) ? OrmJsonElements(a->val.binary.data) : list_make1(a);
	parts = list_concat(parts, OrmJsonIsArray(b) ?
						OrmJsonElements(b->val.binary.data) : list_make1(b));
	return BuildObject(list_make1(Field("$and", BuildArray(parts))));
}

/* Object.assign(earlier, later): the later's keys win */
static JsonbValue *
Assign(JsonbValue *earlier, JsonbValue *later)
{
	List	   *fields = OrmJsonFields(earlier->val.binary.data);
	ListCell   *lc;

	foreach(lc, OrmJsonFields(later->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		OrmJsonField *old = FindField(fields, f->key);

		if (old)
			old->value = f->value;
		else
			fields = lappend(fields, f);
	}
	return BuildObject(fields);
}

/* attributes {"include": [...], "exclude": [...]}: arrays unioned */
static JsonbValue *
AssignAttributes(JsonbValue *earlier, JsonbValue *later)
{
	List	   *fields = OrmJsonFields(earlier->val.binary.data);
	ListCell   *lc;

	foreach(lc, OrmJsonFields(later->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		OrmJsonField *old = FindField(fields, f->key);

		if (old == NULL)
			fields = lappend(fields, f);
		else if (OrmJsonIsArray(&old->value) && OrmJsonIsArray(&f->value))
			old->value = *Union(&old->value, &f->value);
		else
			old->value = f->value;
	}
	return BuildObject(fields);
}

/*
 * The alias an include item names (a string, {"association": alias},
 * {"as": alias} or {"model": name}, the first association to that model),
 * or an error.  Items of {"all": ...} are not given here.
 */
const char *
OrmIncludeAlias(OrmSchema *schema, OrmModel *parent, JsonbValue *item)
{
	JsonbContainer *c;
	JsonbValue *assoc;
	JsonbValue *as;
	JsonbValue *model;
	ListCell   *lc;

	if (item->type == jbvString)
		return OrmJsonString(item);
	c = item->val.binary.data;
	assoc = getKeyJsonValueFromContainer(c, "association", 11, NULL);
	as = getKeyJsonValueFromContainer(c, "as", 2, NULL);
	model = getKeyJsonValueFromContainer(c, "model", 5, NULL);
	if (assoc && assoc->type == jbvString)
		return OrmJsonString(assoc);
	if (as && as->type == jbvString)
		return OrmJsonString(as);
	if (model && model->type == jbvString)
	{
		char	   *name = OrmJsonString(model);

		foreach(lc, schema->associations)
		{
			OrmAssociation *a = lfirst(lc);

			if (a->source == parent && strcmp(a->target->name, name) == 0)
				return a->alias;
		}
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("model \"%s\" is not associated with model \"%s\"",
					   name, parent->name));
	}
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("an include of model \"%s\" must name an association",
				   parent->name),
			errhint("Write an alias, {\"association\": alias} or {\"model\": name, \"as\": alias}."));
	return NULL;
}

/* What _uniqIncludes groups an include by: its association, or "all". */
static const char *
IncludeKey(ScopeMerge *sm, OrmModel *m, JsonbValue *item)
{
	if (item->type == jbvString)
		return OrmJsonString(item);
	if (!OrmJsonIsObject(item))
		return NULL;			/* the parser says what is wrong with it */
	if (getKeyJsonValueFromContainer(item->val.binary.data, "all", 3, NULL))
		return "";				/* Sequelize groups every "all" together */
	return OrmIncludeAlias(sm->schema, m, item);
}

/* An include item as an object: a string is {"association": alias}. */
static JsonbValue *
IncludeObject(JsonbValue *item)
{
	if (item->type != jbvString)
		return item;
	return BuildObject(list_make1(Field("association", item)));
}

/* The model an include of m names, for merging its own includes; or NULL. */
static OrmModel *
IncludeModel(ScopeMerge *sm, OrmModel *m, const char *key)
{
	OrmAssociation *a = key && *key ? OrmFindAssociation(sm->schema, m->name, key) : NULL;

	return a ? a->target : NULL;
}

/*
 * Two include lists of model m: the earlier's items, then the later's,
 * each later item merged into the earlier item of the same association
 * (_uniqIncludes; an association twice in one list stays twice, and the
 * parser refuses it).
 */
static JsonbValue *
MergeIncludes(ScopeMerge *sm, OrmModel *m, JsonbValue *earlier, JsonbValue *later)
{
	List	   *items = OrmJsonElements(earlier->val.binary.data);
	int			nearlier = list_length(items);
	List	   *keys = NIL;
	ListCell   *lc;

	foreach(lc, items)
		keys = lappend(keys, (void *) IncludeKey(sm, m, lfirst(lc)));
	foreach(lc, OrmJsonElements(later->val.binary.data))
	{
		JsonbValue *item = lfirst(lc);
		const char *key = IncludeKey(sm, m, item);
		int			i;

		for (i = 0; key && i < nearlier; i++)
			if (list_nth(keys, i) && strcmp(list_nth(keys, i), key) == 0)
				break;
		if (key && i < nearlier)
		{
			OrmModel   *target = IncludeModel(sm, m, key);

			list_nth_cell(items, i)->ptr_value =
				MergeObjects(sm, target, IncludeObject(list_nth(items, i)),
							 IncludeObject(item));
			continue;
		}
		items = lappend(items, item);
		keys = lappend(keys, (void *) key);
	}
	return BuildArray(items);
}

/*
 * Sequelize's _mergeFunction(earlier, later, key), for a key of the
 * query options of model m (m: NULL when unknown); either may be NULL
 * (not given).
 */
static JsonbValue *
MergeValue(ScopeMerge *sm, OrmModel *m, const char *key, JsonbValue *earlier,
		   JsonbValue *later)
{
	if (earlier == NULL)
		return later;
	if (later == NULL)
		return earlier;
	if (OrmJsonIsArray(earlier) && OrmJsonIsArray(later))
		return strcmp(key, "include") == 0 && m ?
			MergeIncludes(sm, m, earlier, later) : Union(earlier, later);
	if (strcmp(key, "where") == 0 || strcmp(key, "having") == 0)
	{
		if (sm->model->where_merge_and)
			return CombineWithAnd(earlier, later);
		if (OrmJsonIsObject(earlier) && OrmJsonIsObject(later))
			return Assign(earlier, later);
	}
	else if (strcmp(key, "attributes") == 0 &&
			 OrmJsonIsObject(earlier) && OrmJsonIsObject(later))
		return AssignAttributes(earlier, later);
	return later;
}

/* Two objects of query options merged key by key (_.assignWith). */
static JsonbValue *
MergeObjects(ScopeMerge *sm, OrmModel *m, JsonbValue *earlier, JsonbValue *later)
{
	List	   *fields = NIL;
	List	   *efields = OrmJsonIsObject(earlier) ?
		OrmJsonFields(earlier->val.binary.data) : NIL;
	List	   *lfields = OrmJsonIsObject(later) ?
		OrmJsonFields(later->val.binary.data) : NIL;
	ListCell   *lc;

	foreach(lc, efields)
	{
		OrmJsonField *f = lfirst(lc);
		OrmJsonField *l = FindField(lfields, f->key);

		fields = lappend(fields, Field(f->key, MergeValue(sm, m, f->key, &f->value,
														  l ? &l->value : NULL)));
	}
	foreach(lc, lfields)
		if (FindField(efields, ((OrmJsonField *) lfirst(lc))->key) == NULL)
			fields = lappend(fields, lfirst(lc));
	return BuildObject(fields);
}

/* "a", "b": the names of a model's scopes, for a hint. */
static char *
ScopeNames(OrmModel *m)
{
	StringInfoData names;
	ListCell   *lc;

	initStringInfo(&names);
	if (m->default_scope)
		appendStringInfoString(&names, "\"defaultScope\"");
	foreach(lc, m->scopes ? OrmJsonFields(m->scopes->val.binary.data) : NIL)
		appendStringInfo(&names, "%s\"%s\"", names.len ? ", " : "",
						 ((OrmJsonField *) lfirst(lc))->key);
	return names.data;
}

/* The named scope of a model, or an error listing them. */
static JsonbValue *
NamedScope(OrmModel *m, const char *name)
{
	JsonbValue *v = NULL;
	char	   *names;

	if (strcmp(name, "defaultScope") == 0)
		return m->default_scope;
	if (m->scopes)
		v = getKeyJsonValueFromContainer(m->scopes->val.binary.data, name,
										 strlen(name), NULL);
	if (v)
		return v;
	names = ScopeNames(m);
	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_OBJECT),
			errmsg("scope \"%s\" of model \"%s\" does not exist", name, m->name),
			*names ? errhint("Its scopes are %s.", names) :
			errhint("It has no scopes."));
	return NULL;
}

/* Sequelize's {"method": [name, args...]}: a scope function, refused. */
static void
RefuseScopeMethod(OrmModel *m, JsonbValue *method)
{
	List	   *parts = OrmJsonIsArray(method) ?
		OrmJsonElements(method->val.binary.data) : list_make1(method);
	JsonbValue *name = parts ? linitial(parts) : NULL;

	ereport(ERROR,
			errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			name && name->type == jbvString ?
			errmsg("scope \"%s\" of model \"%s\" cannot take arguments",
				   OrmJsonString(name), m->name) :
			errmsg("a scope of model \"%s\" cannot take arguments", m->name),
			errdetail("{\"method\": [name, ...]} calls a scope function with arguments, which is JavaScript; a scope here is a query object."),
			errhint("Name the scope without arguments, or write the condition in the query's \"where\"."));
}

/*
 * The scope a query or include applies (Model.scope(...) folded into one
 * object, or the default scope when it names none); NULL for none.  The
 * names of the scopes applied are added to *applied.
 */
static JsonbValue *
ResolveScope(ScopeMerge *sm, OrmModel *m, JsonbValue *names, List **applied)
{
	JsonbValue *scope = NULL;
	List	   *items;
	ListCell   *lc;

	if (names == NULL)
	{
		if (m->default_scope && !OrmJsonIsEmpty(m->default_scope))
			*applied = lappend(*applied, "defaultScope");
		return m->default_scope;
	}
	if (names->type == jbvNull || (names->type == jbvBool && !names->val.boolean))
		return NULL;			/* unscoped() */
	if (names->type == jbvString || OrmJsonIsObject(names))
		items = list_make1(names);
	else if (OrmJsonIsArray(names))
		items = OrmJsonElements(names->val.binary.data);
	else
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"scope\" in a query of model \"%s\" must be a scope name, a list of them, or false, not %s",
					   m->name, OrmJsonTypeName(names)));
	foreach(lc, items)
	{
		JsonbValue *item = lfirst(lc);
		JsonbValue *s;
		JsonbValue *method;

		if (item->type == jbvString)
		{
			s = NamedScope(m, OrmJsonString(item));
			*applied = lappend(*applied, OrmJsonString(item));
		}
		else if (OrmJsonIsObject(item))
		{
			method = getKeyJsonValueFromContainer(item->val.binary.data, "method", 6, NULL);
			if (method)
				RefuseScopeMethod(m, method);
			s = item;			/* Model.scope({where: ...}) */
			*applied = lappend(*applied, "(a scope object)");
		}
		else
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("\"scope\" in a query of model \"%s\" must name scopes, not %s",
						   m->name, OrmJsonTypeName(item)));
		if (s)
			scope = scope ? MergeObjects(sm, m, scope, s) : s;
	}
	return scope;
}

/*
 * A query (or include) object of model m with its scopes merged in: the
 * scopes its "scope" names, or m's default scope; returned with "scope":
 * false, or as given when there is nothing to merge.  query may be NULL
 * ({}).  The names of the scopes merged are appended to *applied (applied
 * may be NULL).
 */
JsonbValue *
OrmMergeScopes(OrmSchema *schema, OrmModel *m, JsonbValue *query, List **applied)
{
	ScopeMerge	sm = {schema, m};
	JsonbValue *names = NULL;
	JsonbValue *scope;
	JsonbValue	no = {.type = jbvBool};
	List	   *fields = NIL;
	List	   *unused = NIL;
	ListCell   *lc;

	if (applied == NULL)
		applied = &unused;

	if (query && OrmJsonIsObject(query))
		names = getKeyJsonValueFromContainer(query->val.binary.data, "scope", 5, NULL);
	if (names == NULL && (m->default_scope == NULL || OrmJsonIsEmpty(m->default_scope)))
		return query;
	if (names && (names->type == jbvNull ||
				  (names->type == jbvBool && !names->val.boolean)))
		return query;			/* unscoped, or merged already */
	scope = ResolveScope(&sm, m, names, applied);
	foreach(lc, query && OrmJsonIsObject(query) ? OrmJsonFields(query->val.binary.data) : NIL)
		if (strcmp(((OrmJsonField *) lfirst(lc))->key, "scope") != 0)
			fields = lappend(fields, lfirst(lc));
	no.val.boolean = false;
	fields = lappend(fields, Field("scope", &no));
	return MergeObjects(&sm, m, scope ? scope : BuildObject(NIL), BuildObject(fields));
}

/*
 * The query a find, count or write of model runs: the query with the
 * model's scopes merged in (see OrmMergeScopes; the names of the scopes
 * merged are appended to *applied).  query may be NULL; a query that is
 * not an object is returned as it is, for the caller to refuse.
 */
Jsonb *
OrmScopedQuery(OrmSchema *schema, OrmModel *model, Jsonb *query, List **applied)
{
	JsonbValue *root = query ? OrmJsonRoot(query) : NULL;
	JsonbValue *merged;

	if (query && !JB_ROOT_IS_OBJECT(query))
		return query;
	merged = OrmMergeScopes(schema, model, root, applied);
	if (merged == root)
		return query;
	return JsonbValueToJsonb(merged);
}
