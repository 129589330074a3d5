/*
 * association.c
 *		Associations: their options, and what they add to the models.
 *
 * The rules are Sequelize 6's, as its code does them
 * (lib/associations/{has-one,has-many,belongs-to,belongs-to-many}.js): the
 * alias, the foreign key name, the key type, onDelete / onUpdate by kind
 * and nullability, and lodash mergeDefaults when the foreign key is already
 * an attribute (what the attribute says wins; the association fills in what
 * it does not say).  A belongsToMany declared from both sides through the
 * same junction is paired as Sequelize pairs it: each side takes the
 * other's foreignKey as its otherKey.  An association without "as" whose
 * alias an earlier one of the same source has takes the alias; the
 * earlier one keeps only the foreign key it added (Sequelize's
 * source.associations[alias] is overwritten).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "access/stratnum.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"

static const char *const kind_names[] =
{"hasOne", "hasMany", "belongsTo", "belongsToMany"};

/* The SQL-visible name of an association kind. */
const char *
OrmAssocKindName(OrmAssocKind kind)
{
	return kind_names[kind];
}

static OrmAssocKind
ParseKind(const char *kind, const char *source)
{
	for (int i = 0; i < (int) lengthof(kind_names); i++)
		if (strcmp(kind, kind_names[i]) == 0)
			return (OrmAssocKind) i;
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("unrecognized association kind \"%s\" for model \"%s\"",
				   kind, source),
			errhint("Use hasOne, hasMany, belongsTo or belongsToMany."));
	return ORM_HAS_ONE;
}

/* "association User.hasMany(Post)", for messages */
static char *
AssocTitle(OrmAssociation *a)
{
	return psprintf("%s.%s(%s)", a->source->name, OrmAssocKindName(a->kind),
					a->target->name);
}

static void
AssocWrongType(OrmAssociation *a, const char *key, JsonbValue *v,
			   const char *expected)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("option \"%s\" of association %s must be %s, not %s",
				   key, AssocTitle(a), expected, OrmJsonTypeName(v)));
}

static char *
AssocName(OrmAssociation *a, const char *key, JsonbValue *v)
{
	char	   *s;

	if (v->type != jbvString)
		AssocWrongType(a, key, v, "a string");
	s = OrmJsonString(v);
	OrmCheckName(key, s);
	return s;
}

static bool
AssocBool(OrmAssociation *a, const char *key, JsonbValue *v)
{
	if (v->type != jbvBool)
		AssocWrongType(a, key, v, "a boolean");
	return v->val.boolean;
}

/*
 * A scope: attribute names and the values the rows have.  Sequelize ANDs a
 * scope into the include's where (and sets its values on rows it creates
 * through the association); a where with operators has no value to set.
 */
static JsonbValue *
Scope(OrmAssociation *a, const char *key, JsonbValue *v)
{
	JsonbValue *copy;
	ListCell   *lc;

	if (!OrmJsonIsObject(v))
		AssocWrongType(a, key, v, "an object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (f->value.type == jbvBinary || f->key[0] == '$')
			ereport(ERROR,
					errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					errmsg("\"%s\" of association %s is not a plain value filter",
						   key, AssocTitle(a)),
					errdetail("Only a scope of attribute values (\"%s\": {\"commentableType\": \"image\"}) is supported: \"%s\" is %s.",
							  key, f->key, f->key[0] == '$' ? "an operator" :
							  OrmJsonTypeName(&f->value)));
	}
	copy = palloc(sizeof(JsonbValue));
	*copy = *v;
	return copy;
}

/*
 * foreignKey or otherKey given as an object: {"name" or "fieldName", and
 * keys of an attribute definition}; Sequelize spreads it into the
 * attribute it adds.
 */
static OrmAttribute *
KeyObject(OrmAssociation *a, const char *key, JsonbValue *v, char **name)
{
	OrmAttribute *attr = palloc0(sizeof(OrmAttribute));
	char	   *type_spec = NULL;
	ListCell   *lc;

	attr->name = (char *) key;
	attr->allow_null = true;
	attr->origin = ORM_ATTR_FOREIGN_KEY;
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "name") == 0 || strcmp(f->key, "fieldName") == 0)
			*name = AssocName(a, psprintf("%s.%s", key, f->key), &f->value);
		else
			OrmParseAttributeKey(attr, f, AssocTitle(a), &type_spec);
	}
	if (type_spec)
	{
		int			nest = OrmTypeSearchPath(a->source->schema);

		OrmResolveType(type_spec, AssocTitle(a), attr->name, &attr->typid,
					   &attr->typmod);
		attr->type_name = format_type_with_typemod(attr->typid, attr->typmod);
		AtEOXact_GUC(true, nest);
	}
	return attr;
}

