/*
 * model_indexes.c
 *		The "indexes" model option: parsed with the model, resolved with the
 *		schema (ddl_indexes.c writes them).
 *
 * An index is Sequelize's {"fields", "unique", "name", "using", "where",
 * ...} (the keys its postgres dialect reads, in index_keys below); a field
 * is an attribute (or column) name, or {"name" or "attribute", "order",
 * "collate", "operator"}.  The default name is Sequelize's: the table name
 * and the fields, joined with "_" and underscored.  The fields are only
 * names until the schema is resolved, since an index may name a column an
 * association adds.  A partial index's where is a find-style where object,
 * kept as JSON.
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "nodes/value.h"
#include "utils/builtins.h"
#include "utils/regproc.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_model.h"

static void
IndexError(OrmModel *m, const char *msg, const char *detail)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("invalid index of model \"%s\": %s", m->name, msg),
			detail ? errdetail("%s", detail) : 0);
}

/*
 * A name Sequelize writes into CREATE INDEX unquoted (using, operator):
 * folded and split as PostgreSQL's parser would read it, then quoted.
 */
static char *
UnquotedName(OrmModel *m, const char *key, const char *s, bool qualified)
{
	List	   *names;
	StringInfoData buf;
	ListCell   *lc;

	/* names only: "btree; DROP ..." is no name */
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.\"") != strlen(s) &&
		strchr(s, '"') == NULL)
		IndexError(m, psprintf("\"%s\" is not a valid %s", s, key), NULL);
#if PG_VERSION_NUM >= 160000
	names = stringToQualifiedNameList(s, NULL);
#else
	names = stringToQualifiedNameList(s);
#endif
	if (list_length(names) > (qualified ? 2 : 1))
		IndexError(m, psprintf("\"%s\" is not a valid %s", s, key), NULL);
	initStringInfo(&buf);
	foreach(lc, names)
		appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? "." : "",
						 quote_identifier(strVal(lfirst(lc))));
	return buf.data;
}

/* A direction as Sequelize writes it after a field, normalized, or NULL. */
static const char *
IndexOrder(const char *s)
{
	static const char *const orders[] = {
		"ASC", "DESC", "ASC NULLS FIRST", "ASC NULLS LAST",
		"DESC NULLS FIRST", "DESC NULLS LAST", "NULLS FIRST", "NULLS LAST"
	};

	for (int i = 0; i < (int) lengthof(orders); i++)
		if (pg_strcasecmp(s, orders[i]) == 0)
			return orders[i];
	return NULL;
}

/*
 * One entry of "fields": a name, or {"name"/"attribute", "order",
 * "collate", "operator", "length"} (length is MySQL's prefix length, which
 * Sequelize's postgres dialect leaves out).
 */
static void
ParseIndexField(OrmModel *m, OrmIndex *idx, JsonbValue *v, StringInfo names)
{
	OrmIndexField *field = palloc0(sizeof(OrmIndexField));
	ListCell   *lc;

	if (v->type == jbvString)
		field->name = OrmJsonString(v);
	else if (OrmJsonIsObject(v))
		foreach(lc, OrmJsonFields(v->val.binary.data))
		{
			OrmJsonField *f = lfirst(lc);

			if (strcmp(f->key, "length") == 0)
				continue;
			if (f->value.type != jbvString)
				IndexError(m, "field keys must be strings", NULL);
			if (strcmp(f->key, "name") == 0 || strcmp(f->key, "attribute") == 0)
				field->name = OrmJsonString(&f->value);
			else if (strcmp(f->key, "order") == 0 &&
					 IndexOrder(OrmJsonString(&f->value)))
				field->order = IndexOrder(OrmJsonString(&f->value));
			else if (strcmp(f->key, "collate") == 0)
				field->collate = OrmJsonString(&f->value);
			else if (strcmp(f->key, "operator") == 0)
				field->opclass = UnquotedName(m, "operator class",
											  OrmJsonString(&f->value), true);
			else
				IndexError(m, psprintf("unrecognized field key \"%s\"", f->key),
						   "A field is a name, or {\"name\", \"order\": \"ASC\" or \"DESC\", \"collate\", \"operator\"}.");
		}
	if (field->name == NULL)
		IndexError(m, "a field has no name", NULL);
	OrmCheckName("index field", field->name);
	idx->fields = lappend(idx->fields, field);
	appendStringInfo(names, "_%s", field->name);
}

typedef struct IndexParse
{
	OrmModel   *m;
	OrmIndex   *idx;
	StringInfo	names;			/* for the default name */
	char	   *opclass;		/* "operator" of the index */
} IndexParse;

typedef struct IndexKey IndexKey;
typedef bool (*IndexKeyParser) (IndexParse *ip, JsonbValue *v);

struct IndexKey
{
	OrmKeyword	kw;
	IndexKeyParser parse;		/* parsed keys: false on a wrong value */
};

static bool
IndexFields(IndexParse *ip, JsonbValue *v)
{
	ListCell   *lc;

	if (!OrmJsonIsArray(v))
		return false;
	foreach(lc, OrmJsonElements(v->val.binary.data))
		ParseIndexField(ip->m, ip->idx, lfirst(lc), ip->names);
	return true;
}

static bool
IndexUnique(IndexParse *ip, JsonbValue *v)
{
	if (v->type != jbvBool)
		return false;
	ip->idx->unique = v->val.boolean;
	return true;
}

/* type: "UNIQUE" is unique; FULLTEXT and SPATIAL are MySQL's, left out */
static bool
IndexType(IndexParse *ip, JsonbValue *v)
{
	if (v->type != jbvString)
		return false;
	if (pg_strcasecmp(OrmJsonString(v), "UNIQUE") == 0)
		ip->idx->unique = true;
	return true;
}

