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

#include "orm_models.h"

/* Checks a name that will become an SQL identifier or a catalog key. */
void
OrmCheckName(const char *what, const char *name)
{
	if (name == NULL || name[0] == '\0')
		ereport(ERROR,
				errcode(ERRCODE_INVALID_NAME),
				errmsg("%s name must not be empty", what));
	if (strlen(name) >= NAMEDATALEN)
		ereport(ERROR,
				errcode(ERRCODE_NAME_TOO_LONG),
				errmsg("%s name \"%s\" is too long", what, name),
				errdetail("Names are limited to %d bytes.", NAMEDATALEN - 1));
}

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

/* Fails on a key this object does not take. */
static void
UnrecognizedKey(const char *model, const char *attr, const char *key,
				const char *valid)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			attr ? errmsg("unrecognized key \"%s\" in attribute \"%s.%s\"",
						  key, model, attr) :
			errmsg("unrecognized option \"%s\" for model \"%s\"", key, model),
			errhint("Valid keys are: %s.", valid));
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
				errmsg("ENUM attribute \"%s.%s\" has no values", model, a->name),
				errhint("Add \"values\": [\"a\", \"b\"], or write the type as ENUM('a', 'b')."));
	if (list_length(a->enum_values) > MAX_ENUM_VALUES)
		ereport(ERROR,
				errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				errmsg("ENUM attribute \"%s.%s\" has %d values, more than %d",
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
					errmsg("ENUM value \"%s\" of attribute \"%s.%s\" is given twice",
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

/* One key of an attribute object. */
static void
ParseAttributeKey(OrmAttribute *a, OrmJsonField *f, const char *model,
				  char **type_spec)
{
	const char *k = f->key;
	JsonbValue *v = &f->value;

	if (strcmp(k, "type") == 0)
		*type_spec = GetString(v, model, a->name, k);
	else if (strcmp(k, "allowNull") == 0)
	{
		a->allow_null = GetBool(v, model, a->name, k);
		a->allow_null_given = true;
	}
	else if (strcmp(k, "defaultValue") == 0)
	{
		a->default_value = palloc(sizeof(JsonbValue));
		*a->default_value = *v;
	}
	else if (strcmp(k, "primaryKey") == 0)
		a->primary_key = GetBool(v, model, a->name, k);
	else if (strcmp(k, "autoIncrement") == 0)
		a->auto_increment = GetBool(v, model, a->name, k);
	else if (strcmp(k, "unique") == 0)
	{
		if (v->type == jbvBool)
			a->unique = v->val.boolean ? "" : NULL;
		else if (v->type == jbvString)
			a->unique = GetName(v, model, a->name, k);
		else
			WrongType(model, a->name, k, v, "a boolean or a string");
	}
	else if (strcmp(k, "field") == 0)
		a->field = GetName(v, model, a->name, k);
	else if (strcmp(k, "comment") == 0)
		a->comment = GetString(v, model, a->name, k);
	else if (strcmp(k, "references") == 0)
		ParseReferences(a, v, model);
	else if (strcmp(k, "onDelete") == 0)
		a->on_delete = OrmReferentialAction(v, model, a->name, k);
	else if (strcmp(k, "onUpdate") == 0)
		a->on_update = OrmReferentialAction(v, model, a->name, k);
	else if (strcmp(k, "values") == 0)
		a->enum_values = EnumValues(v, model, a->name);
	else if (strcmp(k, "validate") == 0)
	{
		a->validate = palloc(sizeof(JsonbValue));
		*a->validate = *v;
	}
	else
		UnrecognizedKey(model, a->name, k,
						"type, allowNull, defaultValue, primaryKey, autoIncrement, unique, field, comment, references, onDelete, onUpdate, values, validate");
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
			ParseAttributeKey(a, lfirst(lc), model, &type_spec);
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
	if (strcmp(type_spec, "ENUM") == 0 || strncmp(type_spec, "ENUM(", 5) == 0)
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
	if (a->default_value)
		a->default_sql = a->enum_values ? EnumDefault(a, model) :
			OrmDefaultSql(a->default_value, a, model);
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

/* name: {"singular": ..., "plural": ...} */
static void
ParseNameOption(OrmModel *m, JsonbValue *v)
{
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

/* One model option. */
static void
ParseOption(OrmModel *m, OrmJsonField *f, char **table_name,
			JsonbValue **indexes)
{
	const char *k = f->key;
	JsonbValue *v = &f->value;

	if (strcmp(k, "tableName") == 0)
		*table_name = GetName(v, m->name, NULL, k);
	else if (strcmp(k, "freezeTableName") == 0)
		m->freeze_table_name = GetBool(v, m->name, NULL, k);
	else if (strcmp(k, "name") == 0)
		ParseNameOption(m, v);
	else if (strcmp(k, "schema") == 0)
		m->schema = GetName(v, m->name, NULL, k);
	else if (strcmp(k, "timestamps") == 0)
		m->timestamps = GetBool(v, m->name, NULL, k);
	else if (strcmp(k, "createdAt") == 0)
		m->created_at = TimestampName(v, m->name, k);
	else if (strcmp(k, "updatedAt") == 0)
		m->updated_at = TimestampName(v, m->name, k);
	else if (strcmp(k, "deletedAt") == 0)
		m->deleted_at = TimestampName(v, m->name, k);
	else if (strcmp(k, "paranoid") == 0)
		m->paranoid = GetBool(v, m->name, NULL, k);
	else if (strcmp(k, "underscored") == 0)
		m->underscored = GetBool(v, m->name, NULL, k);
	else if (strcmp(k, "comment") == 0)
		m->comment = GetString(v, m->name, NULL, k);
	else if (strcmp(k, "indexes") == 0)
	{
		if (!OrmJsonIsArray(v))
			WrongType(m->name, NULL, k, v, "an array");
		*indexes = palloc(sizeof(JsonbValue));
		**indexes = *v;
	}
	else if (strcmp(k, "version") == 0)
		m->version = TimestampName(v, m->name, k);
	else if (strcmp(k, "validate") == 0)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("option \"validate\" of model \"%s\" cannot be enforced", m->name),
				errdetail("Model validators are JavaScript functions; they cannot be written in JSON."),
				errhint("Put what can be checked on one attribute into that attribute's \"validate\"."));
	else
		UnrecognizedKey(m->name, NULL, k,
						"tableName, freezeTableName, name, schema, timestamps, createdAt, updatedAt, deletedAt, paranoid, underscored, comment, indexes, version");
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

/* Model options, with Sequelize's defaults. */
static void
ParseOptions(OrmModel *m, Jsonb *options, JsonbValue **indexes)
{
	char	   *table_name = NULL;
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
			ParseOption(m, lfirst(lc), &table_name, indexes);
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
	if (m->paranoid && m->timestamps && m->deleted_at == NULL)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("paranoid model \"%s\" needs deletedAt", m->name),
				errhint("Do not set \"deletedAt\" to false on a paranoid model."));
	CheckTimestampNames(m);
	if (!m->paranoid)
		m->deleted_at = NULL;
	else if (!m->timestamps)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("paranoid model \"%s\" needs timestamps", m->name),
				errhint("Set \"timestamps\" to true, or \"paranoid\" to false."));
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

		CHECK_FOR_INTERRUPTS();

		if (OrmFindAttribute(m, name))
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("attribute \"%s.%s\" is defined twice", m->name, name));
		v = getKeyJsonValueFromContainer(&attributes->root, name,
										 strlen(name), NULL);
		Assert(v != NULL);
		m->attributes = lappend(m->attributes, ParseAttribute(m->name, name, v));
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

/* Column names: given, or the attribute name (snake_case if underscored). */
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
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		if (a->field == NULL)
			a->field = m->underscored ? OrmUnderscore(a->name) : a->name;
		OrmCheckName("column", a->field);
		foreach(lc2, m->attributes)
		{
			OrmAttribute *b = lfirst(lc2);

			if (b == a)
				break;
			if (strcmp(b->field, a->field) == 0)
				ereport(ERROR,
						errcode(ERRCODE_DUPLICATE_COLUMN),
						errmsg("attributes \"%s.%s\" and \"%s.%s\" have the same column \"%s\"",
							   m->name, b->name, m->name, a->name, a->field));
		}
	}
}

/*
 * Parses one model from its name, attributes (jsonb, with the attribute
 * names in the order written) and options.  Type names resolve in
 * pg_catalog, the model's schema and public, whatever the caller's
 * search_path, so a model means the same in every session; pg_temp is
 * named last, or PostgreSQL would search it first and a session's
 * temporary types could stand in for real ones.
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
	nest = NewGUCNestLevel();
	(void) set_config_option("search_path",
							 psprintf("pg_catalog, %s, public, pg_temp",
									  quote_identifier(m->schema)),
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	ParseAttributes(m, attributes, order);
	AtEOXact_GUC(true, nest);
	AddDefaultAttributes(m);
	OrmAssignFields(m);
	foreach(lc, m->attributes)
		if (((OrmAttribute *) lfirst(lc))->enum_values)
			OrmResolveEnum(m, lfirst(lc));
	if (indexes)
		OrmParseIndexes(m, indexes);
	foreach(lc, m->attributes)
		OrmParseValidators(m, lfirst(lc));
	return m;
}