/* foreignKey: a name, or an object (KeyObject) */
static void
ParseForeignKey(OrmAssociation *a, JsonbValue *v)
{
	if (v->type == jbvString)
		a->foreign_key = AssocName(a, "foreignKey", v);
	else if (OrmJsonIsObject(v))
	{
		a->fk_attr = KeyObject(a, "foreignKey", v, &a->foreign_key);
		a->fk_allow_null = a->fk_attr->allow_null;
		a->fk_allow_null_given = a->fk_attr->allow_null_given;
		a->fk_field = a->fk_attr->field;
	}
	else
		AssocWrongType(a, "foreignKey", v, "a string or an object");
	a->fk_name_given = a->foreign_key != NULL;
}

static void
ThroughModel(OrmAssociation *a, JsonbValue *v)
{
	a->through = AssocName(a, "through.model", v);
}

static void
ThroughUnique(OrmAssociation *a, JsonbValue *v)
{
	a->through_unique = AssocBool(a, "through.unique", v);
}

static void
ThroughParanoid(OrmAssociation *a, JsonbValue *v)
{
	a->through_paranoid = AssocBool(a, "through.paranoid", v);
}

static void
ThroughScope(OrmAssociation *a, JsonbValue *v)
{
	a->through_scope = Scope(a, "through.scope", v);
}

typedef struct ThroughKey
{
	OrmKeyword	kw;
	void		(*parse) (OrmAssociation *a, JsonbValue *v);
} ThroughKey;

/* The keys of a "through" object, as belongs-to-many.js reads them. */
static const ThroughKey through_keys[] = {
	{{"model", ORM_KEY_PARSED}, ThroughModel},
	{{"unique", ORM_KEY_PARSED}, ThroughUnique},
	{{"scope", ORM_KEY_PARSED}, ThroughScope},
	{{"paranoid", ORM_KEY_PARSED}, ThroughParanoid},
};

/* through: a junction name, or {"model", "unique", "scope", "paranoid"} */
static void
ParseThrough(OrmAssociation *a, JsonbValue *v)
{
	ListCell   *lc;

	if (v->type == jbvString)
	{
		a->through = AssocName(a, "through", v);
		return;
	}
	if (!OrmJsonIsObject(v))
		AssocWrongType(a, "through", v, "a string or an object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		const ThroughKey *k = (const ThroughKey *)
			OrmFindKeyword(through_keys, lengthof(through_keys),
						   sizeof(ThroughKey), f->key);

		if (k == NULL)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized key \"through.%s\" in association %s",
						   f->key, AssocTitle(a)),
					errhint("Valid keys are: %s.",
							OrmKeywordList(through_keys, lengthof(through_keys),
										   sizeof(ThroughKey))));
		k->parse(a, &f->value);
	}
	if (a->through == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"through\" of association %s has no \"model\"",
					   AssocTitle(a)));
}

typedef struct AssocOption AssocOption;
typedef void (*AssocOptionParser) (OrmAssociation *a, const AssocOption *o,
								   JsonbValue *v);

#define K_HAS_ONE		(1 << ORM_HAS_ONE)
#define K_HAS_MANY		(1 << ORM_HAS_MANY)
#define K_BELONGS_TO	(1 << ORM_BELONGS_TO)
#define K_MANY			(1 << ORM_BELONGS_TO_MANY)
#define K_ALL			(K_HAS_ONE | K_HAS_MANY | K_BELONGS_TO | K_MANY)

/*
 * An association option: parsed for the kinds in "kinds"; for the others
 * it is what Sequelize makes of it there, a no-op (its code never reads
 * it) unless "refused" gives the reason it throws.
 */
struct AssocOption
{
	OrmKeyword	kw;
	AssocOptionParser parse;
	int			kinds;
	const char *refused;		/* for the other kinds: why Sequelize throws */
};

