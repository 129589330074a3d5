/*
 * model_parse.c
 *		Model definitions: JSON -> OrmModel, with all of their validation.
 *
 * The rules are Sequelize 6's (lib/model.js, init and _addDefaultAttributes):
 * a model without a primary key gets an "id" in front, timestamps go after
 * the user's attributes, underscored models get snake_case columns.  Every
 * unrecognized key and every value of the wrong JSON type is an error that
 * names the model and the attribute.  No SPI here.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"

/* Fails because a value has the wrong JSON type. */
static void
WrongType(const char *model, const char *attr, const char *key,
		  JsonbValue *v, const char *expected)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			attr ? errmsg("\"%s\" of attribute \"%s.%s\" must be %s, not %s",
						  key, model, attr, expected, OrmJsonTypeName(v)) :
			errmsg("option \"%s\" of model \"%s\" must be %s, not %s",
				   key, model, expected, OrmJsonTypeName(v)));
}

static bool
GetBool(JsonbValue *v, const char *model, const char *attr, const char *key)
{
	if (v->type != jbvBool)
		WrongType(model, attr, key, v, "a boolean");
	return v->val.boolean;
}

static char *
GetString(JsonbValue *v, const char *model, const char *attr, const char *key)
{
	if (v->type != jbvString)
		WrongType(model, attr, key, v, "a string");
	return OrmJsonString(v);
}

/* A name given as a JSON string, checked as an identifier. */
static char *
GetName(JsonbValue *v, const char *model, const char *attr, const char *key)
{
	char	   *name = GetString(v, model, attr, key);

	OrmCheckName(key, name);
	return name;
}

/* A referential action, normalized to upper case, or an error. */
char *
OrmReferentialAction(JsonbValue *v, const char *model, const char *attr,
					 const char *key)
{
	static const char *const actions[] =
	{"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"};
	char	   *s = GetString(v, model, attr, key);

	for (int i = 0; i < (int) lengthof(actions); i++)
		if (pg_strcasecmp(s, actions[i]) == 0)
			return pstrdup(actions[i]);
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			attr ? errmsg("unrecognized %s action \"%s\" for attribute \"%s.%s\"",
						  key, s, model, attr) :
			errmsg("unrecognized %s action \"%s\" for %s", key, s, model),
			errhint("Use CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION."));
	return NULL;
}

/* Fails on a key this object does not take, with the keys it does take. */
static void
UnrecognizedKey(const char *model, const char *attr, const char *key,
				const char *valid)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			attr ? errmsg("unrecognized key \"%s\" in attribute \"%s.%s\"",
						  key, model, attr) :
			errmsg("unrecognized option \"%s\" for model \"%s\"", key, model),
			attr ? errhint("Valid keys are: %s.", valid) :
			errhint("Valid options are: %s.", valid));
}

/* Fails on a key that Sequelize takes but that cannot work here. */
static void
RefusedKey(const char *model, const char *attr, const OrmKeyword *kw)
{
	ereport(ERROR,
			errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			attr ? errmsg("key \"%s\" of attribute \"%s.%s\" is not supported",
						  kw->name, model, attr) :
			errmsg("option \"%s\" of model \"%s\" is not supported",
				   kw->name, model),
			errdetail("%s", kw->why));
}

/*
 * references.deferrable: the name of one of Sequelize's Deferrable
 * classes that are properties of a constraint.
 */
static char *
Deferrable(JsonbValue *v, const char *model, const char *attr)
{
	char	   *s = GetString(v, model, attr, "references.deferrable");

	if (strcmp(s, "INITIALLY_DEFERRED") == 0)
		return "DEFERRABLE INITIALLY DEFERRED";
	if (strcmp(s, "INITIALLY_IMMEDIATE") == 0)
		return "DEFERRABLE INITIALLY IMMEDIATE";
	if (strcmp(s, "NOT") == 0)
		return "NOT DEFERRABLE";
	if (strcmp(s, "SET_DEFERRED") == 0 || strcmp(s, "SET_IMMEDIATE") == 0)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("deferrable \"%s\" of attribute \"%s.%s\" is not a property of a constraint",
					   s, model, attr),
				errdetail("Sequelize's Deferrable.%s is SET CONSTRAINTS, run in a transaction.", s),
				errhint("Use INITIALLY_DEFERRED, and SET CONSTRAINTS in the transaction if needed."));
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("unrecognized deferrable \"%s\" for attribute \"%s.%s\"", s, model, attr),
			errhint("Use INITIALLY_DEFERRED, INITIALLY_IMMEDIATE or NOT."));
	return NULL;
}

/* references: {"model": table or model name, "key": column, "deferrable"} */
static void
ParseReferences(OrmAttribute *a, JsonbValue *v, const char *model)
{
	ListCell   *lc;

	if (v->type == jbvString)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"references\" of attribute \"%s.%s\" must be an object, not a string",
					   model, a->name),
				errdetail("Sequelize 6 reads references.model and references.key; a string has neither."),
				errhint("Write {\"model\": \"%s\", \"key\": \"id\"}.", OrmJsonString(v)));
	if (!OrmJsonIsObject(v))
		WrongType(model, a->name, "references", v, "an object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "model") == 0)
			a->ref_model = GetName(&f->value, model, a->name, "references.model");
		else if (strcmp(f->key, "key") == 0)
			a->ref_key = GetName(&f->value, model, a->name, "references.key");
		else if (strcmp(f->key, "deferrable") == 0)
			a->deferrable = Deferrable(&f->value, model, a->name);
		else
			UnrecognizedKey(model, a->name, psprintf("references.%s", f->key),
							"model, key, deferrable");
	}
	if (a->ref_model == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("\"references\" of attribute \"%s.%s\" has no \"model\"",
					   model, a->name));
}