static bool
IndexName(IndexParse *ip, JsonbValue *v)
{
	if (v->type != jbvString)
		return false;
	ip->idx->name = OrmJsonString(v);
	OrmCheckName("index", ip->idx->name);
	return true;
}

/* using: written unquoted by Sequelize, so "BTREE" is btree */
static bool
IndexUsing(IndexParse *ip, JsonbValue *v)
{
	if (v->type != jbvString)
		return false;
	ip->idx->method = UnquotedName(ip->m, "index method", OrmJsonString(v), false);
	return true;
}

static bool
IndexOperator(IndexParse *ip, JsonbValue *v)
{
	if (v->type != jbvString)
		return false;
	ip->opclass = UnquotedName(ip->m, "operator class", OrmJsonString(v), true);
	return true;
}

static bool
IndexWhere(IndexParse *ip, JsonbValue *v)
{
	if (!OrmJsonIsObject(v))
		return false;
	ip->idx->where = palloc(sizeof(JsonbValue));
	*ip->idx->where = *v;
	return true;
}

/* The keys of an index, as Sequelize's postgres dialect reads them. */
static const IndexKey index_keys[] = {
	{{"fields", ORM_KEY_PARSED}, IndexFields},
	{{"unique", ORM_KEY_PARSED}, IndexUnique},
	{{"type", ORM_KEY_PARSED}, IndexType},
	{{"name", ORM_KEY_PARSED}, IndexName},
	{{"using", ORM_KEY_PARSED}, IndexUsing},
	{{"method", ORM_KEY_PARSED}, IndexUsing},
	{{"operator", ORM_KEY_PARSED}, IndexOperator},
	{{"where", ORM_KEY_PARSED}, IndexWhere},
	{{"concurrently", ORM_KEY_NOOP,
	"sync runs in one transaction, where CREATE INDEX CONCURRENTLY cannot; the index is built with an ordinary lock."}},
	{{"prefix", ORM_KEY_NOOP,
	"Sequelize names a model's indexes before it reads prefix."}},
	{{"parser", ORM_KEY_NOOP,
	"A MySQL FULLTEXT option; Sequelize's postgres dialect leaves it out."}},
};

/* One key of an index object. */
static void
ParseIndexKey(IndexParse *ip, OrmJsonField *f)
{
	const IndexKey *k = (const IndexKey *)
		OrmFindKeyword(index_keys, lengthof(index_keys), sizeof(IndexKey), f->key);

	if (k && k->kw.use != ORM_KEY_PARSED)
		return;
	if (k == NULL || !k->parse(ip, &f->value))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("invalid index of model \"%s\": unrecognized key \"%s\", or a value of the wrong type",
					   ip->m->name, f->key),
				errdetail("An index takes fields (an array), unique (a boolean), where (an object) and strings."),
				errhint("Valid keys are: %s.",
						OrmKeywordList(index_keys, lengthof(index_keys), sizeof(IndexKey))));
}

/*
 * Parses the "indexes" option of a model, and adds the GIN index of each
 * JSONB attribute with "index": true (after them, as Sequelize does).
 */
void
OrmParseIndexes(OrmModel *m, JsonbValue *indexes)
{
	ListCell   *lc;

	foreach(lc, indexes ? OrmJsonElements(indexes->val.binary.data) : NIL)
	{
		JsonbValue *v = lfirst(lc);
		OrmIndex   *idx = palloc0(sizeof(OrmIndex));
		StringInfoData names;
		IndexParse	ip = {m, idx, &names, NULL};
		ListCell   *lc2;

		if (!OrmJsonIsObject(v))
			IndexError(m, "an index must be an object", NULL);
		initStringInfo(&names);
		appendStringInfoString(&names, m->table_name);
		foreach(lc2, OrmJsonFields(v->val.binary.data))
			ParseIndexKey(&ip, lfirst(lc2));
		if (idx->fields == NIL)
			IndexError(m, "an index needs \"fields\"", NULL);
		foreach(lc2, idx->fields)
		{
			OrmIndexField *field = lfirst(lc2);

			if (field->opclass == NULL)
				field->opclass = ip.opclass;
		}
		if (idx->name == NULL)
		{
			idx->name = OrmUnderscore(names.data);
			idx->name[pg_mbcliplen(idx->name, strlen(idx->name),
								   NAMEDATALEN - 1)] = '\0';
		}
		m->indexes = lappend(m->indexes, idx);
	}
	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		OrmIndex   *idx;
		OrmIndexField *field;

		if (!a->gin_index)
			continue;
		idx = palloc0(sizeof(OrmIndex));
		field = palloc0(sizeof(OrmIndexField));
		field->name = a->field;
		idx->fields = list_make1(field);
		idx->method = "gin";
		idx->name = OrmUnderscore(psprintf("%s_%s", m->table_name, a->field));
		idx->name[pg_mbcliplen(idx->name, strlen(idx->name), NAMEDATALEN - 1)] = '\0';
		m->indexes = lappend(m->indexes, idx);
	}
	OrmResolveIndexes(m);
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
	return NULL;
}

/*
 * Resolves the fields of a model's indexes against its attributes, those
 * its associations added included; never fails (see OrmCheckIndexes).
 */
void
OrmResolveIndexes(OrmModel *m)
{
	ListCell   *lc;

	foreach(lc, m->indexes)
	{
		OrmIndex   *idx = lfirst(lc);
		ListCell   *lc2;

		idx->resolved = true;
		foreach(lc2, idx->fields)
		{
			OrmIndexField *field = lfirst(lc2);

			field->attr = IndexAttribute(m, field->name);
			idx->resolved &= field->attr != NULL;
		}
	}
}
