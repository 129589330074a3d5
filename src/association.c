/*
 * association.c
 *		Associations: their options, and what they add to the models.
 *
 * The defaults are Sequelize 6's, as its code does them
 * (lib/associations/{has-one,has-many,belongs-to,belongs-to-many}.js): the
 * alias, the foreign key name, the key type, onDelete / onUpdate by kind
 * and nullability, and lodash mergeDefaults when the foreign key is already
 * an attribute (what the attribute says wins; the association fills in what
 * it does not say).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/formatting.h"

#include "orm_models.h"

static const char *const kind_names[] =
{"hasOne", "hasMany", "belongsTo", "belongsToMany"};

/* The SQL-visible name of an association kind. */
const char *
OrmAssocKindName(OrmAssocKind kind)
{
	return kind_names[kind];
}

static OrmAssocKind
ParseKind(const char *kind, const char *source)
{
	for (int i = 0; i < (int) lengthof(kind_names); i++)
		if (strcmp(kind, kind_names[i]) == 0)
			return (OrmAssocKind) i;
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("unrecognized association kind \"%s\" for model \"%s\"",
				   kind, source),
			errhint("Use hasOne, hasMany, belongsTo or belongsToMany."));
	return ORM_HAS_ONE;
}

static void
AssocWrongType(OrmAssociation *a, const char *key, JsonbValue *v,
			   const char *expected)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("option \"%s\" of association %s.%s(%s) must be %s, not %s",
				   key, a->source->name, OrmAssocKindName(a->kind),
				   a->target->name, expected, OrmJsonTypeName(v)));
}

static char *
AssocName(OrmAssociation *a, const char *key, JsonbValue *v)
{
	char	   *s;

	if (v->type != jbvString)
		AssocWrongType(a, key, v, "a string");
	s = OrmJsonString(v);
	OrmCheckName(key, s);
	return s;
}

/* foreignKey: a name, or {"name", "allowNull", "field"} */
static void
ParseForeignKey(OrmAssociation *a, JsonbValue *v)
{
	ListCell   *lc;

	if (v->type == jbvString)
	{
		a->foreign_key = AssocName(a, "foreignKey", v);
		return;
	}
	if (!OrmJsonIsObject(v))
		AssocWrongType(a, "foreignKey", v, "a string or an object");
	foreach(lc, OrmJsonFields(v->val.binary.data))
	{
		OrmJsonField *f = lfirst(lc);

		if (strcmp(f->key, "name") == 0)
			a->foreign_key = AssocName(a, "foreignKey.name", &f->value);
		else if (strcmp(f->key, "field") == 0)
			a->fk_field = AssocName(a, "foreignKey.field", &f->value);
		else if (strcmp(f->key, "allowNull") == 0)
		{
			if (f->value.type != jbvBool)
				AssocWrongType(a, "foreignKey.allowNull", &f->value, "a boolean");
			a->fk_allow_null = f->value.val.boolean;
			a->fk_allow_null_given = true;
		}
		else
			ereport(ERROR,
					errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					errmsg("unrecognized key \"foreignKey.%s\" in association %s.%s(%s)",
						   f->key, a->source->name, OrmAssocKindName(a->kind),
						   a->target->name),
					errhint("Valid keys are: name, allowNull, field."));
	}
}

/* Fails on an option the kind of association does not take. */
static void
OptionNotForKind(OrmAssociation *a, const char *key)
{
	ereport(ERROR,
			errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			errmsg("option \"%s\" is not valid for a %s association",
				   key, OrmAssocKindName(a->kind)),
			errdetail("The association is %s.%s(%s).", a->source->name,
					  OrmAssocKindName(a->kind), a->target->name));
}