/* "values": the labels of an ENUM, non-empty strings, each once */
static List *
EnumValues(JsonbValue *v, const char *model, const char *attr)
{
	List	   *values = NIL;
	ListCell   *lc;

	if (!OrmJsonIsArray(v))
		WrongType(model, attr, "values", v, "an array of strings");
	foreach(lc, OrmJsonElements(v->val.binary.data))
	{
		JsonbValue *e = lfirst(lc);

		if (e->type != jbvString)
			WrongType(model, attr, "values", e, "an array of strings");
		values = lappend(values, OrmJsonString(e));
	}
	return values;
}

/*
 * Labels in one ENUM: PostgreSQL takes more, but an enum of more values
 * than this is data, not a type, and each costs sync a statement.
 */
#define MAX_ENUM_VALUES 10000

/* Checks the labels of an ENUM: some, not too many, distinct, short enough. */
static void
CheckEnumValues(OrmAttribute *a, const char *model)
{
	HASHCTL		ctl = {0};
	HTAB	   *seen;
	ListCell   *lc;

	if (a->enum_values == NIL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("attribute \"%s.%s\" of type ENUM has no values", model, a->name),
				errhint("Add \"values\": [\"a\", \"b\"], or write the type as ENUM('a', 'b')."));
	if (list_length(a->enum_values) > MAX_ENUM_VALUES)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("attribute \"%s.%s\" of type ENUM has %d values, more than %d",
					   model, a->name, list_length(a->enum_values),
					   MAX_ENUM_VALUES),
				errhint("Keep so many values in a table of their own, referenced by a foreign key."));
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = NAMEDATALEN;
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("orm_models enum labels", list_length(a->enum_values),
					   &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	foreach(lc, a->enum_values)
	{
		char	   *label = lfirst(lc);
		bool		found;

		if (strlen(label) >= NAMEDATALEN || label[0] == '\0')
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("invalid ENUM value \"%s\" of attribute \"%s.%s\"",
						   label, model, a->name),
					errdetail("Labels are 1 to %d bytes long.", NAMEDATALEN - 1));
		hash_search(seen, label, HASH_ENTER, &found);
		if (found)
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("value \"%s\" of ENUM attribute \"%s.%s\" is given twice",
						   label, model, a->name));
	}
	hash_destroy(seen);
}

/* The default of an ENUM attribute: one of its labels. */
static char *
EnumDefault(OrmAttribute *a, const char *model)
{
	ListCell   *lc;

	if (a->default_value->type == jbvNull)
		return pstrdup("NULL");
	if (a->default_value->type == jbvString)
		foreach(lc, a->enum_values)
			if (strcmp(lfirst(lc), OrmJsonString(a->default_value)) == 0)
				return quote_literal_cstr(lfirst(lc));
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("defaultValue of ENUM attribute \"%s.%s\" is not one of its values",
				   model, a->name));
	return NULL;
}

/* What one key of an attribute is read into. */
typedef struct AttrParse
{
	OrmAttribute *a;
	const char *model;
	char	   *type_spec;
} AttrParse;

typedef struct AttributeKey AttributeKey;
typedef void (*AttributeKeyParser) (AttrParse *ap, const AttributeKey *k,
									JsonbValue *v);

struct AttributeKey
{
	OrmKeyword	kw;
	AttributeKeyParser parse;	/* parsed keys: reads the value */
};

static void
KeyType(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->type_spec = GetString(v, ap->model, ap->a->name, k->kw.name);
}

static void
KeyAllowNull(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->allow_null = GetBool(v, ap->model, ap->a->name, k->kw.name);
	ap->a->allow_null_given = true;
}

static void
KeyDefaultValue(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->default_value = palloc(sizeof(JsonbValue));
	*ap->a->default_value = *v;
}

static void
KeyPrimaryKey(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->primary_key = GetBool(v, ap->model, ap->a->name, k->kw.name);
}

static void
KeyAutoIncrement(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->auto_increment = GetBool(v, ap->model, ap->a->name, k->kw.name);
}

/*
 * unique: true (a unique column), a name (the group of a composite unique
 * constraint), or {"name", "msg"}; msg is the text of Sequelize's
 * validation error, which has no place in PostgreSQL.  Without a name the
 * object makes a group of its own, as Sequelize's "<table>_<attr>_unique".
 */
static void
KeyUnique(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	OrmAttribute *a = ap->a;
	ListCell   *lc;

	if (v->type == jbvBool)
	{
		a->unique = v->val.boolean ? "" : NULL;
		return;
	}
	if (v->type == jbvString)
	{
		a->unique = GetName(v, ap->model, a->name, k->kw.name);
		return;
	}
	if (!OrmJsonIsObject(v))
		WrongType(ap->model, a->name, k->kw.name, v, "a boolean, a string or an object");
	a->unique = psprintf("\x01%s", a->name);	/* a group of its own */
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "name") == 0)
			a->unique = GetName(&f->value, ap->model, a->name, "unique.name");
		else if (strcmp(f->key, "msg") != 0)
			UnrecognizedKey(ap->model, a->name, psprintf("unique.%s", f->key),
							"name, msg");
	}
}