/* as: a name; hasMany and belongsToMany also take {"singular", "plural"} */
static void
OptAs(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	ListCell   *lc;

	a->alias_given = true;
	if (!OrmJsonIsObject(v) ||
		(a->kind != ORM_HAS_MANY && a->kind != ORM_BELONGS_TO_MANY))
	{
		a->alias = AssocName(a, "as", v);
		return;
	}
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "plural") == 0)
			a->alias = AssocName(a, "as.plural", &f->value);
		else if (strcmp(f->key, "singular") == 0)
			(void) AssocName(a, "as.singular", &f->value);
		else
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized key \"as.%s\" in association %s",
						   f->key, AssocTitle(a)),
					errhint("Valid keys are: singular, plural."));
	}
	if (a->alias == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"as\" of association %s has no \"plural\"", AssocTitle(a)));
}

static void
OptForeignKey(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	ParseForeignKey(a, v);
}

static void
OptSourceKey(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	a->source_key = AssocName(a, o->kw.name, v);
}

static void
OptTargetKey(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	a->target_key = AssocName(a, o->kw.name, v);
	a->target_key_default = false;
}

static void
OptOtherKey(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	if (OrmJsonIsObject(v))
		a->other_attr = KeyObject(a, "otherKey", v, &a->other_key);
	else
		a->other_key = AssocName(a, o->kw.name, v);
	a->other_key_default = a->other_key == NULL;
}

static void
OptThrough(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	ParseThrough(a, v);
}

static void
OptAction(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	char	   *action;

	if (v->type != jbvString)
		AssocWrongType(a, o->kw.name, v, "a string");
	action = OrmReferentialAction(v, psprintf("association %s", AssocTitle(a)),
								  NULL, o->kw.name);
	if (o->kw.name[2] == 'D')
		a->on_delete = action;
	else
		a->on_update = action;
}

static void
OptConstraints(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	a->constraints = AssocBool(a, o->kw.name, v);
}

static void
OptForeignKeyConstraint(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	a->fk_constraint = AssocBool(a, o->kw.name, v);
}

static void
OptScope(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	a->scope = Scope(a, o->kw.name, v);
}

/* keyType: the type of the foreign key, instead of the key's */
static void
OptKeyType(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	char	   *spec;
	int			nest;

	if (v->type != jbvString)
		AssocWrongType(a, o->kw.name, v, "a type name");
	spec = OrmJsonString(v);
	nest = OrmTypeSearchPath(a->source->schema);
	OrmResolveType(spec, AssocTitle(a), "keyType", &a->key_typid, &a->key_typmod);
	AtEOXact_GUC(true, nest);
}

static void
OptTimestamps(OrmAssociation *a, const AssocOption *o, JsonbValue *v)
{
	a->timestamps = AssocBool(a, o->kw.name, v) ? 1 : 0;
}

/*
 * The options of Sequelize 6's hasOne, hasMany, belongsTo and
 * belongsToMany, as lib/associations reads them.
 */
static const AssocOption assoc_options[] = {
	{{"as", ORM_KEY_PARSED}, OptAs, K_ALL},
	{{"foreignKey", ORM_KEY_PARSED}, OptForeignKey, K_ALL},
	{{"sourceKey", ORM_KEY_PARSED}, OptSourceKey, K_HAS_ONE | K_HAS_MANY | K_MANY},
	{{"targetKey", ORM_KEY_PARSED}, OptTargetKey, K_BELONGS_TO | K_MANY},
	{{"otherKey", ORM_KEY_PARSED}, OptOtherKey, K_MANY},
	{{"through", ORM_KEY_PARSED}, OptThrough, K_MANY,
	"N:M associations are not supported with hasMany. Use belongsToMany instead."},
	{{"onDelete", ORM_KEY_PARSED}, OptAction, K_ALL},
	{{"onUpdate", ORM_KEY_PARSED}, OptAction, K_ALL},
	{{"constraints", ORM_KEY_PARSED}, OptConstraints, K_ALL},
	{{"foreignKeyConstraint", ORM_KEY_PARSED}, OptForeignKeyConstraint,
	K_HAS_ONE | K_HAS_MANY | K_BELONGS_TO},
	{{"scope", ORM_KEY_PARSED}, OptScope, K_ALL},
	{{"keyType", ORM_KEY_PARSED}, OptKeyType, K_HAS_ONE | K_HAS_MANY | K_BELONGS_TO},
	{{"timestamps", ORM_KEY_PARSED}, OptTimestamps, K_MANY},
	{{"uniqueKey", ORM_KEY_NOOP,
	"It names the junction's unique constraint in Sequelize, whose postgres dialect writes the constraint unnamed."}},
	{{"hooks", ORM_KEY_NOOP,
	"It runs the beforeAssociate and afterAssociate hooks, which are JavaScript."}},
};

