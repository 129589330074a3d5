/*
 * schema.c
 *		Lookups by name in a loaded schema: models, attributes, keys,
 *		associations, the models that cannot be loaded; and the name of a
 *		model's table.
 *
 * Nothing here parses or resolves (resolve.c does): these are the lookups
 * every layer above uses, and they call nothing of orm_models'.
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "orm_core.h"

/* The model of that name, or NULL. */
OrmModel *
OrmFindModel(OrmSchema *schema, const char *name)
{
	ListCell   *lc;

	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);

		if (strcmp(m->name, name) == 0)
			return m;
	}
	return NULL;
}

/*
 * The model a "references.model" names: a model name first, else a table
 * name (Sequelize accepts both), or NULL for a table the catalog does not
 * know.
 */
OrmModel *
OrmFindReferenced(OrmSchema *schema, const char *name)
{
	OrmModel   *m = OrmFindModel(schema, name);
	ListCell   *lc;

	if (m)
		return m;
	foreach(lc, schema->models)
	{
		m = lfirst(lc);
		if (strcmp(m->table_name, name) == 0)
			return m;
	}
	return NULL;
}

/* The model's table, schema-qualified and quoted. */
char *
OrmQualifiedTable(OrmModel *m)
{
	return quote_qualified_identifier(m->schema, m->table_name);
}

/* The attribute of that name, or NULL. */
OrmAttribute *
OrmFindAttribute(OrmModel *model, const char *name)
{
	ListCell   *lc;

	foreach(lc, model->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (strcmp(a->name, name) == 0)
			return a;
	}
	return NULL;
}

/* The first primary key attribute (Sequelize's primaryKeyAttribute). */
OrmAttribute *
OrmPrimaryKey(OrmModel *model)
{
	ListCell   *lc;

	foreach(lc, model->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (a->primary_key)
			return a;
	}
	return NULL;
}

/*
 * Whether an attribute defines its column: of attributes mapped to one
 * column with "field", the last one does, as in Sequelize (whose
 * attributesToSQL keys the columns by field).
 */
bool
OrmIsColumnAttribute(OrmModel *model, OrmAttribute *a)
{
	bool		after = false;
	ListCell   *lc;

	foreach(lc, model->attributes)
	{
		OrmAttribute *b = lfirst(lc);

		if (b == a)
			after = true;
		else if (after && b->field && a->field && strcmp(b->field, a->field) == 0)
			return false;
	}
	return true;
}

/* Adds a column name to a list unless it is there. */
static List *
AddColumnName(List *names, char *name)
{
	ListCell   *lc;

	foreach(lc, names)
		if (strcmp(lfirst(lc), name) == 0)
			return names;
	return lappend(names, name);
}

/*
 * The columns of each table-level unique constraint, as Sequelize's
 * createTable makes them: the "uniqueKeys" option when given, else one
 * per group of the attributes' "unique" (a name, or an object), in the
 * order the groups first appear.  A List of Lists of column names.
 */
List *
OrmUniqueGroups(OrmModel *model)
{
	List	   *names = NIL;
	List	   *groups = NIL;
	ListCell   *lc;

	if (model->unique_keys_given)
	{
		foreach(lc, model->unique_keys)
		{
			List	   *cols = NIL;
			ListCell   *lc2;

			foreach(lc2, (List *) lfirst(lc))
			{
				char	   *name = lfirst(lc2);
				OrmAttribute *a = NULL;
				ListCell   *lc3;

				foreach(lc3, model->attributes)
					if (strcmp(((OrmAttribute *) lfirst(lc3))->field, name) == 0)
						a = lfirst(lc3);
				if (a == NULL)
					a = OrmFindAttribute(model, name);
				cols = AddColumnName(cols, a ? a->field : name);
			}
			groups = lappend(groups, cols);
		}
		return groups;
	}
	foreach(lc, model->attributes)
	{
		OrmAttribute *a = lfirst(lc);
		int			i;

		if (a->unique == NULL || a->unique[0] == '\0')
			continue;
		for (i = 0; i < list_length(names); i++)
			if (strcmp(list_nth(names, i), a->unique) == 0)
				break;
		if (i == list_length(names))
		{
			names = lappend(names, a->unique);
			groups = lappend(groups, NIL);
		}
		list_nth_cell(groups, i)->ptr_value =
			AddColumnName(list_nth(groups, i), a->field);
	}
	return groups;
}

/* The association of a source model with that alias, or NULL. */
OrmAssociation *
OrmFindAssociation(OrmSchema *schema, const char *source, const char *alias)
{
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);

		if (strcmp(a->source->name, source) == 0 &&
			strcmp(a->alias, alias) == 0)
			return a;
	}
	return NULL;
}

/*
 * The broken entry of a model (alias NULL) or of one of its associations,
 * or NULL.
 */
OrmBroken *
OrmFindBroken(OrmSchema *schema, const char *model, const char *alias)
{
	ListCell   *lc;

	foreach(lc, schema->broken)
	{
		OrmBroken  *b = lfirst(lc);

		if (strcmp(b->model, model) == 0 &&
			(alias ? b->alias && strcmp(b->alias, alias) == 0 : b->alias == NULL))
			return b;
	}
	return NULL;
}

/* Raises the error that keeps a model or association from loading. */
void
OrmRaiseBroken(OrmBroken *b)
{
	ErrorData  *e = b->error;

	ereport(ERROR,
			errcode(e->sqlerrcode),
			b->alias ?
			errmsg("association \"%s.%s\" cannot be loaded: %s", b->model,
				   b->alias, e->message) :
			errmsg("model \"%s\" cannot be loaded: %s", b->model, e->message),
			e->detail ? errdetail_internal("%s", e->detail) : 0,
			e->hint ? errhint("%s", e->hint) : 0);
	pg_unreachable();
}

/*
 * Fails when a change of the catalog left a model or association unable to
 * load that loaded before it: a definition must not break another.  The
 * error is the one loading it raised, as if nothing caught it.
 */
void
OrmCheckNewlyBroken(OrmSchema *before, OrmSchema *after)
{
	ListCell   *lc;

	foreach(lc, after->broken)
	{
		OrmBroken  *b = lfirst(lc);

		if (OrmFindBroken(before, b->model, b->alias) == NULL)
			ReThrowError(b->error);
	}
}

/*
 * The model a caller names: a defined model, or an error (its load error
 * when it cannot be loaded).
 */
OrmModel *
OrmLookupModel(OrmSchema *schema, const char *name)
{
	OrmModel   *m = OrmFindModel(schema, name);
	OrmBroken  *b;

	if (m && !m->is_junction)
		return m;
	if ((b = OrmFindBroken(schema, name, NULL)) != NULL)
		OrmRaiseBroken(b);
	ereport(ERROR,
			errcode(ERRCODE_UNDEFINED_OBJECT),
			errmsg("model \"%s\" does not exist", name));
	return NULL;
}