/* One association option. */
static void
ParseAssocOption(OrmAssociation *a, OrmJsonField *f)
{
	const char *k = f->key;
	JsonbValue *v = &f->value;
	bool		btm = a->kind == ORM_BELONGS_TO_MANY;

	if (strcmp(k, "as") == 0)
	{
		a->alias = AssocName(a, k, v);
		a->alias_given = true;
	}
	else if (strcmp(k, "foreignKey") == 0)
		ParseForeignKey(a, v);
	else if (strcmp(k, "sourceKey") == 0 && a->kind != ORM_BELONGS_TO)
		a->source_key = AssocName(a, k, v);
	else if (strcmp(k, "targetKey") == 0 && (btm || a->kind == ORM_BELONGS_TO))
		a->target_key = AssocName(a, k, v);
	else if (strcmp(k, "otherKey") == 0 && btm)
		a->other_key = AssocName(a, k, v);
	else if (strcmp(k, "through") == 0 && btm)
		a->through = AssocName(a, k, v);
	else if (strcmp(k, "onDelete") == 0 || strcmp(k, "onUpdate") == 0)
	{
		char	   *action;

		if (v->type != jbvString)
			AssocWrongType(a, k, v, "a string");
		action = OrmReferentialAction(v, psprintf("association %s.%s(%s)",
												  a->source->name,
												  OrmAssocKindName(a->kind),
												  a->target->name), NULL, k);
		if (k[2] == 'D')
			a->on_delete = action;
		else
			a->on_update = action;
	}
	else if (strcmp(k, "constraints") == 0)
	{
		if (v->type != jbvBool)
			AssocWrongType(a, k, v, "a boolean");
		a->constraints = v->val.boolean;
	}
	else if (strcmp(k, "sourceKey") == 0 || strcmp(k, "targetKey") == 0 ||
			 strcmp(k, "otherKey") == 0 || strcmp(k, "through") == 0)
		OptionNotForKind(a, k);
	else
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("unrecognized option \"%s\" for association %s.%s(%s)",
					   k, a->source->name, OrmAssocKindName(a->kind),
					   a->target->name),
				errhint("Valid options are: as, foreignKey, sourceKey, targetKey, otherKey, through, onDelete, onUpdate, constraints."));
}

/* Parses an association's options; resolution needs the whole schema. */
OrmAssociation *
OrmParseAssociation(OrmModel *source, const char *kind, OrmModel *target,
					Jsonb *options)
{
	OrmAssociation *a = palloc0(sizeof(OrmAssociation));
	ListCell   *lc;

	a->source = source;
	a->target = target;
	a->kind = ParseKind(kind, source->name);
	a->constraints = true;
	if (options && !JB_ROOT_IS_OBJECT(options))
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("options of association %s.%s(%s) must be an object",
					   source->name, kind, target->name));
	if (options)
		foreach(lc, OrmJsonFields(&options->root))
			ParseAssocOption(a, lfirst(lc));
	if (a->alias == NULL)
		a->alias = (a->kind == ORM_HAS_MANY || a->kind == ORM_BELONGS_TO_MANY) ?
			target->plural : target->singular;
	return a;
}

/* A key attribute named by an option, or the model's primary key. */
static OrmAttribute *
KeyAttribute(OrmAssociation *a, OrmModel *m, const char *name,
			 const char *option)
{
	OrmAttribute *key = name ? OrmFindAttribute(m, name) : OrmPrimaryKey(m);

	if (key == NULL)
		ereport(ERROR,
				errcode(ERRCODE_UNDEFINED_COLUMN),
				errmsg("%s \"%s\" of association %s.%s(%s) is not an attribute of model \"%s\"",
					   option, name, a->source->name, OrmAssocKindName(a->kind),
					   a->target->name, m->name));
	return key;
}

/* Sequelize's Utils.camelize([prefix, key].join('_')) */
static char *
KeyName(const char *prefix, const char *key)
{
	return OrmCamelize(psprintf("%s_%s", prefix, key));
}

/*
 * A new foreign key attribute with the type of the key it references (an
 * ENUM key's type may not exist before sync: its name is copied, not
 * looked up).
 */
static OrmAttribute *
KeyTypedAttribute(const char *name, OrmAttribute *key)
{
	OrmAttribute *fk = OrmMakeAttribute(name, INT4OID, true, ORM_ATTR_FOREIGN_KEY);

	fk->typid = key->typid;
	fk->typmod = key->typmod;
	fk->type_name = key->type_name;
	fk->type_sql = key->type_sql;
	return fk;
}

/*
 * The foreign key attribute on holder: the existing one, or a new one typed
 * like the key it references.  Returns whether it allows null, as Sequelize
 * judges it for the onDelete default (an existing attribute that does not
 * say allowNull counts as not null).
 */
static OrmAttribute *
ForeignKeyAttribute(OrmAssociation *a, OrmModel *holder, OrmAttribute *key,
					bool *nullable)
{
	OrmAttribute *fk = OrmFindAttribute(holder, a->foreign_key);

	if (fk == NULL)
	{
		fk = KeyTypedAttribute(a->foreign_key, key);
		if (a->fk_allow_null_given)
			fk->allow_null = a->fk_allow_null;
		fk->field = a->fk_field;
		holder->attributes = lappend(holder->attributes, fk);
		*nullable = fk->allow_null;
		return fk;
	}
	*nullable = fk->allow_null_given && fk->allow_null;
	if (!fk->allow_null_given)
	{
		fk->allow_null = a->fk_allow_null_given ? a->fk_allow_null : true;
		fk->allow_null_given = true;
	}
	if (fk->field == NULL)
		fk->field = a->fk_field;
	return fk;
}