/* Fails on a known option that Sequelize refuses for this kind. */
static void
RefusedForKind(OrmAssociation *a, const AssocOption *o)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("option \"%s\" is not valid for a %s association",
				   o->kw.name, OrmAssocKindName(a->kind)),
			errdetail("The association is %s. %s", AssocTitle(a), o->refused));
}

/* One association option. */
static void
ParseAssocOption(OrmAssociation *a, OrmJsonField *f)
{
	const AssocOption *o = (const AssocOption *)
		OrmFindKeyword(assoc_options, lengthof(assoc_options),
					   sizeof(AssocOption), f->key);

	if (o == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("unrecognized option \"%s\" for association %s",
					   f->key, AssocTitle(a)),
				errhint("Valid options are: %s.",
						OrmKeywordList(assoc_options, lengthof(assoc_options),
									   sizeof(AssocOption))));
	if (o->kw.use != ORM_KEY_PARSED)
		return;
	if (o->kinds & (1 << a->kind))
		o->parse(a, o, &f->value);
	else if (o->refused && a->kind == ORM_HAS_MANY)
		RefusedForKind(a, o);
	/* else: Sequelize's code for this kind never reads it */
}

/* Parses an association's options; resolution needs the whole schema. */
OrmAssociation *
OrmParseAssociation(OrmModel *source, const char *kind, OrmModel *target,
					Jsonb *options)
{
	OrmAssociation *a = palloc0(sizeof(OrmAssociation));
	ListCell   *lc;

	a->source = source;
	a->target = target;
	a->kind = ParseKind(kind, source->name);
	a->constraints = true;
	a->target_key_default = true;
	a->other_key_default = true;
	a->through_unique = true;
	a->timestamps = -1;
	if (options && !JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("options of association %s.%s(%s) must be an object",
					   source->name, kind, target->name));
	if (options)
		foreach(lc, OrmJsonFields(&options->root))
			ParseAssocOption(a, lfirst(lc));
	if (a->alias == NULL)
		a->alias = (a->kind == ORM_HAS_MANY || a->kind == ORM_BELONGS_TO_MANY) ?
			target->plural : target->singular;
	return a;
}

/* A key attribute named by an option, or the model's primary key. */
static OrmAttribute *
KeyAttribute(OrmAssociation *a, OrmModel *m, const char *name,
			 const char *option)
{
	OrmAttribute *key = name ? OrmFindAttribute(m, name) : OrmPrimaryKey(m);

	if (key == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("%s \"%s\" of association %s is not an attribute of model \"%s\"",
					   option, name, AssocTitle(a), m->name));
	return key;
}

/* Sequelize's Utils.camelize([prefix, key].join('_')) */
static char *
KeyName(const char *prefix, const char *key)
{
	return OrmCamelize(psprintf("%s_%s", prefix, key));
}

/*
 * Gives an attribute the type of the key it references (an ENUM key's
 * type may not exist before sync: its name is copied, not looked up), or
 * the keyType the association names.
 */
static void
TypeLikeKey(OrmAttribute *fk, OrmAttribute *key, OrmAssociation *a)
{
	if (a && OidIsValid(a->key_typid))
	{
		fk->typid = a->key_typid;
		fk->typmod = a->key_typmod;
		fk->type_name = format_type_with_typemod(fk->typid, fk->typmod);
		fk->type_sql = NULL;
		return;
	}
	fk->typid = key->typid;
	fk->typmod = key->typmod;
	fk->type_name = key->type_name;
	fk->type_sql = key->type_sql;
}

/*
 * A new foreign key attribute: typed like its key, with the keys the
 * association's foreignKey object gives (spec, or NULL).
 */