static void
KeyField(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->field = GetName(v, ap->model, ap->a->name, k->kw.name);
}

static void
KeyComment(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->comment = GetString(v, ap->model, ap->a->name, k->kw.name);
}

static void
KeyReferences(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ParseReferences(ap->a, v, ap->model);
}

static void
KeyAction(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	char	   *action = OrmReferentialAction(v, ap->model, ap->a->name, k->kw.name);

	if (k->kw.name[2] == 'D')
		ap->a->on_delete = action;
	else
		ap->a->on_update = action;
}

static void
KeyValues(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->enum_values = EnumValues(v, ap->model, ap->a->name);
}

static void
KeyValidate(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->validate = palloc(sizeof(JsonbValue));
	*ap->a->validate = *v;
}

/* index: true makes a GIN index on a JSONB column; elsewhere nothing */
static void
KeyIndex(AttrParse *ap, const AttributeKey *k, JsonbValue *v)
{
	ap->a->gin_index = GetBool(v, ap->model, ap->a->name, k->kw.name);
}

/*
 * The keys of an attribute definition, Sequelize 6's
 * ModelAttributeColumnOptions and what its postgres dialect reads.
 */
static const AttributeKey attribute_keys[] = {
	{{"type", ORM_KEY_PARSED}, KeyType},
	{{"allowNull", ORM_KEY_PARSED}, KeyAllowNull},
	{{"defaultValue", ORM_KEY_PARSED}, KeyDefaultValue},
	{{"primaryKey", ORM_KEY_PARSED}, KeyPrimaryKey},
	{{"autoIncrement", ORM_KEY_PARSED}, KeyAutoIncrement},
	{{"autoIncrementIdentity", ORM_KEY_NOOP,
	"autoIncrement is always an identity column (GENERATED BY DEFAULT AS IDENTITY) here."}},
	{{"unique", ORM_KEY_PARSED}, KeyUnique},
	{{"field", ORM_KEY_PARSED}, KeyField},
	{{"comment", ORM_KEY_PARSED}, KeyComment},
	{{"references", ORM_KEY_PARSED}, KeyReferences},
	{{"onDelete", ORM_KEY_PARSED}, KeyAction},
	{{"onUpdate", ORM_KEY_PARSED}, KeyAction},
	{{"values", ORM_KEY_PARSED}, KeyValues},
	{{"validate", ORM_KEY_PARSED}, KeyValidate},
	{{"index", ORM_KEY_PARSED,
	"Only on a JSONB attribute, where it is a GIN index; Sequelize ignores it elsewhere."}, KeyIndex},
	{{"foreignKeyConstraint", ORM_KEY_NOOP,
	"Sequelize reads foreignKeyConstraint from an association's options, never from an attribute."}},
	{{"get", ORM_KEY_REFUSED,
	"A getter is a JavaScript function; find_* return the stored value."}},
	{{"set", ORM_KEY_REFUSED,
	"A setter is a JavaScript function; it cannot be written in JSON."}},
};

/*
 * One key of an attribute object, read into a (the type's spec into
 * *type_spec).  Also reads the attribute keys of an association's
 * foreignKey and otherKey objects.
 */
void
OrmParseAttributeKey(OrmAttribute *a, OrmJsonField *f, const char *model,
					 char **type_spec)
{
	const AttributeKey *k = (const AttributeKey *)
		OrmFindKeyword(attribute_keys, lengthof(attribute_keys),
					   sizeof(AttributeKey), f->key);
	AttrParse	ap = {a, model, *type_spec};

	if (k == NULL)
		UnrecognizedKey(model, a->name, f->key,
						OrmKeywordList(attribute_keys, lengthof(attribute_keys),
									   sizeof(AttributeKey)));
	if (k->kw.use == ORM_KEY_REFUSED)
		RefusedKey(model, a->name, &k->kw);
	if (k->kw.use == ORM_KEY_PARSED)
		k->parse(&ap, k, &f->value);
	*type_spec = ap.type_spec;
}

/* Checks what the keys of one attribute mean together. */
static void
CheckAttribute(OrmAttribute *a, const char *model)
{
	if (a->auto_increment &&
		a->typid != INT2OID && a->typid != INT4OID && a->typid != INT8OID)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("autoIncrement attribute \"%s.%s\" must have an integer type, not %s",
					   model, a->name, a->type_name));
	if (a->auto_increment && a->default_value)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("autoIncrement attribute \"%s.%s\" cannot have a defaultValue",
					   model, a->name));
	if (a->primary_key && a->allow_null_given && a->allow_null)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("primary key attribute \"%s.%s\" cannot allow null",
					   model, a->name));
	if ((a->on_delete || a->on_update) && a->ref_model == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("attribute \"%s.%s\" has onDelete or onUpdate but no references",
					   model, a->name));
	if (a->validate && a->auto_increment)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("autoIncrement attribute \"%s.%s\" cannot have validators",
					   model, a->name));
}

/* Sets an attribute's type from its spec. */
static void
SetAttributeType(OrmAttribute *a, const char *spec, const char *model)
{
	OrmResolveType(spec, model, a->name, &a->typid, &a->typmod);
	a->type_name = format_type_with_typemod(a->typid, a->typmod);
}

/*
 * Completes an attribute once its keys are read: its type from type_spec
 * (NULL when the caller has set it, as for a foreign key typed like its
 * key), the checks of what its keys mean together, its default's SQL.
 */