/* Fills in references and actions the attribute does not state itself. */
static void
MergeConstraint(OrmAttribute *fk, OrmModel *ref, OrmAttribute *key,
				const char *on_delete, const char *on_update)
{
	if (fk->ref_model == NULL)
	{
		fk->ref_model = ref->table_name;
		fk->ref_target = ref;
	}
	if (fk->ref_key == NULL)
		fk->ref_key = key->field ? key->field : key->name;
	if (fk->on_delete == NULL)
		fk->on_delete = (char *) on_delete;
	if (fk->on_update == NULL)
		fk->on_update = (char *) on_update;
}

/* hasOne / hasMany / belongsTo: one foreign key, on target or source. */
static void
ResolveSingleKey(OrmAssociation *a)
{
	bool		belongs = a->kind == ORM_BELONGS_TO;
	OrmModel   *holder = belongs ? a->source : a->target;
	OrmModel   *ref = belongs ? a->target : a->source;
	OrmAttribute *key;
	OrmAttribute *fk;
	bool		nullable;

	key = belongs ? KeyAttribute(a, ref, a->target_key, "targetKey") :
		KeyAttribute(a, ref, a->source_key, "sourceKey");
	if (a->foreign_key == NULL && a->kind == ORM_HAS_MANY)
		a->foreign_key = KeyName(a->source->singular, OrmPrimaryKey(ref)->name);
	else if (a->foreign_key == NULL && a->kind == ORM_HAS_ONE)
		a->foreign_key = KeyName(OrmSingularize(a->alias_given ? a->alias :
												a->source->name),
								 OrmPrimaryKey(ref)->name);
	else if (a->foreign_key == NULL)
		a->foreign_key = KeyName(a->alias, OrmPrimaryKey(ref)->name);
	OrmCheckName("foreignKey", a->foreign_key);
	if (belongs)
		a->target_key = key->name;
	else
		a->source_key = key->name;
	fk = ForeignKeyAttribute(a, holder, key, &nullable);
	if (!a->constraints && a->on_delete == NULL && a->on_update == NULL)
		return;
	if (a->on_delete == NULL && a->constraints)
		a->on_delete = nullable ? "SET NULL" : (belongs ? "NO ACTION" : "CASCADE");
	if (a->on_update == NULL && a->constraints)
		a->on_update = "CASCADE";
	MergeConstraint(fk, ref, key, a->on_delete, a->on_update);
	a->on_delete = fk->on_delete;
	a->on_update = fk->on_update;
}

/* The junction of a belongsToMany: a defined model, or one made up. */
static OrmModel *
JunctionModel(OrmSchema *schema, OrmAssociation *a, bool *made_up)
{
	OrmModel   *j;
	OrmModel   *s = a->source;

	if (a->through == NULL)
	{
		const char *t1 = s->table_name;
		const char *t2 = a->source == a->target ? a->alias : a->target->table_name;
		char	   *l1 = asc_tolower(t1, strlen(t1));
		char	   *l2 = asc_tolower(t2, strlen(t2));

		a->through = strcmp(l1, l2) < 0 ? psprintf("%s%s", t1, t2) :
			psprintf("%s%s", t2, t1);
		OrmCheckName("through", a->through);
	}
	j = OrmFindReferenced(schema, a->through);
	*made_up = j == NULL || j->is_junction;
	if (j && !*made_up && OrmPrimaryKey(j) &&
		OrmPrimaryKey(j)->origin == ORM_ATTR_DEFAULT_PK)
	{
		/* Sequelize drops a through model's default id: the keys are the key */
		j->attributes = list_delete_ptr(j->attributes, OrmPrimaryKey(j));
		*made_up = true;
	}
	if (j)
		return j;
	j = palloc0(sizeof(OrmModel));
	j->name = j->table_name = a->through;
	j->singular = OrmSingularize(j->name);
	j->plural = OrmPluralize(j->name);
	j->schema = s->schema;
	j->underscored = s->underscored;
	j->timestamps = true;
	j->created_at = s->created_at ? s->created_at : "createdAt";
	j->updated_at = s->updated_at ? s->updated_at : "updatedAt";
	j->is_junction = true;
	j->owner = s->owner;
	for (int i = 0; i < 2; i++)
	{
		OrmAttribute *t = OrmMakeAttribute(i ? j->updated_at : j->created_at,
										   TIMESTAMPTZOID, false,
										   ORM_ATTR_TIMESTAMP);

		t->default_sql = "pg_catalog.now()";
		j->attributes = lappend(j->attributes, t);
	}
	schema->models = lappend(schema->models, j);
	return j;
}

