/*
 * write_errors.c
 *		A failed write's error, said in the models' terms.
 *
 * The statement reads its values with json_to_recordset, so a bad value
 * fails as the type's input function says, without the attribute's name;
 * then (after the statement's subtransaction is rolled back) every value
 * of the call is converted in C, as the model's owner, as find_*'s where
 * values are, and the first bad one is the error.  A constraint violation
 * keeps its SQLSTATE and fields, its message naming the model and the
 * attribute (and, for a validator's CHECK, the validator).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "orm_util.h"
#include "orm_core.h"
#include "orm_sql.h"
#include "orm_catalog.h"
#include "orm_query.h"
#include "orm_write.h"

/* Converts one value of the data (its json text), failing as find_* do. */
static void
CheckValue(OrmModel *m, OrmAttribute *a, const char *start, int len)
{
	Jsonb	   *jb = OrmJsonToJsonb(cstring_to_text_with_len(start, len));
	Oid			base = getBaseType(a->typid);
	JsonbValue	v;

	if (base == JSONOID || base == JSONBOID)
		return;
	if (JB_ROOT_IS_SCALAR(jb))
		(void) JsonbExtractScalar(&jb->root, &v);
	else
	{
		v.type = jbvBinary;
		v.val.binary.data = &jb->root;
		v.val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
	if (v.type != jbvNull)
		(void) OrmValueDatum(&v, a, m, a->typid);
}

/* Converts the given values of one object of the data. */
static void
CheckObject(OrmModel *m, Bitmapset *given, const char *text, int len)
{
	OrmJsonSpan *obj = OrmJsonScan(text, len, 1);

	for (int i = 0; i < obj->nmembers; i++)
	{
		OrmJsonSpan *f = &obj->members[i];
		ListCell   *lc;

		foreach(lc, m->attributes)
			if (strcmp(((OrmAttribute *) lfirst(lc))->name, f->key) == 0 &&
				bms_is_member(foreach_current_index(lc), given))
				CheckValue(m, lfirst(lc), f->start, f->len);
	}
}

/* Converts every value the call gives; raises the first bad one. */
static void
CheckValues(OrmWrite *w)
{
	ListCell   *lc;

	if (w->set_json)
		CheckObject(w->model, w->set, VARDATA_ANY(w->set_json),
					VARSIZE_ANY_EXHDR(w->set_json));
	foreach(lc, w->levels)
	{
		OrmWriteLevel *level = lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, level->groups)
		{
			OrmWriteGroup *g = lfirst(lc2);
			ListCell   *lc3;

			foreach(lc3, g->rows)
			{
				OrmWriteRow *row = lfirst(lc3);

				CHECK_FOR_INTERRUPTS();
				CheckObject(level->model, g->given, row->text, row->len);
			}
		}
	}
}

/* The model whose table an error names, among those of the statement. */
static OrmModel *
ErrorModel(List *models, ErrorData *e)
{
	ListCell   *lc;

	if (e->table_name == NULL)
		return NULL;
	foreach(lc, models)
	{
		OrmModel   *m = lfirst(lc);

		if (strcmp(m->table_name, e->table_name) == 0 &&
			(e->schema_name == NULL || m->schema == NULL ||
			 strcmp(m->schema, e->schema_name) == 0))
			return m;
	}
	return NULL;
}

static OrmAttribute *
FieldAttribute(OrmModel *m, const char *field)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
		if (strcmp(((OrmAttribute *) lfirst(lc))->field, field) == 0)
			return lfirst(lc);
	return NULL;
}

/*
 * The attributes of a unique or foreign key violation, from its detail
 * ("Key (a, b)=(...) ..."): "Model.a", "Model.b".
 */
static char *
KeyAttributes(OrmModel *m, const char *detail)
{
	const char *start = detail ? strstr(detail, "Key (") : NULL;
	const char *end = start ? strstr(start, ")=(") : NULL;
	StringInfoData buf;
	char	   *cols;
	char	   *tok;
	char	   *save;

	if (end == NULL)
		return NULL;
	cols = pnstrdup(start + 5, end - start - 5);
	initStringInfo(&buf);
	for (tok = strtok_r(cols, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
	{
		OrmAttribute *a = FieldAttribute(m, tok);

		appendStringInfo(&buf, "%s\"%s.%s\"", buf.len ? ", " : "", m->name,
						 a ? a->name : tok);
	}
	return buf.len ? buf.data : NULL;
}

/* A validator's CHECK of a model by its constraint name, and its attribute. */
static OrmCheck *
NamedCheck(OrmModel *m, const char *name, OrmAttribute **attr)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		ListCell   *lc2;

		foreach(lc2, a->checks)
			if (name && strcmp(((OrmCheck *) lfirst(lc2))->name, name) == 0)
			{
				*attr = a;
				return lfirst(lc2);
			}
	}
	return NULL;
}

/* The message of a constraint violation, in the models' terms, or NULL. */
static char *
ViolationMessage(OrmModel *m, ErrorData *e)
{
	OrmAttribute *a = e->column_name ? FieldAttribute(m, e->column_name) : NULL;
	OrmCheck   *c;
	char	   *keys;

	switch (e->sqlerrcode)
	{
		case ERRCODE_NOT_NULL_VIOLATION:
			return a ? psprintf("attribute \"%s.%s\" cannot be null", m->name, a->name) : NULL;
		case ERRCODE_UNIQUE_VIOLATION:
			keys = KeyAttributes(m, e->detail);
			return keys ? psprintf("attribute %s must be unique", keys) : NULL;
		case ERRCODE_FOREIGN_KEY_VIOLATION:
			keys = KeyAttributes(m, e->detail);
			return keys ? psprintf("attribute %s violates foreign key constraint \"%s\"",
								   keys, e->constraint_name) : NULL;
		case ERRCODE_CHECK_VIOLATION:
			c = NamedCheck(m, e->constraint_name, &a);
			if (c)
				return psprintf("validation %s failed for attribute \"%s.%s\"%s%s",
								c->validator, m->name, a->name,
								c->msg ? ": " : "", c->msg ? c->msg : "");
			return psprintf("a row of model \"%s\" violates check constraint \"%s\"",
							m->name, e->constraint_name);
		default:
			return NULL;
	}
}

/*
 * Raises a write's error e (its statement rolled back): a bad value as the
 * attribute's, a constraint violation in the models' terms, anything else
 * as it was.
 */
void
OrmRaiseWriteError(OrmWrite *w, List *models, ErrorData *e)
{
	OrmModel   *m;
	char	   *msg;

	if (ERRCODE_TO_CATEGORY(e->sqlerrcode) == ERRCODE_DATA_EXCEPTION)
		CheckValues(w);
	m = ErrorModel(models, e);
	if (ERRCODE_TO_CATEGORY(e->sqlerrcode) != ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION ||
		m == NULL || (msg = ViolationMessage(m, e)) == NULL)
	{
		e->context = NULL;		/* the statement's text: not the caller's */
		ReThrowError(e);
	}
	ereport(ERROR,
			errcode(e->sqlerrcode),
			errmsg("%s", msg),
			errdetail("%s", e->detail ? e->detail : e->message),
			e->schema_name ? err_generic_string(PG_DIAG_SCHEMA_NAME, e->schema_name) : 0,
			e->table_name ? err_generic_string(PG_DIAG_TABLE_NAME, e->table_name) : 0,
			e->column_name ? err_generic_string(PG_DIAG_COLUMN_NAME, e->column_name) : 0,
			e->constraint_name ? err_generic_string(PG_DIAG_CONSTRAINT_NAME, e->constraint_name) : 0);
	pg_unreachable();
}