void
OrmFinishAttribute(OrmAttribute *a, const char *type_spec, const char *model)
{
	if (type_spec == NULL)
		;
	else if (strcmp(type_spec, "ENUM") == 0 || strncmp(type_spec, "ENUM(", 5) == 0)
	{
		if (type_spec[4] == '(' && a->enum_values == NIL)
			a->enum_values = OrmParseEnumValues(type_spec, model, a->name);
		CheckEnumValues(a, model);
		a->type_name = "ENUM";	/* named once the column is known */
	}
	else if (a->enum_values)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("attribute \"%s.%s\" has \"values\" but its type is not ENUM",
					   model, a->name));
	else
		SetAttributeType(a, type_spec, model);
	CheckAttribute(a, model);
	if (a->primary_key)
		a->allow_null = false;
	if (a->gin_index && a->typid != JSONBOID)
		a->gin_index = false;	/* Sequelize's index: true is JSONB's only */
	if (a->default_value)
		a->default_sql = a->enum_values ? EnumDefault(a, model) :
			OrmDefaultSql(a->default_value, a, model);
}

/* One attribute: a bare type string, or an object of attribute keys. */
static OrmAttribute *
ParseAttribute(const char *model, const char *name, JsonbValue *v)
{
	OrmAttribute *a = palloc0(sizeof(OrmAttribute));
	char	   *type_spec = NULL;

	OrmCheckName("attribute", name);
	a->name = pstrdup(name);
	a->allow_null = true;
	a->origin = ORM_ATTR_DEFINED;
	if (v->type == jbvString)
		type_spec = OrmJsonString(v);
	else if (OrmJsonIsObject(v))
	{
		ListCell   *lc;

		foreach(lc, OrmJsonFields(v->val.binary.data))
			OrmParseAttributeKey(a, lfirst(lc), model, &type_spec);
	}
	else
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("attribute \"%s.%s\" must be an object or a type name, not %s",
					   model, name, OrmJsonTypeName(v)));
	if (type_spec == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("attribute \"%s.%s\" has no type", model, name),
				errhint("Add \"type\", for example \"type\": \"STRING\"."));
	OrmFinishAttribute(a, type_spec, model);
	return a;
}

/* An attribute the model gets by default: the id or a timestamp. */
OrmAttribute *
OrmMakeAttribute(const char *name, Oid typid, bool allow_null,
				 OrmAttrOrigin origin)
{
	OrmAttribute *a = palloc0(sizeof(OrmAttribute));

	a->name = pstrdup(name);
	a->typid = typid;
	a->typmod = -1;
	a->type_name = format_type_be(typid);
	a->allow_null = allow_null;
	a->allow_null_given = true;
	a->origin = origin;
	return a;
}

/* A timestamp option: true or absent gives the default name, false none. */
static char *
TimestampName(JsonbValue *v, const char *model, const char *key)
{
	if (v->type == jbvBool)
		return v->val.boolean ? pstrdup(key) : NULL;
	return GetName(v, model, NULL, key);
}

/* What the model options are read into, besides the model. */
typedef struct ModelParse
{
	OrmModel   *m;
	char	   *table_name;
	JsonbValue *indexes;
} ModelParse;

typedef struct ModelOption ModelOption;
typedef void (*ModelOptionParser) (ModelParse *mp, const ModelOption *o,
								   JsonbValue *v);

struct ModelOption
{
	OrmKeyword	kw;
	ModelOptionParser parse;	/* parsed options: reads the value */
};

/* name: {"singular": ..., "plural": ...} */
static void
OptName(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	OrmModel   *m = mp->m;
	ListCell   *lc;

	if (!OrmJsonIsObject(v))
		WrongType(m->name, NULL, "name", v, "an object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "singular") == 0)
			m->singular = GetName(&f->value, m->name, NULL, "name.singular");
		else if (strcmp(f->key, "plural") == 0)
			m->plural = GetName(&f->value, m->name, NULL, "name.plural");
		else
			UnrecognizedKey(m->name, NULL, psprintf("name.%s", f->key),
							"singular, plural");
	}
}

static void
OptTableName(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->table_name = GetName(v, mp->m->name, NULL, o->kw.name);
}

static void
OptFreezeTableName(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->freeze_table_name = GetBool(v, mp->m->name, NULL, o->kw.name);
}

static void
OptSchema(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->schema = GetName(v, mp->m->name, NULL, o->kw.name);
}

static void
OptTimestamps(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->timestamps = GetBool(v, mp->m->name, NULL, o->kw.name);
}

/* createdAt, updatedAt, deletedAt, version: true or absent gives the
 * default name, false none */
static void
OptTimestampName(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	char	   *name = TimestampName(v, mp->m->name, o->kw.name);

	switch (o->kw.name[0])
	{
		case 'c':
			mp->m->created_at = name;
			break;
		case 'u':
			mp->m->updated_at = name;
			break;
		case 'd':
			mp->m->deleted_at = name;
			break;
		default:
			mp->m->version = name;
	}
}

static void
OptParanoid(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->paranoid = GetBool(v, mp->m->name, NULL, o->kw.name);
}

static void
OptUnderscored(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->underscored = GetBool(v, mp->m->name, NULL, o->kw.name);
}

static void
OptComment(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->comment = GetString(v, mp->m->name, NULL, o->kw.name);
}

