/*
 * define.c
 *		The SQL functions that change the catalog: orm.define,
 *		orm.associate, orm.define_models, orm.undefine, and orm.describe.
 *
 * Each validates what it is given, writes it, then loads and resolves the
 * whole catalog again, so that a definition that breaks another (a key an
 * association needs, a clashing alias) fails and rolls back with it.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"
#include "orm_catalog.h"
#include "orm_query.h"
#include "orm_ddl.h"

PG_FUNCTION_INFO_V1(orm_define);
PG_FUNCTION_INFO_V1(orm_associate);
PG_FUNCTION_INFO_V1(orm_define_models);
PG_FUNCTION_INFO_V1(orm_undefine);
PG_FUNCTION_INFO_V1(orm_describe);

/* Fails on a NULL argument. */
static void
RequireArgs(FunctionCallInfo fcinfo, int nargs, const char *fn)
{
	for (int i = 0; i < nargs; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					errmsg("arguments of %s must not be null", fn));
}

/* The model of that name in a loaded schema, or an error. */
static OrmModel *
ExistingModel(OrmSchema *schema, const char *name)
{
	OrmModel   *m = OrmFindModel(schema, name);
	OrmBroken  *b = OrmFindBroken(schema, name, NULL);

	if (b)
		OrmRaiseBroken(b);
	if (m == NULL || m->is_junction)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_OBJECT),
				errmsg("model \"%s\" does not exist", name),
				errhint("Define it first with orm.define."));
	return m;
}

/*
 * Parses and stores one model: attributes as json, options as jsonb.  It
 * is parsed with its owner's rights (the caller's, for a new model): the
 * types and defaults it names are its owner's.
 */
static void
DefineModel(const char *name, text *attributes, Jsonb *options)
{
	Oid			owner = OrmStoredModelOwner(name);
	OrmSavedRole saved;
	OrmModel   *m;

	if (OidIsValid(owner))
		OrmCheckOwner(name, owner);
	else
		owner = GetUserId();
	OrmBecomeRole(owner, &saved);
	m = OrmParseModel(name, OrmJsonToJsonb(attributes),
					  OrmJsonKeyOrder(attributes), options);
	OrmRestoreRole(&saved);
	OrmCheckScopes(m);
	OrmStoreModel(m, attributes, options);
}

/* orm.define(model text, attributes json, options jsonb) RETURNS jsonb */
Datum
orm_define(PG_FUNCTION_ARGS)
{
	char	   *name;
	OrmSchema  *before;
	OrmSchema  *schema;

	RequireArgs(fcinfo, 3, "orm.define");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	before = OrmLoadSchema();
	DefineModel(name, PG_GETARG_TEXT_PP(1), PG_GETARG_JSONB_P(2));
	schema = OrmLoadSchema();
	OrmCheckNewlyBroken(before, schema);
	/* an index may name a column an association is yet to add */
	OrmCheckIndexes(ExistingModel(schema, name), true);
	PG_RETURN_JSONB_P(OrmModelToJsonb(ExistingModel(schema, name)));
}

/* True when two jsonb documents are equal. */
static bool
JsonbEqual(Jsonb *a, Jsonb *b)
{
	return compareJsonbContainers(&a->root, &b->root) == 0;
}

/*
 * An association adds a foreign key to the target of hasOne and hasMany,
 * and to a belongsToMany's junction: the caller must own that model too
 * (as it must own the target of every association, see Associate).
 */
static void
CheckHolderOwner(OrmAssociation *a)
{
	if (a->kind == ORM_HAS_ONE || a->kind == ORM_HAS_MANY)
		OrmCheckOwner(a->target->name, a->target->owner);
	else if (a->kind == ORM_BELONGS_TO_MANY && !a->junction->is_junction)
		OrmCheckOwner(a->junction->name, a->junction->owner);
}

/*
 * Adds one association to a loaded schema and the catalog.  Declaring the
 * same association again is a no-op; another under the same alias is an
 * error.
 */