/* One junction column: a key to source or target. */
static void
JunctionKey(OrmAssociation *a, OrmModel *j, const char *name, OrmModel *ref,
			OrmAttribute *key, bool made_up)
{
	OrmAttribute *fk = OrmFindAttribute(j, name);

	if (fk == NULL)
	{
		fk = KeyTypedAttribute(name, key);
		j->attributes = lappend(j->attributes, fk);
	}
	if (made_up)
	{
		fk->primary_key = true;
		fk->allow_null = false;
	}
	else if (fk->unique == NULL && !fk->primary_key)
		fk->unique = psprintf("%s_%s_%s_unique", j->table_name,
							  a->foreign_key, a->other_key);
	if (a->constraints)
		MergeConstraint(fk, ref, key,
						a->on_delete ? a->on_delete : "CASCADE",
						a->on_update ? a->on_update : "CASCADE");
}

/* belongsToMany: the junction and its two keys. */
static void
ResolveJunction(OrmSchema *schema, OrmAssociation *a)
{
	OrmAttribute *skey = KeyAttribute(a, a->source, a->source_key, "sourceKey");
	OrmAttribute *tkey = KeyAttribute(a, a->target, a->target_key, "targetKey");
	bool		made_up;

	if (a->source == a->target && !a->alias_given)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("belongsToMany self-association of model \"%s\" needs \"as\"",
					   a->source->name));
	a->source_key = skey->name;
	a->target_key = tkey->name;
	if (a->foreign_key == NULL)
		a->foreign_key = KeyName(a->source->singular, skey->name);
	if (a->other_key == NULL)
		a->other_key = KeyName(a->source == a->target ?
							   OrmSingularize(a->alias) : a->target->singular,
							   tkey->name);
	OrmCheckName("foreignKey", a->foreign_key);
	OrmCheckName("otherKey", a->other_key);
	if (strcmp(a->foreign_key, a->other_key) == 0)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
				errmsg("foreignKey and otherKey of association %s.belongsToMany(%s) are both \"%s\"",
					   a->source->name, a->target->name, a->foreign_key),
				errhint("The junction needs one column for each side."));
	a->junction = JunctionModel(schema, a, &made_up);
	JunctionKey(a, a->junction, a->foreign_key, a->source, skey, made_up);
	JunctionKey(a, a->junction, a->other_key, a->target, tkey, made_up);
	if (a->on_delete == NULL && a->constraints)
		a->on_delete = "CASCADE";
	if (a->on_update == NULL && a->constraints)
		a->on_update = "CASCADE";
}

/* Checks the alias against the source's attributes and other aliases. */
static void
CheckAlias(OrmSchema *schema, OrmAssociation *a)
{
	ListCell   *lc;

	if (OrmFindAttribute(a->source, a->alias))
		ereport(ERROR,
				errcode(ERRCODE_DUPLICATE_OBJECT),
				errmsg("alias \"%s\" of association %s.%s(%s) clashes with attribute \"%s.%s\"",
					   a->alias, a->source->name, OrmAssocKindName(a->kind),
					   a->target->name, a->source->name, a->alias),
				errhint("Choose another \"as\"."));
	foreach(lc, schema->associations)
	{
		OrmAssociation *b = lfirst(lc);

		if (b == a)
			break;
		if (b->source == a->source && strcmp(b->alias, a->alias) == 0)
			ereport(ERROR,
					errcode(ERRCODE_DUPLICATE_OBJECT),
					errmsg("model \"%s\" already has an association \"%s\"",
						   a->source->name, a->alias),
					errhint("Give the association a distinct \"as\"."));
	}
}

/*
 * Resolves one association against the schema: default names, the foreign
 * key attributes it adds or merges into, the junction of a belongsToMany.
 */
void
OrmResolveAssociation(OrmSchema *schema, OrmAssociation *a)
{
	if (a->kind == ORM_BELONGS_TO_MANY)
		ResolveJunction(schema, a);
	else
		ResolveSingleKey(a);
	CheckAlias(schema, a);
}
