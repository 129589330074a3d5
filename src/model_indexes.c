/*
 * model_indexes.c
 *		The "indexes" model option: parsed with the model, created by sync.
 *
 * An index is {"fields": [...], "unique", "name", "using", "where"} as in
 * Sequelize; a field is an attribute (or column) name, or {"name" or
 * "attribute", "order"}.  The default name is Sequelize's: the table name
 * and the fields, joined with "_" and underscored.  A partial index's
 * where is a find-style where object, written with literal values.
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "orm_models.h"

static void
IndexError(OrmModel *m, const char *msg, const char *detail)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("invalid index of model \"%s\": %s", m->name, msg),
			detail ? errdetail("%s", detail) : 0);
}

/* The attribute an index field names: by attribute name, else column. */
static OrmAttribute *
IndexAttribute(OrmModel *m, const char *name)
{
	OrmAttribute *a = OrmFindAttribute(m, name);
	ListCell   *lc;

	if (a)
		return a;
	foreach(lc, m->attributes)
	{
		a = lfirst(lc);
		if (strcmp(a->field, name) == 0)
			return a;
	}
	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_COLUMN),
			errmsg("index of model \"%s\" names \"%s\", which is not an attribute",
				   m->name, name));
	return NULL;
}

/* One entry of "fields": a name, or {"name"/"attribute", "order"} */
static void
ParseIndexField(OrmModel *m, OrmIndex *idx, JsonbValue *v, StringInfo names)
{
	const char *name = NULL;
	const char *order = "ASC";
	ListCell   *lc;

	if (v->type == jbvString)
		name = OrmJsonString(v);
	else if (OrmJsonIsObject(v))
		foreach(lc, OrmJsonFields(v->val.binary.data))
		{
			OrmJsonField *f = lfirst(lc);

			if (f->value.type != jbvString)
				IndexError(m, "field keys must be strings", NULL);
			if (strcmp(f->key, "name") == 0 || strcmp(f->key, "attribute") == 0)
				name = OrmJsonString(&f->value);
			else if (strcmp(f->key, "order") == 0 &&
					 (pg_strcasecmp(OrmJsonString(&f->value), "ASC") == 0 ||
					  pg_strcasecmp(OrmJsonString(&f->value), "DESC") == 0))
				order = pg_strcasecmp(OrmJsonString(&f->value), "ASC") == 0 ?
					"ASC" : "DESC";
			else
				IndexError(m, psprintf("unrecognized field key \"%s\"", f->key),
						   "A field is a name, or {\"name\", \"order\": \"ASC\" or \"DESC\"}.");
		}
	if (name == NULL)
		IndexError(m, "a field has no name", NULL);
	idx->fields = lappend(idx->fields, IndexAttribute(m, name));
	idx->directions = lappend(idx->directions, (char *) order);
	appendStringInfo(names, "_%s", name);
}

/* One key of an index object. */
static void
ParseIndexKey(OrmModel *m, OrmIndex *idx, OrmJsonField *f, StringInfo names)
{
	JsonbValue *v = &f->value;
	ListCell   *lc;

	if (strcmp(f->key, "fields") == 0 && OrmJsonIsArray(v))
		foreach(lc, OrmJsonElements(v->val.binary.data))
			ParseIndexField(m, idx, lfirst(lc), names);
	else if (strcmp(f->key, "unique") == 0 && v->type == jbvBool)
		idx->unique = v->val.boolean;
	else if (strcmp(f->key, "type") == 0 && v->type == jbvString &&
			 pg_strcasecmp(OrmJsonString(v), "UNIQUE") == 0)
		idx->unique = true;
	else if (strcmp(f->key, "name") == 0 && v->type == jbvString)
	{
		idx->name = OrmJsonString(v);
		OrmCheckName("index", idx->name);
	}
	else if ((strcmp(f->key, "using") == 0 || strcmp(f->key, "method") == 0) &&
			 v->type == jbvString)
		idx->method = OrmJsonString(v);
	else if (strcmp(f->key, "where") == 0 && OrmJsonIsObject(v))
	{
		idx->where = palloc(sizeof(JsonbValue));
		*idx->where = *v;
	}
	else
		IndexError(m, psprintf("unrecognized key \"%s\", or a value of the wrong type",
							   f->key),
				   "An index takes fields (array), unique (boolean), name, using (strings) and where (object).");
}

/* Parses the "indexes" option of a model, once its columns are known. */
void
OrmParseIndexes(OrmModel *m, JsonbValue *indexes)
{
	ListCell   *lc;

	foreach(lc, OrmJsonElements(indexes->val.binary.data))
	{
		JsonbValue *v = lfirst(lc);
		OrmIndex   *idx = palloc0(sizeof(OrmIndex));
		StringInfoData names;
		ListCell   *lc2;

		if (!OrmJsonIsObject(v))
			IndexError(m, "an index must be an object", NULL);
		initStringInfo(&names);
		appendStringInfoString(&names, m->table_name);
		foreach(lc2, OrmJsonFields(v->val.binary.data))
			ParseIndexKey(m, idx, lfirst(lc2), &names);
		if (idx->fields == NIL)
			IndexError(m, "an index needs \"fields\"", NULL);
		if (idx->where)
		{
			StringInfoData scratch;
			OrmParams	literals = {.literals = true};

			initStringInfo(&scratch);	/* checks the where now, not at sync */
			OrmAppendWhere(&scratch, m, NULL, idx->where, &literals);
		}
		if (idx->name == NULL)
		{
			idx->name = OrmUnderscore(names.data);
			idx->name[pg_mbcliplen(idx->name, strlen(idx->name),
								   NAMEDATALEN - 1)] = '\0';
		}
		m->indexes = lappend(m->indexes, idx);
	}
}

/* CREATE INDEX for one index of a model's "indexes". */
char *
OrmOneIndexSql(OrmModel *m, OrmIndex *idx)
{
	StringInfoData buf;
	ListCell   *f;
	ListCell   *d;

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE %sINDEX %s ON %s", idx->unique ? "UNIQUE " : "",
					 quote_identifier(idx->name), OrmQualifiedTable(m));
	if (idx->method)
		appendStringInfo(&buf, " USING %s", quote_identifier(idx->method));
	appendStringInfoString(&buf, " (");
	forboth(f, idx->fields, d, idx->directions)
		appendStringInfo(&buf, "%s%s%s", foreach_current_index(f) ? ", " : "",
						 quote_identifier(((OrmAttribute *) lfirst(f))->field),
						 strcmp(lfirst(d), "DESC") == 0 ? " DESC" : "");
	appendStringInfoChar(&buf, ')');
	if (idx->where)
	{
		OrmParams	literals = {.literals = true};

		appendStringInfoString(&buf, " WHERE ");
		OrmAppendWhere(&buf, m, NULL, idx->where, &literals);
	}
	return buf.data;
}

/* CREATE INDEX statements for a model's "indexes". */
List *
OrmIndexSql(OrmModel *m)
{
	List	   *stmts = NIL;
	ListCell   *lc;

	foreach(lc, m->indexes)
		stmts = lappend(stmts, OrmOneIndexSql(m, lfirst(lc)));
	return stmts;
}
