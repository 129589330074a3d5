/*
 * typescript.c
 *		orm.typescript(): TypeScript declarations of every model, from the
 *		catalog, for any client (the Node package's .d.ts builds on them).
 *
 * For each model: an interface of its attributes as find_* return them
 * through the Node package (integers and floats numbers, BIGINT and DECIMAL
 * strings as Sequelize's postgres dialect gives them, DATE a Date, DATEONLY
 * and TIME strings, an ENUM the union of its labels, json unknown, arrays
 * arrays; `| null` where the column may be null); an interface of what
 * creating a row takes (attributes with a default, an identity, a
 * timestamp or a null allowed are optional); and its associations (the
 * target, whether an array, the junction of a belongsToMany: the key its
 * row has in a target's row and that row's interface).  One map,
 * OrmModelTypes, names them all by model: the Node package's generics are
 * keyed by it (new OrmModels<OrmModelTypes>(pool)), so that findAll's
 * result type follows its include; OrmJunctionTypes lists the junction
 * rows.  Models that cannot be loaded are listed in a comment.
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_catalog.h"

PG_FUNCTION_INFO_V1(orm_typescript);

/* Words TypeScript reserves: not usable as interface names. */
static const char *const reserved[] = {
	"break", "case", "catch", "class", "const", "continue", "debugger",
	"default", "delete", "do", "else", "enum", "export", "extends", "false",
	"finally", "for", "function", "if", "import", "in", "instanceof", "new",
	"null", "return", "super", "switch", "this", "throw", "true", "try",
	"typeof", "var", "void", "while", "with", "implements", "interface",
	"let", "package", "private", "protected", "public", "static", "yield",
	"any", "boolean", "number", "string", "symbol", "type", "unknown",
	"never", "object", "undefined"
};

/* Whether s is an identifier TypeScript takes as a name. */
static bool
IsIdentifier(const char *s)
{
	if (!(*s == '_' || *s == '$' || isalpha((unsigned char) *s)))
		return false;
	for (const char *p = s + 1; *p; p++)
		if (!(*p == '_' || *p == '$' || isalnum((unsigned char) *p)))
			return false;
	for (int i = 0; i < (int) lengthof(reserved); i++)
		if (strcmp(s, reserved[i]) == 0)
			return false;
	return true;
}

/* A property name: bare when it can be, else a quoted string. */
static void
AppendPropertyName(StringInfo buf, const char *name)
{
	if (IsIdentifier(name))
		appendStringInfoString(buf, name);
	else
		escape_json(buf, name);
}

/*
 * The interface name of a model: its name when that is an identifier,
 * else "Model_" and its name with every other character an underscore.
 */
static char *
InterfaceName(OrmModel *m)
{
	StringInfoData buf;

	if (IsIdentifier(m->name))
		return m->name;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "Model_");
	for (const char *p = m->name; *p; p++)
		appendStringInfoChar(&buf, isalnum((unsigned char) *p) ? *p : '_');
	return buf.data;
}

/* The TypeScript type of values of a PostgreSQL type, as the package gives them. */
static void
AppendValueType(StringInfo buf, OrmAttribute *a, Oid typid, bool top)
{
	Oid			base;
	Oid			elem;
	ListCell   *lc;

	if (a->enum_values && top)
	{
		foreach(lc, a->enum_values)
		{
			appendStringInfoString(buf, foreach_current_index(lc) ? " | " : "");
			escape_json(buf, lfirst(lc));
		}
		return;
	}
	if (!OidIsValid(typid))
	{
		appendStringInfoString(buf, "unknown");	/* a type sync makes yet */
		return;
	}
	base = getBaseType(typid);
	elem = get_element_type(base);
	if (OidIsValid(elem))
	{
		appendStringInfoString(buf, "Array<");
		AppendValueType(buf, a, elem, false);
		appendStringInfoString(buf, ">");
		return;
	}
	switch (base)
	{
		case INT2OID:
		case INT4OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case OIDOID:
			appendStringInfoString(buf, "number");
			break;
		case BOOLOID:
			appendStringInfoString(buf, "boolean");
			break;
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			appendStringInfoString(buf, "Date");
			break;
		case JSONOID:
		case JSONBOID:
			appendStringInfoString(buf, "unknown");
			break;
		case BYTEAOID:
			appendStringInfoString(buf, "Buffer");
			break;
		default:
			/* bigint, numeric, text, uuid, date, time, ranges, inet, ... */
			if (get_typtype(base) == TYPTYPE_BASE &&
				(strcmp(format_type_be(base), "geometry") == 0 ||
				 strcmp(format_type_be(base), "geography") == 0))
				appendStringInfoString(buf, "{ type: string; [member: string]: unknown }");
			else
				appendStringInfoString(buf, "string");
			break;
	}
}