static OrmAttribute *
NewKeyAttribute(const char *name, OrmAttribute *key, OrmAssociation *a,
				OrmAttribute *spec, OrmModel *holder)
{
	OrmAttribute *fk = OrmMakeAttribute(name, INT4OID, true, ORM_ATTR_FOREIGN_KEY);

	TypeLikeKey(fk, key, a);
	if (spec)
	{
		if (OidIsValid(spec->typid))
		{
			fk->typid = spec->typid;
			fk->typmod = spec->typmod;
			fk->type_name = spec->type_name;
			fk->type_sql = NULL;
		}
		fk->allow_null = spec->allow_null;
		fk->field = spec->field;
		fk->comment = spec->comment;
		fk->unique = spec->unique;
		fk->primary_key = spec->primary_key;
		fk->default_value = spec->default_value;
		fk->validate = spec->validate;
		if (fk->default_value)
			OrmFinishAttribute(fk, NULL, holder->name);
	}
	if (fk->unique && fk->unique[0] == '\x01')	/* unique: {"msg"} alone */
		fk->unique = psprintf("%s_%s_unique", holder->table_name, name);
	return fk;
}

/*
 * Fills in what an existing foreign key attribute does not say from the
 * association's foreignKey object (lodash mergeDefaults).
 */
static void
MergeKeySpec(OrmAttribute *fk, OrmAttribute *spec, OrmModel *holder)
{
	if (spec == NULL)
		return;
	if (fk->field == NULL)
		fk->field = spec->field;
	if (fk->comment == NULL)
		fk->comment = spec->comment;
	if (fk->unique == NULL && spec->unique && spec->unique[0] == '\x01')
		fk->unique = psprintf("%s_%s_unique", holder->table_name, fk->name);
	else if (fk->unique == NULL)
		fk->unique = spec->unique;
	if (fk->validate == NULL)
		fk->validate = spec->validate;
	if (fk->default_value == NULL && spec->default_value)
	{
		fk->default_value = spec->default_value;
		fk->default_sql = OrmDefaultSql(fk->default_value, fk, holder->name);
	}
}

/*
 * The foreign key attribute on holder: the existing one, or a new one typed
 * like the key it references.  Returns whether it allows null, as Sequelize
 * judges it for the onDelete default (an existing attribute that does not
 * say allowNull counts as not null).
 */
static OrmAttribute *
ForeignKeyAttribute(OrmAssociation *a, OrmModel *holder, OrmAttribute *key,
					bool *nullable)
{
	OrmAttribute *fk = OrmFindAttribute(holder, a->foreign_key);

	if (fk == NULL)
	{
		fk = NewKeyAttribute(a->foreign_key, key, a, a->fk_attr, holder);
		holder->attributes = lappend(holder->attributes, fk);
		*nullable = fk->allow_null;
		return fk;
	}
	*nullable = fk->allow_null_given && fk->allow_null;
	if (!fk->allow_null_given)
	{
		fk->allow_null = a->fk_allow_null_given ? a->fk_allow_null : true;
		fk->allow_null_given = true;
	}
	MergeKeySpec(fk, a->fk_attr, holder);
	return fk;
}

/* Fills in references and actions the attribute does not state itself. */
static void
MergeConstraint(OrmAttribute *fk, OrmModel *ref, OrmAttribute *key,
				const char *on_delete, const char *on_update)
{
	if (fk->ref_model == NULL)
	{
		fk->ref_model = ref->table_name;
		fk->ref_target = ref;
	}
	if (fk->ref_key == NULL)
		fk->ref_key = key->field ? key->field : key->name;
	if (fk->on_delete == NULL)
		fk->on_delete = (char *) on_delete;
	if (fk->on_update == NULL)
		fk->on_update = (char *) on_update;
}

/*
 * hasOne / hasMany / belongsTo: one foreign key, on target or source.
 * Its constraint comes with constraints (the default), or without them
 * with foreignKeyConstraint, onDelete or onUpdate (associations/helpers.js).
 */
