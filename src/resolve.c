/*
 * resolve.c
 *		Resolving a schema as a whole: the associations in declaration
 *		order, then the columns they add, the indexes, and the references
 *		between models.
 *
 * Parsing (model_parse.c, association.c) reads one model or association
 * at a time; what depends on the others (a foreign key an association
 * adds, a reference to a later model, two models on one table) is settled
 * here, once every model is there.
 */
#include "postgres.h"

#include "access/stratnum.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "orm_core.h"
#include "orm_model.h"

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
 * The validators of the foreign keys associations added (a foreignKey
 * object's "validate"), once their columns are named.
 */
static void
FinishKeyAttributes(OrmModel *m)
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
		FinishKeyAttributes(m);
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