/* Whether creating a row may leave the attribute out. */
static bool
Optional(OrmModel *m, OrmAttribute *a)
{
	return a->allow_null || a->auto_increment || a->default_value ||
		a->origin == ORM_ATTR_TIMESTAMP || a->origin == ORM_ATTR_VERSION;
}

/* interface <name><suffix> { attr: type; ... } */
static void
AppendAttributes(StringInfo buf, OrmModel *m, const char *name, bool creation)
{
	ListCell   *lc;

	appendStringInfo(buf, "export interface %s%s {\n", name,
					 creation ? "CreationAttributes" : "");
	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		appendStringInfoString(buf, "  ");
		AppendPropertyName(buf, a->name);
		appendStringInfoString(buf, creation && Optional(m, a) ? "?: " : ": ");
		AppendValueType(buf, a, a->typid, true);
		if (a->allow_null)
			appendStringInfoString(buf, " | null");
		appendStringInfoString(buf, ";\n");
	}
	appendStringInfoString(buf, "}\n");
}

/*
 * interface <name>Associations { alias: { model, many, through? } }, with
 * through: { name: junction model, attributes: its interface }
 */
static void
AppendAssociations(StringInfo buf, OrmSchema *schema, OrmModel *m,
				   const char *name)
{
	ListCell   *lc;

	appendStringInfo(buf, "export interface %sAssociations {\n", name);
	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);
		bool		many = a->kind == ORM_HAS_MANY || a->kind == ORM_BELONGS_TO_MANY;

		if (a->source != m)
			continue;
		appendStringInfoString(buf, "  ");
		AppendPropertyName(buf, a->alias);
		appendStringInfoString(buf, ": { model: ");
		escape_json(buf, a->target->name);
		appendStringInfo(buf, "; many: %s", many ? "true" : "false");
		if (a->kind == ORM_BELONGS_TO_MANY)
		{
			appendStringInfoString(buf, "; through: { name: ");
			escape_json(buf, a->junction->name);
			appendStringInfo(buf, "; attributes: %s }", InterfaceName(a->junction));
		}
		appendStringInfoString(buf, " };\n");
	}
	appendStringInfoString(buf, "}\n");
}

/* The declarations of every model of a loaded schema. */
static char *
Declarations(OrmSchema *schema)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoString(&buf,
						   "// orm_models: the models of the catalog, as orm.typescript() writes them.\n"
						   "// With the Node package: new OrmModels<OrmModelTypes>(pool).model(\"User\")\n"
						   "// types each find's rows by its include and attributes.\n");
	foreach(lc, schema->broken)
	{
		OrmBroken  *b = lfirst(lc);

		if (b->alias == NULL)
			appendStringInfo(&buf, "// model %s cannot be loaded: %s\n", b->model,
							 b->error->message);
	}
	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);
		char	   *name = InterfaceName(m);

		appendStringInfoChar(&buf, '\n');
		AppendAttributes(&buf, m, name, false);
		if (m->is_junction)
			continue;
		AppendAttributes(&buf, m, name, true);
		AppendAssociations(&buf, schema, m, name);
	}
	appendStringInfoString(&buf, "\nexport interface OrmModelTypes {\n");
	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);
		char	   *name = InterfaceName(m);

		if (m->is_junction)
			continue;
		appendStringInfoString(&buf, "  ");
		escape_json(&buf, m->name);
		appendStringInfo(&buf, ": { attributes: %s; creation: %sCreationAttributes; associations: %sAssociations };\n",
						 name, name, name);
	}
	appendStringInfoString(&buf, "}\n\nexport interface OrmJunctionTypes {\n");
	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);

		if (!m->is_junction)
			continue;
		appendStringInfoString(&buf, "  ");
		escape_json(&buf, m->name);
		appendStringInfo(&buf, ": %s;\n", InterfaceName(m));
	}
	appendStringInfoString(&buf, "}\n");
	return buf.data;
}

/* orm.typescript() RETURNS text */
Datum
orm_typescript(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(Declarations(OrmCachedSchema())));
}