static void
ResolveSingleKey(OrmAssociation *a)
{
	bool		belongs = a->kind == ORM_BELONGS_TO;
	OrmModel   *holder = belongs ? a->source : a->target;
	OrmModel   *ref = belongs ? a->target : a->source;
	OrmAttribute *key;
	OrmAttribute *fk;
	bool		nullable;

	key = belongs ? KeyAttribute(a, ref, a->target_key, "targetKey") :
		KeyAttribute(a, ref, a->source_key, "sourceKey");
	if (a->foreign_key == NULL && a->kind == ORM_HAS_MANY)
		a->foreign_key = KeyName(a->source->singular, OrmPrimaryKey(ref)->name);
	else if (a->foreign_key == NULL && a->kind == ORM_HAS_ONE)
		a->foreign_key = KeyName(OrmSingularize(a->alias_given ? a->alias :
												a->source->name),
								 OrmPrimaryKey(ref)->name);
	else if (a->foreign_key == NULL)
		a->foreign_key = KeyName(a->alias, OrmPrimaryKey(ref)->name);
	OrmCheckName("foreignKey", a->foreign_key);
	if (belongs)
		a->target_key = key->name;
	else
		a->source_key = key->name;
	fk = ForeignKeyAttribute(a, holder, key, &nullable);
	if (!a->constraints && a->on_delete == NULL && a->on_update == NULL &&
		!a->fk_constraint)
		return;
	if (a->on_delete == NULL && a->constraints)
		a->on_delete = nullable ? "SET NULL" : (belongs ? "NO ACTION" : "CASCADE");
	if (a->on_update == NULL && a->constraints)
		a->on_update = "CASCADE";
	MergeConstraint(fk, ref, key, a->on_delete, a->on_update);
	a->on_delete = fk->on_delete;
	a->on_update = fk->on_update;
}

/*
 * The junction of a belongsToMany: a defined model (by name, or by table
 * name), or the one Sequelize defines for a "through" string, with the
 * source model's options (OrmJunctionOptions); an earlier association
 * through the same name made it already.
 */
static OrmModel *
JunctionModel(OrmSchema *schema, OrmAssociation *a)
{
	OrmModel   *j = OrmFindReferenced(schema, a->through);
	Jsonb	   *none;

	if (j)
		return j;
	none = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	j = OrmParseModel(a->through, none, NIL,
					  OrmJunctionOptions(a->source, a->through,
										 a->timestamps < 0 ? 1 : a->timestamps,
										 a->through_paranoid));
	j->is_junction = true;
	j->owner = a->source->owner;
	schema->models = lappend(schema->models, j);
	return j;
}

/* The through name: as given, or Sequelize's combinedTableName. */
static void
DefaultThrough(OrmAssociation *a)
{
	const char *t1 = a->source->table_name;
	const char *t2 = a->source == a->target ? a->alias : a->target->table_name;
	char	   *l1;
	char	   *l2;

	if (a->through)
		return;
	l1 = asc_tolower(t1, strlen(t1));
	l2 = asc_tolower(t2, strlen(t2));
	a->through = strcmp(l1, l2) < 0 ? psprintf("%s%s", t1, t2) :
		psprintf("%s%s", t2, t1);
	OrmCheckName("through", a->through);
}

/* Sequelize's _createForeignAndOtherKeys: the names not given. */
static void
JunctionKeyNames(OrmAssociation *a)
{
	if (!a->fk_name_given)
		a->foreign_key = KeyName(a->source->singular, a->source_key);
	if (a->other_key_default)
		a->other_key = KeyName(a->source == a->target ?
							   OrmSingularize(a->alias) : a->target->singular,
							   a->target_key);
	OrmCheckName("foreignKey", a->foreign_key);
	OrmCheckName("otherKey", a->other_key);
}

/* Removes the junction attribute of that name, if any. */
static void
DropJunctionAttribute(OrmModel *j, const char *name)
{
	OrmAttribute *attr = OrmFindAttribute(j, name);

	if (attr)
		j->attributes = list_delete_ptr(j->attributes, attr);
}

/*
 * One junction key as _injectAttributes makes it: the junction's attribute
 * (made when missing) gets the key's type and the foreignKey/otherKey
 * object's keys, and its constraint (Object.assign: they replace what the
 * attribute says, except that on the target side the attribute's own
 * actions win).
 */
