/*
 * schema.c
 *		Lookups in a loaded schema, and resolving it as a whole.
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "orm_models.h"

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

/* Two models cannot share one table. */
static void
CheckTableUnique(OrmSchema *schema, OrmModel *m)
{
	ListCell   *lc;

	foreach(lc, schema->models)
	{
		OrmModel   *o = lfirst(lc);

		if (o == m)
			return;
		if (strcmp(o->table_name, m->table_name) == 0 &&
			strcmp(o->schema, m->schema) == 0)
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("models \"%s\" and \"%s\" have the same table %s",
						   o->name, m->name, OrmQualifiedTable(m)),
					errhint("Give one of them another \"tableName\" or \"schema\"."));
	}
}

/*
 * Whether a foreign key of type fk can reference a key of type key, as
 * PostgreSQL allows it: the key's btree operator family compares the two
 * (a bigint keyType referencing an integer key).
 */
static bool
ComparableKeys(Oid fk, Oid key)
{
	TypeCacheEntry *tc;

	if (!OidIsValid(fk) || !OidIsValid(key))
		return false;
	tc = lookup_type_cache(key, TYPECACHE_BTREE_OPFAMILY);
	return OidIsValid(tc->btree_opf) &&
		OidIsValid(get_opfamily_member(tc->btree_opf, fk, key, BTEqualStrategyNumber));
}

/*
 * A foreign key to a model must name one of its attributes (as a column)
 * and have that attribute's type, or one that type's operators compare.
 */
static void
CheckReference(OrmModel *m, OrmAttribute *a)
{
	OrmModel   *t = a->ref_target;
	OrmAttribute *key = NULL;
	ListCell   *lc;

	foreach(lc, t->attributes)
	{
		OrmAttribute *k = lfirst(lc);

		if (a->ref_key ? strcmp(k->field, a->ref_key) == 0 ||
			strcmp(k->name, a->ref_key) == 0 : k->primary_key)
		{
			key = k;
			break;
		}
	}
	if (key == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("attribute \"%s.%s\" references \"%s\", which is not an attribute of model \"%s\"",
					   m->name, a->name, a->ref_key ? a->ref_key : "(primary key)",
					   t->name));
	if (key->typid != a->typid && !ComparableKeys(a->typid, key->typid))
		ereport(ERROR,
				errcode(ERRCODE_DATATYPE_MISMATCH),
				errmsg("foreign key \"%s.%s\" of type %s cannot reference \"%s.%s\" of type %s",
					   m->name, a->name, a->type_name, t->name, key->name,
					   key->type_name));
}

/*
 * Resolves every association in declaration order, then names the columns
 * they added and links attribute references to the models they name.
 * schema->resolving holds the models the step under way concerns, so that
 * a caller that catches an error knows whose it is.
 */
void
OrmResolveSchema(OrmSchema *schema)
{
	ListCell   *lc;

	foreach(lc, schema->associations)
	{
		OrmAssociation *a = lfirst(lc);

		schema->resolving = list_make2(a->source, a->target);
		OrmResolveAssociation(schema, a);
	}
	schema->resolving = NIL;
	OrmSetAsideShadowed(schema);
	foreach(lc, schema->models)
	{
		OrmModel   *m = lfirst(lc);

		schema->resolving = list_make1(m);
		OrmAssignFields(m);
		OrmFinishKeyAttributes(m);
		OrmResolveIndexes(m);
		CheckTableUnique(schema, m);
	}
	/* after every model has its columns: a reference may name a later one */
	foreach(lc, schema->models)
	{
		schema->resolving = list_make1(lfirst(lc));
		OrmCheckReferences(schema, lfirst(lc));
	}
	schema->resolving = NIL;
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

/*
 * The validators of the foreign keys associations added (a foreignKey
 * object's "validate"), once their columns are named.
 */
void
OrmFinishKeyAttributes(OrmModel *m)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (a->origin == ORM_ATTR_FOREIGN_KEY && a->validate && a->checks == NIL)
			OrmParseValidators(m, a);
	}
}

/* Links a model's references to the models they name, and checks them. */
void
OrmCheckReferences(OrmSchema *schema, OrmModel *m)
{
	ListCell   *lc;

	foreach(lc, m->attributes)
	{
		OrmAttribute *a = lfirst(lc);

		if (a->ref_model && a->ref_target == NULL)
			a->ref_target = OrmFindReferenced(schema, a->ref_model);
		if (a->ref_target)
			CheckReference(m, a);
	}
}