static void
OptIndexes(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	if (!OrmJsonIsArray(v))
		WrongType(mp->m->name, NULL, o->kw.name, v, "an array");
	mp->indexes = palloc(sizeof(JsonbValue));
	*mp->indexes = *v;
}

/*
 * uniqueKeys: {"name": {"fields": [...], "customIndex"}}: Sequelize's
 * createTable takes them in place of the groups of the attributes'
 * "unique"; each one with customIndex (the default) is a unique constraint
 * on those columns.
 */
static void
OptUniqueKeys(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	OrmModel   *m = mp->m;
	ListCell   *lc;

	if (!OrmJsonIsObject(v))
		WrongType(m->name, NULL, o->kw.name, v, "an object");
	m->unique_keys_given = true;
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);
		List	   *fields = NIL;
		bool		custom = true;
		ListCell   *lc2;

		if (!OrmJsonIsObject(&f->value))
			WrongType(m->name, NULL, psprintf("uniqueKeys.%s", f->key), &f->value,
					  "an object");
		foreach(lc2, OrmJsonFields(f->value.val.binary.data))
		{
			OrmJsonField *g = lfirst(lc2);
			char	   *key = psprintf("uniqueKeys.%s.%s", f->key, g->key);

			if (strcmp(g->key, "fields") == 0 && OrmJsonIsArray(&g->value))
			{
				ListCell   *lc3;

				foreach(lc3, OrmJsonElements(g->value.val.binary.data))
					fields = lappend(fields, GetName(lfirst(lc3), m->name, NULL, key));
			}
			else if (strcmp(g->key, "fields") == 0)
				WrongType(m->name, NULL, key, &g->value, "an array of column names");
			else if (strcmp(g->key, "customIndex") == 0)
				custom = GetBool(&g->value, m->name, NULL, key);
			else if (strcmp(g->key, "name") != 0 && strcmp(g->key, "msg") != 0)
				UnrecognizedKey(m->name, NULL, key, "fields, customIndex, name, msg");
		}
		if (fields == NIL && custom)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("option \"uniqueKeys.%s\" of model \"%s\" has no \"fields\"",
						   f->key, m->name));
		if (custom)
			m->unique_keys = lappend(m->unique_keys, fields);
	}
}

/* modelName: the model's name already; another name would be two names */
static void
OptModelName(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	char	   *name = GetString(v, mp->m->name, NULL, o->kw.name);

	if (strcmp(name, mp->m->name) != 0)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("option \"modelName\" \"%s\" of model \"%s\" names another model",
					   name, mp->m->name),
				errdetail("Sequelize's define ignores modelName and Model.init takes it as the name; here a model's name is the one it is defined under."),
				errhint("Define the model as \"%s\", or drop \"modelName\".", name));
}

/* Functions and hooks: an empty object (what JSON.stringify leaves) only. */
static void
OptEmptyOnly(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	if (!OrmJsonIsEmpty(v) && !(v->type == jbvBool && !v->val.boolean))
		RefusedKey(mp->m->name, NULL, &o->kw);
}

/* whereMergeStrategy: "and" or "overwrite", as Sequelize checks it */
static void
OptWhereMergeStrategy(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	char	   *s = GetString(v, mp->m->name, NULL, o->kw.name);

	if (strcmp(s, "and") != 0 && strcmp(s, "overwrite") != 0)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid whereMergeStrategy \"%s\" for model \"%s\"", s, mp->m->name),
				errhint("Use \"and\" or \"overwrite\"."));
	mp->m->where_merge_and = strcmp(s, "and") == 0;
}

/*
 * One scope: an object of query options (their keys are checked by the
 * query layer when the model is defined, their values when a query runs).
 * A scope that takes arguments is a JavaScript function, which JSON can
 * only carry as its source text: refused by name.
 */
static JsonbValue *
ScopeValue(OrmModel *m, const char *name, JsonbValue *v)
{
	JsonbValue *copy;

	if (v->type == jbvString)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("scope \"%s\" of model \"%s\" is a function", name, m->name),
				errdetail("A scope that takes arguments is a JavaScript function; only scopes written as query objects can be stored."),
				errhint("Write the condition in the query's \"where\" instead."));
	if (!OrmJsonIsObject(v))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("scope \"%s\" of model \"%s\" must be an object of query options, not %s",
					   name, m->name, OrmJsonTypeName(v)));
	copy = palloc(sizeof(JsonbValue));
	*copy = *v;
	return copy;
}

/* defaultScope: the query options every find, count and write applies */
static void
OptDefaultScope(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	mp->m->default_scope = ScopeValue(mp->m, o->kw.name, v);
}

/* scopes: {"name": {query options}, ...} */
static void
OptScopes(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	ListCell   *lc;

	if (!OrmJsonIsObject(v))
		WrongType(mp->m->name, NULL, o->kw.name, v, "an object of scopes");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "defaultScope") == 0)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("scope \"defaultScope\" of model \"%s\" must be given as the option \"defaultScope\"",
						   mp->m->name),
					errdetail("A query names the default scope as \"defaultScope\"."));
		(void) ScopeValue(mp->m, f->key, &f->value);
	}
	mp->m->scopes = palloc(sizeof(JsonbValue));
	*mp->m->scopes = *v;
}

static void
OptRejectOnEmpty(ModelParse *mp, const ModelOption *o, JsonbValue *v)
{
	if (v->type != jbvBool)
		RefusedKey(mp->m->name, NULL, &o->kw);
	mp->m->reject_on_empty = v->val.boolean;
}