static OrmAttribute *
InjectKey(OrmAssociation *a, const char *name, OrmModel *ref,
		  OrmAttribute *key, OrmAttribute *spec, bool source_side)
{
	OrmModel   *j = a->junction;
	OrmAttribute *fk = OrmFindAttribute(j, name);

	if (fk == NULL)
	{
		fk = NewKeyAttribute(name, key, NULL, spec, j);
		fk->auto_generated = true;
		j->attributes = lappend(j->attributes, fk);
	}
	else
	{
		TypeLikeKey(fk, key, NULL);
		if (spec)
		{
			if (spec->allow_null_given)
				fk->allow_null = spec->allow_null;
			if (spec->field)
				fk->field = spec->field;
			if (spec->comment)
				fk->comment = spec->comment;
		}
	}
	if (a->constraints)
	{
		char	   *on_delete = source_side ?
			(a->on_delete ? a->on_delete : fk->on_delete) :
			(fk->on_delete ? fk->on_delete : a->on_delete);
		char	   *on_update = source_side ?
			(a->on_update ? a->on_update : fk->on_update) :
			(fk->on_update ? fk->on_update : a->on_update);

		fk->ref_model = ref->table_name;
		fk->ref_target = ref;
		fk->ref_key = key->field ? key->field : key->name;
		fk->on_delete = on_delete ? on_delete : "CASCADE";
		fk->on_update = on_update ? on_update : "CASCADE";
	}
	return fk;
}

/*
 * Sequelize's belongsToMany _injectAttributes: an auto-generated primary
 * key of the junction goes (Sequelize's default id; an earlier
 * association's keys stop being the key), and the two keys are then its
 * primary key; else, unless through.unique is false, they share a unique
 * constraint.
 */
static void
InjectJunction(OrmAssociation *a)
{
	OrmModel   *j = a->junction;
	OrmAttribute *skey = KeyAttribute(a, a->source, a->source_key, "sourceKey");
	OrmAttribute *tkey = KeyAttribute(a, a->target, a->target_key, "targetKey");
	OrmAttribute *fk;
	OrmAttribute *other;
	ListCell   *lc;

	foreach(lc, list_copy(j->attributes))
	{
		OrmAttribute *attr = lfirst(lc);

		if (!attr->primary_key || !attr->auto_generated)
			continue;
		if (strcmp(attr->name, a->foreign_key) == 0 ||
			strcmp(attr->name, a->other_key) == 0)
			attr->primary_key = false;
		else
			j->attributes = list_delete_ptr(j->attributes, attr);
		a->pk_deleted = true;
	}
	fk = InjectKey(a, a->foreign_key, a->source, skey, a->fk_attr, true);
	other = InjectKey(a, a->other_key, a->target, tkey, a->other_attr, false);
	if (a->pk_deleted)
	{
		fk->primary_key = other->primary_key = true;
		fk->allow_null = other->allow_null = false;
	}
	else if (a->through_unique)
		fk->unique = other->unique = psprintf("%s_%s_%s_unique", j->table_name,
											  a->foreign_key, a->other_key);
	OrmAssignFields(j);
}

/*
 * The belongsToMany this one pairs with: one from its target to its
 * source through the same junction name, declared before it (the last
 * such, as Sequelize's loop over the target's associations leaves it).
 */
static OrmAssociation *
FindPair(OrmSchema *schema, OrmAssociation *a)
{
	OrmAssociation *paired = NULL;
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *b = lfirst(lc);

		if (b == a)
			break;
		if (b->kind == ORM_BELONGS_TO_MANY && !b->shadowed &&
			b->source == a->target && b->target == a->source &&
			strcmp(b->through, a->through) == 0)
			paired = b;
	}
	return paired;
}

/*
 * Pairs a with the belongsToMany from the other side, as Sequelize's
 * constructor does: defaulted target keys become the partner's source
 * key, a defaulted otherKey the partner's foreignKey; the partner's keys
 * are injected again when they change.
 */
static void
Pair(OrmAssociation *a, OrmAssociation *p)
{
	bool		reinject = false;

	a->paired = p;
	p->paired = a;
	if (a->target_key_default)
	{
		a->target_key = p->source_key;
		JunctionKeyNames(a);
	}
	if (p->target_key_default && strcmp(p->target_key, a->source_key) != 0)
	{
		DropJunctionAttribute(a->junction, p->other_key);
		p->target_key = a->source_key;
		JunctionKeyNames(p);
		reinject = true;
	}
	if (a->other_key_default)
		a->other_key = p->foreign_key;
	if (p->other_key_default && strcmp(p->other_key, a->foreign_key) != 0)
	{
		DropJunctionAttribute(a->junction, p->other_key);
		p->other_key = a->foreign_key;
		reinject = true;
	}
	if (reinject)
		InjectJunction(p);
}

