/*
 * model_json.c
 *		Models and associations as normalized JSONB: every default filled
 *		in, types as format_type prints them.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"

static void
PushKey(JsonbParseState **st, const char *key)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	pushJsonbValue(st, WJB_KEY, &k);
}

static void
PushString(JsonbParseState **st, const char *key, const char *value)
{
	JsonbValue	v;

	PushKey(st, key);
	if (value == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.val = (char *) value;
		v.val.string.len = strlen(value);
	}
	pushJsonbValue(st, WJB_VALUE, &v);
}

static void
PushBool(JsonbParseState **st, const char *key, bool value)
{
	JsonbValue	v;

	PushKey(st, key);
	v.type = jbvBool;
	v.val.boolean = value;
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* Pushes a stored value; pushJsonbValue unpacks nested containers. */
static void
PushValue(JsonbParseState **st, const char *key, JsonbValue *value)
{
	PushKey(st, key);
	pushJsonbValue(st, WJB_VALUE, value);
}

static void
PushReferences(JsonbParseState **st, OrmAttribute *a)
{
	PushKey(st, "references");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PushString(st, "model", a->ref_target ? a->ref_target->table_name :
			   a->ref_model);
	PushString(st, "key", a->ref_key);
	if (a->deferrable)
		PushString(st, "deferrable",
				   strstr(a->deferrable, "DEFERRED") ? "INITIALLY_DEFERRED" :
				   strstr(a->deferrable, "IMMEDIATE") ? "INITIALLY_IMMEDIATE" : "NOT");
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
	PushString(st, "onDelete", a->on_delete ? a->on_delete : "NO ACTION");
	PushString(st, "onUpdate", a->on_update ? a->on_update : "NO ACTION");
}

static void
PushAttribute(JsonbParseState **st, OrmAttribute *a)
{
	PushKey(st, a->name);
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PushString(st, "field", a->field);
	PushString(st, "type", a->type_name);
	PushBool(st, "allowNull", a->allow_null);
	PushBool(st, "primaryKey", a->primary_key);
	PushBool(st, "autoIncrement", a->auto_increment);
	if (a->unique)
	{
		if (a->unique[0] == '\0')
			PushBool(st, "unique", true);
		else
			PushString(st, "unique", a->unique);
	}
	if (a->default_value)
		PushValue(st, "defaultValue", a->default_value);
	else if (a->origin == ORM_ATTR_TIMESTAMP && a->default_sql)
		PushString(st, "defaultValue", "NOW");
	if (a->comment)
		PushString(st, "comment", a->comment);
	if (a->ref_model)
		PushReferences(st, a);
	if (a->validate)
		PushValue(st, "validate", a->validate);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

static void
PushOptions(JsonbParseState **st, OrmModel *m)
{
	PushKey(st, "options");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PushBool(st, "timestamps", m->timestamps);
	PushBool(st, "paranoid", m->paranoid);
	PushBool(st, "underscored", m->underscored);
	PushBool(st, "freezeTableName", m->freeze_table_name);
	PushString(st, "createdAt", m->created_at);
	PushString(st, "updatedAt", m->updated_at);
	PushString(st, "deletedAt", m->deleted_at);
	if (m->version)
		PushString(st, "version", m->version);
	if (m->reject_on_empty)
		PushBool(st, "rejectOnEmpty", true);
	if (m->where_merge_and)
		PushString(st, "whereMergeStrategy", "and");
	if (m->default_scope)
		PushValue(st, "defaultScope", m->default_scope);
	if (m->scopes)
		PushValue(st, "scopes", m->scopes);
	if (m->unique_keys_given)
	{
		ListCell   *lc;

		PushKey(st, "uniqueKeys");
		pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
		foreach(lc, OrmUniqueGroups(m))
		{
			ListCell   *lc2;

			pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
			foreach(lc2, (List *) lfirst(lc))
			{
				JsonbValue	v = {.type = jbvString};

				v.val.string.val = lfirst(lc2);
				v.val.string.len = strlen(lfirst(lc2));
				pushJsonbValue(st, WJB_ELEM, &v);
			}
			pushJsonbValue(st, WJB_END_ARRAY, NULL);
		}
		pushJsonbValue(st, WJB_END_ARRAY, NULL);
	}
	PushKey(st, "name");
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	PushString(st, "singular", m->singular);
	PushString(st, "plural", m->plural);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
	if (m->comment)
		PushString(st, "comment", m->comment);
	pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/* The normalized definition of a model. */
Jsonb *
OrmModelToJsonb(OrmModel *m)
{
	JsonbParseState *st = NULL;
	JsonbValue *res;
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PushString(&st, "name", m->name);
	PushString(&st, "tableName", m->table_name);
	PushString(&st, "schema", m->schema);
	PushKey(&st, "attributes");
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, m->attributes)
		PushAttribute(&st, lfirst(lc));
	pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	PushOptions(&st, m);
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* The normalized definition of an association. */
Jsonb *
OrmAssociationToJsonb(OrmAssociation *a)
{
	JsonbParseState *st = NULL;
	JsonbValue *res;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	PushString(&st, "source", a->source->name);
	PushString(&st, "kind", OrmAssocKindName(a->kind));
	PushString(&st, "target", a->target->name);
	PushString(&st, "as", a->alias);
	PushString(&st, "foreignKey", a->foreign_key);
	if (a->source_key)
		PushString(&st, "sourceKey", a->source_key);
	if (a->target_key)
		PushString(&st, "targetKey", a->target_key);
	if (a->kind == ORM_BELONGS_TO_MANY)
	{
		PushString(&st, "otherKey", a->other_key);
		PushString(&st, "through", a->junction->table_name);
	}
	PushBool(&st, "constraints", a->constraints);
	PushString(&st, "onDelete", a->on_delete);
	PushString(&st, "onUpdate", a->on_update);
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* A model's normalized definition with its associations as source. */
Jsonb *
OrmDescribeModel(OrmSchema *schema, OrmModel *model)
{
	JsonbParseState *st = NULL;
	JsonbValue *root = OrmJsonRoot(OrmModelToJsonb(model));
	ListCell   *lc;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	foreach(lc, OrmJsonFields(root->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		PushValue(&st, f->key, &f->value);
	}
	PushKey(&st, "associations");
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);

		if (a->source == model)
			pushJsonbValue(&st, WJB_ELEM,
						   OrmJsonRoot(OrmAssociationToJsonb(a)));
	}
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}