/*
 * The options of Sequelize 6's Model.init and sequelize.define, as its
 * model.js and its dialects read them.
 */
static const ModelOption model_options[] = {
	{{"tableName", ORM_KEY_PARSED}, OptTableName},
	{{"freezeTableName", ORM_KEY_PARSED}, OptFreezeTableName},
	{{"name", ORM_KEY_PARSED}, OptName},
	{{"modelName", ORM_KEY_PARSED}, OptModelName},
	{{"schema", ORM_KEY_PARSED}, OptSchema},
	{{"timestamps", ORM_KEY_PARSED}, OptTimestamps},
	{{"createdAt", ORM_KEY_PARSED}, OptTimestampName},
	{{"updatedAt", ORM_KEY_PARSED}, OptTimestampName},
	{{"deletedAt", ORM_KEY_PARSED}, OptTimestampName},
	{{"paranoid", ORM_KEY_PARSED}, OptParanoid},
	{{"underscored", ORM_KEY_PARSED}, OptUnderscored},
	{{"comment", ORM_KEY_PARSED}, OptComment},
	{{"indexes", ORM_KEY_PARSED}, OptIndexes},
	{{"uniqueKeys", ORM_KEY_PARSED}, OptUniqueKeys},
	{{"version", ORM_KEY_PARSED}, OptTimestampName},
	{{"rejectOnEmpty", ORM_KEY_PARSED,
	"Only true or false: an error object or class is JavaScript."}, OptRejectOnEmpty},
	{{"whereMergeStrategy", ORM_KEY_PARSED}, OptWhereMergeStrategy},
	{{"validate", ORM_KEY_PARSED,
	"Model validators are JavaScript functions; they cannot be written in JSON. Put what can be checked on one attribute into that attribute's \"validate\"."},
	OptEmptyOnly},
	{{"hooks", ORM_KEY_PARSED,
	"Hooks are JavaScript functions; they cannot be written in JSON."}, OptEmptyOnly},
	{{"getterMethods", ORM_KEY_PARSED,
	"Getters are JavaScript functions; they cannot be written in JSON."}, OptEmptyOnly},
	{{"setterMethods", ORM_KEY_PARSED,
	"Setters are JavaScript functions; they cannot be written in JSON."}, OptEmptyOnly},
	{{"defaultScope", ORM_KEY_PARSED}, OptDefaultScope},
	{{"scopes", ORM_KEY_PARSED}, OptScopes},
	{{"omitNull", ORM_KEY_NOOP,
	"It leaves null values out of Sequelize's INSERT and UPDATE statements; orm_models does not write rows."}},
	{{"schemaDelimiter", ORM_KEY_NOOP,
	"It joins schema and table names on dialects without schemas; PostgreSQL has schemas."}},
	{{"charset", ORM_KEY_NOOP,
	"A MySQL table option; PostgreSQL's character set is the database's encoding."}},
	{{"collate", ORM_KEY_NOOP,
	"A MySQL table option; Sequelize's postgres dialect ignores it."}},
	{{"engine", ORM_KEY_NOOP, "A MySQL table option (the storage engine)."}},
	{{"rowFormat", ORM_KEY_NOOP, "A MySQL table option."}},
	{{"initialAutoIncrement", ORM_KEY_NOOP,
	"A MySQL table option (AUTO_INCREMENT=n); Sequelize's postgres dialect ignores it."}},
	{{"hasTrigger", ORM_KEY_NOOP,
	"An MSSQL option (OUTPUT INTO a table variable); it changes nothing on PostgreSQL."}},
	{{"sequelize", ORM_KEY_REFUSED,
	"It is the Sequelize instance of Model.init, a JavaScript object."}},
};

/* One model option. */
static void
ParseOption(ModelParse *mp, OrmJsonField *f)
{
	const ModelOption *o = (const ModelOption *)
		OrmFindKeyword(model_options, lengthof(model_options),
					   sizeof(ModelOption), f->key);

	if (o == NULL)
		UnrecognizedKey(mp->m->name, NULL, f->key,
						OrmKeywordList(model_options, lengthof(model_options),
									   sizeof(ModelOption)));
	if (o->kw.use == ORM_KEY_REFUSED)
		RefusedKey(mp->m->name, NULL, &o->kw);
	if (o->kw.use == ORM_KEY_PARSED)
		o->parse(mp, o, &f->value);
}

/* The timestamp attributes of a model must have distinct names. */
static void
CheckTimestampNames(OrmModel *m)
{
	const char *c = m->created_at;
	const char *u = m->updated_at;
	const char *d = m->paranoid ? m->deleted_at : NULL;

	if ((c && u && strcmp(c, u) == 0) || (c && d && strcmp(c, d) == 0) ||
		(u && d && strcmp(u, d) == 0))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("timestamps of model \"%s\" share a name", m->name),
				errhint("Give createdAt, updatedAt and deletedAt distinct names."));
}

/*
 * Model options, with Sequelize's defaults.  As in Sequelize, a paranoid
 * model without timestamps or without deletedAt is not paranoid: there is
 * no column to mark deleted rows with.
 */