static OrmAssociation *
Associate(OrmSchema *schema, const char *source, const char *kind,
		  const char *target, Jsonb *options)
{
	OrmModel   *src = ExistingModel(schema, source);
	OrmModel   *tgt = ExistingModel(schema, target);
	OrmAssociation *a = OrmParseAssociation(src, kind, tgt, options);
	OrmAssociation *old = OrmFindAssociation(schema, source, a->alias);
	OrmModel   *holder;
	ListCell   *lc;

	OrmCheckOwner(src->name, src->owner);
	OrmCheckOwner(tgt->name, tgt->owner);
	if (old && old->kind == a->kind && old->target == tgt &&
		JsonbEqual(old->raw_options, options))
		return old;
	foreach(lc, schema->shadowed)
	{
		OrmAssociation *b = lfirst(lc);

		if (b->source == src && b->kind == a->kind && b->target == tgt &&
			JsonbEqual(b->raw_options, options))
			return b;
	}
	if (old && a->alias_given)
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_OBJECT),
				errmsg("model \"%s\" already has an association \"%s\"",
					   source, a->alias),
				errhint("Give the association a distinct \"as\"."));
	a->raw_options = options;
	schema->associations = lappend(schema->associations, a);
	OrmResolveAssociation(schema, a);
	/* without "as", a takes old's alias; old keeps only its key */
	if (old && old->shadowed)
		OrmShadowAssociation(old);
	OrmSetAsideShadowed(schema);
	CheckHolderOwner(a);
	holder = a->kind == ORM_BELONGS_TO ? src :
		a->kind == ORM_BELONGS_TO_MANY ? a->junction : tgt;
	OrmAssignFields(holder);
	/* a new junction may be the table another model's reference names */
	foreach(lc, schema->models)
		OrmCheckReferences(schema, lfirst(lc));
	OrmStoreAssociation(a, options);
	if (old && old->shadowed && OidIsValid(old->function))
		OrmSetAssociationFunction(a, old->function);
	return a;
}

/* orm.associate(source, kind, target, options) RETURNS jsonb */
Datum
orm_associate(PG_FUNCTION_ARGS)
{
	OrmAssociation *a;

	RequireArgs(fcinfo, 4, "orm.associate");
	a = Associate(OrmLoadSchema(),
				  text_to_cstring(PG_GETARG_TEXT_PP(0)),
				  text_to_cstring(PG_GETARG_TEXT_PP(1)),
				  text_to_cstring(PG_GETARG_TEXT_PP(2)),
				  PG_GETARG_JSONB_P(3));
	PG_RETURN_JSONB_P(OrmAssociationToJsonb(a));
}

/* Fails on a key of a define_models entry that is not recognized. */
static void
CheckModelEntryKeys(const char *name, text *entry)
{
	ListCell   *lc;

	foreach(lc, OrmJsonKeyOrder(entry))
	{
		char	   *key = lfirst(lc);

		if (strcmp(key, "attributes") != 0 && strcmp(key, "options") != 0 &&
			strcmp(key, "associations") != 0)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized key \"%s\" in model \"%s\"", key, name),
					errhint("Valid keys are: attributes, options, associations."));
	}
}

/* Is s among the first n strings of list? */
static bool
StringInList(List *list, const char *s, int n)
{
	for (int i = 0; i < n && i < list_length(list); i++)
		if (strcmp(list_nth(list, i), s) == 0)
			return true;
	return false;
}

/* The json text of an entry's field, or NULL when it has none. */
static text *
EntryField(text *entry, const char *key)
{
	List	   *keys = OrmJsonKeyOrder(entry);

	return StringInList(keys, key, list_length(keys)) ?
		OrmJsonGetField(entry, key) : NULL;
}

/* Defines the model of one define_models entry. */
static void
DefineEntry(const char *name, text *entry)
{
	Jsonb	   *doc = OrmJsonToJsonb(entry);
	text	   *attributes;
	text	   *options;

	if (!JB_ROOT_IS_OBJECT(doc))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("model \"%s\" must be an object", name));
	CheckModelEntryKeys(name, entry);
	attributes = EntryField(entry, "attributes");
	options = EntryField(entry, "options");
	if (attributes == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("model \"%s\" has no \"attributes\"", name));
	DefineModel(name, attributes,
				options ? OrmJsonToJsonb(options) : NULL);
}

/*
 * One association item: {"hasMany": "Post", "as": "posts", ...}, exactly
 * one kind key naming the target, the rest its options.
 */