/*
 * Fails when a's injection took a key of another belongsToMany through the
 * same junction: Sequelize's _injectAttributes deletes the junction's
 * auto-generated keys that are not its own, and the other association is
 * left with a column that is gone (Sequelize throws a TypeError there).
 */
static void
CheckJunctionKeys(OrmSchema *schema, OrmAssociation *a)
{
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *b = lfirst(lc);
		const char *lost;

		if (b == a)
			break;
		if (b->kind != ORM_BELONGS_TO_MANY || b->junction != a->junction || b->shadowed)
			continue;
		lost = OrmFindAttribute(b->junction, b->foreign_key) == NULL ? b->foreign_key :
			OrmFindAttribute(b->junction, b->other_key) == NULL ? b->other_key : NULL;
		if (lost)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					errmsg("associations %s and %s through \"%s\" do not agree on their keys",
						   AssocTitle(b), AssocTitle(a), a->through),
					errdetail("%s uses key \"%s\", which the junction loses to the keys of %s (\"%s\", \"%s\"); Sequelize fails on these associations too.",
							  AssocTitle(b), lost, AssocTitle(a), a->foreign_key, a->other_key),
					errhint("Give both the same two keys: the foreignKey of one is the otherKey of the other."));
	}
}

/* belongsToMany: the junction, its two keys, and its pair. */
static void
ResolveJunction(OrmSchema *schema, OrmAssociation *a)
{
	OrmAttribute *skey = KeyAttribute(a, a->source, a->source_key, "sourceKey");
	OrmAttribute *tkey = KeyAttribute(a, a->target, a->target_key, "targetKey");
	OrmAssociation *p;

	if (a->source == a->target && !a->alias_given)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("belongsToMany self-association of model \"%s\" needs \"as\"",
					   a->source->name));
	a->source_key = skey->name;
	a->target_key = tkey->name;
	JunctionKeyNames(a);
	DefaultThrough(a);
	a->junction = JunctionModel(schema, a);
	if ((p = FindPair(schema, a)) != NULL)
		Pair(a, p);
	if (strcmp(a->foreign_key, a->other_key) == 0)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("foreignKey and otherKey of association %s are both \"%s\"",
					   AssocTitle(a), a->foreign_key),
				errhint("The junction needs one column for each side."));
	InjectJunction(a);
	CheckJunctionKeys(schema, a);
	if (a->on_delete == NULL && a->constraints)
		a->on_delete = "CASCADE";
	if (a->on_update == NULL && a->constraints)
		a->on_update = "CASCADE";
}

/*
 * Checks the alias against the source's attributes and other aliases.  An
 * association without "as" takes the alias of an earlier one (which then
 * only adds its key, as in Sequelize); with "as", the alias must be free.
 */
static void
CheckAlias(OrmSchema *schema, OrmAssociation *a)
{
	ListCell   *lc;

	if (OrmFindAttribute(a->source, a->alias))
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_OBJECT),
				errmsg("alias \"%s\" of association %s clashes with attribute \"%s.%s\"",
					   a->alias, AssocTitle(a), a->source->name, a->alias),
				errhint("Choose another \"as\"."));
	foreach(lc, schema->associations)
	{
		OrmAssociation *b = lfirst(lc);

		if (b == a)
			break;
		if (b->shadowed || b->source != a->source || strcmp(b->alias, a->alias) != 0)
			continue;
		if (a->alias_given)
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("model \"%s\" already has an association \"%s\"",
						   a->source->name, a->alias),
					errhint("Give the association a distinct \"as\"."));
		b->shadowed = true;
	}
}

/*
 * Resolves one association against the schema: default names, the foreign
 * key attributes it adds or merges into, the junction of a belongsToMany.
 */
void
OrmResolveAssociation(OrmSchema *schema, OrmAssociation *a)
{
	if (a->kind == ORM_BELONGS_TO_MANY)
		ResolveJunction(schema, a);
	else
		ResolveSingleKey(a);
	CheckAlias(schema, a);
}

/* Moves the shadowed associations out of the schema's list. */
void
OrmSetAsideShadowed(OrmSchema *schema)
{
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);

		if (a->shadowed)
			schema->shadowed = lappend(schema->shadowed, a);
	}
	foreach(lc, schema->shadowed)
		schema->associations = list_delete_ptr(schema->associations, lfirst(lc));
}