static void
ParseOptions(OrmModel *m, Jsonb *options, JsonbValue **indexes)
{
	ModelParse	mp = {m, NULL, NULL};
	char	   *table_name;
	ListCell   *lc;

	m->timestamps = true;
	m->created_at = "createdAt";
	m->updated_at = "updatedAt";
	m->deleted_at = "deletedAt";
	if (options && !JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("options of model \"%s\" must be an object", m->name));
	if (options)
		foreach(lc, OrmJsonFields(&options->root))
			ParseOption(&mp, lfirst(lc));
	table_name = mp.table_name;
	*indexes = mp.indexes;
	m->raw_options = options;
	if (m->singular == NULL)
		m->singular = OrmSingularize(m->name);
	if (m->plural == NULL)
		m->plural = OrmPluralize(m->name);
	if (table_name)
		m->table_name = table_name;
	else if (m->freeze_table_name)
		m->table_name = pstrdup(m->name);
	else
	{
		m->table_name = OrmPluralize(m->name);
		if (m->underscored)
			m->table_name = OrmUnderscore(m->table_name);
	}
	OrmCheckName("table", m->table_name);
	if (m->schema == NULL)
		m->schema = "public";
	if (strcmp(m->schema, ORM_SCHEMA) == 0 ||
		strcmp(m->schema, "information_schema") == 0 ||
		strncmp(m->schema, "pg_", 3) == 0)
		ereport(ERROR,
				errcode(ERRCODE_RESERVED_NAME),
				errmsg("schema \"%s\" of model \"%s\" is reserved", m->schema, m->name),
				errdetail("Models cannot live in system schemas or in the extension's schema \"%s\".",
						  ORM_SCHEMA));
	if (!m->timestamps)
		m->created_at = m->updated_at = m->deleted_at = NULL;
	if (m->deleted_at == NULL)
		m->paranoid = false;
	if (!m->paranoid)
		m->deleted_at = NULL;
	CheckTimestampNames(m);
}

/* The user's attributes, in the order written. */
static void
ParseAttributes(OrmModel *m, Jsonb *attributes, List *order)
{
	ListCell   *lc;

	if (attributes == NULL || !JB_ROOT_IS_OBJECT(attributes))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("attributes of model \"%s\" must be an object", m->name));
	if (list_length(order) > MaxHeapAttributeNumber)
		ereport(ERROR,
				errcode(ERRCODE_TOO_MANY_COLUMNS),
				errmsg("model \"%s\" has %d attributes", m->name, list_length(order)),
				errdetail("A table can have at most %d columns.", MaxHeapAttributeNumber));
	foreach(lc, order)
	{
		char	   *name = lfirst(lc);
		JsonbValue *v;
		OrmAttribute *a;

		CHECK_FOR_INTERRUPTS();

		if (OrmFindAttribute(m, name))
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("attribute \"%s.%s\" is defined twice", m->name, name));
		v = getKeyJsonValueFromContainer(&attributes->root, name,
										 strlen(name), NULL);
		Assert(v != NULL);
		a = ParseAttribute(m->name, name, v);
		if (a->unique && a->unique[0] == '\x01')
			a->unique = psprintf("%s_%s_unique", m->table_name, a->name);
		m->attributes = lappend(m->attributes, a);
	}
}

/*
 * The "version" option: Sequelize's optimistic locking counter, INTEGER NOT
 * NULL DEFAULT 0, after the timestamps, unless an attribute has its name.
 */
static void
AddVersionAttribute(OrmModel *m)
{
	OrmAttribute *v;

	if (m->version == NULL)
		return;
	if ((m->created_at && strcmp(m->version, m->created_at) == 0) ||
		(m->updated_at && strcmp(m->version, m->updated_at) == 0) ||
		(m->deleted_at && strcmp(m->version, m->deleted_at) == 0))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("version attribute \"%s\" of model \"%s\" has the name of a timestamp",
					   m->version, m->name));
	if (OrmFindAttribute(m, m->version))
		return;
	v = OrmMakeAttribute(m->version, INT4OID, false, ORM_ATTR_VERSION);
	v->default_value = palloc0(sizeof(JsonbValue));
	v->default_value->type = jbvNumeric;
	v->default_value->val.numeric = int64_to_numeric(0);
	v->default_sql = "0";
	m->attributes = lappend(m->attributes, v);
}

/* Sequelize's defaults: an "id" key in front, timestamps at the end. */
static void
AddDefaultAttributes(OrmModel *m)
{
	const char *stamps[3] = {m->created_at, m->updated_at, m->deleted_at};

	if (OrmPrimaryKey(m) == NULL)
	{
		OrmAttribute *id;

		if (OrmFindAttribute(m, "id"))
			ereport(ERROR,
					errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					errmsg("attribute \"%s.id\" must be the primary key", m->name),
					errdetail("A model without a primary key gets \"id\" as its key."),
					errhint("Add \"primaryKey\": true to \"id\", or mark another attribute as the primary key."));
		id = OrmMakeAttribute("id", INT4OID, false, ORM_ATTR_DEFAULT_PK);
		id->auto_generated = true;
		id->primary_key = id->auto_increment = true;
		m->attributes = lcons(id, m->attributes);
	}
	for (int i = 0; i < 3; i++)
	{
		OrmAttribute *own = stamps[i] ? OrmFindAttribute(m, stamps[i]) : NULL;

		if (own && own->typid != TIMESTAMPTZOID && own->typid != TIMESTAMPOID)
			ereport(ERROR,
					errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					errmsg("attribute \"%s.%s\" is the model's %s timestamp and must be a timestamp (DATE), not %s",
						   m->name, own->name,
						   i == 0 ? "createdAt" : i == 1 ? "updatedAt" : "deletedAt",
						   own->type_name),
					errhint("Rename the attribute, or rename or disable the timestamp with the \"%s\" option.",
							i == 0 ? "createdAt" : i == 1 ? "updatedAt" : "deletedAt"));
		if (stamps[i] == NULL || own)
			continue;
		m->attributes = lappend(m->attributes,
								OrmMakeAttribute(stamps[i], TIMESTAMPTZOID,
												 i == 2, ORM_ATTR_TIMESTAMP));
		if (i < 2)
			llast_node(OrmAttribute, m->attributes)->default_sql =
				"pg_catalog.now()";
	}
	AddVersionAttribute(m);
}