static void
AssociateItem(OrmSchema *schema, const char *source, JsonbValue *item)
{
	static const char *const kinds[] =
	{"hasOne", "hasMany", "belongsTo", "belongsToMany"};
	JsonbParseState *st = NULL;
	const char *kind = NULL;
	char	   *target = NULL;
	ListCell   *lc;

	if (!OrmJsonIsObject(item))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("association of model \"%s\" must be an object, not %s",
					   source, OrmJsonTypeName(item)));
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, OrmJsonFields(item->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		bool		is_kind = false;

		for (int i = 0; i < (int) lengthof(kinds); i++)
			is_kind |= strcmp(f->key, kinds[i]) == 0;
		if (!is_kind)
		{
			JsonbValue	k = {.type = jbvString};

			k.val.string.val = f->key;
			k.val.string.len = strlen(f->key);
			pushJsonbValue(&st, WJB_KEY, &k);
			pushJsonbValue(&st, WJB_VALUE, &f->value);
			continue;
		}
		if (kind != NULL || f->value.type != jbvString)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("association of model \"%s\" must have exactly one kind key naming its target",
						   source),
					errhint("Write it as {\"hasMany\": \"Post\", \"as\": \"posts\"}."));
		kind = f->key;
		target = OrmJsonString(&f->value);
	}
	if (kind == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("association of model \"%s\" has no kind", source),
				errhint("Write it as {\"hasMany\": \"Post\", \"as\": \"posts\"}."));
	Associate(schema, source, kind, target,
			  JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL)));
}

/* The associations of one define_models entry, in order. */
static void
AssociateEntry(OrmSchema *schema, const char *name, text *entry)
{
	text	   *assocs = EntryField(entry, "associations");
	Jsonb	   *doc;
	ListCell   *lc;

	if (assocs == NULL)
		return;
	doc = OrmJsonToJsonb(assocs);
	if (!JB_ROOT_IS_ARRAY(doc) || JB_ROOT_IS_SCALAR(doc))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"associations\" of model \"%s\" must be an array", name));
	foreach(lc, OrmJsonElements(&doc->root))
		AssociateItem(schema, name, lfirst(lc));
}

/* {"User": {normalized model..., "associations": [...]}, ...} */
static Jsonb *
DescribeModels(OrmSchema *schema, List *names)
{
	JsonbParseState *st = NULL;
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, names)
	{
		char	   *name = lfirst(lc);
		JsonbValue	k = {.type = jbvString};

		k.val.string.val = name;
		k.val.string.len = strlen(name);
		pushJsonbValue(&st, WJB_KEY, &k);
		pushJsonbValue(&st, WJB_VALUE,
					   OrmJsonRoot(OrmDescribeModel(schema,
													ExistingModel(schema, name))));
	}
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/* orm.define_models(models json) RETURNS jsonb: all or nothing */
Datum
orm_define_models(PG_FUNCTION_ARGS)
{
	text	   *models;
	List	   *entries;
	List	   *names = NIL;
	OrmSchema  *before;
	OrmSchema  *schema;
	ListCell   *lc;

	RequireArgs(fcinfo, 1, "orm.define_models");
	models = PG_GETARG_TEXT_PP(0);
	if (!JB_ROOT_IS_OBJECT(OrmJsonToJsonb(models)))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("models must be an object of model definitions"),
				errhint("Write {\"User\": {\"attributes\": {...}}, ...}."));
	entries = OrmJsonFieldTexts(models);
	before = OrmLoadSchema();
	foreach(lc, entries)
	{
		OrmJsonText *e = lfirst(lc);

		if (StringInList(names, e->key, list_length(names)))
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("model \"%s\" is defined twice", e->key));
		names = lappend(names, e->key);
		DefineEntry(e->key, e->value);
	}
	schema = OrmLoadSchema();
	OrmCheckNewlyBroken(before, schema);
	foreach(lc, entries)
	{
		OrmJsonText *e = lfirst(lc);

		AssociateEntry(schema, e->key, e->value);
	}
	/* with every association in, an index names columns that exist */
	foreach(lc, names)
		OrmCheckIndexes(ExistingModel(schema, lfirst(lc)), false);
	PG_RETURN_JSONB_P(DescribeModels(schema, names));
}

/*
 * orm.undefine(model text): the model goes with every association from or
 * to it, whoever declared them; its table stays.
 */
Datum
orm_undefine(PG_FUNCTION_ARGS)
{
	OrmSchema  *before;

	RequireArgs(fcinfo, 1, "orm.undefine");
	before = OrmLoadSchema();
	OrmDeleteModel(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	OrmCheckNewlyBroken(before, OrmLoadSchema());
	PG_RETURN_VOID();
}

/* orm.describe(model text): the normalized model with its associations */
Datum
orm_describe(PG_FUNCTION_ARGS)
{
	OrmSchema  *schema = OrmLoadSchema();
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_JSONB_P(OrmDescribeModel(schema, ExistingModel(schema, name)));
}