/*
 * Column names: given, or the attribute name (snake_case if underscored).
 * Two attributes may name one column: it is one column, defined by the
 * later one, as in Sequelize (OrmIsColumnAttribute).
 */
void
OrmAssignFields(OrmModel *m)
{
	ListCell   *lc;

	if (list_length(m->attributes) > MaxHeapAttributeNumber)
		ereport(ERROR,
				errcode(ERRCODE_TOO_MANY_COLUMNS),
				errmsg("model \"%s\" has %d columns", m->name, list_length(m->attributes)),
				errdetail("A table can have at most %d columns, counting the ones Sequelize adds (id, timestamps, foreign keys).",
						  MaxHeapAttributeNumber));

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (a->field == NULL)
			a->field = m->underscored ? OrmUnderscore(a->name) : a->name;
		OrmCheckName("column", a->field);
	}
}

/*
 * Sets search_path for resolving a model's type names: pg_catalog, the
 * model's schema and public, whatever the caller's, so a model means the
 * same in every session; pg_temp is named last, or PostgreSQL would search
 * it first and a session's temporary types could stand in for real ones.
 * Returns the GUC nest level to end with AtEOXact_GUC(true, level).
 */
int
OrmTypeSearchPath(const char *schema)
{
	int			nest = NewGUCNestLevel();

	(void) set_config_option("search_path",
							 psprintf("pg_catalog, %s, public, pg_temp",
									  quote_identifier(schema)),
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	return nest;
}

/*
 * The options of the model Sequelize makes for a belongsToMany's "through"
 * string: the source model's options (belongs-to-many.js defines it with
 * the association's options, into which mixin.js copied the source's),
 * less hooks and scopes, with the association's timestamps (default
 * true), through.paranoid, tableName the through name, and neither
 * indexes nor validators.
 */
Jsonb *
OrmJunctionOptions(OrmModel *source, const char *through, int timestamps,
				   bool paranoid)
{
	static const char *const dropped[] = {
		"hooks", "timestamps", "scopes", "defaultScope", "tableName",
		"freezeTableName", "indexes", "validate", "paranoid", "name",
		"modelName", "uniqueKeys", "getterMethods", "setterMethods",
	};
	JsonbParseState *st = NULL;
	JsonbValue	k = {.type = jbvString};
	JsonbValue	v;
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, source->raw_options ? OrmJsonFields(&source->raw_options->root) : NIL)
	{
		OrmJsonField *f = lfirst(lc);
		bool		drop = false;

		for (int i = 0; i < (int) lengthof(dropped); i++)
			drop |= strcmp(f->key, dropped[i]) == 0;
		if (drop)
			continue;
		k.val.string.val = f->key;
		k.val.string.len = strlen(f->key);
		pushJsonbValue(&st, WJB_KEY, &k);
		pushJsonbValue(&st, WJB_VALUE, &f->value);
	}
	k.val.string.val = "tableName";
	k.val.string.len = strlen("tableName");
	pushJsonbValue(&st, WJB_KEY, &k);
	v.type = jbvString;
	v.val.string.val = (char *) through;
	v.val.string.len = strlen(through);
	pushJsonbValue(&st, WJB_VALUE, &v);
	k.val.string.val = "timestamps";
	k.val.string.len = strlen("timestamps");
	pushJsonbValue(&st, WJB_KEY, &k);
	v.type = jbvBool;
	v.val.boolean = timestamps != 0;
	pushJsonbValue(&st, WJB_VALUE, &v);
	k.val.string.val = "paranoid";
	k.val.string.len = strlen("paranoid");
	pushJsonbValue(&st, WJB_KEY, &k);
	v.val.boolean = paranoid;
	pushJsonbValue(&st, WJB_VALUE, &v);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/*
 * Parses one model from its name, attributes (jsonb, with the attribute
 * names in the order written) and options.  Type names resolve as
 * OrmTypeSearchPath says.  Index fields that name no attribute yet are
 * left for the schema to resolve (an association may add the column).
 */
OrmModel *
OrmParseModel(const char *name, Jsonb *attributes, List *order,
			  Jsonb *options)
{
	OrmModel   *m = palloc0(sizeof(OrmModel));
	JsonbValue *indexes = NULL;
	ListCell   *lc;
	int			nest;

	OrmCheckName("model", name);
	m->name = pstrdup(name);
	ParseOptions(m, options, &indexes);
	nest = OrmTypeSearchPath(m->schema);
	ParseAttributes(m, attributes, order);
	AtEOXact_GUC(true, nest);
	AddDefaultAttributes(m);
	OrmAssignFields(m);
	foreach(lc, m->attributes)
		if (((OrmAttribute *) lfirst(lc))->enum_values)
			OrmResolveEnum(m, lfirst(lc));
	OrmParseIndexes(m, indexes);
	foreach(lc, m->attributes)
		OrmParseValidators(m, lfirst(lc));
	return m;
}
